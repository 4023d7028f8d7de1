"""The casework store: one embedded SQLite database in WAL mode, shared by the dashboard and the
pipeline through this small API.

Tables
- decisions: the ethics committee's decisions on model versions (append-only history).
- cases: one case per household per list month (last month's status does not carry into this
  month's list), with its status, outcome and contact date, and an integer `revision` for
  optimistic locking: an update names the revision it read; if someone changed the case
  meanwhile, it is refused with a clear message instead of silently overwriting (no lost update).
- design_decisions: the committee's randomised design (models/design.py), append-only.
- notes, overrides: what social workers write and when they disagree with the list.
- access_log: append-only log of every view and change of personal data (who, what, when).
- users: local accounts (argon2 password hashes), role and sectors.
- exclusions: households kept out of scoring and lists (objection, erasure; casework/subject.py).
- log_chain: the hash chain over access_log and decisions (casework/chain.py).
- sessions, sign_in_failures: dashboard sessions and the sign-in lockout (casework/sessions.py).

No key, name or address is ever written to Python logs or error messages from here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from abri.db import transaction
from casework import chain, sessions
from casework.cases import CaseMethods, migrate_cases_after, migrate_cases_before
from casework.design_decisions import DesignMethods

DECISIONS = ("approve", "reject", "conditions", "suspend")
# recorded on the serving champion, these withdraw it at once (models.registry.ModelRegistry.retire)
WITHDRAWING = ("reject", "suspend")
CASE_STATUSES = ("a_contacter", "contacte", "aide_acceptee", "refus", "injoignable", "clos")
# what happened, as the worker records it (feeds the warehouse's `interventions` table)
OUTCOMES = ("contacte", "aide_acceptee", "refus", "demande_fsl", "plan_apurement", "injoignable", "clos")
CONTACT_OUTCOMES = ("contacte", "aide_acceptee", "refus", "demande_fsl", "plan_apurement")
ROLES = ("travailleur_social", "encadrant", "comite", "data_scientist", "admin", "dpo")
LOG_RETENTION_DAYS = 183  # at least 6 months (EU AI Act art. 19 / 26)

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, model_version TEXT NOT NULL, decision TEXT NOT NULL,
    decided_by TEXT NOT NULL, comment TEXT NOT NULL, report_sha256 TEXT NOT NULL,
    demonstration INTEGER NOT NULL DEFAULT 0, decided_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    household_key TEXT NOT NULL, list_month TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT,
    contacted_date TEXT, revision INTEGER NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (household_key, list_month));
CREATE TABLE IF NOT EXISTS case_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL, status TEXT NOT NULL,
    revision INTEGER NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, list_month TEXT,
    outcome TEXT);
CREATE TABLE IF NOT EXISTS design_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, design TEXT NOT NULL, params TEXT NOT NULL,
    decided_by TEXT NOT NULL, comment TEXT NOT NULL, demonstration INTEGER NOT NULL DEFAULT 0,
    decided_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS design_decisions_append_only BEFORE UPDATE ON design_decisions
BEGIN SELECT RAISE(ABORT, 'les décisions du comité ne se modifient pas : enregistrez-en une nouvelle'); END;
CREATE TRIGGER IF NOT EXISTS design_decisions_no_delete BEFORE DELETE ON design_decisions
BEGIN SELECT RAISE(ABORT, 'les décisions du comité ne se suppriment pas'); END;
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL, author TEXT NOT NULL,
    body TEXT NOT NULL, written_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL, snapshot_month TEXT NOT NULL,
    author TEXT NOT NULL, reason TEXT NOT NULL, written_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
    action TEXT NOT NULL, household_key TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    sectors TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exclusions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL, kind TEXT NOT NULL,
    reason TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'le journal des accès est en ajout seul'); END;
CREATE TRIGGER IF NOT EXISTS access_log_append_only_delete BEFORE DELETE ON access_log
WHEN old.at > strftime('%Y-%m-%dT%H:%M:%S', 'now', '-183 days')
BEGIN SELECT RAISE(ABORT, 'le journal des accès est conservé au moins 6 mois'); END;
CREATE TRIGGER IF NOT EXISTS decisions_append_only BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'les décisions du comité ne se modifient pas : enregistrez-en une nouvelle'); END;
"""


class CaseworkError(Exception):
    """An action refused by the casework store, with a message a user can act on."""


class ConflictError(CaseworkError):
    """Someone else changed the case since it was read."""


_WAL_SWITCH = threading.Lock()


