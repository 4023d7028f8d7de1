"""Asset checks on the feature table. Blocking: leakage (a protected attribute among the
features, or a feature that alone predicts the label almost perfectly). Informative: null
rates and the distribution shift of the latest month against the previous one."""


from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES
from models.monitoring import PSI_ALERT, psi
from pipelines.model_assets import features
from pipelines.resources import AbriResource

MAX_SINGLE_FEATURE_AUC = 0.99
MAX_NULL_RATE = 0.995


@asset_check(asset=features, blocking=True, description="No protected attribute among the features; no "
             "single feature predicts the label almost perfectly (a sign of leakage).")
def features_no_leakage(abri: AbriResource) -> AssetCheckResult:
    from sklearn.metrics import roc_auc_score

    con = abri.warehouse()
    try:
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'features'").fetchall()}
        protected = sorted(cols & (set(AUDIT_ATTRIBUTES) | {"age", "aah", "composition", "statut_occupation"}))
        sample = con.execute(f"SELECT {', '.join(FEATURE_NAMES)}, l.judgment_within_horizon::INT AS y FROM features "
                             "JOIN labels l USING (household_key, snapshot_month) USING SAMPLE 100000 ROWS "
                             "(reservoir, 3)").df() if "labels" in {r[0] for r in con.execute(
                                 "SELECT table_name FROM information_schema.tables").fetchall()} else None
    finally:
        con.close()
    worst = {}
    if sample is not None and 0 < sample["y"].sum() < len(sample):
        for name in FEATURE_NAMES:
            x = sample[name].astype(float).fillna(-1e9)
            auc = roc_auc_score(sample["y"], x)
            worst[name] = max(auc, 1 - auc)
    leaking = sorted(n for n, a in worst.items() if a >= MAX_SINGLE_FEATURE_AUC)
    top = dict(sorted(worst.items(), key=lambda kv: -kv[1])[:5])
    return AssetCheckResult(passed=not protected and not leaking, severity=AssetCheckSeverity.ERROR,
                            metadata={"protected_in_features": ", ".join(protected) or "aucun",
                                      "leaking_features": ", ".join(leaking) or "aucun",
                                      "best_single_feature_auc": MetadataValue.json({k: round(v, 3) for k, v in top.items()})})


@asset_check(asset=features, blocking=False, description="Null rate of each feature in the latest month.")
def features_null_rates(abri: AbriResource) -> AssetCheckResult:
    con = abri.warehouse()
    try:
        rates = con.execute("SELECT " + ", ".join(f"avg(({n} IS NULL)::INT) AS {n}" for n in FEATURE_NAMES)
                            + " FROM features WHERE snapshot_month = (SELECT max(snapshot_month) FROM features)").df()
    finally:
        con.close()
    r = rates.iloc[0].astype(float)
    full = sorted(r[r >= MAX_NULL_RATE].index)
    return AssetCheckResult(passed=not full, severity=AssetCheckSeverity.WARN,
                            metadata={"always_null": ", ".join(full) or "aucun",
                                      "null_rates": MetadataValue.json({k: round(v, 3) for k, v in r.items()})})


@asset_check(asset=features, blocking=False, description="Distribution shift (PSI) of the latest month "
             "against the previous one.")
def features_shift(abri: AbriResource) -> AssetCheckResult:
    con = abri.warehouse()
    try:
        months = [r[0] for r in con.execute("SELECT DISTINCT snapshot_month FROM features ORDER BY 1 DESC LIMIT 2")
                  .fetchall()]
        if len(months) < 2:
            return AssetCheckResult(passed=True, metadata={"note": "un seul mois : rien à comparer"})
        cur, prev = (con.execute(f"SELECT {', '.join(FEATURE_NAMES)} FROM features WHERE snapshot_month = ?", [m]).df()
                     for m in months)
    finally:
        con.close()
    values = {n: psi(prev[n].to_numpy(dtype=float), cur[n].to_numpy(dtype=float)) for n in FEATURE_NAMES}
    shifted = sorted(n for n, v in values.items() if v > PSI_ALERT)
    return AssetCheckResult(passed=not shifted, severity=AssetCheckSeverity.WARN,
                            metadata={"shifted": ", ".join(shifted) or "aucun",
                                      "psi": MetadataValue.json({k: round(v, 4) for k, v in values.items()})})


feature_checks = [features_no_leakage, features_null_rates, features_shift]
