"""Case records: one case per household per list month, with what happened.

A household listed in March and again in April has two cases: April's list starts "à contacter"
whatever March's status was. Each case carries the worker's status (CASE_STATUSES), an outcome
(OUTCOMES: contact, aid accepted or refused, FSL request, repayment plan, unreachable, closed)
and the date of the first contact. `intervention_records()` hands these to the pipeline, which
joins them to the month's assignments into the warehouse's `interventions` table
(models/impact.py). `at` lets a caller state when a record was made (the closed-loop simulation
records outcomes in simulated time); by default it is now.

Mixed into casework.store.Casework (which provides connect() and _log()).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import pandas as pd

from abri.db import transaction

RECORD_COLUMNS = ["household_key", "list_month", "status", "outcome", "contacted_date", "recorded_at"]


def _month(value: str | None, what: str = "list_month") -> str:
    from casework.store import CaseworkError

    text = str(value or "")[:7]
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        raise CaseworkError(f"{what} « {value} » : attendu AAAA-MM")
    return text


def _at(at: str | datetime | None) -> str:
    if at is None:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return pd.Timestamp(at).strftime("%Y-%m-%dT%H:%M:%S")


def migrate_cases_before(con: sqlite3.Connection) -> bool:
    """A store from before cases per list month: set its tables aside (True) to copy after."""
    cols = [r[1] for r in con.execute("PRAGMA table_info(cases)")]
    if not cols or "list_month" in cols:
        return False
    con.execute("ALTER TABLE cases RENAME TO cases_v1")
    hist = [r[1] for r in con.execute("PRAGMA table_info(case_history)")]
    if hist and "list_month" not in hist:
        con.execute("ALTER TABLE case_history ADD COLUMN list_month TEXT")
        con.execute("ALTER TABLE case_history ADD COLUMN outcome TEXT")
    return True


def migrate_cases_after(con: sqlite3.Connection) -> None:
    """Old cases keep their last listed month (or '' when none was known)."""
    con.execute("INSERT OR IGNORE INTO cases (household_key, list_month, status, outcome, contacted_date, revision, "
                "updated_by, updated_at) SELECT household_key, coalesce(listed_month, ''), status, NULL, NULL, "
                "revision, updated_by, updated_at FROM cases_v1")
    con.execute("DROP TABLE cases_v1")


class CaseMethods:
    """Case records of the casework store."""

    # provided by casework.store.Casework, which mixes this class in
    connect: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _log: Callable[..., None]

    def case(self, household_key: str, list_month: str | None = None) -> dict | None:
        """The household's case for `list_month` (default: its latest list month), or None.
        `listed_month` repeats `list_month` for older callers."""
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            if list_month is None:
                r = con.execute("SELECT * FROM cases WHERE household_key = ? ORDER BY list_month DESC LIMIT 1",
                                (household_key,)).fetchone()
            else:
                r = con.execute("SELECT * FROM cases WHERE household_key = ? AND list_month = ?",
                                (household_key, _month(list_month))).fetchone()
        return {**dict(r), "listed_month": r["list_month"]} if r else None

    def open_cases(self, rows: pd.DataFrame, *, by: str = "abri", at: str | datetime | None = None) -> int:
        """A case "a_contacter" per outreach row (household_key, list_month; rows whose `arm`
        is not 'outreach' are ignored: the holdout never gets a case). Existing cases are left
        as they are. Returns the number of cases created."""
        from casework.store import CaseworkError

        missing = {"household_key", "list_month"} - set(rows.columns)
        if missing:
            raise CaseworkError(f"open_cases : colonnes manquantes {sorted(missing)}")
        if "arm" in rows.columns:
            rows = rows[rows["arm"] == "outreach"]
        when = _at(at)
        values = [(str(k), _month(m), by, when)
                  for k, m in zip(rows["household_key"], rows["list_month"], strict=True)]
        with self.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
            before = con.total_changes
            con.executemany("INSERT OR IGNORE INTO cases (household_key, list_month, status, revision, updated_by, "
                            "updated_at) VALUES (?, ?, 'a_contacter', 1, ?, ?)", values)
            created = con.total_changes - before
            self._log(con, by, "open_cases", None, {"cases": created})
        return created

    def set_status(self, household_key: str, status: str, *, by: str, expected_revision: int,
                   list_month: str | None = None, listed_month: str | None = None, outcome: str | None = None,
                   contacted_date: str | None = None, at: str | datetime | None = None) -> int:
        """Change the status of the household's case for `list_month` (default: its latest
        case, else a new case for this month). `expected_revision` is the revision read (0 for
        a new case). `outcome` defaults to the status when the status is an outcome; the first
        contact sets `contacted_date` (default: the day of `at`). Returns the new revision;
        raises ConflictError if the case changed meanwhile."""
        from casework.store import CASE_STATUSES, OUTCOMES, CaseworkError, ConflictError

        if status not in CASE_STATUSES:
            raise CaseworkError(f"statut inconnu « {status} »")
        if outcome is not None and outcome not in OUTCOMES:
            raise CaseworkError(f"issue inconnue « {outcome} » : choisissez parmi {', '.join(OUTCOMES)}")
        month = list_month or listed_month
        when = _at(at)
        with self.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
            if month is None:
                r = con.execute("SELECT max(list_month) FROM cases WHERE household_key = ?",
                                (household_key,)).fetchone()
                month = r[0] if r and r[0] is not None else when[:7]
            month = _month(month) if month else month
            row = con.execute("SELECT revision, outcome, contacted_date FROM cases WHERE household_key = ? "
                              "AND list_month = ?", (household_key, month)).fetchone()
            current, old_outcome, old_contact = row if row else (0, None, None)
            if current != expected_revision:
                raise ConflictError("ce dossier a été modifié par quelqu'un d'autre pendant que vous le "
                                    "consultiez : rechargez la page pour voir son nouvel état")
            new_outcome = outcome or (status if status in OUTCOMES else old_outcome)
            contact = old_contact or contacted_date
            if contact is None and new_outcome in _contact_outcomes():
                contact = when[:10]
            new = current + 1
            con.execute(
                "INSERT INTO cases (household_key, list_month, status, outcome, contacted_date, revision, "
                "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(household_key, list_month) "
                "DO UPDATE SET status = excluded.status, outcome = excluded.outcome, "
                "contacted_date = excluded.contacted_date, revision = excluded.revision, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (household_key, month, status, new_outcome, contact, new, by, when))
            con.execute("INSERT INTO case_history (household_key, status, revision, changed_by, changed_at, "
                        "list_month, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (household_key, status, new, by, when, month, new_outcome))
            self._log(con, by, "case_status", household_key, status)
            return new

    def statuses(self) -> list[dict]:
        """Every case's status, for monitoring outcomes (keys only, no names)."""
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(
                "SELECT household_key, list_month, list_month AS listed_month, status, outcome, updated_at FROM cases")]

    def intervention_records(self) -> pd.DataFrame:
        """One row per case: household_key, list_month ('YYYY-MM'), status, outcome,
        contacted_date ('YYYY-MM-DD' or None), recorded_at (when its current state was recorded)."""
        with self.connect() as con:
            rows = con.execute("SELECT household_key, list_month, status, outcome, contacted_date, updated_at "
                               "FROM cases WHERE list_month != '' ORDER BY list_month, household_key").fetchall()
        return pd.DataFrame(rows, columns=RECORD_COLUMNS)


def _contact_outcomes() -> tuple[str, ...]:
    from casework.store import CONTACT_OUTCOMES

    return CONTACT_OUTCOMES