def _use_wal(con: sqlite3.Connection, attempts: int = 200) -> None:
    """Put the store in WAL mode (persistent, so done once per file). The switch needs the
    database to itself, and when other connections are opening a new store at the same moment
    SQLite may refuse it at once instead of waiting out the busy timeout: the first connections
    of a new store take turns here and try again for up to 10 s."""
    if con.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    with _WAL_SWITCH:
        for attempt in range(attempts):
            try:
                con.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if e.sqlite_errorname not in ("SQLITE_BUSY", "SQLITE_LOCKED") or attempt == attempts - 1:
                    raise
                time.sleep(0.05)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Casework(CaseMethods, DesignMethods):
    path: Path

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout=30000")
            _use_wal(con)
            legacy = migrate_cases_before(con)
            con.executescript(SCHEMA + chain.SCHEMA + sessions.SCHEMA)
            if legacy:
                migrate_cases_after(con)
            chain.start(con, _now())
            yield con
        finally:
            con.close()

    # -- committee decisions -------------------------------------------------------------
    def record_decision(self, version: str, *, decision: str, by: str, comment: str, report_sha256: str,
                        demonstration: bool = False) -> int:
        if decision not in DECISIONS:
            raise CaseworkError(f"décision inconnue « {decision} » : choisissez parmi {', '.join(DECISIONS)}")
        if not by.strip() or not comment.strip():
            raise CaseworkError("une décision du comité doit être signée (--by) et motivée (--comment)")
        with self.connect() as con:
            with transaction(con, begin="BEGIN IMMEDIATE"):
                cur = con.execute(
                    "INSERT INTO decisions (model_version, decision, decided_by, comment, report_sha256, "
                    "demonstration, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (version, decision, by, comment, report_sha256, int(demonstration), _now()))
                row_id = cur.lastrowid
                assert row_id is not None  # set by the INSERT
                chain.append(con, "decisions", row_id)
            return row_id

    def decisions(self, version: str | None = None) -> list[dict]:
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            q = "SELECT * FROM decisions" + (" WHERE model_version = ?" if version else "") + " ORDER BY id"
            return [dict(r) for r in con.execute(q, (version,) if version else ())]

    def still_approved(self, version: str) -> bool:
        """True when the latest decision on this version, whatever the report, is an approval:
        a former champion may serve again after a withdrawal only then."""
        past = self.decisions(version)
        return bool(past) and past[-1]["decision"] in ("approve", "conditions")

    def is_approved(self, version: str, report_sha256: str) -> bool:
        """True when the latest decision on this exact version and report is an approval."""
        latest = [d for d in self.decisions(version) if d["report_sha256"] == report_sha256]
        return bool(latest) and latest[-1]["decision"] in ("approve", "conditions")

    def add_note(self, household_key: str, *, by: str, body: str) -> None:
        if not body.strip():
            raise CaseworkError("la note est vide")
        with self.connect() as con:
            con.execute("INSERT INTO notes (household_key, author, body, written_at) VALUES (?, ?, ?, ?)",
                        (household_key, by, body, _now()))
            self._log(con, by, "note", household_key, None)

    def notes(self, household_key: str) -> list[dict]:
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(
                "SELECT author, body, written_at FROM notes WHERE household_key = ? ORDER BY id", (household_key,))]

    def add_override(self, household_key: str, *, snapshot_month: str, by: str, reason: str) -> None:
        if not reason.strip():
            raise CaseworkError("indiquez pourquoi vous n'êtes pas d'accord avec la liste")
        with self.connect() as con:
            con.execute("INSERT INTO overrides (household_key, snapshot_month, author, reason, written_at) "
                        "VALUES (?, ?, ?, ?, ?)", (household_key, snapshot_month, by, reason, _now()))
            self._log(con, by, "override", household_key, None)

    # -- access log ------------------------------------------------------------------------
    @staticmethod
    def _log(con: sqlite3.Connection, username: str, action: str, household_key: str | None, detail) -> None:
        # chained in the caller's transaction, else in its own
        with nullcontext() if con.in_transaction else transaction(con, begin="BEGIN IMMEDIATE"):
            cur = con.execute(
                "INSERT INTO access_log (at, username, action, household_key, detail) VALUES (?, ?, ?, ?, ?)",
                (_now(), username, action, household_key, json.dumps(detail) if detail is not None else None))
            assert cur.lastrowid is not None  # set by the INSERT
            chain.append(con, "access_log", cur.lastrowid)

    def log_access(self, username: str, action: str, household_key: str | None = None, detail=None) -> None:
        with self.connect() as con:
            self._log(con, username, action, household_key, detail)

    def access_log(self, *, since_days: int = LOG_RETENTION_DAYS) -> list[dict]:
        cutoff = (datetime.now(UTC) - timedelta(days=since_days)).strftime("%Y-%m-%dT%H:%M:%S")
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM access_log WHERE at >= ? ORDER BY id", (cutoff,))]
