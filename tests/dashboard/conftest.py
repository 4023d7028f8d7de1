"""Fixtures for the dashboard's AppTests: a tiny Abri home per test (copied from one built per
session, so the argon2 hashing runs once) and AppTest helpers."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from abri_fixture import ACCOUNTS, FixtureHome, build_home  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> dict[bool, Path]:
    base = tmp_path_factory.mktemp("abri_template")
    return {audit: build_home(base / f"audit_{audit}", with_audit=audit).home for audit in (False, True)}


def _home(template: Path, tmp_path: Path, monkeypatch) -> FixtureHome:
    home = tmp_path / "home"
    shutil.copytree(template, home)
    monkeypatch.setenv("ABRI_HOME", str(home))
    return FixtureHome(home)


@pytest.fixture
def home(_template, tmp_path, monkeypatch) -> FixtureHome:
    return _home(_template[False], tmp_path, monkeypatch)


@pytest.fixture
def audited_home(_template, tmp_path, monkeypatch) -> FixtureHome:
    return _home(_template[True], tmp_path, monkeypatch)


def scope_of(username: str):
    from dashboard.data import Scope

    role, sectors = ACCOUNTS[username]
    return Scope(username, role, tuple(sectors))


def app_as(username: str | None, *, page: str | None = None, query: dict | None = None, lang: str = "fr"):
    """An AppTest of the dashboard signed in as `username` (None: signed out), run on `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["lang"] = lang
    if username:
        at.session_state["abri_user"] = scope_of(username)
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
