"""AppTests: every page for every role, in French and English, plus the page-level workflows."""

from __future__ import annotations

import pytest
from abri_fixture import NAMES, PASSWORD, key_of
from apptest_helpers import app_as, rendered_text

from casework.users import disable_user
from reports.i18n import t

PAGES = [
    ("ts19", "app_pages/outreach.py", "page.outreach"),
    ("ts19", "app_pages/household.py", "page.household"),
    ("encadrant", "app_pages/capacity.py", "page.capacity"),
    ("comite", "app_pages/committee.py", "page.committee"),
    ("ds", "app_pages/quality.py", "page.quality"),
    ("ds", "app_pages/model.py", "page.model"),
    ("admin", "app_pages/capacity.py", "page.capacity"),
    ("admin", "app_pages/quality.py", "page.quality"),
    ("admin", "app_pages/model.py", "page.model"),
    ("admin", "app_pages/accounts.py", "page.accounts"),
    ("admin", "app_pages/audit_log.py", "page.audit_log"),
    ("dpo", "app_pages/audit_log.py", "page.audit_log"),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("user", "page", "title"), PAGES)
def test_every_page_of_every_role_renders_without_error(home, user, page, title, lang):
    at = app_as(user, page=page, lang=lang)
    assert not at.exception
    assert [x.value for x in at.title] == [t(title, lang=lang)]


