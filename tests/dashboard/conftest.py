"""Fixtures for the dashboard's AppTests: a tiny Abri home per test (copied from one built per
session, so the argon2 hashing runs once)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from abri_fixture import FixtureHome, build_home  # noqa: E402


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
