"""The Parquet lake holds the same rows as the warehouse, after a full build and after an
incremental month; a rebuilt month replaces its folder; an erasure reaches it."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from abri.config import Paths
from features import lake
from features.build import build_panel, update_panel
from ingest import ingest_month, landing_months
from ingest.contract import SOURCES
from synthetic.simulate import simulate


def differences(paths: Paths, table: str) -> tuple[int, int, int]:
    """(warehouse rows, rows only in the warehouse, rows only in the lake)."""
    column = lake.TABLES[table]
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        src = f"(SELECT * EXCLUDE (month) FROM {lake.read_sql(paths.lake, table)})"
        n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        only_wh = con.execute(f"SELECT count(*) FROM (FROM {table} EXCEPT ALL FROM {src})").fetchone()[0]
        only_lake = con.execute(f"SELECT count(*) FROM (FROM {src} EXCEPT ALL FROM {table})").fetchone()[0]
        bad_key = con.execute(f"SELECT count(*) FROM {lake.read_sql(paths.lake, table)} "
                              f"WHERE month <> strftime({column}, '%Y-%m')").fetchone()[0]
    assert bad_key == 0, f"{table}: rows filed under another month"
    return n, only_wh, only_lake


def assert_same(paths: Paths) -> None:
    for table in ("features", *(f"stg_{s}" for s in SOURCES)):
        n, only_wh, only_lake = differences(paths, table)
        assert n > 0, table
        assert (only_wh, only_lake) == (0, 0), table


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    city = tmp_path_factory.mktemp("lake_city")
    simulate(city, households=300, months=14, seed=3, progress=False)
    home = tmp_path_factory.mktemp("lake_home")
    shutil.copytree(city / "landing", home / "landing")
    return Paths(home)


@pytest.fixture(scope="module")
def built(home):
    months = landing_months(home)
    for m in months[:-1]:
        ingest_month(home, m)
    with duckdb.connect(str(home.warehouse)) as con:
        build_panel(con, full=True)
    return months


def test_lake_equals_warehouse_after_a_full_build(home, built):
    assert_same(home)
    assert lake.lake_months(home.lake, "features") == built[:-1]
    part = home.lake / "features" / f"month={built[0]}" / lake.PART
    assert part.is_file() and part.stat().st_mode & 0o077 == 0  # owner-only, like the warehouse


def test_lake_equals_warehouse_after_an_incremental_month(home, built):
    before = (home.lake / "features" / f"month={built[0]}" / lake.PART).stat().st_mtime_ns
    ingest_month(home, built[-1])
    with duckdb.connect(str(home.warehouse)) as con:
        assert update_panel(con).months == [built[-1]]
    assert_same(home)
    assert lake.lake_months(home.lake, "features") == built
    # an untouched month is not rewritten; no temporary folder is left behind
    assert (home.lake / "features" / f"month={built[0]}" / lake.PART).stat().st_mtime_ns == before
    assert list((home.lake / ".tmp").iterdir()) == []


def test_a_rebuilt_month_replaces_its_folder(home, built):
    month = built[-1]
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute("DELETE FROM features WHERE strftime(snapshot_month, '%Y-%m') = ? AND sector = "
                    "(SELECT min(sector) FROM features)", [month])
        lake.write_months(con, lake=home.lake, table="features", months=[month])
    assert differences(home, "features")[1:] == (0, 0)
    assert [p.name for p in (home.lake / "features" / f"month={month}").iterdir()] == [lake.PART]
    with duckdb.connect(str(home.warehouse)) as con:  # back to the truth for the next tests
        update_panel(con)
        from features.build import build_features

        build_features(con, months=[month])
    assert_same(home)


def test_a_month_without_rows_loses_its_folder_and_a_full_build_drops_vanished_months(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE TABLE features AS SELECT 'k' AS household_key, DATE '2024-01-01' AS snapshot_month")
    where = tmp_path / "lake"
    assert lake.write_months(con, lake=where, table="features", months=["2024-01", "2024-02"]) == 1
    assert lake.lake_months(where, "features") == ["2024-01"]
    con.execute("DELETE FROM features")
    assert lake.sync(con, lake=where) == 0
    assert lake.lake_months(where, "features") == []
    con.close()


def test_the_lake_files_row_groups_and_dictionaries(tmp_path):
    """Row groups of at most 30,720 rows (both cores share a month's file); the features' text
    columns without dictionary pages (a pseudonym is unique in a month), the staging's kept."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    rows = "FROM range(70000) t(i)"
    con.execute(f"CREATE TABLE features AS SELECT sha256(i::VARCHAR) AS household_key, "
                f"DATE '2024-01-01' AS snapshot_month, 'S' || (i % 3) AS sector {rows}")
    con.execute(f"CREATE TABLE stg_menages AS SELECT 'S' || (i % 3) AS code, DATE '2024-01-01' AS extract_month {rows}")
    where = tmp_path / "lake"
    for table in ("features", "stg_menages"):
        assert lake.write_months(con, lake=where, table=table, months=["2024-01"]) == 70000
    meta = ("SELECT path_in_schema, max(row_group_num_rows), count(DISTINCT row_group_id), "
            "bool_or(dictionary_page_offset IS NOT NULL) FROM parquet_metadata(?) GROUP BY ALL ORDER BY 1")
    part = str(where / "{}" / "month=2024-01" / lake.PART)
    assert con.execute(meta, [part.format("features")]).fetchall() == [
        ("household_key", 30720, 3, False), ("sector", 30720, 3, False), ("snapshot_month", 30720, 3, True)]
    assert con.execute(meta, [part.format("stg_menages")]).fetchall() == [
        ("code", 30720, 3, True), ("extract_month", 30720, 3, True)]
    con.close()


def test_an_unknown_table_is_refused_and_memory_has_no_lake(tmp_path):
    con = duckdb.connect()
    assert lake.lake_of(con) is None
    con.execute("CREATE TABLE identity AS SELECT 1 AS x")
    with pytest.raises(KeyError, match="identity"):
        lake.write_months(con, lake=tmp_path, table="identity", months=["2024-01"])
    assert not (tmp_path / "identity").exists()


def test_an_erasure_reaches_the_lake(home, built):
    from casework.subject import erase

    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        key = con.execute("SELECT household_key FROM features ORDER BY household_key LIMIT 1").fetchone()[0]
    erase(home, key, reason="test", by="dpo")
    with duckdb.connect() as con:
        n = con.execute(f"SELECT count(*) FROM {lake.read_sql(home.lake, 'features')} WHERE household_key = ?",
                        [key]).fetchone()[0]
        m = con.execute(f"SELECT count(*) FROM {lake.read_sql(home.lake, 'stg_menages')} WHERE household_key = ?",
                        [key]).fetchone()[0]
    assert (n, m) == (0, 0)
    assert_same(home)


def test_a_key_rotation_reaches_the_lake(home, built):
    from ingest.keys import rotate_key

    with duckdb.connect() as con:
        old = {k for (k,) in con.execute(f"SELECT DISTINCT household_key FROM {lake.read_sql(home.lake, 'features')}")
               .fetchall()}
    rotate_key(home)
    assert_same(home)
    with duckdb.connect() as con:
        new = {k for (k,) in con.execute(f"SELECT DISTINCT household_key FROM {lake.read_sql(home.lake, 'features')}")
               .fetchall()}
    assert new and not new & old  # no old pseudonym survives in Parquet
