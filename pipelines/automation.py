"""Jobs, sensor and schedules: the ingestion job, the landing-folder sensor and the monthly
fallback schedule; the monthly retraining job and its schedule."""

from __future__ import annotations

import hashlib
import os

import pandas as pd
from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from abri.config import Paths
from ingest import complete_months
from ingest.contract import SOURCES
from pipelines.partitions import monthly
from pipelines.resources import IngestResource

LANDING_SENSOR_ENV = "ABRI_LANDING_SENSOR"
ingest_job = define_asset_job("ingest_job", selection=AssetSelection.groups("ingest"))


def month_fingerprint(paths: Paths, month: str) -> str:
    """Changes when any of the month's files is replaced (a partner resends a month)."""
    h = hashlib.sha256()
    for s in SOURCES.values():
        st = (paths.landing / s.file_name(month)).stat()
        h.update(f"{s.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def landing_run_requests(paths: Paths, partition_keys: set[str]) -> list[RunRequest]:
    """One run per month whose 8 files are all present; run_key dedupes unchanged months."""
    return [RunRequest(run_key=f"{m}:{month_fingerprint(paths, m)}", partition_key=m)
            for m in complete_months(paths) if m in partition_keys]


def landing_sensor_status() -> DefaultSensorStatus:
    """STOPPED unless ABRI_LANDING_SENSOR=on (a deployment that starts it on: deploy/helm/values.yaml)."""
    on = os.environ.get(LANDING_SENSOR_ENV, "").strip().lower() in ("on", "1", "true", "running")
    return DefaultSensorStatus.RUNNING if on else DefaultSensorStatus.STOPPED


@sensor(job=ingest_job, minimum_interval_seconds=60,
        default_status=landing_sensor_status(),
        description="Starts a month's ingestion when the files of all 8 sources are in landing/.")
def landing_sensor(context: SensorEvaluationContext, ingest: IngestResource):
    requests = landing_run_requests(ingest.paths, set(monthly.get_partition_keys()))
    return requests or SkipReason("aucun mois complet (8 sources) dans landing/")


@schedule(job=ingest_job, cron_schedule="0 6 5 * *", execution_timezone="Europe/Paris",
          default_status=DefaultScheduleStatus.STOPPED,
          description="Fallback: on the 5th, ingest the previous month if its files are complete.")
def monthly_ingest_schedule(context: ScheduleEvaluationContext, ingest: IngestResource):
    month = str(pd.Period(context.scheduled_execution_time.strftime("%Y-%m"), freq="M") - 1)
    if month not in complete_months(ingest.paths):
        return SkipReason(f"{month} : les fichiers des 8 sources ne sont pas tous arrivés")
    return RunRequest(run_key=f"schedule:{month}", partition_key=month)


# Monthly retraining: rebuild labels, train a challenger, write its committee pack. It never
# promotes: the committee approves a version (abri review) and a person promotes it (abri promote).
retrain_job = define_asset_job("retrain_job", selection=AssetSelection.assets(
    "labels", "candidate_model", "audit_report", "explanations_report", "mitigation_report",
    "committee_documents"))


@schedule(job=retrain_job, cron_schedule="0 6 10 * *", execution_timezone="Europe/Paris",
          default_status=DefaultScheduleStatus.STOPPED,
          description="On the 10th: train and audit a challenger on the latest mature months.")
def retrain_schedule(context: ScheduleEvaluationContext):
    return RunRequest(run_key=f"retrain:{context.scheduled_execution_time:%Y-%m}")
