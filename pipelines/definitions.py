"""The Dagster code location (`dagster dev -m pipelines.definitions`): assembly only."""

from dagster import Definitions, in_process_executor

from abri.files import owner_only
from pipelines.assets import ingest_assets
from pipelines.automation import (
    ingest_job,
    landing_sensor,
    monthly_ingest_schedule,
    retrain_job,
    retrain_schedule,
)
from pipelines.checks import ingest_checks
from pipelines.feature_checks import feature_checks
from pipelines.impact_assets import impact_assets
from pipelines.model_assets import downstream_assets
from pipelines.model_checks import model_checks
from pipelines.resources import build_resources
from pipelines.retention import retention_job, retention_purge, retention_schedule

# `dagster dev` and its run workers create stores, reports and run records: owner-only, as
# under the `abri` command (abri/files.py)
owner_only()

# one process: DuckDB allows a single writer per warehouse file
defs = Definitions(
    assets=[*ingest_assets, *downstream_assets, *impact_assets, retention_purge],
    asset_checks=[*ingest_checks, *feature_checks, *model_checks],
    jobs=[ingest_job, retrain_job, retention_job],
    sensors=[landing_sensor],
    schedules=[monthly_ingest_schedule, retrain_schedule, retention_schedule],
    resources=build_resources(),
    executor=in_process_executor,
)
