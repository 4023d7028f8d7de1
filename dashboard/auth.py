"""Who is signed in: local accounts (argon2, casework/users.py) or, when an `[auth]` section is
configured in Streamlit's secrets, the City's OIDC provider through `st.login` mapped onto an
active local account of the same name (the account carries the role and sectors).

The session forgets the user after IDLE_MINUTES without any interaction.
"""

from __future__ import annotations

import time

import streamlit as st

from casework.users import get_user, verify
from dashboard import data
from dashboard.i18n import t

IDLE_MINUTES = 30
_USER = "abri_user"
_SEEN = "abri_last_seen"
_TIMED_OUT = "abri_timed_out"


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section (no provider ships with Abri)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def current_scope() -> data.Scope | None:
    """The signed-in user's scope, or None (never signed in, signed out or idle too long)."""
    scope = st.session_state.get(_USER)
    now = time.time()
    if scope is not None and now - st.session_state.get(_SEEN, now) > IDLE_MINUTES * 60:
        sign_out(timed_out=True)
        return None
    if scope is None and oidc_configured() and getattr(st.user, "is_logged_in", False):
        scope = _from_oidc()
    if scope is not None:
        st.session_state[_SEEN] = now
    return scope


def _from_oidc() -> data.Scope | None:
    name = st.user.get("preferred_username") or st.user.get("email")
    account = get_user(data.casework(), str(name)) if name else None
    if account is None or not account.active:
        return None
    return _start(data.Scope.of(account))


def _start(scope: data.Scope) -> data.Scope:
    st.session_state[_USER] = scope
    st.session_state[_SEEN] = time.time()
    st.session_state.pop(_TIMED_OUT, None)
    data.casework().log_access(scope.username, "sign_in", None, None)
    return scope


def sign_in(username: str, password: str) -> data.Scope | None:
    """Start the session when the password matches an active account; None otherwise."""
    account = verify(data.casework(), username, password)
    if account is None:
        return None
    return _start(data.Scope.of(account))


def sign_out(*, timed_out: bool = False) -> None:
    scope = st.session_state.get(_USER)
    for key in list(st.session_state.keys()):  # nothing of one user's session survives for the next
        if key != "lang":
            del st.session_state[key]
    if scope is not None:
        data.casework().log_access(scope.username, "sign_out", None, {"idle": timed_out})
    if timed_out:
        st.session_state[_TIMED_OUT] = True
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def timed_out() -> bool:
    return bool(st.session_state.get(_TIMED_OUT))


def sidebar(scope: data.Scope) -> None:
    with st.sidebar:
        st.markdown(t("app.signed_in_as", username=scope.username, role=t(f"role.{scope.role}")))
        if scope.sectors:
            st.caption(t("app.sectors", sectors=", ".join(scope.sectors)))
        if st.button(t("app.sign_out"), key="sign_out"):
            sign_out()
            st.rerun()
