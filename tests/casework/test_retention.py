"""Retention applied end to end on a tiny home (casework/retention.py, `abri purge`)."""

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rights_home import ALICE, BOB, build, count  # noqa: E402

from abri.config import Retention  # noqa: E402
from casework import Casework  # noqa: E402
from casework import store as store_module
from casework.chain import verify  # noqa: E402
from casework.retention import month_cutoff, purge  # noqa: E402
from casework.subject import erase  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def paths(tmp_path, monkeypatch):
    # a note and a log entry written 30 months ago, before the rest of the home
    monkeypatch.setattr(store_module, "_now", lambda: "2024-06-02T08:00:00")
    store = Casework(tmp_path / "home" / "casework.sqlite")
    store.add_note(BOB, by="ts20", body="Ancienne note")
    store.log_access("ts20", "view_household", BOB)
    monkeypatch.undo()
    return build(tmp_path / "home", monkeypatch)


def test_month_cutoff_keeps_the_stated_number_of_whole_months():
    assert month_cutoff(date(2026, 12, 1), 24) == date(2024, 12, 1)
    assert month_cutoff(date(2026, 1, 31), 1) == date(2025, 12, 1)


def test_purge_deletes_what_outlived_its_period_and_nothing_else(paths):
    store = Casework(paths.casework)
    with store.connect() as con:
        log_before = con.execute("SELECT count(*) FROM access_log").fetchone()[0]
    dry = purge(paths, Retention(), by="test", dry_run=True, now=NOW)
    assert dry.deleted["identity.identity"] == 2 and dry.deleted["landing.files"] == 2
    assert count(paths.identity_store, "SELECT count(*) FROM identity") == 4  # nothing deleted yet

    report = purge(paths, Retention(), by="test", now=NOW)
    assert report.deleted == dry.deleted | {"erased_again": 0}
    assert report.deleted["casework.notes"] == 1 and report.deleted["casework.access_log"] >= 1
    assert count(paths.identity_store, "SELECT count(*) FROM identity WHERE extract_month < DATE '2024-12-01'") == 0
    assert count(paths.identity_store, "SELECT count(*) FROM identity") == 2
    left = sorted(p.relative_to(paths.landing).as_posix() for p in paths.landing.rglob("*.csv"))
    assert left == ["caf/2026-10.csv", "menages/2026-10.csv"]  # 2025-01 and 2024-12: older than 12 months
    assert [n["body"] for n in store.notes(BOB)] == ["Message laissé"]
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM access_log WHERE at < '2025-12-01'").fetchone()[0] == 0
        after = con.execute("SELECT count(*) FROM access_log").fetchone()[0]
        assert after == log_before - report.deleted["casework.access_log"] + 1  # + the purge's own entry
        assert con.execute("SELECT action FROM access_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "purge"
        assert verify(con).ok  # the chain is re-anchored, not broken


def test_purge_erases_again_a_household_that_a_re_ingestion_brought_back(paths):
    import duckdb

    erase(paths, ALICE, reason="demande", by="dpo")
    con = duckdb.connect(str(paths.identity_store))
    con.execute("INSERT INTO identity VALUES (DATE '2026-11-01', ?, 19, 'Ouvrard', 'Z', 'x', NULL, NULL)", [ALICE])
    con.close()
    report = purge(paths, Retention(), by="test", now=NOW)
    assert report.deleted["erased_again"] == 1
    assert count(paths.identity_store, "SELECT count(*) FROM identity WHERE household_key = ?", [ALICE]) == 0


def test_purge_never_follows_a_link_out_of_landing(paths, tmp_path):
    outside = tmp_path / "precious.csv"
    outside.write_text("keep", encoding="utf-8")
    (paths.landing / "caf" / "2020-01.csv").symlink_to(outside)
    purge(paths, Retention(), by="test", now=NOW)
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not (paths.landing / "caf" / "2020-01.csv").exists()


def test_retention_comes_from_abri_toml_and_refuses_a_log_period_under_six_months(tmp_path):
    assert Retention.load(tmp_path) == Retention()
    (tmp_path / "abri.toml").write_text("[retention]\nnotes_months = 36\n", encoding="utf-8")
    assert Retention.load(tmp_path).notes_months == 36
    (tmp_path / "abri.toml").write_text("[retention]\naccess_log_days = 30\n", encoding="utf-8")
    with pytest.raises(ValueError, match="abri.toml.*access_log_days.*183"):
        Retention.load(tmp_path)
    (tmp_path / "abri.toml").write_text("[retention]\nnote_months = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="réglage inconnu « note_months »"):
        Retention.load(tmp_path)
    (tmp_path / "abri.toml").write_text("[retention]\nnotes_months = -1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="entier positif"):
        Retention.load(tmp_path)
