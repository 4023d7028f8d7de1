"""Two monthly partitions of the features as two concurrent runs (two processes, as a backfill or
the landing sensor starts them), each on Dagster's multiprocess executor: every step that opens
the warehouse is in the `warehouse` pool, limited to 1 by the instance, so steps wait for each
other instead of failing on DuckDB's file lock. (Without the limit, the same two runs fail with
"Could not set lock on file": measured, not asserted, as it depends on timing.)"""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetSelection,
    DagsterInstance,
    Definitions,
    define_asset_job,
    multiprocess_executor,
)

from abri.config import Paths
from ingest import ingest_month, landing_months
from pipelines.features import feature_checks, features
from pipelines.resources import WAREHOUSE, build_resources
from synthetic.simulate import simulate

pytestmark = pytest.mark.slow  # one process per step, each importing the libraries

ROOT = Path(__file__).resolve().parents[2]
INSTANCE_YAML = "telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n"
RUN = ("import sys\n"
       "from dagster import DagsterInstance, execute_job, reconstructable\n"
       "from tests.pipelines.test_parallel_partitions import features_job\n"
       "with DagsterInstance.from_config(sys.argv[1]) as instance:\n"
       "    result = execute_job(reconstructable(features_job), instance=instance,\n"
       "                         tags={'dagster/partition': sys.argv[2]})\n"
       "sys.exit(0 if result.success else 3)\n")


def features_job():
    """Rebuilt in each process (reconstructable); the home comes from ABRI_HOME."""
    defs = Definitions(assets=[features], asset_checks=feature_checks, resources=build_resources(),
                       jobs=[define_asset_job("features_job", selection=AssetSelection.assets(features),
                                              executor_def=multiprocess_executor)])
    return defs.resolve_job_def("features_job")


def test_two_partitions_on_the_multiprocess_executor_run_without_lock_errors(tmp_path):
    simulate(tmp_path, households=600, months=3, seed=5, progress=False)
    paths = Paths(tmp_path)
    months = landing_months(paths)[-2:]
    for m in landing_months(paths):
        ingest_month(paths, m)
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text(INSTANCE_YAML, encoding="utf-8")
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        # the storage and the pool's limit created once, before both runs: two processes creating
        # the pool at the same instant can both take its one slot (as a deployment, set it once:
        # `dagster instance concurrency set warehouse 1`)
        instance.event_log_storage.set_concurrency_slots(WAREHOUSE, 1)
    env = {**os.environ, "ABRI_HOME": str(tmp_path),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    runs = [subprocess.Popen([sys.executable, "-c", RUN, str(dagster_home), m], env=env, cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for m in months]
    logs = [p.communicate(timeout=600)[0] for p in runs]
    errors = [line for log in logs for line in log.splitlines() if "Error" in line or "lock" in line]
    assert [p.returncode for p in runs] == [0, 0], errors[-20:]
    assert not [line for log in logs for line in log.splitlines() if "Could not set lock" in line]
    assert any("blocked by limit for pool warehouse" in log for log in logs)  # steps did wait
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        records = instance.get_run_records()
        assert len(records) == 2 and all(r.dagster_run.is_success for r in records)
        assert {r.dagster_run.tags["dagster/partition"] for r in records} == set(months)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        built = [r[0] for r in con.execute("SELECT DISTINCT strftime(snapshot_month, '%Y-%m') FROM features "
                                           "ORDER BY 1").fetchall()]
    assert set(months) <= set(built)  # a first build of an empty warehouse builds every month
    assert sorted(p.name for p in (paths.lake / "features").iterdir()) == [f"month={m}" for m in built]
