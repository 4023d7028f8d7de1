"""Access rules enforced in dashboard/data.py itself, whatever a page asks for."""

from __future__ import annotations

import threading

import pytest
from abri_fixture import NAMES, key_of
from apptest_helpers import scope_of

from casework import ConflictError
from dashboard import data


def _actions(home):
    return [(e["username"], e["action"], e["household_key"]) for e in home.casework.access_log()]


@pytest.mark.parametrize("call", [
    lambda s, k: data.household(s, k),
    lambda s, k: data.identity(s, k),
    lambda s, k: data.set_status(s, k, "contacte", expected_revision=0),
    lambda s, k: data.add_note(s, k, "note"),
    lambda s, k: data.add_override(s, k, "motif"),
    lambda s, k: data.notes(s, k),
    lambda s, k: data.case(s, k),
])
def test_a_social_worker_can_never_reach_another_sectors_household(home, call):
    with pytest.raises(data.AccessDenied) as err:
        call(scope_of("ts19"), key_of("a20"))
    assert err.value.reason_code == "sector"
    assert home.casework.case(key_of("a20")) is None
    assert home.casework.notes(key_of("a20")) == []
    assert _actions(home)[-1] == ("ts19", "denied_household", key_of("a20"))


def test_an_unknown_household_gets_the_same_answer_as_another_sectors(home):
    with pytest.raises(data.AccessDenied, match="sector"):
        data.household(scope_of("ts19"), "f" * 64)


@pytest.mark.parametrize("user", ["encadrant", "comite", "ds", "admin"])
def test_only_social_workers_read_households_or_identities(home, user):
    for call in (data.outreach_list, lambda s: data.household(s, key_of("a19")),
                 lambda s: data.identity(s, key_of("a19"))):
        with pytest.raises(data.AccessDenied, match="role"):
            call(scope_of(user))


@pytest.mark.parametrize(("user", "allowed"), [
    ("ts19", set()), ("encadrant", {"capacity"}), ("comite", {"versions", "decide"}),
    ("ds", {"versions", "quality"}), ("admin", {"capacity", "versions", "quality"})])
def test_each_role_reads_only_its_aggregates(audited_home, user, allowed):
    from abri_fixture import VERSION

    calls = {"capacity": lambda s: data.capacity(s), "versions": lambda s: data.model_versions(s),
             "quality": lambda s: data.data_quality(s),
             "decide": lambda s: data.record_decision(s, VERSION, decision="reject", comment="test")}
    for name, call in calls.items():
        if name in allowed:
            call(scope_of(user))
        else:
            with pytest.raises(data.AccessDenied):
                call(scope_of(user))


def test_identity_is_the_latest_extract_and_each_read_is_logged(home):
    person = data.identity(scope_of("ts19"), key_of("a19"))
    assert (person["nom"], person["adresse"]) == ("Ouvrard", "1 rue des Lilas")
    data.identity(scope_of("ts19"), key_of("a19"))
    assert _actions(home).count(("ts19", "view_identity", key_of("a19"))) == 2


def test_identity_is_not_read_when_the_register_places_the_household_outside_the_sector(home):
    import duckdb

    with duckdb.connect(str(home.home / "identity.duckdb")) as con:
        con.execute("UPDATE identity SET arrondissement = 7 WHERE household_key = ?", [key_of("a19")])
    assert data.identity(scope_of("ts19"), key_of("a19")) is None


def test_a_worker_with_two_sectors_reads_both_and_paris_centre_maps_to_arrondissements_1_to_4(home):
    scope = data.Scope("multi", "travailleur_social", ("20e", "Paris Centre"))
    assert set(data.outreach_list(scope)["sector"]) == {"20e", "Paris Centre"}
    assert data.identity(scope, key_of("pc1"))["nom"] == "Quillebeuf"


def test_cached_reads_never_serve_one_sector_to_another(home):
    first = data.outreach_list(scope_of("ts19"))
    second = data.outreach_list(scope_of("ts20"))
    assert set(first["sector"]) == {"19e"} and set(second["sector"]) == {"20e"}


def test_a_newly_published_file_is_read_afresh(home):
    import os

    import duckdb

    assert len(data.outreach_list(scope_of("ts19"))) == 3
    path = home.home / "serving.duckdb"
    tmp = path.with_name("serving.duckdb.tmp")
    import shutil

    shutil.copy(path, tmp)
    with duckdb.connect(str(tmp)) as con:
        con.execute("DELETE FROM outreach_list WHERE household_key = ?", [key_of("c19")])
    os.replace(tmp, path)
    assert len(data.outreach_list(scope_of("ts19"))) == 2


def test_concurrent_updates_through_data_py_lose_nothing(home):
    """Eight workers update the same case at once, each retrying on conflict: every update lands."""
    scope, key = scope_of("ts19"), key_of("a19")
    statuses = ["contacte", "injoignable", "aide_acceptee", "refus"] * 2
    conflicts = []

    def worker(status):
        while True:
            seen = (data.case(scope, key) or {"revision": 0})["revision"]
            try:
                data.set_status(scope, key, status, expected_revision=seen)
                return
            except ConflictError:
                conflicts.append(status)

    threads = [threading.Thread(target=worker, args=(s,)) for s in statuses]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with home.casework.connect() as con:
        history = con.execute("SELECT status, revision FROM case_history ORDER BY id").fetchall()
    assert sorted(s for s, _ in history) == sorted(statuses)
    assert [r for _, r in history] == list(range(1, 9))
    assert home.casework.case(key)["revision"] == 8


def test_a_status_is_stamped_with_the_list_month(home):
    data.set_status(scope_of("ts19"), key_of("a19"), "contacte", expected_revision=0)
    assert home.casework.case(key_of("a19"))["listed_month"] == "2026-10"


def test_the_fairness_summary_blanks_suppressed_cells(audited_home):
    from abri_fixture import VERSION

    df = data.fairness_summary(scope_of("comite"), VERSION)
    hidden = df[df["suppressed"]]
    assert len(hidden) == 1 and hidden[["value", "ci_low", "ci_high", "ratio"]].isna().all(axis=None)
    assert data.fairness_summary(scope_of("comite"), "other-version") is None


def test_without_a_fairness_table_there_is_no_summary(home):
    from abri_fixture import VERSION

    assert data.fairness_summary(scope_of("comite"), VERSION) is None
    assert data.audit_report(scope_of("comite"), VERSION) is None


def test_a_report_version_cannot_walk_out_of_the_reports_folder(audited_home):
    with pytest.raises(data.AccessDenied):
        data.audit_report(scope_of("comite"), "../../etc")


def test_the_committee_cannot_approve_without_a_report(home):
    from abri_fixture import VERSION

    with pytest.raises(data.AccessDenied, match="no_report"):
        data.record_decision(scope_of("comite"), VERSION, decision="approve", comment="ok")


def test_exports_carry_no_name_and_are_logged(home):
    from dashboard import documents

    df = data.outreach_list(scope_of("ts19"))
    csv = documents.list_csv(df, lang="fr").decode("utf-8-sig")
    page = documents.list_html(df, lang="fr", sectors="19e", month="2026-10").decode()
    assert key_of("a19") in csv and "très élevé" in csv
    assert not any(n in csv or n in page for n in NAMES)
    data.log_export(scope_of("ts19"), kind="csv", rows=len(df))
    assert _actions(home)[-1] == ("ts19", "export_list", None)
