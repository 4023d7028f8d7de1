"""The hash chain over the access log and the committee's decisions (casework/chain.py)."""

import sqlite3
import threading

import pytest

from casework import Casework
from casework.chain import verify


def _store(tmp_path) -> Casework:
    store = Casework(tmp_path / "casework.sqlite")
    for i in range(4):
        store.log_access("ts19", "view_household", f"k{i}", None)
    store.record_decision("v1", decision="approve", by="comité", comment="motivé", report_sha256="ab")
    return store


def _raw(store: Casework) -> sqlite3.Connection:
    """The file opened as an attacker would: no Abri code, triggers dropped."""
    con = sqlite3.connect(store.path, isolation_level=None)
    for name in ("access_log_append_only_update", "access_log_append_only_delete", "decisions_append_only"):
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    return con


def _verify(store: Casework):
    with store.connect() as con:
        return verify(con)


def test_an_untouched_log_verifies_with_one_head_per_chain(tmp_path):
    store = _store(tmp_path)
    result = _verify(store)
    assert result.ok, result.problems
    assert result.checked == {"access_log": 4, "decisions": 1}
    assert len(result.heads["access_log"]) == 64


def test_a_deleted_entry_is_detected(tmp_path):
    store = _store(tmp_path)
    _raw(store).execute("DELETE FROM access_log WHERE id = 2")
    result = _verify(store)
    assert not result.ok
    assert any("n° 2 a été supprimée" in p for p in result.problems)


def test_an_entry_deleted_with_its_chain_row_breaks_the_chain(tmp_path):
    store = _store(tmp_path)
    con = _raw(store)
    con.execute("DELETE FROM access_log WHERE id = 2")
    con.execute("DELETE FROM log_chain WHERE kind = 'access_log' AND row_id = 2")
    result = _verify(store)
    assert any("rompue avant l'entrée n° 3" in p for p in result.problems)


def test_an_altered_entry_is_detected(tmp_path):
    store = _store(tmp_path)
    _raw(store).execute("UPDATE access_log SET username = 'quelquun' WHERE id = 3")
    result = _verify(store)
    assert result.problems == ["journal des accès : l'entrée n° 3 a été modifiée"]


def test_an_altered_committee_decision_is_detected(tmp_path):
    store = _store(tmp_path)
    _raw(store).execute("UPDATE decisions SET decision = 'reject' WHERE id = 1")
    assert any("décisions du comité : l'entrée n° 1 a été modifiée" in p for p in _verify(store).problems)


def test_an_entry_forged_outside_abri_is_detected(tmp_path):
    store = _store(tmp_path)
    _raw(store).execute("INSERT INTO access_log (at, username, action) VALUES ('2026-01-01T00:00:00', 'x', 'y')")
    assert any("hors chaîne" in p for p in _verify(store).problems)


def test_entries_written_before_the_chain_existed_are_chained_once(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
                "username TEXT NOT NULL, action TEXT NOT NULL, household_key TEXT, detail TEXT)")
    con.execute("INSERT INTO access_log (at, username, action) VALUES ('2026-01-01T00:00:00', 'a', 'sign_in')")
    con.commit()
    con.close()
    store = Casework(path)
    store.log_access("a", "sign_out")
    result = _verify(store)
    assert result.ok and result.checked["access_log"] == 2


def test_concurrent_writers_never_fork_the_chain(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = Casework(tmp_path / "casework.sqlite")

    def write(i: int) -> None:
        for j in range(10):
            store.log_access(f"u{i}", "view_list", None, {"j": j})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    result = _verify(store)
    assert result.ok, result.problems[:3]
    assert result.checked["access_log"] == 80


def test_a_new_store_waits_for_a_reader_before_switching_to_wal(tmp_path):
    """The WAL switch needs the file to itself; SQLite may refuse it at once (CI once failed on
    "database is locked" when eight writers opened a new store together): it is tried again."""
    from casework.store import _use_wal

    path = tmp_path / "casework.sqlite"
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("CREATE TABLE t (x)")
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM t").fetchall()  # a shared lock, as another connection's read
    con = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _use_wal(con, attempts=1)  # one try fails while the reader holds its lock
    threading.Timer(0.3, reader.rollback).start()
    _use_wal(con)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
