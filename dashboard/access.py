"""The dashboard's access layer: who is asking (`Scope`, the roles), the files and one
short-lived read-only connection per query, the cached serving reads. Used by dashboard/data.py
(the serving reads, per role) and dashboard/households.py (identities and casework).

Serving reads are cached per (file version, query, parameters): the parameters carry the user's
sectors, so one user's cache never serves another's rows, and a newly published file (atomic
swap, new mtime) is read afresh. Identity reads are never cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from abri.city import City
from abri.config import Paths
from abri.settings import load_settings
from casework import Casework
from casework.users import Account

CASE_ROLES = ("travailleur_social",)
SUPERVISION_ROLES = ("encadrant", "admin")
COMMITTEE_ROLES = ("comite",)
DATA_ROLES = ("data_scientist", "admin")
MODEL_READ_ROLES = ("comite", "data_scientist", "admin")
IMPACT_ROLES = ("comite", "encadrant", "admin")
CONTACT_STATUSES = ("contacte", "aide_acceptee", "refus", "clos")
DPO_ROLES = ("dpo", "admin")
# the navigation each role gets (dashboard/app.py): section title key -> pages (app_pages/<name>.py)
ROLE_PAGES = {
    "travailleur_social": {"section.casework": ["outreach", "household"]},
    "encadrant": {"section.supervision": ["capacity", "impact"]},
    "comite": {"section.committee": ["committee", "impact"]},
    "data_scientist": {"section.data": ["quality", "model"]},
    "admin": {"section.supervision": ["capacity", "impact"], "section.data": ["quality", "model"],
              "section.admin": ["accounts", "audit_log"]},
    "dpo": {"section.dpo": ["audit_log"]},
}


def city() -> City:
    """The city served (ABRI_CITY): its sectors, in order, and the districts each holds."""
    return load_settings().city


def district_name(number) -> str:
    """A district as the city names it: "19e", "1er" in Paris (fairness.groups.value_label, as the
    audit names arrondissements); "quartier 3" where districts are quartiers (the city file's
    district_label)."""
    from fairness.groups import value_label

    label = city().district_label
    if label != "arrondissement":
        return f"{label} {number}"
    return value_label("arrondissement", number)


class AccessDenied(Exception):
    """The signed-in user may not see or change this. `reason_code` says why (no key in the text)."""

    def __init__(self, reason_code: str):
        super().__init__(reason_code)
        self.reason_code = reason_code


class NotPublished(Exception):
    """serving.duckdb has not been published yet under this home."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: the signed-in account's name, role and sectors."""

    username: str
    role: str
    sectors: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, account: Account) -> Scope:
        return cls(account.username, account.role, tuple(account.sectors))


def require(scope: Scope, roles: tuple[str, ...]) -> None:
    if scope.role not in roles:
        raise AccessDenied("role")


# -- files and connections ---------------------------------------------------------------------
def home() -> Path:
    return Paths.from_env().home


def serving_path() -> Path:
    return Paths.from_env().serving


def identity_path() -> Path:
    return Paths.from_env().identity_store


def casework() -> Casework:
    return Casework(Paths.from_env().casework)


def report_path(version: str) -> Path:
    return Paths.from_env().reports / version / "audit.html"


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one query, closed at once (the pipeline swaps files)."""
    if not path.exists():
        raise NotPublished(path.name)
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _cached(path: str, version: int, sql: str, params: tuple) -> pd.DataFrame:
    del version  # part of the cache key only: a new file is a new entry
    with connect(Path(path)) as con:
        return con.execute(sql, list(params)).df()


def serving(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = serving_path()
    try:
        version = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotPublished(path.name) from None
    return _cached(str(path), version, sql, params).copy()


def has_table(name: str) -> bool:
    df = serving("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", (name,))
    return bool(df["n"].iloc[0])


def placeholders(values: tuple) -> str:
    return ", ".join("?" for _ in values) or "NULL"


# -- any signed-in user ------------------------------------------------------------------------
def published(scope: Scope) -> dict:
    """meta.published: published_at, snapshot_month, model_version, demonstration.
    Raises NotPublished."""
    del scope
    df = serving("SELECT value FROM meta WHERE key = 'published'")
    return json.loads(df["value"].iloc[0]) if len(df) else {}
