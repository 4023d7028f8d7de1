"""One memory setting (ABRI_MEMORY_LIMIT) reaches every DuckDB connection Abri opens."""

from __future__ import annotations

import duckdb
import pytest

from abri import config
from abri.config import Paths, connect_duckdb, memory_limit


def test_the_limit_comes_from_the_setting_else_from_half_the_ram(monkeypatch):
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", "1GB")
    assert memory_limit() == "1GB"
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", " 512 MiB ")
    assert memory_limit() == "512MiB"
    monkeypatch.delenv("ABRI_MEMORY_LIMIT")
    monkeypatch.setattr(config, "machine_memory_bytes", lambda: 16 << 30)
    assert memory_limit() == "8192MiB"


@pytest.mark.parametrize("bad", ["lots", "0GB", "-1GB", "80%", "1 PB"])
def test_a_bad_setting_is_refused_naming_the_variable(monkeypatch, bad):
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", bad)
    with pytest.raises(ValueError, match="ABRI_MEMORY_LIMIT"):
        memory_limit()


def test_a_connection_gets_the_limit_the_spill_folder_and_no_insertion_order(tmp_path, monkeypatch):
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", "1GB")
    with connect_duckdb(tmp_path / "w.duckdb", home=tmp_path) as con:
        limit, tmp, order = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('preserve_insertion_order')").fetchall()[0]
    assert limit in ("953.6 MiB", "1.0 GB", "1000.0 MB")  # DuckDB prints 1GB in its own unit
    assert tmp == str(tmp_path / "duckdb_tmp") and order is False


def test_every_connection_of_ingest_features_checks_and_serving_gets_the_setting(tmp_path, monkeypatch):
    from features.build import update_panel
    from ingest import connect_warehouse, ingest_month, landing_months
    from models.registry import ModelRegistry
    from pipelines.cli import ingested_months
    from pipelines.publish import publish
    from pipelines.resources import build_resources
    from synthetic.simulate import simulate

    simulate(tmp_path, households=300, months=2, seed=2, progress=False)
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", "1GB")
    opened = []
    real = duckdb.connect

    def spy(database=":memory:", read_only=False, config=None, **kw):
        opened.append((str(database), dict(config or {})))
        return real(database, read_only=read_only, config=config or {}, **kw)

    monkeypatch.setattr(duckdb, "connect", spy)
    paths = Paths(tmp_path)
    for m in landing_months(paths):
        ingest_month(paths, m)
    with connect_warehouse(paths) as con:
        update_panel(con)
    assert ingested_months(str(tmp_path))
    for resource in build_resources(str(tmp_path)).values():
        resource.warehouse().close()
    publish(paths.warehouse, paths.serving, registry=ModelRegistry(paths.models))
    assert {db.rsplit("/", 1)[-1] for db, _ in opened} >= {"warehouse.duckdb", "identity.duckdb", ":memory:"}
    assert len(opened) >= 6  # one per month of ingestion, the panel, the CLI, two resources, serving
    for db, cfg in opened:
        assert cfg.get("memory_limit") == "1GB", db
        assert cfg.get("temp_directory") == str(tmp_path / "duckdb_tmp"), db
        assert cfg.get("preserve_insertion_order") is False, db
