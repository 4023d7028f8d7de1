"""Helpers for the dashboard's AppTests."""

from __future__ import annotations

from pathlib import Path

from abri_fixture import ACCOUNTS

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def scope_of(username: str):
    from dashboard.data import Scope

    role, sectors = ACCOUNTS[username]
    return Scope(username, role, tuple(sectors))


def signed_in_token(username: str) -> str:
    """A server-side session for `username`, as a sign-in opens one (bound to the AppTest
    "browser": no cookie, no user agent)."""
    from casework.sessions import open_session
    from dashboard import data
    from dashboard.auth import browser_binding

    return open_session(data.casework(), username, binding=browser_binding())


def app_as(username: str | None, *, page: str | None = None, query: dict | None = None, lang: str = "fr"):
    """An AppTest of the dashboard signed in as `username` (None: signed out), run on `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["lang"] = lang
    if username:
        at.session_state["abri_session"] = signed_in_token(username)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def rendered_text(at) -> str:
    """Everything the page sent to the browser, as text (element protos, tables included)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
            out.append(repr(getattr(node, "value", "")))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)
