"""landing/ inventory: misnamed files listed as warnings, future months skipped; the identity
store and the warehouse agree on the months loaded."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from abri.config import Paths
from ingest import ingest_source
from ingest.guards import identity_months_agree
from ingest.landing import inventory
from synthetic.simulate import simulate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("landing_city")
    simulate(home, households=300, months=2, seed=2, progress=False)
    return home


@pytest.fixture
def paths(city, tmp_path):
    shutil.copytree(city / "landing", tmp_path / "home" / "landing")
    return Paths(tmp_path / "home")


def test_misnamed_and_future_files_are_listed_not_silently_skipped(paths):
    land = paths.landing
    (land / "caf" / "2026_09.csv").write_text("x")
    (land / "caf" / "2026-09.CSV").write_text("x")
    (land / "caf" / "2026-13.csv").write_text("x")
    (land / "menages" / "2026-09.csv").write_text("x")  # menages is Parquet
    (land / "notes.txt").write_text("x")
    (land / "cafe").mkdir()
    (land / "fsl" / "archives").mkdir()
    (land / "fsl" / "2031-01.csv").write_text("x")
    inv = inventory(paths, today=date(2026, 12, 1))
    assert inv.months == ["2026-09", "2026-10"]
    assert inv.future == ["fsl/2031-01.csv"]
    assert sorted(inv.unexpected) == sorted(["caf/2026-09.CSV", "caf/2026-13.csv", "caf/2026_09.csv",
                                             "menages/2026-09.csv", "notes.txt", "cafe/", "fsl/archives/"])
    text = "\n".join(inv.warnings())
    assert "mois futur ignoré : landing/fsl/2031-01.csv" in text and "inattendu" in text


def test_a_future_month_is_relative_to_today(paths):
    (paths.landing / "fsl" / "2026-11.csv").write_text("x")
    assert inventory(paths, today=date(2026, 10, 15)).future == ["fsl/2026-11.csv"]
    assert "2026-11" in inventory(paths, today=date(2026, 11, 2)).months


def _identity_months(paths):
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return identity_months_agree(con, paths.identity_store)
    finally:
        con.close()


def test_identity_store_and_warehouse_agree_and_a_gap_shows(paths):
    for m in ("2026-09", "2026-10"):
        ingest_source(paths, source_name="menages", month=m)
    assert _identity_months(paths) == (True, {"months": 2, "only_in_warehouse": [], "only_in_identity_store": [],
                                              "purged_from_identity_store": 0})
    con = duckdb.connect(str(paths.identity_store))
    rows = con.execute("SELECT * FROM identity WHERE extract_month = DATE '2026-10-01'").fetchall()
    con.execute("DELETE FROM identity WHERE extract_month = DATE '2026-10-01'")  # the latest month lost
    con.close()
    passed, meta = _identity_months(paths)
    assert not passed and meta["only_in_warehouse"] == ["2026-10"]
    con = duckdb.connect(str(paths.identity_store))
    con.executemany("INSERT INTO identity VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("DELETE FROM identity WHERE extract_month = DATE '2026-09-01'")  # retention purged the oldest
    con.close()
    passed, meta = _identity_months(paths)
    assert passed and meta["purged_from_identity_store"] == 1
