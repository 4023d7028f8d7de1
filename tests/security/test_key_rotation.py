"""`abri key rotate`: every pseudonym re-keyed in each store, identical to a fresh ingestion
under the new key; the old key kept as a 0600 dated backup; refused when a pseudonym cannot be
rebuilt; weak or world-readable keys refused."""

from __future__ import annotations

import shutil
import sqlite3
import stat

import duckdb
import pytest

from abri.cli import main
from abri.config import Paths
from casework import Casework
from ingest import ingest_month, landing_months, load_key
from ingest.keys import PSEUDONYM_COLUMNS, rotate_key
from ingest.pseudonym import KEY_ENV, Pseudonymiser
from synthetic.simulate import simulate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("rotation_city")
    simulate(home, households=400, months=2, seed=7, progress=False)
    return home


def _loaded(city, home) -> Paths:
    shutil.copytree(city / "landing", home / "landing")
    paths = Paths(home)
    for m in landing_months(paths):
        ingest_month(paths, m)
    return paths


def _tables(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_name = ? ORDER BY ordinal_position", [t]).fetchall()
                    if c != "loaded_at"]
            out[t] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
        return out
    finally:
        con.close()


@pytest.fixture
def rotated(city, tmp_path):
    paths = _loaded(city, tmp_path / "home")
    old = load_key(paths.key_file)
    hk = _tables(paths.warehouse)["stg_menages"][0][2]
    cw = Casework(paths.casework)
    cw.set_status(hk, _a_status(), by="ts19", expected_revision=0)
    cw.log_access("ts19", "view_household", hk)
    before = _tables(paths.warehouse)
    report = rotate_key(paths)
    return paths, old, hk, before, report


def _a_status():
    from casework.store import CASE_STATUSES

    return sorted(CASE_STATUSES)[0]


def test_rotation_equals_a_fresh_ingestion_under_the_new_key(city, tmp_path, rotated):
    paths, old, _, before, report = rotated
    new = paths.key_file.read_bytes().strip()
    assert new != old and len(new) >= 32
    fresh = Paths(tmp_path / "fresh")
    fresh.key_file.parent.mkdir(parents=True)
    fresh.key_file.write_bytes(new)
    fresh.key_file.chmod(0o600)
    shutil.copytree(city / "landing", fresh.landing)
    for m in landing_months(fresh):
        ingest_month(fresh, m)
    after = _tables(paths.warehouse)
    assert after == _tables(fresh.warehouse)
    assert after != before
    assert _tables(paths.identity_store) == _tables(fresh.identity_store)
    assert ("warehouse", "crosswalk", "link_hash") in report.rekeyed
    assert ("identity_store", "identity", "household_key") in report.rekeyed


def test_the_old_key_is_a_private_dated_backup_and_appears_nowhere(rotated):
    paths, old, _, _, report = rotated
    assert report.backup.read_bytes().strip() == old
    assert stat.S_IMODE(report.backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.key_file.stat().st_mode) == 0o600
    assert not list(paths.key_file.parent.glob("*.next")) and not (paths.key_file.parent / "rotation.json").exists()
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    cols = [(t, c) for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns"
                                           ).fetchall() if c in PSEUDONYM_COLUMNS]
    values = {v for t, c in cols for (v,) in con.execute(f'SELECT DISTINCT "{c}" FROM "{t}"').fetchall() if v}
    con.close()
    assert values
    new = Pseudonymiser(paths.key_file.read_bytes().strip())
    assert not any(paths.key_file.read_bytes().strip().decode() in v for v in values)
    assert new.hash("x") != Pseudonymiser(old).hash("x")


def test_casework_household_keys_are_rekeyed_and_stay_append_only(rotated):
    paths, old, hk, _, report = rotated
    con = sqlite3.connect(paths.casework)
    cases = {k for (k,) in con.execute("SELECT household_key FROM cases")}
    logged = {k for (k,) in con.execute("SELECT household_key FROM access_log WHERE household_key IS NOT NULL")}
    new_keys = {r[2] for r in _tables(paths.warehouse)["stg_menages"]}
    assert cases and cases <= new_keys and hk not in cases
    assert logged and logged <= new_keys
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE access_log SET username = 'x'")
    con.close()
    assert ("casework", "access_log", "household_key") in report.rekeyed


def test_rotation_is_refused_when_a_pseudonym_has_no_file_left(city, tmp_path):
    paths = _loaded(city, tmp_path / "home")
    before, key = _tables(paths.warehouse), paths.key_file.read_bytes()
    first = landing_months(paths)[-1]
    (paths.landing / "services_sociaux" / f"{first}.csv").unlink()  # contact ids: in no other file
    with pytest.raises(ValueError, match="rien n'a changé.*stg_services_sociaux.id_contact_hash"):
        rotate_key(paths)
    assert _tables(paths.warehouse) == before and paths.key_file.read_bytes() == key
    assert not list(paths.key_file.parent.glob("*.next"))


