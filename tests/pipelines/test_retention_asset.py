"""The monthly retention purge as a Dagster asset, materialised on a tiny home."""

import sys
from pathlib import Path

from dagster import DagsterInstance, materialize

sys.path.insert(0, str(Path(__file__).parents[1] / "casework"))

from rights_home import build, count  # noqa: E402

from pipelines.resources import build_resources  # noqa: E402
from pipelines.retention import retention_purge  # noqa: E402


def test_retention_purge_asset_applies_the_periods_and_records_the_chain_heads(tmp_path, monkeypatch):
    paths = build(tmp_path / "home", monkeypatch)
    result = materialize([retention_purge], resources=build_resources(str(paths.home)),
                         instance=DagsterInstance.ephemeral())
    assert result.success
    md = result.asset_materializations_for_node("retention_purge")[0].metadata
    assert md["landing.files"].value == 2 and md["identity.identity"].value == 2
    assert md["chain_ok"].value is True and len(md["access_log_head"].value) == 64
    assert md["periods"].value["access_log_days"] == 365
    assert count(paths.identity_store, "SELECT count(*) FROM identity") == 2


def test_old_dagster_runs_are_deleted_and_recent_ones_kept(tmp_path, monkeypatch):
    from pipelines.retention import delete_old_runs

    paths = build(tmp_path / "home", monkeypatch)
    instance = DagsterInstance.ephemeral()
    run_id = materialize([retention_purge], resources=build_resources(str(paths.home)), instance=instance).run_id
    assert delete_old_runs(instance, 1) == 0  # a run of a moment ago stays
    assert delete_old_runs(instance, 0, keep=run_id) == 0  # the run doing the purge stays
    assert delete_old_runs(instance, 0) == 1
    assert instance.get_run_records() == []
