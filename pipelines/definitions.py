"""The Dagster code location (`dagster dev -m pipelines.definitions`): assembly only.

Stages, one file each: ingest.py -> features.py -> models.py -> committee.py -> serving.py;
automation.py (jobs, sensor, schedules), retention.py, resources.py, partitions.py."""

from dagster import Definitions, in_process_executor

from abri.files import owner_only
from pipelines.automation import (
    ingest_job,
    landing_sensor,
    monthly_ingest_schedule,
    retrain_job,
    retrain_schedule,
)
from pipelines.committee import committee_assets
from pipelines.features import feature_assets, feature_checks
from pipelines.ingest import ingest_assets, ingest_checks
from pipelines.models import model_assets, model_checks
from pipelines.resources import build_resources
from pipelines.retention import retention_job, retention_purge, retention_schedule
from pipelines.serving import serving_assets

# `dagster dev` and its run workers create stores, reports and run records: owner-only, as
# under the `abri` command (abri/files.py)
owner_only()

# one process: DuckDB allows a single writer per warehouse file
defs = Definitions(
    assets=[*ingest_assets, *feature_assets, *model_assets, *committee_assets, *serving_assets, retention_purge],
    asset_checks=[*ingest_checks, *feature_checks, *model_checks],
    jobs=[ingest_job, retrain_job, retention_job],
    sensors=[landing_sensor],
    schedules=[monthly_ingest_schedule, retrain_schedule, retention_schedule],
    resources=build_resources(),
    executor=in_process_executor,
)