def test_abri_key_rotate_prints_the_columns_never_a_key(city, tmp_path, capsys):
    paths = _loaded(city, tmp_path / "home")
    old = paths.key_file.read_text().strip()
    assert main(["key", "rotate", "--home", str(paths.home)]) == 0
    out, err = capsys.readouterr()
    assert "stg_menages.household_key" in out and "ancienne clé conservée" in out
    assert old not in out + err and paths.key_file.read_text().strip() not in out + err


def test_an_environment_key_is_not_rotated_here(city, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "e" * 40)
    with pytest.raises(ValueError, match=KEY_ENV):
        rotate_key(Paths(tmp_path))


def test_a_short_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "x")
    with pytest.raises(ValueError, match="trop courte"):
        load_key(tmp_path / "k")
    monkeypatch.delenv(KEY_ENV)
    (tmp_path / "k").write_text("court")
    (tmp_path / "k").chmod(0o600)
    with pytest.raises(ValueError, match="trop courte") as info:
        load_key(tmp_path / "k")
    assert "court" not in str(info.value).replace("trop courte", "")


def test_a_world_readable_key_file_is_refused_without_showing_it(tmp_path):
    k = tmp_path / "k"
    k.write_text("s" * 64)
    k.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600") as info:
        load_key(k)
    assert "s" * 64 not in str(info.value)
    k.chmod(0o600)
    assert load_key(k) == b"s" * 64


def test_pseudonyms_of_purged_files_can_be_chained_consistently(city, tmp_path):
    from ingest.keys import chained

    paths = _loaded(city, tmp_path / "home")
    last = landing_months(paths)[-1]
    (paths.landing / "services_sociaux" / f"{last}.csv").unlink()  # purged by retention
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    gone = {v for (v,) in con.execute("SELECT id_contact_hash FROM stg_services_sociaux WHERE extract_month = "
                                      "(SELECT max(extract_month) FROM stg_services_sociaux)").fetchall()}
    con.close()
    report = rotate_key(paths, chain_unmatched=True)
    new = paths.key_file.read_bytes().strip()
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    after = {v for (v,) in con.execute("SELECT id_contact_hash FROM stg_services_sociaux WHERE extract_month = "
                                       "(SELECT max(extract_month) FROM stg_services_sociaux)").fetchall()}
    con.close()
    assert gone and report.chained == len(gone)
    assert after == {chained(new, v) for v in gone}


def test_an_interrupted_rotation_resumes_and_ends_as_a_whole_one(city, tmp_path, monkeypatch):
    import ingest.keys as keys

    paths = _loaded(city, tmp_path / "home")
    hk = _tables(paths.warehouse)["stg_menages"][0][2]
    Casework(paths.casework).set_status(hk, _a_status(), by="ts19", expected_revision=0)
    old = paths.key_file.read_bytes()

    def crash(con, columns):
        raise RuntimeError("coupure de courant")

    monkeypatch.setattr(keys, "rekey_casework", crash)
    with pytest.raises(RuntimeError):
        rotate_key(paths)
    assert paths.key_file.read_bytes() == old  # the old key still rules
    assert (paths.key_file.parent / "rotation.json").exists()
    pending = paths.key_file.with_name("pseudonym.key.next").read_bytes()
    monkeypatch.undo()
    report = rotate_key(paths)
    assert paths.key_file.read_bytes() == pending and report.backup.read_bytes() == old
    assert {s for s, _, _ in report.rekeyed} == {"casework"}  # the others were done before the crash
    new_keys = {r[2] for r in _tables(paths.warehouse)["stg_menages"]}
    con = sqlite3.connect(paths.casework)
    assert {k for (k,) in con.execute("SELECT household_key FROM cases")} <= new_keys
    con.close()
    assert new_keys == {Pseudonymiser(pending).household_key(i) for i in _ids(paths)}


def _ids(paths):
    import pyarrow.parquet as pq

    out = set()
    for f in (paths.landing / "menages").glob("*.parquet"):
        out |= {i for i in pq.read_table(f)["id_menage"].to_pylist() if i}
    return out


def test_the_access_log_chain_still_verifies_after_a_rotation(rotated):
    from casework import chain

    paths = rotated[0]
    con = sqlite3.connect(paths.casework)
    try:
        check = chain.verify(con)
    finally:
        con.close()
    assert check.ok, check.problems
    assert check.checked["access_log"] >= 1


def test_the_pseudonym_columns_rekeyed_are_those_of_tables_not_of_views():
    from ingest.keys import _duckdb_columns

    con = duckdb.connect()
    con.execute("CREATE TABLE stg_x (household_key VARCHAR, link_hash VARCHAR, n INTEGER)")
    con.execute("CREATE VIEW audit_attributes AS SELECT household_key, n FROM stg_x")
    assert _duckdb_columns(con) == [("stg_x", "household_key"), ("stg_x", "link_hash")]
