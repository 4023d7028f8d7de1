"""Who is signed in: local accounts (argon2, casework/users.py) or, when an `[auth]` section is
configured in Streamlit's secrets, the City's OIDC provider through `st.login` mapped onto an
active local account of the same name (the account carries the role and sectors).

The session is held server-side (casework/sessions.py): the browser's Streamlit session keeps
only a random token, issued anew at every sign-in and bound to the browser that signed in (a
hash of its XSRF cookie). Every page run re-checks the token and the account: signed out, idle
for IDLE_MINUTES, account disabled, or the token replayed from another browser (a Streamlit
session id copied from a log) all end the session. The role and sectors are read afresh on every
run. Repeated failed sign-ins lock the username with a doubling delay; each failure is logged
with the username tried and never the password.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from casework import sessions
from casework.users import get_user, verify
from dashboard import data
from reports.i18n import t

IDLE_MINUTES = 30
XSRF_COOKIE = "_streamlit_xsrf"
_USER = "abri_user"
_TOKEN = "abri_session"
_ENDED = "abri_session_ended"  # why the last session ended (idle, disabled, binding), for the sign-in page


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section (no provider ships with Abri)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def _xsrf_token(cookie: str) -> str:
    """The token inside Streamlit's XSRF cookie ("2|mask|masked|timestamp": the mask changes
    between page loads, the token does not); the raw value when it has another shape."""
    parts = cookie.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            return bytes(a ^ b for a, b in zip(mask, masked, strict=True)).hex()
        except ValueError:
            pass
    return cookie


def browser_binding() -> str:
    """A hash of what identifies the browser of this connection: the XSRF cookie's token and the
    user agent. Another browser replaying this session's id has another cookie."""
    try:
        cookie, agent = st.context.cookies.get(XSRF_COOKIE), st.context.headers.get("User-Agent")
    except Exception:  # outside a served session: no cookie, no header
        cookie, agent = None, None
    # only real strings count (AppTest's mocked client answers with mock objects)
    cookie, agent = (v if isinstance(v, str) else "" for v in (cookie, agent))
    return hashlib.sha256(f"{_xsrf_token(cookie)}\n{agent}".encode()).hexdigest()


def current_scope() -> data.Scope | None:
    """The signed-in user's scope, re-checked against the server-side session and the account on
    every run; None when never signed in, signed out, idle, disabled or replayed."""
    token = st.session_state.get(_TOKEN)
    if token is None:
        st.session_state.pop(_USER, None)  # a scope without a server-side session is nobody
        if oidc_configured() and getattr(st.user, "is_logged_in", False):
            return _from_oidc()
        return None
    store = data.casework()
    check = sessions.check_session(store, token, binding=browser_binding(), idle_minutes=IDLE_MINUTES)
    account = get_user(store, check.username) if check.reason is None and check.username else None
    if account is None or not account.active:
        _forget(check.reason or "disabled", username=check.username)
        return None
    scope = data.Scope.of(account)
    st.session_state[_USER] = scope
    return scope


def _from_oidc() -> data.Scope | None:
    name = st.user.get("preferred_username") or st.user.get("email")
    account = get_user(data.casework(), str(name)) if name else None
    if account is None or not account.active:
        return None
    return _start(data.Scope.of(account))


def _start(scope: data.Scope) -> data.Scope:
    """Rotate: end whatever this browser held, clear its state, issue a new bound token."""
    store = data.casework()
    old = st.session_state.get(_TOKEN)
    _clear(keep=("lang", "abri_pending_menage"))  # a household link opened before signing in still opens
    st.session_state[_TOKEN] = sessions.open_session(store, scope.username, binding=browser_binding(), replaces=old)
    st.session_state[_USER] = scope
    store.log_access(scope.username, "sign_in", None, None)
    return scope


def sign_in(username: str, password: str) -> data.Scope | None:
    """Start the session when the password matches an active account and the username is not
    locked; None otherwise (the failure is counted and logged). See `locked_minutes`."""
    store = data.casework()
    if sessions.locked_until(store, username) is not None:
        sessions.record_failure(store, username)  # trying during the lock lengthens it
        return None
    account = verify(store, username, password)
    if account is None:
        sessions.record_failure(store, username)
        return None
    sessions.reset_failures(store, account.username)
    return _start(data.Scope.of(account))


def locked_minutes(username: str) -> int | None:
    """Whole minutes left on this username's lock, or None."""
    import math
    from datetime import UTC, datetime

    until = sessions.locked_until(data.casework(), username)
    if until is None:
        return None
    return max(1, math.ceil((until - datetime.now(UTC)).total_seconds() / 60))


def _clear(keep: tuple[str, ...] = ("lang",)) -> None:
    for key in list(st.session_state.keys()):  # nothing of one user's session survives for the next
        if key not in keep:
            del st.session_state[key]


def _forget(reason: str, *, username: str | None) -> None:
    """The server ended (or refused) the session: clear this browser's state and say why."""
    _clear()
    if username and reason in ("idle", "disabled", "binding"):
        data.casework().log_access(username, "session_end", None, {"reason": reason})
    st.session_state[_ENDED] = reason
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def sign_out() -> None:
    scope, token = st.session_state.get(_USER), st.session_state.get(_TOKEN)
    store = data.casework()
    if token:
        sessions.end_session(store, token, reason="sign_out")
    _clear()
    if scope is not None:
        store.log_access(scope.username, "sign_out", None, {"idle": False})
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def ended_reason() -> str | None:
    """Why the previous session ended without a sign-out (idle, disabled, binding), once."""
    return st.session_state.get(_ENDED)


def sidebar(scope: data.Scope) -> None:
    with st.sidebar:
        st.markdown(t("app.signed_in_as", username=scope.username, role=t(f"role.{scope.role}")))
        if scope.sectors:
            st.caption(t("app.sectors", sectors=", ".join(scope.sectors)))
        if st.button(t("app.sign_out"), key="sign_out"):
            sign_out()
            st.rerun()
