"""The Dagster code location: graph snapshot, one partition materialised, CLI, sensor."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, build_sensor_context, materialize

from pipelines.automation import landing_sensor
from pipelines.cli import ingest_command
from pipelines.definitions import defs
from pipelines.features import feature_checks
from pipelines.ingest import ingest_assets, ingest_checks
from pipelines.models import beats_the_rule
from pipelines.partitions import monthly
from pipelines.resources import build_resources
from synthetic.simulate import simulate

SOURCES = ["bailleurs", "caf", "energie", "france_travail", "fsl", "justice", "menages", "services_sociaux"]
EXPECTED_ASSETS = [f"stg_{s}" for s in SOURCES]
DOWNSTREAM = {  # asset -> its parents: a change to the graph shows here in review
    "features": set(EXPECTED_ASSETS),
    "labels": {"features"},
    "candidate_model": {"labels"},
    "audit_report": {"candidate_model"},
    "explanations_report": {"candidate_model"},
    "mitigation_report": {"candidate_model"},
    "committee_documents": {"audit_report", "explanations_report", "mitigation_report", "candidate_model"},
    "outreach_lists": {"features"},
    "serving_database": {"outreach_lists", "audit_report"},
    "interventions": {"outreach_lists"},
    "retention_purge": set(),
}
MONTHLY = {*EXPECTED_ASSETS, "features", "outreach_lists", "interventions"}
FEATURE_CHECKS = {"features.features_no_leakage": True, "features.features_null_rates": False,
                  "features.features_shift": False}
MODEL_CHECKS = {"candidate_model.beats_the_rule": True}
CHECKS = ["duplicate_keys", "null_rates", "row_accounting", "values_in_range", "volume_change"]
BLOCKING = {"row_accounting", "duplicate_keys", "values_in_range", "identity_store_agrees"}


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("pipeline_city")
    simulate(home, households=1500, months=3, seed=1, progress=False)
    return home


@pytest.fixture
def home(city, tmp_path):
    shutil.copytree(city / "landing", tmp_path / "landing")
    return tmp_path


def test_definitions_load_and_the_asset_graph_is_as_expected():
    graph = defs.resolve_asset_graph()
    assert sorted(k.to_user_string() for k in graph.get_all_asset_keys()) == sorted(EXPECTED_ASSETS + list(DOWNSTREAM))
    for name, parents in DOWNSTREAM.items():
        key = next(k for k in graph.get_all_asset_keys() if k.to_user_string() == name)
        assert {p.to_user_string() for p in graph.get(key).parent_keys} == parents, name
    checks = sorted(f"{k.asset_key.to_user_string()}.{k.name}" for k in graph.asset_check_keys)
    assert checks == sorted([f"{a}.{c}" for a in EXPECTED_ASSETS for c in CHECKS] + list(FEATURE_CHECKS)
                            + ["stg_menages.identity_store_agrees"] + list(MODEL_CHECKS))
    for a in ingest_assets:
        assert a.group_names_by_key[a.key] == "ingest"
        assert a.backfill_policy is not None and a.backfill_policy.max_partitions_per_run is None
        deps = {k.to_user_string() for k in graph.get(a.key).parent_keys}
        assert deps == (set() if a.key.to_user_string() == "stg_menages" else {"stg_menages"})
    for c in ingest_checks:
        for spec in c.check_specs:
            assert spec.blocking == (spec.name in BLOCKING)
    assert defs.resolve_job_def("ingest_job") is not None
    assert defs.resolve_job_def("retrain_job") is not None
    assert {s.name for s in defs.sensors} == {"landing_sensor"}
    assert defs.resolve_job_def("retention_job") is not None
    assert {s.name for s in defs.schedules} == {"monthly_ingest_schedule", "retrain_schedule", "retention_schedule"}
    assert monthly.get_first_partition_key() == "2022-01"
    for key in graph.get_all_asset_keys():
        partitions = graph.get(key).partitions_def
        assert (partitions == monthly) == (key.to_user_string() in MONTHLY), key
    assert {p.to_user_string() for p in graph.get(AssetKey("committee_documents")).parent_keys} >= {
        "audit_report", "explanations_report", "mitigation_report"}  # Annex IV lists their files
    # every step that opens the warehouse is in its pool (one writer per DuckDB file)
    free = {"committee_documents"}
    for key in graph.get_all_asset_keys():
        assert graph.get(key).assets_def.op.pool == (None if key.to_user_string() in free else "warehouse"), key
    for c in [*ingest_checks, *feature_checks]:
        assert c.op.pool == "warehouse", c.check_keys
    assert beats_the_rule.op.pool is None  # reads the registry only


def test_materializing_one_partition_loads_every_source(home):
    result = materialize([*ingest_assets, *ingest_checks], partition_key="2026-09",
                         resources=build_resources(str(home)), instance=DagsterInstance.ephemeral())
    assert result.success
    mats = {m.asset_key.to_user_string(): m.metadata
            for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    assert sorted(mats) == EXPECTED_ASSETS
    for md in mats.values():
        assert md["rows_in"].value == md["rows_loaded"].value + md["rows_quarantined"].value
        assert "| mois |" in md["preview"].value
    assert all(e.passed for e in result.get_asset_check_evaluations())
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(DISTINCT source) FROM ingest_log").fetchone()[0] == 8


def test_ingest_command_loads_all_months_in_one_run_and_shows_in_the_instance(home, capsys):
    assert ingest_command(str(home), None) == 0
    out = capsys.readouterr().out
    assert "caf 2026-08" in out and "france_travail 2026-10" in out
    yaml = (home / "dagster_home" / "dagster.yaml").read_text()
    assert "enabled: false" in yaml
    with DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        assert len(instance.get_run_records()) == 1
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ingest_log").fetchone()[0] == 24
    con.close()
    key = (home / "secrets" / "pseudonym.key").read_text().strip()
    assert key not in out


def test_ingest_command_fails_naming_the_file_and_keeps_the_previous_state(home, capsys):
    assert ingest_command(str(home), "2026-08") == 0
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    before = con.execute("SELECT * FROM stg_caf ORDER BY source_row").fetchall()
    con.close()
    (home / "landing" / "caf" / "2026-08.csv").write_bytes(b"")
    capsys.readouterr()
    assert ingest_command(str(home), "2026-08") == 1
    err = capsys.readouterr().err
    assert "caf/2026-08.csv" in err and "vide" in err
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT * FROM stg_caf ORDER BY source_row").fetchall() == before


def test_landing_sensor_requests_only_complete_months(home):
    (home / "landing" / "energie" / "2026-10.csv").unlink()
    with DagsterInstance.ephemeral() as instance:
        ctx = build_sensor_context(instance=instance, resources=build_resources(str(home)))
        requests = list(landing_sensor(ctx))
    assert sorted(r.partition_key for r in requests) == ["2026-08", "2026-09"]
    assert len({r.run_key for r in requests}) == 2


def test_a_second_ingest_skips_unchanged_files_and_reports_them(home, capsys):
    assert ingest_command(str(home), None) == 0
    capsys.readouterr()
    assert ingest_command(str(home), None) == 0
    assert "Rien de nouveau" in capsys.readouterr().out
    # a resent CAF file: only its month runs; the month's other files are skipped and reported
    target = home / "landing" / "caf" / "2026-09.csv"
    target.write_bytes(target.read_bytes().rstrip(b"\n").rsplit(b"\n", 3)[0] + b"\n")
    assert ingest_command(str(home), None) == 0
    out = capsys.readouterr().out
    assert "2 mois inchangés ignorés" in out
    assert "menages 2026-09 : inchangé" in out and "caf 2026-09 :" in out and "caf 2026-09 : inchangé" not in out
    with DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        runs = instance.get_run_records()
        assert len(runs) == 2
        mats = instance.fetch_materializations(AssetKey("stg_menages"), limit=10).records
    latest = mats[0].asset_materialization.metadata
    assert latest["months_skipped"].value == 1 and latest["months_loaded"].value == 0


def test_materializing_a_partition_twice_reports_the_skip_in_metadata(home):
    with DagsterInstance.ephemeral() as instance:
        for _ in range(2):
            result = materialize(ingest_assets, partition_key="2026-08", instance=instance,
                                 resources=build_resources(str(home)))
    md = {m.asset_key.to_user_string(): m.metadata
          for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    assert all(v["months_skipped"].value == 1 for v in md.values()) and len(md) == 8
    assert "inchangé" in md["stg_caf"]["preview"].value


def test_features_are_built_once_then_only_when_a_file_changes(home, capsys):
    from pipelines.cli import features_command

    assert ingest_command(str(home), None) == 0
    assert features_command(str(home)) == 0
    assert "Indicateurs de 2026-08 à 2026-10 (3 mois)" in capsys.readouterr().out
    assert features_command(str(home)) == 0
    assert "Indicateurs à jour" in capsys.readouterr().out
    target = home / "landing" / "caf" / "2026-09.csv"
    target.write_bytes(target.read_bytes().rstrip(b"\n").rsplit(b"\n", 3)[0] + b"\n")
    assert ingest_command(str(home), None) == 0 and features_command(str(home)) == 0
    out = capsys.readouterr().out
    assert "Indicateurs de 2026-09 à 2026-10 (2 mois)" in out and "months_rebuilt=2" in out
