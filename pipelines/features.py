"""Stage 2, features: the monthly feature partitions, the labels, and the checks on the feature
table (their logic in features/checks.py). Blocking: leakage. Informative: features always
missing in the latest month, distribution shift against the previous month."""

import warnings

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from abri import progress
from features import checks
from features.build import build_features, build_labels, summarize
from ingest.contract import SOURCES
from pipelines.metadata import md_table
from pipelines.partitions import monthly
from pipelines.resources import WAREHOUSE, AbriResource

STAGING = [AssetKey(f"stg_{name}") for name in SOURCES]

with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)

    @asset(pool=WAREHOUSE, group_name="features", partitions_def=monthly, backfill_policy=BackfillPolicy.single_run(),
           deps=STAGING, kinds={"duckdb"},
           description="One row per (household_key, snapshot_month): point-in-time features "
                       "(features/declare.py); audit attributes kept apart in audit_attributes.")
    def features(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
        months = list(context.partition_keys)
        # one set-based build for every month: abri run's bar shows how many, before and after
        progress.report("indicateurs : mois", 0, len(months))
        con = abri.warehouse()
        try:
            rebuilt = build_features(con, months=months, sectors=abri.city_config.district_sectors)
            rows = con.execute("SELECT strftime(snapshot_month, '%Y-%m') AS month, count(*) AS households, "
                               "avg((arrears_months IS NULL)::INT) AS no_landlord_data "
                               "FROM features WHERE strftime(snapshot_month, '%Y-%m') IN (SELECT unnest(?)) "
                               "GROUP BY 1 ORDER BY 1", [rebuilt]).df()
        finally:
            con.close()
        progress.report("indicateurs : mois", len(months), len(months))
        return MaterializeResult(metadata={"months": len(rows), "months_rebuilt": len(rebuilt),
                                           "rows": int(rows["households"].sum()),
                                           "lake": MetadataValue.path(str(abri.paths.lake / "features")),
                                           "preview": MetadataValue.md(md_table(rows.tail(12)))})


@asset(pool=WAREHOUSE, group_name="features", deps=[features], kinds={"duckdb"},
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


def _result(abri: AbriResource, measure, *, blocking: bool, **options) -> AssetCheckResult:
    con = abri.warehouse()
    try:
        passed, metadata = measure(con, **options)
    finally:
        con.close()
    shown = {k: MetadataValue.json(v) if isinstance(v, dict) else v for k, v in metadata.items()}
    return AssetCheckResult(passed=passed, metadata=shown,
                            severity=AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN)


@asset_check(pool=WAREHOUSE, asset=features, blocking=True, description="No protected attribute among the features; no "
             "single feature predicts the label almost perfectly (a sign of leakage).")
def features_no_leakage(abri: AbriResource) -> AssetCheckResult:
    return _result(abri, checks.leakage_in_warehouse, blocking=True, sample=abri.leakage_sample_rows)


@asset_check(pool=WAREHOUSE, asset=features, blocking=False, description="Null rate of each feature in the latest month.")
def features_null_rates(abri: AbriResource) -> AssetCheckResult:
    return _result(abri, checks.null_rates_in_warehouse, blocking=False)


@asset_check(pool=WAREHOUSE, asset=features, blocking=False, description="Distribution shift (PSI) of the latest month "
             "against the previous one.")
def features_shift(abri: AbriResource) -> AssetCheckResult:
    return _result(abri, checks.shift_in_warehouse, blocking=False)


feature_assets = [features, labels]
feature_checks = [features_no_leakage, features_null_rates, features_shift]
