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
