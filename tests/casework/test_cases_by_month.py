"""Cases per list month, outcomes, the committee's design decision, and the store's migration."""

import sqlite3

import pandas as pd
import pytest

from casework import Casework, CaseworkError, ConflictError
from models.design import Design


@pytest.fixture
def store(tmp_path):
    return Casework(tmp_path / "casework.sqlite")


def test_last_months_status_does_not_carry_into_this_months_list(store):
    store.open_cases(pd.DataFrame({"household_key": ["h1"], "list_month": ["2025-03"]}))
    store.set_status("h1", "refus", by="alice", expected_revision=1, list_month="2025-03")
    store.open_cases(pd.DataFrame({"household_key": ["h1"], "list_month": ["2025-04"]}))
    assert store.case("h1", "2025-04")["status"] == "a_contacter"
    assert store.case("h1", "2025-03")["status"] == "refus"
    assert store.case("h1")["list_month"] == "2025-04"  # latest by default


def test_open_cases_only_for_the_outreach_arm_and_idempotent(store):
    rows = pd.DataFrame({"household_key": ["a", "b", "c"], "list_month": ["2025-03"] * 3,
                         "arm": ["outreach", "holdout", "outreach"]})
    assert store.open_cases(rows) == 2
    assert store.case("b") is None  # the holdout never gets a case
    store.set_status("a", "contacte", by="alice", expected_revision=1, list_month="2025-03")
    assert store.open_cases(rows) == 0
    assert store.case("a", "2025-03")["status"] == "contacte"


def test_outcomes_and_contact_date_recorded(store):
    store.open_cases(pd.DataFrame({"household_key": ["h1", "h2"], "list_month": ["2025-03"] * 2}))
    rev = store.set_status("h1", "contacte", by="a", expected_revision=1, list_month="2025-03", at="2025-03-12")
    store.set_status("h1", "aide_acceptee", by="a", expected_revision=rev, list_month="2025-03",
                     outcome="demande_fsl", at="2025-04-02")
    rec = store.intervention_records().set_index("household_key")
    assert list(rec.columns) == ["list_month", "status", "outcome", "contacted_date", "recorded_at"]
    assert rec.loc["h1", "outcome"] == "demande_fsl"
    assert rec.loc["h1", "contacted_date"] == "2025-03-12"  # the first contact stays
    assert rec.loc["h1", "recorded_at"].startswith("2025-04-02")
    assert rec.loc["h2", "status"] == "a_contacter" and pd.isna(rec.loc["h2", "contacted_date"])


def test_unreachable_is_not_a_contact(store):
    store.set_status("h1", "injoignable", by="a", expected_revision=0, list_month="2025-03")
    assert store.case("h1")["contacted_date"] is None


def test_bad_outcome_month_and_stale_revision_refused(store):
    with pytest.raises(CaseworkError, match="issue inconnue"):
        store.set_status("h1", "contacte", by="a", expected_revision=0, list_month="2025-03", outcome="parti")
    with pytest.raises(CaseworkError, match="AAAA-MM"):
        store.set_status("h1", "contacte", by="a", expected_revision=0, list_month="mars")
    with pytest.raises(CaseworkError, match="colonnes"):
        store.open_cases(pd.DataFrame({"household_key": ["h1"]}))
    store.open_cases(pd.DataFrame({"household_key": ["h1"], "list_month": ["2025-03"]}))
    with pytest.raises(ConflictError):
        store.set_status("h1", "contacte", by="a", expected_revision=0, list_month="2025-03")


def test_design_decision_recorded_and_current(store):
    assert store.current_design() == Design()
    store.record_design("margin", params={"low": 0.4}, by="Comité", comment="loterie autour du seuil",
                        demonstration=True)
    d = store.current_design()
    assert d.name == "margin" and d.params["low"] == 0.4 and d.params["high"] == 2.0
    store.record_design("none", params={}, by="Comité", comment="fin de l'essai")
    assert store.current_design() == Design()
    assert [x["design"] for x in store.design_decisions()] == ["margin", "none"]
    assert store.design_decisions()[0]["demonstration"] == 1


def test_design_decision_validated_signed_and_append_only(store):
    with pytest.raises(CaseworkError, match="inconnu"):
        store.record_design("loterie", params={}, by="C", comment="x")
    with pytest.raises(CaseworkError, match="signée"):
        store.record_design("margin", params={}, by="", comment="")
    store.record_design("margin", params={}, by="C", comment="x")
    with store.connect() as con, pytest.raises(sqlite3.IntegrityError, match="ne se modifient pas"):
        con.execute("UPDATE design_decisions SET design = 'none'")
    with store.connect() as con, pytest.raises(sqlite3.IntegrityError, match="ne se suppriment pas"):
        con.execute("DELETE FROM design_decisions")


def test_a_store_from_before_cases_per_month_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE cases (household_key TEXT PRIMARY KEY, status TEXT NOT NULL, revision INTEGER NOT NULL,
            listed_month TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE case_history (id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL,
            status TEXT NOT NULL, revision INTEGER NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL);
        INSERT INTO cases VALUES ('h1', 'contacte', 3, '2025-02', 'alice', '2025-02-10T10:00:00');""")
    con.close()
    store = Casework(path)
    c = store.case("h1")
    assert (c["list_month"], c["status"], c["revision"]) == ("2025-02", "contacte", 3)
    store.set_status("h1", "clos", by="bob", expected_revision=3, list_month="2025-02")
    assert store.case("h1", "2025-02")["status"] == "clos"
