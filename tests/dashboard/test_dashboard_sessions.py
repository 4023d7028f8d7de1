"""Sign-in hardening: server-side sessions re-checked on every run, lockout, replay refused,
and the data protection officer's page; list views and notice downloads logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from abri_fixture import PASSWORD, key_of
from apptest_helpers import app_as, rendered_text

from casework import sessions
from casework.users import disable_user
from dashboard import auth
from reports.i18n import t


def _sign_in(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def _actions(home):
    return [(e["username"], e["action"]) for e in home.casework.access_log()]


def test_a_disabled_account_is_signed_out_at_its_next_page_run(home):
    at = app_as("ts19", page="app_pages/outreach.py")
    assert [x.value for x in at.title] == [t("page.outreach")]
    disable_user(home.casework, "ts19")
    at.run()
    assert [x.value for x in at.title] == [t("app.title")]
    assert [w.value for w in at.warning] == [t("signin.ended_disabled")]
    assert "abri_user" not in at.session_state and not at.dataframe


def test_a_forged_scope_in_the_session_state_is_nobody(home):
    from apptest_helpers import APP, scope_of
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["abri_user"] = scope_of("ts19")  # no server-side session behind it
    at.run()
    assert [x.value for x in at.title] == [t("app.title")] and not at.dataframe


def test_a_session_replayed_from_another_browser_is_ended_not_handed_over(home, monkeypatch):
    at = app_as("ts19", page="app_pages/outreach.py")
    assert at.dataframe
    token = at.session_state["abri_session"]
    monkeypatch.setattr(auth, "browser_binding", lambda: "another-browser")
    at.run()
    assert [x.value for x in at.title] == [t("app.title")] and not at.dataframe
    assert [w.value for w in at.warning] == [t("signin.ended_binding")]
    assert ("ts19", "session_end") in _actions(home)
    monkeypatch.undo()  # back in the first browser, the ended token no longer works either
    at.session_state["abri_session"] = token
    at.run()
    assert [x.value for x in at.title] == [t("app.title")]


def test_signing_in_rotates_the_token_and_signing_out_ends_it_server_side(home):
    at = _sign_in(app_as(None), "ts19", PASSWORD)
    first = at.session_state["abri_session"]
    assert sessions.check_session(home.casework, first, binding=auth.browser_binding(), idle_minutes=30).reason is None
    next(b for b in at.button if b.label == t("app.sign_out")).click().run()
    assert sessions.check_session(home.casework, first, binding=auth.browser_binding(),
                                  idle_minutes=30).reason == "ended"
    at = _sign_in(at, "ts19", PASSWORD)
    assert at.session_state["abri_session"] != first


def test_repeated_failures_lock_the_username_even_with_the_right_password(home):
    at = app_as(None)
    for _ in range(sessions.MAX_FAILURES):
        _sign_in(at, "ts19", "wrong-password-123")
    assert [e.value for e in at.error] == [t("signin.locked", minutes=1)]
    _sign_in(at, "ts19", PASSWORD)
    assert [x.value for x in at.title] == [t("app.title")]  # still locked
    failed = [e for e in home.casework.access_log() if e["action"] == "sign_in_failed"]
    assert len(failed) == sessions.MAX_FAILURES + 1 and {e["username"] for e in failed} == {"ts19"}
    assert not any(PASSWORD in str(e) or "wrong-password" in str(e) for e in home.casework.access_log())


def test_the_lock_doubles_then_ends_and_a_success_resets_it(home):
    store, now = home.casework, datetime.now(UTC).replace(microsecond=0)
    for _ in range(sessions.MAX_FAILURES + 2):
        sessions.record_failure(store, "nobody", now=now)
    until = sessions.locked_until(store, "nobody", now=now)
    assert until - now == timedelta(minutes=4)  # 1, 2, then 4 minutes
    assert sessions.locked_until(store, "nobody", now=now + timedelta(minutes=5)) is None
    sessions.reset_failures(store, "nobody")
    assert sessions.record_failure(store, "nobody") == 1


def test_a_failed_sign_in_logs_a_cleaned_username_only(home):
    sessions.record_failure(home.casework, " evil\x1b[31mname\n" + "x" * 100)
    entry = home.casework.access_log()[-1]
    assert entry["action"] == "sign_in_failed" and entry["username"].startswith("evil[31mname")
    assert len(entry["username"]) == 64


def test_every_distinct_list_view_is_logged_once(home):
    at = app_as("ts19", page="app_pages/outreach.py")
    at.run()  # the same view again: not logged twice
    views = [a for a in _actions(home) if a[1] == "view_list"]
    assert len(views) == 1
    at.multiselect[1].select("tres_eleve").run()  # another set of rows: logged
    assert len([a for a in _actions(home) if a[1] == "view_list"]) == 2


def test_a_notice_download_is_logged(home):
    from apptest_helpers import scope_of

    from dashboard import data

    data.log_notice(scope_of("ts19"), key_of("a19"))
    assert home.casework.access_log()[-1]["action"] == "notice_download"
    with pytest.raises(data.AccessDenied):
        data.log_notice(scope_of("ts19"), key_of("a20"))


def test_the_dpo_reads_the_log_and_verifies_the_chain(home):
    app_as("ts19", page="app_pages/outreach.py")
    at = app_as("dpo", page="app_pages/audit_log.py")
    assert [x.value for x in at.title] == [t("page.audit_log")]
    text = rendered_text(at)
    assert t("action.view_list") in text and key_of("a19") not in text  # keys cut to 12 characters
    next(b for b in at.button if b.label == t("log.verify")).click().run()
    assert [s.value for s in at.success][0].startswith(t("log.chain_ok", n=0).split(":")[0])


@pytest.mark.parametrize("user", ["ts19", "comite", "ds", "encadrant"])
def test_only_the_dpo_and_the_admin_read_the_access_log(home, user):
    from apptest_helpers import scope_of

    from dashboard import data

    with pytest.raises(data.AccessDenied):
        data.access_log(scope_of(user))


def test_a_household_link_opened_before_signing_in_opens_after_it(home):
    at = app_as(None, query={"menage": key_of("a19")})
    _sign_in(at, "ts19", PASSWORD)
    at.run()
    assert t("page.household") in [x.value for x in at.title]
    assert ("ts19", "view_household") in _actions(home)
