"""Stage 3, the model: a candidate trained on the mature snapshots, and its blocking gate.

`candidate_model`'s value is the version it registered: the committee's assets and the gate
receive it from there (Dagster's IO manager), never from "the newest registry entry". The gate:
a version that does worse than today's rule at the outreach capacity, or whose calibration
error is beyond the stated tolerance, goes no further (no committee pack, never promoted);
`abri promote` applies the same gate (models.registry.gate)."""


import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from abri.progress import report
from pipelines.features import labels
from pipelines.metadata import md_table
from pipelines.resources import WAREHOUSE, AbriResource


@asset(pool=WAREHOUSE, group_name="model", deps=[labels], kinds={"lightgbm"},
       description="A candidate LightGBM model trained on mature snapshots, tuned on forward-in-time "
                   "folds, calibrated, registered with its metadata; baselines beside it. Its value: "
                   "the registered version.")
def candidate_model(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
    from models.train import TrainConfig
    from models.workflow import train_candidate

    config = TrainConfig(seed=abri.seed, capacity=abri.capacity, horizon=abri.horizon_months,
                         delay=abri.court_delay_months, logistic_max_rows=abri.logistic_max_rows,
                         max_negatives=abri.train_max_negatives, threads=abri.train_threads)

    def progress(i: int, n: int) -> None:
        context.log.info(f"configuration {i}/{n} évaluée")
        report("entraînement : configuration", i, n)

    con = abri.warehouse()
    try:
        if abri.engine == "dask":
            from models.dask_train import train_candidate_dask

            version = train_candidate_dask(con, abri.registry, config, workers=abri.workers,
                                           scheduler=abri.scheduler or None, progress=progress)
        else:
            version = train_candidate(con, abri.registry, config, progress=progress)
    finally:
        con.close()
    meta = abri.registry.metadata(version)
    table = pd.DataFrame(meta["metrics"])[["scorer", "precision_at_k", "recall_at_k", "lift_at_k", "roc_auc", "pr_auc"]]
    return MaterializeResult(value=version, metadata={
        "version": version, "metrics": MetadataValue.md(md_table(table)),
        "training_seconds": meta["training_seconds"], "energy_kwh": meta["energy"]["kwh"],
        "kg_co2e": meta["energy"]["kg_co2e"], "data_snapshot_sha256": meta["data_snapshot_sha256"]})


@asset_check(asset=candidate_model, name="beats_the_rule", blocking=True,
             description="Out-of-time precision@k at capacity at least the rule's (same backtest months), "
                         "expected calibration error within tolerance.")
def beats_the_rule(abri: AbriResource, candidate_model: str) -> AssetCheckResult:
    from models.registry import gate

    meta = abri.registry.metadata(candidate_model)
    passed, reasons = gate(meta, ece_tolerance=abri.ece_tolerance)
    by = {m["scorer"]: m for m in meta.get("metrics", [])}
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR, metadata={
        "version": candidate_model, "raison": "; ".join(reasons),
        "model_precision_at_k": MetadataValue.float(float(by.get("model", {}).get("precision_at_k", float("nan")))),
        "rule_precision_at_k": MetadataValue.float(float(by.get("rule", {}).get("precision_at_k", float("nan")))),
        "ece_tolerance": MetadataValue.float(abri.ece_tolerance)})


model_assets = [candidate_model]
model_checks = [beats_the_rule]
