"""A social worker's households: identities (name, address, read afresh, never cached), the
casework (cases, statuses, notes, overrides) and the access log, for listed households of the
worker's own sectors only; every view or change is written to the casework access log
(append-only). The data protection officer reads that log. Nothing here writes a key, a name or
an address to a Python log.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casework import CASE_STATUSES, OUTCOMES
from dashboard.access import (
    CASE_ROLES,
    DPO_ROLES,
    AccessDenied,
    Scope,
    casework,
    city,
    connect,
    identity_path,
    placeholders,
    require,
    serving,
)


def list_cases(keys: tuple[str, ...], month: str) -> list[dict]:
    """The cases of this list month (one case per household and list month)."""
    if not keys:
        return []
    with casework().connect() as con:
        rows = con.execute(f"SELECT household_key, status, revision, updated_by, updated_at FROM cases "
                           f"WHERE list_month = ? AND household_key IN ({placeholders(keys)})",
                           (month, *keys)).fetchall()
    return [dict(zip(("household_key", "status", "revision", "updated_by", "updated_at"), r, strict=True))
            for r in rows]


def log_list_view(scope: Scope, *, rows: int) -> None:
    require(scope, CASE_ROLES)
    casework().log_access(scope.username, "view_list", None, {"sectors": list(scope.sectors), "rows": rows})


def list_identities(scope: Scope, keys: list[str] | tuple[str, ...], *, purpose: str = "list") -> dict[str, dict]:
    """Latest name, address and phone of each of `keys` (households on this month's list of the
    worker's own sectors, in the register under those sectors' arrondissements), read afresh
    (never cached). Each household read is logged (`view_identity`, or `export_visits` for the
    printable visit list). A key outside the worker's sectors is logged as denied and refused."""
    require(scope, CASE_ROLES)
    keys = tuple(dict.fromkeys(keys))
    if not keys:
        return {}
    sectors = tuple(scope.sectors)
    listed = serving(f"SELECT household_key FROM outreach_list WHERE sector IN ({placeholders(sectors)}) "
                      f"AND household_key IN ({placeholders(keys)})", (*sectors, *keys))
    allowed = set(listed["household_key"])
    store = casework()
    for k in keys:
        if k not in allowed:
            store.log_access(scope.username, "denied_household", k, {"reason": "sector"})
            raise AccessDenied("sector")
    action = "export_visits" if purpose == "visits" else "view_identity"
    for k in keys:
        store.log_access(scope.username, action, k, {"via": purpose})
    path = identity_path()
    if not path.exists():
        return {}
    districts = city().sector_districts()
    arrs = tuple(a for s in sectors for a in districts.get(s, ()))
    with connect(path) as con:
        rows = con.execute(
            "SELECT household_key, nom, prenom, adresse, telephone FROM identity "
            f"WHERE household_key IN ({placeholders(keys)}) AND arrondissement IN ({placeholders(arrs)}) "
            "QUALIFY row_number() OVER (PARTITION BY household_key ORDER BY extract_month DESC) = 1",
            [*keys, *arrs]).fetchall()
    return {k: {"nom": nom, "prenom": prenom, "adresse": adresse, "telephone": tel}
            for k, nom, prenom, adresse, tel in rows}


def log_export(scope: Scope, *, kind: str, rows: int) -> None:
    require(scope, CASE_ROLES)
    casework().log_access(scope.username, "export_list", None, {"format": kind, "rows": rows})


def _listed_row(scope: Scope, household_key: str) -> pd.Series:
    """The household's row on this month's list if it is in one of the worker's sectors;
    else the attempt is logged and AccessDenied raised (same answer whether it exists or not)."""
    require(scope, CASE_ROLES)
    sectors = tuple(scope.sectors)
    df = serving(
        "SELECT household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months, "
        "caf_known, no_landlord_data, model_version, strftime(snapshot_month, '%Y-%m') AS snapshot_month "
        f"FROM outreach_list WHERE household_key = ? AND sector IN ({placeholders(sectors)})",
        (household_key, *sectors))
    if df.empty:
        casework().log_access(scope.username, "denied_household", household_key, {"reason": "sector"})
        raise AccessDenied("sector")
    return df.iloc[0]


@dataclass(frozen=True)
class Household:
    row: pd.Series
    reasons: pd.DataFrame
    timeline: pd.DataFrame
    case: dict | None
    notes: list[dict]


