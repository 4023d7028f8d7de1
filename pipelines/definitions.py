"""The Dagster code location (`dagster dev -m pipelines.definitions`): assembly only."""

from dagster import Definitions, in_process_executor

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
from pipelines.resources import build_resources

# one process: DuckDB allows a single writer per warehouse file
defs = Definitions(
    assets=[*ingest_assets, *downstream_assets, *impact_assets],
    asset_checks=[*ingest_checks, *feature_checks],
    jobs=[ingest_job, retrain_job],
    sensors=[landing_sensor],
    schedules=[monthly_ingest_schedule, retrain_schedule],
    resources=build_resources(),
    executor=in_process_executor,
)
