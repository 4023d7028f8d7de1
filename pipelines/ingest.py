"""Stage 1, ingestion: one asset per partner source (group "ingest"), thin wrappers over the
`ingest` library, and the asset checks on their staging tables (measures in ingest.quality).

A month whose file was already loaded (same SHA-256) is skipped and counted in `months_skipped`.
Blocking checks (a failure would corrupt downstream tables): row accounting, duplicate keys,
values out of range, and (household reference) the identity store agreeing with the warehouse.
Informative: null rates (and linkage), volume change against the previous month.
"""

import warnings
from collections.abc import Callable

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from abri import progress
from ingest import ORDER, IngestResult, guards, quality
from ingest.contract import SOURCES
from pipelines.partitions import monthly
from pipelines.resources import WAREHOUSE, IngestResource
from reports import fmt


def asset_key(source_name: str) -> AssetKey:
    return AssetKey(f"stg_{source_name}")


def _markdown(results: list[IngestResult]) -> str:
    lines = ["| mois | lignes | chargées | quarantaine | liaison | motifs |", "|---|---|---|---|---|---|"]
    for r in results:
        if r.skipped:
            lines.append(f"| {r.month} | {r.rows_in} | inchangé, ignoré | | | |")
            continue
        reasons = ", ".join(f"{c or 'ligne'}: {code} ×{n}" for c, code, n in r.quarantine_summary[:5])
        lines.append(f"| {r.month} | {r.rows_in} | {r.rows_loaded} | {r.rows_quarantined} | "
                     f"{fmt.percent(r.linkage_rate, 'fr')} | {reasons} |")
    return "\n".join(lines)


def build_ingest_asset(source_name: str) -> AssetsDefinition:
    src = SOURCES[source_name]

    @asset(
        pool=WAREHOUSE,
        name=f"stg_{source_name}",
        group_name="ingest",
        partitions_def=monthly,
        backfill_policy=BackfillPolicy.single_run(),
        deps=[] if source_name == "menages" else [asset_key("menages")],
        description=f"{src.label_fr} ({src.partner}): validated, pseudonymised rows of "
                    f"landing/{source_name}/<YYYY-MM>.{src.extension}; bad rows in quarantine.",
        kinds={"duckdb"},
    )
    def _ingest(context: AssetExecutionContext, ingest: IngestResource) -> MaterializeResult:
        months = list(context.partition_keys)
        results = []
        for i, month in enumerate(months, 1):
            results.append(ingest.ingest(source_name, month))
            progress.report(f"ingestion {source_name} {month}", i, len(months))
        rows_in = sum(r.rows_in for r in results)
        loaded = sum(r.rows_loaded for r in results)
        linked = sum(r.rows_linked for r in results)
        skipped = [r.month for r in results if r.skipped]
        return MaterializeResult(metadata={
            "months": len(results),
            "months_loaded": len(results) - len(skipped),
            "months_skipped": len(skipped),
            "skipped": MetadataValue.md(", ".join(skipped) or "aucun"),
            "rows_in": rows_in,
            "rows_loaded": loaded,
            "rows_quarantined": sum(r.rows_quarantined for r in results),
            "linkage_rate": MetadataValue.float(linked / loaded if loaded else 0.0),
            "preview": MetadataValue.md(_markdown(results)),
        })

    return _ingest


with warnings.catch_warnings():
    # BackfillPolicy is beta in 1.13; single-run backfills are what we rely on
    warnings.simplefilter("ignore", BetaWarning)
    ingest_assets = [build_ingest_asset(name) for name in ORDER]

CHECKS: tuple[tuple[str, Callable, bool], ...] = (
    ("row_accounting", quality.row_accounting, True),
    ("duplicate_keys", quality.duplicate_keys, True),
    ("values_in_range", quality.values_in_range, True),
    ("null_rates", quality.null_rates, False),
    ("volume_change", quality.volume_change, False),
)


def build_check(source_name: str, name: str, measure: Callable, blocking: bool) -> AssetChecksDefinition:
    @asset_check(pool=WAREHOUSE, asset=asset_key(source_name), name=name, blocking=blocking,
                 description=(measure.__doc__ or "").strip().split("\n")[0])
    def _check(ingest: IngestResource) -> AssetCheckResult:
        con = ingest.warehouse()
        try:
            city = {"city": ingest.city_config} if name == "values_in_range" else {}  # the city's postcodes
            passed, metadata = measure(con, source_name, **city)
        finally:
            con.close()
        return AssetCheckResult(passed=passed, metadata=metadata,
                                severity=AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN)

    return _check


@asset_check(pool=WAREHOUSE, asset=asset_key("menages"), name="identity_store_agrees", blocking=True,
             description="The identity store holds the same household-reference months as the warehouse.")
def identity_store_agrees(ingest: IngestResource) -> AssetCheckResult:
    con = ingest.warehouse()
    try:
        passed, metadata = guards.identity_months_agree(con, ingest.paths.identity_store)
    finally:
        con.close()
    return AssetCheckResult(passed=passed, metadata=metadata, severity=AssetCheckSeverity.ERROR)


ingest_checks = [build_check(s, n, m, b) for s in ORDER for n, m, b in CHECKS] + [identity_store_agrees]
