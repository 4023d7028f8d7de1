import sqlite3
import threading

import pytest

from casework import Casework, CaseworkError, ConflictError


@pytest.fixture
def store(tmp_path):
    return Casework(tmp_path / "casework.sqlite")


def test_the_store_runs_in_wal_mode(store):
    with store.connect() as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_approval_counts_only_for_that_exact_version_and_report(store):
    store.record_decision("v1", decision="approve", by="Comité", comment="ok", report_sha256="r1")
    assert store.is_approved("v1", "r1")
    assert not store.is_approved("v1", "r2")
    assert not store.is_approved("v2", "r1")


def test_a_later_rejection_withdraws_the_approval_and_history_stays(store):
    store.record_decision("v1", decision="approve", by="Comité", comment="ok", report_sha256="r1")
    store.record_decision("v1", decision="reject", by="Comité", comment="écart FNR", report_sha256="r1")
    assert not store.is_approved("v1", "r1")
    assert [d["decision"] for d in store.decisions("v1")] == ["approve", "reject"]


def test_decisions_cannot_be_edited(store):
    store.record_decision("v1", decision="approve", by="Comité", comment="ok", report_sha256="r1")
    with store.connect() as con, pytest.raises(sqlite3.IntegrityError, match="ne se modifient pas"):
        con.execute("UPDATE decisions SET decision = 'reject'")


def test_a_decision_must_be_signed_and_explained(store):
    with pytest.raises(CaseworkError, match="signée"):
        store.record_decision("v1", decision="approve", by="", comment="", report_sha256="r1")
    with pytest.raises(CaseworkError, match="décision inconnue"):
        store.record_decision("v1", decision="maybe", by="x", comment="y", report_sha256="r1")


def test_a_stale_update_is_refused_instead_of_overwriting(store):
    rev = store.set_status("h1", "contacte", by="alice", expected_revision=0)
    store.set_status("h1", "aide_acceptee", by="bob", expected_revision=rev)
    with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
        store.set_status("h1", "refus", by="alice", expected_revision=rev)
    assert store.case("h1")["status"] == "aide_acceptee"


def test_concurrent_updates_from_many_threads_lose_nothing(store):
    ok, conflicts = [], []

    def worker(name):
        for _ in range(20):
            while True:
                current = store.case("h1")
                try:
                    store.set_status("h1", "contacte", by=name, expected_revision=current["revision"] if current else 0)
                    ok.append(name)
                    break
                except ConflictError:
                    conflicts.append(name)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 160
    assert store.case("h1")["revision"] == 160  # every accepted update counted once


def test_every_change_is_in_the_append_only_access_log(store):
    store.set_status("h1", "contacte", by="alice", expected_revision=0)
    store.add_note("h1", by="alice", body="appel, rappeler lundi")
    store.log_access("alice", "view_identity", "h1")
    actions = [r["action"] for r in store.access_log()]
    assert actions == ["case_status", "note", "view_identity"]
    with store.connect() as con, pytest.raises(sqlite3.IntegrityError, match="ajout seul"):
        con.execute("UPDATE access_log SET username = 'x'")
    with store.connect() as con, pytest.raises(sqlite3.IntegrityError, match="au moins 6 mois"):
        con.execute("DELETE FROM access_log")


def test_unknown_status_is_refused(store):
    with pytest.raises(CaseworkError, match="statut inconnu"):
        store.set_status("h1", "perdu", by="alice", expected_revision=0)
