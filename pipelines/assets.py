"""One ingestion asset per partner source (group "ingest"): thin wrappers over ingest.
A month whose file was already loaded (same SHA-256) is skipped and counted in `months_skipped`."""

import warnings

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    BackfillPolicy,
    BetaWarning,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingest import ORDER, IngestResult
from ingest.contract import SOURCES
from pipelines.partitions import monthly
from pipelines.resources import IngestResource


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
                     f"{r.linkage_rate:.1%} | {reasons} |")
    return "\n".join(lines)


def build_ingest_asset(source_name: str) -> AssetsDefinition:
    src = SOURCES[source_name]

    @asset(
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
        results = [ingest.ingest(source_name, month) for month in context.partition_keys]
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
