"""Assets after ingestion, grouped by stage: features, model, audit, serving. Each is a few
lines around a library call, returning the metadata a data scientist wants to see."""


import hashlib
import warnings

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
)

from features.build import build_features, build_labels, summarize
from ingest.contract import SOURCES
from pipelines.partitions import monthly
from pipelines.resources import AbriResource

STAGING = [AssetKey(f"stg_{name}") for name in SOURCES]


def _md_table(df: pd.DataFrame, digits: int = 3) -> str:
    return df.round(digits).to_markdown(index=False) if len(df) else "_vide_"


with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)

    @asset(group_name="features", partitions_def=monthly, backfill_policy=BackfillPolicy.single_run(),
           deps=STAGING, kinds={"duckdb"},
           description="One row per (household_key, snapshot_month): point-in-time features "
                       "(features/declare.py); audit attributes kept apart in audit_attributes.")
    def features(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
        con = abri.warehouse()
        try:
            rebuilt = build_features(con, months=list(context.partition_keys),
                                     sectors=abri.city_config.district_sectors)
            rows = con.execute("SELECT strftime(snapshot_month, '%Y-%m') AS month, count(*) AS households, "
                               "avg((arrears_months IS NULL)::INT) AS no_landlord_data "
                               "FROM features WHERE strftime(snapshot_month, '%Y-%m') IN (SELECT unnest(?)) "
                               "GROUP BY 1 ORDER BY 1", [rebuilt]).df()
        finally:
            con.close()
        return MaterializeResult(metadata={"months": len(rows), "months_rebuilt": len(rebuilt),
                                           "rows": int(rows["households"].sum()),
                                           "lake": MetadataValue.path(str(abri.paths.lake / "features")),
                                           "preview": MetadataValue.md(_md_table(rows.tail(12)))})


@asset(group_name="features", deps=[features], kinds={"duckdb"},
       description="Eviction judgment within the horizon after each mature snapshot (12 months, "
                   "plus 3 months for court files to arrive).")
def labels(abri: AbriResource) -> MaterializeResult:
    con = abri.warehouse()
    try:
        build_labels(con, horizon=abri.horizon_months, court_delay=abri.court_delay_months)
        s = summarize(con)
    finally:
        con.close()
    return MaterializeResult(metadata={"label_rows": s.label_rows, "positives": s.positives,
                                       "base_rate": MetadataValue.float(s.positives / max(s.label_rows, 1))})


@asset(group_name="model", deps=[labels], kinds={"lightgbm"},
       description="A candidate LightGBM model trained on mature snapshots, tuned on forward-in-time "
                   "folds, calibrated, registered with its metadata; baselines beside it.")
def candidate_model(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
    from models.train import TrainConfig
    from models.workflow import train_candidate

    config = TrainConfig(seed=abri.seed, capacity=abri.capacity, horizon=abri.horizon_months,
                         delay=abri.court_delay_months)
    progress = lambda i, n: context.log.info(f"configuration {i}/{n} évaluée")  # noqa: E731
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
    return MaterializeResult(metadata={
        "version": version, "metrics": MetadataValue.md(_md_table(table)),
        "training_seconds": meta["training_seconds"], "energy_kwh": meta["energy"]["kwh"],
        "kg_co2e": meta["energy"]["kg_co2e"], "data_snapshot_sha256": meta["data_snapshot_sha256"]})


@asset(group_name="audit", deps=[candidate_model], kinds={"html"},
       description="The ethics committee's report for the newest candidate: fairness by group with "
                   "intervals (reports/<version>/audit.html) and explanations.")
def audit_report(abri: AbriResource) -> MaterializeResult:
    from fairness.model_audit import audit_version

    version = abri.registry.entries()[-1]["version"]
    out = abri.reports / version
    con = abri.warehouse()
    try:
        result, json_path, html_path = audit_version(con, version, out_dir=out, capacity=abri.capacity,
                                                     seed=abri.seed, metadata=abri.registry.metadata(version),
                                                     tolerance=abri.tolerance, min_cell=abri.min_cell,
                                                     n_boot=abri.audit_bootstrap)
    finally:
        con.close()
    extra = _explanations(abri, version, out)
    extra["mitigation"] = str(_mitigation(abri, version, out))
    verdicts = result.to_dict() if hasattr(result, "to_dict") else {}
    return MaterializeResult(metadata={
        "version": version, "report": str(html_path),
        "report_sha256": hashlib.sha256(html_path.read_bytes()).hexdigest(),
        "groups_audited": sum(len(s["groups"]) for s in verdicts.get("group_specs", [])),
        **extra})


def _explanations(abri: AbriResource, version: str, out) -> dict:
    """The SHAP explanation report and the documents of the version."""
    import json

    from abri.config import Retention
    from features.declare import FEATURE_NAMES
    from governance.documents import write_documents
    from models.explain import explanation_report

    con = abri.warehouse()
    try:
        month = con.execute("SELECT max(snapshot_month) FROM backtest_scores WHERE model_version = ?",
                            [version]).fetchall()[0][0]
        cols = ", ".join(FEATURE_NAMES)
        frame = con.execute(f"SELECT household_key, snapshot_month, {cols} FROM features WHERE snapshot_month = ?",
                            [month]).df()
        attrs = con.execute("SELECT * FROM audit_attributes WHERE snapshot_month = ?", [month]).df()
    finally:
        con.close()
    meta = abri.registry.metadata(version)
    path = explanation_report(booster=abri.registry.load(version), frame=frame, attributes=attrs, metadata=meta,
                              out_dir=out, seed=abri.seed, seed_boosters=_seed_boosters(abri, meta))
    record = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    impact_json = abri.reports / "impact" / "impact.json"
    docs = write_documents(metadata=meta, audit_record=record, out_dir=out, retention=Retention.load(abri.home),
                           design=abri.casework.current_design().to_dict(),
                           impact=json.loads(impact_json.read_text(encoding="utf-8")) if impact_json.exists() else None)
    return {"explanations": str(path), "documents": ", ".join(sorted(p.name for p in docs.values()))}


def _mitigation(abri: AbriResource, version: str, out):
    """Unmitigated vs Fairlearn's mitigations by tenure (the measurement gap). Compared on the
    backtest's last month (out-of-time scores); fitted on the two newest months whose labels
    were already known then (15 months earlier), so no mitigation learns from the future. Their
    scores come from the candidate itself, which saw those months: the fitted thresholds are
    indicative, which the committee's page says. Compared, never applied."""
    from fairness.mitigation import compare_mitigations, mitigation_report
    from features.declare import FEATURE_NAMES

    cols = ", ".join(f"f.{n}" for n in FEATURE_NAMES)
    con = abri.warehouse()
    try:
        test = con.execute(f"SELECT b.score, b.judgment_within_horizon::INT AS label, a.tenure, {cols} "
                           "FROM backtest_scores b JOIN features f USING (household_key, snapshot_month) "
                           "JOIN audit_attributes a USING (household_key, snapshot_month) WHERE b.model_version = ? "
                           "AND b.snapshot_month = (SELECT max(snapshot_month) FROM backtest_scores "
                           "WHERE model_version = ?)", [version, version]).df()
        train = con.execute(f"SELECT l.judgment_within_horizon::INT AS label, a.tenure, {cols} FROM features f "
                            "JOIN labels l USING (household_key, snapshot_month) "
                            "JOIN audit_attributes a USING (household_key, snapshot_month) "
                            "WHERE f.snapshot_month + to_months(?) <= (SELECT max(snapshot_month) "
                            "FROM backtest_scores WHERE model_version = ?) AND f.snapshot_month + to_months(?) "
                            "> (SELECT max(snapshot_month) FROM backtest_scores WHERE model_version = ?)",
                            # mature (horizon + court delay: 15 months by default), the 2 newest such months
                            [abri.horizon_months + abri.court_delay_months, version,
                             abri.horizon_months + abri.court_delay_months + 2, version]).df()
    finally:
        con.close()
    train["score"] = abri.registry.load(version).predict(train[list(FEATURE_NAMES)])
    comparison = compare_mitigations(train=train, test=test, features=list(FEATURE_NAMES), label="label",
                                     score="score", group="tenure", capacity=abri.capacity, seed=abri.seed,
                                     min_cell=abri.min_cell)
    return mitigation_report(comparison, group="tenure", out_dir=out)


def _seed_boosters(abri: AbriResource, meta: dict, seeds: int = 2, rows: int = 300_000) -> list:
    """The final model refitted with other seeds on a sample of its training months, to show
    whether its top reasons are stable. A sample is enough for that and keeps the audit from
    repeating a Paris-scale training twice."""
    from features.build import training_frame
    from models.train import TrainConfig, fit_lgbm

    con = abri.warehouse()
    try:
        train = training_frame(con, months=meta["training_window"]["train"], sample=rows, seed=meta["seed"])
    finally:
        con.close()
    keys = ("num_leaves", "learning_rate", "min_data_in_leaf", "feature_fraction", "l2_per_row")
    params = {k: meta["parameters"][k] for k in keys if k in meta["parameters"]}
    return [fit_lgbm(train, None, params, TrainConfig(seed=meta["seed"] + i), rounds=meta["best_rounds"])
            for i in range(1, seeds + 1)]


@asset(group_name="serving", deps=[features], kinds={"duckdb"},
       description="The champion scores the latest month (the rule when no approved version beats it): "
                   "scores, each sector's outreach list within capacity, reasons in French, drift.")
def outreach_lists(abri: AbriResource) -> MaterializeResult:
    from abri.config import Retention
    from casework.subject import excluded_households
    from models.impact import recently_assigned
    from models.registry import serving_version
    from models.score import RULE_VERSION
    from models.workflow import score_month

    version, why = serving_version(abri.registry, ece_tolerance=abri.ece_tolerance)
    design = abri.casework.current_design()  # the committee's design; "none" until it decides
    con = abri.warehouse()
    try:
        month = str(con.execute("SELECT max(snapshot_month) FROM features").fetchall()[0][0])[:7]
        exclude = recently_assigned(con, month) if design.randomised else None
        excluded = excluded_households(abri.casework,
                                       refusal_months=Retention.load(abri.home).refusal_exclusion_months)
        out = score_month(con, abri.registry, version or RULE_VERSION, month=month, capacity=abri.capacity,
                          design=design, seed=abri.seed, exclude=exclude, excluded=excluded)
        by_sector = con.execute("SELECT sector, count(*) AS listed, min(probability) AS min_probability FROM outreach "
                                "WHERE strftime(snapshot_month, '%Y-%m') = ? GROUP BY 1 ORDER BY 1",
                                [out["month"]]).df()
    finally:
        con.close()
    return MaterializeResult(metadata={**out, "status": why, "by_sector": MetadataValue.md(_md_table(by_sector))})


@asset(group_name="serving", deps=[outreach_lists, audit_report], kinds={"duckdb"},
       description="serving.duckdb, written anew and swapped in atomically for the dashboard.")
def serving_database(abri: AbriResource) -> MaterializeResult:
    from pipelines.serving import publish

    summary = publish(abri.paths.warehouse, abri.serving_path, registry=abri.registry,
                      demonstration=abri.demonstration, extra_tables=_fairness_tables(abri))
    return MaterializeResult(metadata={"path": str(summary.path), "snapshot_month": summary.snapshot_month or "",
                                       "model_version": summary.model_version or "",
                                       "tables": MetadataValue.json(summary.tables)})


def _fairness_tables(abri: AbriResource) -> dict:
    """fairness_summary: every version's audited groups (suppressed cells stay suppressed)."""
    import json

    rows = []
    for e in abri.registry.entries():
        path = abri.reports / e["version"] / "audit.json"
        if not path.exists():
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        rows += fairness_rows(e["version"], record)
    return {"fairness_summary": pd.DataFrame(rows)} if rows else {}


def fairness_rows(version: str, record: dict) -> list[dict]:
    """Flatten audit.json into (version, spec, group, metric, value, ci, ratio, verdict) rows."""
    out = []
    for spec in record.get("group_specs", []):
        for group in spec.get("groups", []):
            for metric, m in (group.get("metrics") or {}).items():
                if not isinstance(m, dict):
                    continue
                ci = m.get("ci") or [None, None]
                rci = m.get("ratio_ci") or [None, None]
                out.append({"model_version": version, "spec": spec.get("name"), "group": group.get("group"),
                            "n": group.get("n"), "metric": metric, "value": m.get("value"),
                            "ci_low": ci[0], "ci_high": ci[1], "ratio": m.get("ratio"), "ratio_ci_low": rci[0],
                            "ratio_ci_high": rci[1], "verdict": m.get("verdict"),
                            "headline_verdict": group.get("verdict")})
    return out


downstream_assets = [features, labels, candidate_model, audit_report, outreach_lists, serving_database]
