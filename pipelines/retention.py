"""The monthly retention purge as a Dagster asset (`retention_purge`, job and schedule on the 1st),
and the purge of Dagster's own run records, which needs the instance."""


from datetime import UTC, datetime, timedelta

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    DagsterInstance,
    DefaultScheduleStatus,
    MaterializeResult,
    MetadataValue,
    RunsFilter,
    ScheduleDefinition,
    asset,
    define_asset_job,
)

from abri.config import Paths, Retention
from pipelines.resources import WAREHOUSE, AbriResource


def delete_old_runs(instance: DagsterInstance, days: int, *, keep: str | None = None) -> int:
    """Delete the run records (and their event logs) created more than `days` ago."""
    before = datetime.now(UTC) - timedelta(days=days)
    n = 0
    for record in instance.get_run_records(filters=RunsFilter(created_before=before)):
        if record.dagster_run.run_id != keep:
            instance.delete_run(record.dagster_run.run_id)
            n += 1
    return n


def purge_dagster_runs(paths: Paths, days: int) -> int:
    """`abri purge`: the same on <home>/dagster_home, if it exists."""
    if not (paths.dagster_home / "dagster.yaml").exists():
        return 0
    with DagsterInstance.from_config(str(paths.dagster_home.resolve())) as instance:
        return delete_old_runs(instance, days)


@asset(pool=WAREHOUSE, group_name="governance", kinds={"sqlite", "duckdb"},
       description="Applies the retention periods (abri.toml [retention], docs/security.md): old identity rows, "
                   "landing files, notes, access-log entries, Dagster runs; erased households cleaned again.")
def retention_purge(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
    from casework.chain import verify
    from casework.retention import purge

    retention = Retention.load(abri.home)
    report = purge(abri.paths, retention, by="dagster retention_purge")
    report.deleted["dagster.runs"] = delete_old_runs(context.instance, retention.dagster_runs_days,
                                                     keep=context.run.run_id)
    with abri.casework.connect() as con:
        check = verify(con)
    # the chain heads, kept in Dagster's history, make a later rewrite of the log detectable
    return MaterializeResult(metadata={**report.deleted, "chain_ok": check.ok,
                                       "access_log_head": check.heads["access_log"],
                                       "decisions_head": check.heads["decisions"],
                                       "periods": MetadataValue.json(vars(retention))})


retention_job = define_asset_job("retention_job", selection=AssetSelection.assets("retention_purge"))
retention_schedule = ScheduleDefinition(
    name="retention_schedule", job=retention_job, cron_schedule="0 3 1 * *", execution_timezone="Europe/Paris",
    default_status=DefaultScheduleStatus.STOPPED, description="On the 1st at 03:00: apply the retention periods.")
