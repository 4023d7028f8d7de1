"""Asset checks on the staging tables; the measures live in ingest.quality.

Blocking (a failure would corrupt downstream tables): row accounting, duplicate keys, values
out of range, and (household reference) the identity store agreeing with the warehouse. Informative: null rates (and linkage), volume change against the previous month.
"""

from __future__ import annotations

from collections.abc import Callable

from dagster import AssetCheckResult, AssetChecksDefinition, AssetCheckSeverity, asset_check

from ingest import ORDER, guards, quality
from pipelines.assets import asset_key
from pipelines.resources import IngestResource

CHECKS: tuple[tuple[str, Callable, bool], ...] = (
    ("row_accounting", quality.row_accounting, True),
    ("duplicate_keys", quality.duplicate_keys, True),
    ("values_in_range", quality.values_in_range, True),
    ("null_rates", quality.null_rates, False),
    ("volume_change", quality.volume_change, False),
)


def build_check(source_name: str, name: str, measure: Callable, blocking: bool) -> AssetChecksDefinition:
    @asset_check(asset=asset_key(source_name), name=name, blocking=blocking,
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


@asset_check(asset=asset_key("menages"), name="identity_store_agrees", blocking=True,
             description="The identity store holds the same household-reference months as the warehouse.")
def identity_store_agrees(ingest: IngestResource) -> AssetCheckResult:
    con = ingest.warehouse()
    try:
        passed, metadata = guards.identity_months_agree(con, ingest.paths.identity_store)
    finally:
        con.close()
    return AssetCheckResult(passed=passed, metadata=metadata, severity=AssetCheckSeverity.ERROR)


ingest_checks = [build_check(s, n, m, b) for s in ORDER for n, m, b in CHECKS] + [identity_store_agrees]
