"""Data-subject rights end to end on a tiny home: find, export, objection, rectification, erasure."""

import json
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from rights_home import ALICE, BOB, NAMES, build, count  # noqa: E402

from casework import Casework, CaseworkError  # noqa: E402
from casework import subject as sj  # noqa: E402
from casework.chain import verify  # noqa: E402


@pytest.fixture
def paths(tmp_path, monkeypatch):
    return build(tmp_path / "home", monkeypatch)


def _log(paths) -> list[tuple]:
    con = sqlite3.connect(paths.casework)
    try:
        return con.execute("SELECT username, action, household_key, detail FROM access_log ORDER BY id").fetchall()
    finally:
        con.close()


def test_find_by_name_and_birth_date_ignores_accents_and_case_and_logs_no_name(paths):
    found = sj.find_by_identity(paths, nom="OUVRARD", prenom="zephirine", date_naissance="1970-03-04", by="dpo")
    assert [m.household_key for m in found] == [ALICE]
    assert (found[0].first_month, found[0].last_month, found[0].arrondissement) == ("2024-06", "2026-10", 19)
    assert sj.find_by_identity(paths, nom="Ouvrard", date_naissance="1970-03-05", by="dpo") == []
    last = _log(paths)[-2:]
    assert [r[1] for r in last] == ["subject_find", "subject_find"]
    assert not any(n.lower() in str(last).lower() for n in NAMES)


def test_find_by_partner_identifier_goes_through_the_pseudonym_and_the_crosswalk(paths):
    found = sj.find_by_partner(paths, kind="numero_allocataire", identifier="CAF-222", by="dpo")
    assert [m.household_key for m in found] == [BOB]
    assert "CAF-222" not in str(_log(paths)[-1])
    with pytest.raises(CaseworkError, match="inconnu"):
        sj.find_by_partner(paths, kind="nir", identifier="1", by="dpo")


def test_find_by_any_partner_identifier_of_the_contract_searches_the_staging_rows(paths):
    found = sj.find_by_partner(paths, kind="identifiant_ft", identifier="FT-9", by="dpo")
    assert [(m.household_key, m.first_month) for m in found] == [(ALICE, "2026-09")]
    assert sj.find_by_partner(paths, kind="identifiant_ft", identifier="FT-8", by="dpo") == []


def test_a_bad_birth_date_or_key_is_refused_with_the_expected_format(paths):
    with pytest.raises(CaseworkError, match="AAAA-MM-JJ"):
        sj.find_by_identity(paths, nom="Ouvrard", date_naissance="04/03/1970", by="dpo")
    with pytest.raises(CaseworkError, match="64 caractères"):
        sj.export(paths, "abc", by="dpo")


def test_export_holds_every_store_and_is_written_owner_only_as_json_and_html(paths, tmp_path):
    record = sj.export(paths, ALICE, by="dpo")
    assert len(record["identity"]) == 2 and {r["household_key"] for r in record["identity"]} == {ALICE}
    assert set(record["warehouse"]) == {"audit_attributes", "crosswalk", "features", "stg_france_travail"}  # views too
    assert record["serving"]["outreach_list"][0]["reasons_fr"] == "Impayés de loyer"
    assert [n["body"] for n in record["casework"]["notes"]] == ["Rendez-vous fixé"]
    assert record["casework"]["cases"][0]["status"] == "contacte"
    assert {e["action"] for e in record["casework"]["access_log"]} >= {"view_identity", "subject_export"}
    assert BOB not in json.dumps(record)
    json_path, html_path = sj.write_export(record, tmp_path / "out" / "export.json")
    assert json.loads(json_path.read_text(encoding="utf-8"))["household_key"] == ALICE
    html = html_path.read_text(encoding="utf-8")
    assert "Zéphirine" in html and "Rendez-vous fixé" in html and "<script" not in html
    assert json_path.stat().st_mode & 0o777 == 0o600 and html_path.stat().st_mode & 0o777 == 0o600


def test_objection_is_recorded_logged_and_excludes_the_household(paths):
    store = Casework(paths.casework)
    assert ALICE not in sj.excluded_households(store, refusal_months=12)
    with pytest.raises(CaseworkError, match="motif"):
        sj.record_objection(store, ALICE, reason=" ", by="dpo")
    sj.record_objection(store, ALICE, reason="courrier du 2 décembre", by="dpo")
    assert sj.excluded_households(store, refusal_months=12) == {ALICE}
    assert _log(paths)[-1][:3] == ("dpo", "subject_object", ALICE)


def test_a_refusal_of_help_excludes_the_household_for_the_stated_period_only(paths):
    from datetime import date, timedelta

    store = Casework(paths.casework)
    store.set_status(BOB, "refus", by="ts20", expected_revision=0)
    assert BOB in sj.excluded_households(store, refusal_months=12)
    later = date.today() + timedelta(days=400)
    assert BOB not in sj.excluded_households(store, refusal_months=12, today=later)
    store.set_status(BOB, "aide_acceptee", by="ts20", expected_revision=1)  # help accepted after all
    assert BOB not in sj.excluded_households(store, refusal_months=12)


def test_rectify_changes_every_identity_row_and_logs_the_field_not_the_value(paths):
    assert sj.rectify(paths, ALICE, field_name="adresse", value="8 rue Neuve", by="dpo") == 2
    assert count(paths.identity_store, "SELECT count(*) FROM identity WHERE adresse = '8 rue Neuve'") == 2
    assert count(paths.identity_store, "SELECT count(*) FROM identity WHERE adresse = '3 rue Haxo'") == 2
    last = _log(paths)[-1]
    assert last[1] == "subject_rectify" and "adresse" in last[3] and "Neuve" not in last[3]
    with pytest.raises(CaseworkError, match="rectifiable"):
        sj.rectify(paths, ALICE, field_name="arrears_months", value="0", by="dpo")
    with pytest.raises(CaseworkError, match="AAAA-MM-JJ"):
        sj.rectify(paths, ALICE, field_name="date_naissance", value="demain", by="dpo")


def test_erase_removes_the_household_from_every_store_and_keeps_what_the_law_requires(paths):
    result = sj.erase(paths, ALICE, reason="demande du 2 décembre", by="dpo")
    assert result.deleted == {"identity.identity": 2, "warehouse.crosswalk": 1, "warehouse.features": 1,
                              "warehouse.stg_france_travail": 1,
                              "serving.outreach_list": 1, "casework.cases": 1, "casework.case_history": 1,
                              "casework.notes": 1}
    for path, table in ((paths.identity_store, "identity"), (paths.warehouse, "features"),
                        (paths.warehouse, "audit_attributes"), (paths.serving, "outreach_list")):
        assert count(path, f"SELECT count(*) FROM {table} WHERE household_key = ?", [ALICE]) == 0
    assert count(paths.identity_store, "SELECT count(*) FROM identity WHERE household_key = ?", [BOB]) == 2
    store = Casework(paths.casework)
    assert store.notes(ALICE) == [] and store.case(ALICE) is None and len(store.notes(BOB)) == 1
    assert ALICE in sj.excluded_households(store, refusal_months=12)  # kept out of every later run
    actions = [r[1] for r in _log(paths) if r[2] == ALICE]
    assert actions[-2:] == ["subject_erase", "subject_erase_done"]
    assert "view_identity" in actions  # the access log is kept (legal obligation)
    with store.connect() as con:
        assert verify(con).ok