def test_the_household_page_renders_a_listed_household_in_english(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")}, lang="en")
    assert not at.exception and not at.error
    assert any("Rent arrears" in m.value for m in at.markdown)


def test_a_signed_out_visitor_sees_only_the_sign_in_form(home):
    at = app_as(None)
    assert [x.value for x in at.title] == [t("app.title")]
    assert len(at.text_input) == 2
    assert not at.dataframe


def test_signing_in_with_the_right_password_opens_the_sector_list(home):
    at = app_as(None)
    at.text_input[0].input("ts19")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert [x.value for x in at.title] == [t("page.outreach")]
    assert [e["action"] for e in home.casework.access_log()][-2:] == ["sign_in", "view_list"]


@pytest.mark.parametrize(("username", "password"), [("ts19", "wrong-password-123"), ("nobody", PASSWORD)])
def test_a_wrong_password_or_unknown_name_is_refused_with_one_message(home, username, password):
    at = app_as(None)
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert [e.value for e in at.error] == [t("signin.failed")]
    assert "abri_user" not in at.session_state


def test_a_disabled_account_cannot_sign_in(home):
    disable_user(home.casework, "ts19")
    at = app_as(None)
    at.text_input[0].input("ts19")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert [e.value for e in at.error] == [t("signin.failed")]


def test_an_idle_session_is_signed_out_after_thirty_minutes(home):
    at = app_as("ts19", page="app_pages/outreach.py")
    with home.casework.connect() as con:  # the server-side session was last seen 31 minutes ago
        con.execute("UPDATE sessions SET last_seen = strftime('%Y-%m-%dT%H:%M:%S', 'now', '-31 minutes')")
    at.run()
    assert [x.value for x in at.title] == [t("app.title")]
    assert any(w.value == t("signin.timeout", minutes=30) for w in at.warning)


def test_the_social_worker_list_shows_only_their_sector(home):
    at = app_as("ts19")
    table = at.dataframe[0].value
    assert set(table[t("col.sector")]) == {"19e"}
    assert len(table) == 3


def test_list_filters_narrow_the_rows(home):
    at = app_as("ts19")
    at.multiselect[1].set_value(["tres_eleve"]).run()
    assert len(at.dataframe[0].value) == 1
    at.multiselect[1].set_value([]).run()
    at.checkbox[0].check().run()
    assert list(at.dataframe[0].value[t("col.arrears")]) == [t("value.unknown")]


def test_opening_a_household_from_the_list_shows_its_file(home):
    at = app_as("ts19")
    at.selectbox[1].set_value(key_of("b19"))
    next(b for b in at.button if b.label == t("list.open")).click().run()
    assert [x.value for x in at.title] == [t("page.household")]
    assert any(t("hh.cannot_private")[:40] in w.value for w in at.warning)
    # a household in no CAF file has caf_known NULL, not 0: said, not an error (Paris bench)
    assert not at.exception and any(t("hh.cannot_caf")[:40] in w.value for w in at.warning)


def test_another_sectors_household_in_the_url_is_denied_and_logged(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a20")})
    assert [e.value for e in at.error] == [t("hh.denied")]
    text = rendered_text(at)
    assert not any(name in text for name in NAMES)
    assert not at.toggle and not at.form
    log = home.casework.access_log()
    assert [(e["action"], e["household_key"]) for e in log][-1] == ("denied_household", key_of("a20"))


def test_showing_identity_displays_the_contact_and_logs_the_view(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    assert "Ouvrard" not in rendered_text(at)  # hidden until asked for
    at.toggle[0].set_value(True).run()
    text = rendered_text(at)
    assert "Ouvrard" in text and "rue des Lilas" in text  # latest extract
    assert ("view_identity", key_of("a19")) in [(e["action"], e["household_key"])
                                                for e in home.casework.access_log()]


def test_a_status_set_on_the_page_is_still_there_after_a_reload(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    at.selectbox[0].set_value("contacte")
    next(b for b in at.button if b.label == t("hh.status_save")).click().run()
    assert [s.value for s in at.success] == [t("hh.status_saved")]
    again = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    assert any(t("hh.status_now", status=t("status.contacte")) in m.value for m in again.markdown)


def _save_status(at, status):
    at.selectbox[0].set_value(status)
    next(b for b in at.button if b.label == t("hh.status_save")).click().run()


def test_concurrent_status_updates_lose_nothing(home):
    query = {"menage": key_of("a19")}
    alice = app_as("ts19", page="app_pages/household.py", query=query)
    bob = app_as("ts19", page="app_pages/household.py", query=query)
    _save_status(alice, "contacte")
    _save_status(bob, "injoignable")  # bob read revision 0: refused, not silently overwritten
    assert [e.value for e in bob.error] == [t("hh.conflict")]
    assert home.casework.case(key_of("a19"))["status"] == "contacte"
    _save_status(bob, "injoignable")  # bob has now seen revision 1
    with home.casework.connect() as con:
        history = con.execute("SELECT status, revision FROM case_history ORDER BY id").fetchall()
    assert history == [("contacte", 1), ("injoignable", 2)]


def test_notes_and_disagreements_are_recorded(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("c19")})
    at.text_area[0].input("Appel prévu jeudi")
    next(b for b in at.button if b.label == t("hh.note_save")).click().run()
    at.text_area[1].input("Dette soldée la semaine dernière")
    next(b for b in at.button if b.label == t("hh.override_save")).click().run()
    assert [n["body"] for n in home.casework.notes(key_of("c19"))] == ["Appel prévu jeudi"]
    with home.casework.connect() as con:
        assert con.execute("SELECT reason, snapshot_month FROM overrides").fetchall() == [
            ("Dette soldée la semaine dernière", "2026-10")]
    assert any(x.value == "Appel prévu jeudi" for x in at.text)


def test_an_empty_disagreement_is_refused_with_a_message(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("c19")})
    next(b for b in at.button if b.label == t("hh.override_save")).click().run()
    assert [e.value for e in at.error] == [t("hh.override_empty")]


def test_the_household_page_carries_the_crpa_notice(home):
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    notice = next(m.value for m in at.markdown if "L311-3-1" in m.value and "## 5. " in m.value)
    for heading in ("1. Degré et mode de contribution", "2. Données utilisées et leurs sources",
                    "3. Paramètres appliqués à votre situation et leur poids", "4. Opérations effectuées",
                    "5. Vos droits"):
        assert f"## {heading}" in notice
    assert "Impayés de loyer : 4 mois d'impayés" in notice


@pytest.mark.parametrize("user", ["comite", "encadrant", "ds", "admin"])
def test_roles_without_casework_cannot_open_the_household_page(home, user):
    at = app_as(user, query={"menage": key_of("a19")})
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("app_pages/household.py")
    assert not any(name in rendered_text(at) for name in NAMES)


def test_the_committee_sees_no_personal_data(audited_home):
    at = app_as("comite", page="app_pages/committee.py")
    at.toggle[0].set_value(True).run()  # the embedded report too
    text = rendered_text(at)
    assert "Synthèse" in text or t("com.fairness") in text
    for name in NAMES:
        assert name not in text
    assert key_of("a19")[:8] not in text


def test_the_personal_data_check_can_fail(home):
    """The helper the committee test relies on does see a name when one is rendered."""
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    at.toggle[0].set_value(True).run()
    assert any(name in rendered_text(at) for name in NAMES)


def test_without_an_audit_the_committee_is_told_and_may_only_reject(home):
    at = app_as("comite", page="app_pages/committee.py")
    assert [i.value for i in at.info][:1] == [t("com.no_audit")]
    assert at.radio[0].options == [t("decision.reject")]


def test_a_committee_decision_is_bound_to_the_report_hash(audited_home):
    import hashlib

    from abri_fixture import VERSION

    at = app_as("comite", page="app_pages/committee.py")
    at.radio[0].set_value("conditions")
    at.text_area[0].input("Approuvé sous réserve d'un suivi des locataires du parc privé")
    next(b for b in at.button if b.label == t("com.submit")).click().run()
    sha = hashlib.sha256((audited_home.home / "reports" / VERSION / "audit.html").read_bytes()).hexdigest()
    assert [s.value for s in at.success] == [t("com.saved")]
    assert audited_home.casework.is_approved(VERSION, sha)
    assert audited_home.casework.decisions(VERSION)[0]["demonstration"] == 1


def test_a_committee_decision_needs_reasons(audited_home):
    at = app_as("comite", page="app_pages/committee.py")
    next(b for b in at.button if b.label == t("com.submit")).click().run()
    assert [e.value for e in at.error] == [t("com.comment_required")]
    assert audited_home.casework.decisions() == []


def test_the_capacity_page_counts_follow_up_per_sector(home):
    cw = home.casework
    cw.set_status(key_of("a19"), "contacte", by="ts19", expected_revision=0, list_month="2026-10")
    cw.set_status(key_of("b19"), "a_contacter", by="ts19", expected_revision=0, list_month="2026-10")
    at = app_as("encadrant", page="app_pages/capacity.py")
    table = at.dataframe[0].value.set_index("sector")
    assert table.loc["19e", "followed"] == 1
    assert table.loc["19e", "followup_rate"] == pytest.approx(1 / 3)
    assert table.loc["20e", "followed"] == 0
    assert not any(name in rendered_text(at) for name in NAMES)


def test_without_a_published_file_pages_say_so(home):
    (home.home / "serving.duckdb").unlink()
    at = app_as("ds", page="app_pages/quality.py")
    assert not at.exception
    assert [i.value for i in at.info] == [t("app.not_published", home=str(home.home))]


def _oidc_app(user: dict):
    from apptest_helpers import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32}
    at.user = user
    return at.run()


def test_an_oidc_identity_maps_onto_the_local_account_of_the_same_name(home):
    at = _oidc_app({"is_logged_in": True, "email": "ts19"})
    assert [x.value for x in at.title] == [t("page.outreach")]
    assert set(at.dataframe[0].value[t("col.sector")]) == {"19e"}


def test_an_oidc_identity_without_an_active_account_is_refused(home):
    at = _oidc_app({"is_logged_in": True, "email": "stranger@paris.fr"})
    assert [x.value for x in at.title] == [t("app.title")]
    assert [e.value for e in at.error] == [t("signin.oidc_unknown")]
    assert not at.dataframe


def test_without_an_auth_section_no_oidc_button_is_offered(home):
    at = app_as(None)
    assert [b.label for b in at.button] == [t("signin.submit")]
