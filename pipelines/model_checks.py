"""The candidate's blocking gate: a version that does worse than today's rule at the outreach
capacity, or whose calibration error is beyond the stated tolerance, goes no further (no
committee report, never promoted). `abri promote` applies the same gate (models.registry.gate)."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from pipelines.model_assets import candidate_model
from pipelines.resources import AbriResource


@asset_check(asset=candidate_model, name="beats_the_rule", blocking=True,
             description="Out-of-time precision@k at capacity at least the rule's (same backtest months), "
                         "expected calibration error within tolerance.")
def beats_the_rule(abri: AbriResource) -> AssetCheckResult:
    from models.registry import gate

    entries = abri.registry.entries()
    if not entries:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR,
                                metadata={"raison": "aucune version dans le registre"})
    version = entries[-1]["version"]
    meta = abri.registry.metadata(version)
    passed, reasons = gate(meta, ece_tolerance=abri.ece_tolerance)
    by = {m["scorer"]: m for m in meta.get("metrics", [])}
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR, metadata={
        "version": version, "raison": "; ".join(reasons),
        "model_precision_at_k": MetadataValue.float(float(by.get("model", {}).get("precision_at_k", float("nan")))),
        "rule_precision_at_k": MetadataValue.float(float(by.get("rule", {}).get("precision_at_k", float("nan")))),
        "ece_tolerance": MetadataValue.float(abri.ece_tolerance)})


model_checks = [beats_the_rule]