def household(scope: Scope, household_key: str) -> Household:
    """A listed household of the worker's sectors: its list row, reasons (rank order), 24-month
    timeline, case and notes. The view is logged. Raises AccessDenied otherwise."""
    row = _listed_row(scope, household_key)
    reasons = serving("SELECT rank, reason_group, direction, contribution, text_fr, text_en FROM reasons "
                       "WHERE household_key = ? ORDER BY rank", (household_key,))
    timeline = serving("SELECT * FROM household_timeline WHERE household_key = ? ORDER BY snapshot_month",
                        (household_key,)).drop(columns=["household_key"])
    store = casework()
    store.log_access(scope.username, "view_household", household_key, None)
    return Household(row, reasons, timeline, store.case(household_key, str(row["snapshot_month"])),
                     store.notes(household_key))


def identity(scope: Scope, household_key: str) -> dict | None:
    """Latest name, address, phone and birth date of a listed household of the worker's sectors,
    read from identity.duckdb only when its arrondissement is in those sectors too. Every call is
    logged. Raises AccessDenied otherwise; None if the register has no such row."""
    _listed_row(scope, household_key)
    districts = city().sector_districts()
    arrs = tuple(a for s in scope.sectors for a in districts.get(s, ()))
    path = identity_path()
    casework().log_access(scope.username, "view_identity", household_key, None)
    if not path.exists():
        return None
    with connect(path) as con:
        r = con.execute(
            "SELECT nom, prenom, adresse, arrondissement, telephone, date_naissance FROM identity "
            f"WHERE household_key = ? AND arrondissement IN ({placeholders(arrs)}) "
            "ORDER BY extract_month DESC LIMIT 1", [household_key, *arrs]).fetchone()
    if r is None:
        return None
    return dict(zip(("nom", "prenom", "adresse", "arrondissement", "telephone", "date_naissance"), r, strict=True))


def set_status(scope: Scope, household_key: str, status: str, *, expected_revision: int,
               outcome: str | None = None) -> int:
    """Change the status (and the outcome, when given) of this list month's case (optimistic:
    raises casework.ConflictError if it changed since `expected_revision` was read). Logged by the
    store. Raises AccessDenied outside the sectors."""
    row = _listed_row(scope, household_key)
    return casework().set_status(household_key, status, by=scope.username, expected_revision=expected_revision,
                                 list_month=str(row["snapshot_month"]), outcome=outcome)


def case(scope: Scope, household_key: str) -> dict | None:
    """The household's case for this month's list (None when nothing was recorded yet)."""
    row = _listed_row(scope, household_key)
    return casework().case(household_key, str(row["snapshot_month"]))


def add_note(scope: Scope, household_key: str, body: str) -> None:
    _listed_row(scope, household_key)
    casework().add_note(household_key, by=scope.username, body=body)


def add_override(scope: Scope, household_key: str, reason: str) -> None:
    row = _listed_row(scope, household_key)
    casework().add_override(household_key, snapshot_month=str(row["snapshot_month"]), by=scope.username,
                            reason=reason)


def notes(scope: Scope, household_key: str) -> list[dict]:
    _listed_row(scope, household_key)
    return casework().notes(household_key)


def casework_statuses() -> tuple[str, ...]:
    return CASE_STATUSES


def case_outcomes() -> tuple[str, ...]:
    return OUTCOMES


# -- data protection officer -------------------------------------------------------------------
def log_notice(scope: Scope, household_key: str) -> None:
    """A CRPA notice downloaded for a listed household of the worker's sectors (logged)."""
    _listed_row(scope, household_key)
    casework().log_access(scope.username, "notice_download", household_key, None)


def access_log(scope: Scope, *, days: int = 30, username: str = "", action: str = "",
               key_prefix: str = "") -> pd.DataFrame:
    """The access log of the last `days` days, newest first, filtered; household keys cut to
    their first 12 characters. Reading it is itself logged. Raises AccessDenied."""
    require(scope, DPO_ROLES)
    store = casework()
    store.log_access(scope.username, "view_access_log", None,
                     {"days": days, "filtered": bool(username or action or key_prefix)})
    df = pd.DataFrame(store.access_log(since_days=days),
                      columns=["id", "at", "username", "action", "household_key", "detail"])
    if username:
        df = df[df["username"] == username]
    if action:
        df = df[df["action"] == action]
    if key_prefix:
        df = df[df["household_key"].fillna("").str.startswith(key_prefix.strip().lower())]
    df["household_key"] = df["household_key"].str[:12]
    return df.sort_values("id", ascending=False).reset_index(drop=True)


def verify_access_log(scope: Scope):
    """casework.chain.verify over the whole store (access log and committee decisions)."""
    from casework.chain import verify

    require(scope, DPO_ROLES)
    with casework().connect() as con:
        return verify(con)
