"""The casework store: one embedded SQLite database in WAL mode, shared by the dashboard and the
pipeline through this small API.

Tables
- decisions: the ethics committee's decisions on model versions (append-only history).
- cases: each household's case status, with an integer `revision` for optimistic locking: an
  update names the revision it read; if someone changed the case meanwhile, it is refused
  with a clear message instead of silently overwriting (no lost update).
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from casework import chain, sessions

DECISIONS = ("approve", "reject", "conditions")
CASE_STATUSES = ("a_contacter", "contacte", "aide_acceptee", "refus", "injoignable", "clos")
ROLES = ("travailleur_social", "encadrant", "comite", "data_scientist", "admin", "dpo")
LOG_RETENTION_DAYS = 183  # at least 6 months (EU AI Act art. 19 / 26)

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, model_version TEXT NOT NULL, decision TEXT NOT NULL,
    decided_by TEXT NOT NULL, comment TEXT NOT NULL, report_sha256 TEXT NOT NULL,
    demonstration INTEGER NOT NULL DEFAULT 0, decided_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    household_key TEXT PRIMARY KEY, status TEXT NOT NULL, revision INTEGER NOT NULL,
    listed_month TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, household_key TEXT NOT NULL, status TEXT NOT NULL,
    revision INTEGER NOT NULL, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL);
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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Casework:
    path: Path

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=30000")
            con.executescript(SCHEMA + chain.SCHEMA + sessions.SCHEMA)
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
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO decisions (model_version, decision, decided_by, comment, report_sha256, "
                    "demonstration, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (version, decision, by, comment, report_sha256, int(demonstration), _now()))
                chain.append(con, "decisions", int(cur.lastrowid))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(cur.lastrowid)

    def decisions(self, version: str | None = None) -> list[dict]:
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            q = "SELECT * FROM decisions" + (" WHERE model_version = ?" if version else "") + " ORDER BY id"
            return [dict(r) for r in con.execute(q, (version,) if version else ())]

    def is_approved(self, version: str, report_sha256: str) -> bool:
        """True when the latest decision on this exact version and report is an approval."""
        latest = [d for d in self.decisions(version) if d["report_sha256"] == report_sha256]
        return bool(latest) and latest[-1]["decision"] in ("approve", "conditions")

    # -- cases -----------------------------------------------------------------------------
    def case(self, household_key: str) -> dict | None:
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            r = con.execute("SELECT * FROM cases WHERE household_key = ?", (household_key,)).fetchone()
            return dict(r) if r else None

    def set_status(self, household_key: str, status: str, *, by: str, expected_revision: int,
                   listed_month: str | None = None) -> int:
        """Change a case's status; `expected_revision` is the revision read (0 for a new case).
        Returns the new revision; raises ConflictError if the case changed meanwhile."""
        if status not in CASE_STATUSES:
            raise CaseworkError(f"statut inconnu « {status} »")
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                row = con.execute("SELECT revision FROM cases WHERE household_key = ?", (household_key,)).fetchone()
                current = row[0] if row else 0
                if current != expected_revision:
                    raise ConflictError("ce dossier a été modifié par quelqu'un d'autre pendant que vous le "
                                        "consultiez : rechargez la page pour voir son nouvel état")
                new = current + 1
                con.execute(
                    "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(household_key) DO UPDATE SET "
                    "status = excluded.status, revision = excluded.revision, updated_by = excluded.updated_by, "
                    "updated_at = excluded.updated_at, listed_month = coalesce(excluded.listed_month, listed_month)",
                    (household_key, status, new, listed_month, by, _now()))
                con.execute("INSERT INTO case_history (household_key, status, revision, changed_by, changed_at) "
                            "VALUES (?, ?, ?, ?, ?)", (household_key, status, new, by, _now()))
                self._log(con, by, "case_status", household_key, status)
                con.execute("COMMIT")
                return new
            except BaseException:
                con.execute("ROLLBACK")
                raise

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

    def statuses(self) -> list[dict]:
        """Every case's status, for monitoring outcomes (keys only, no names)."""
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT household_key, status, listed_month, updated_at FROM cases")]

    # -- access log ------------------------------------------------------------------------
    @staticmethod
    def _log(con: sqlite3.Connection, username: str, action: str, household_key: str | None, detail) -> None:
        own = not con.in_transaction  # chained in the caller's transaction, else in its own
        if own:
            con.execute("BEGIN IMMEDIATE")
        try:
            cur = con.execute(
                "INSERT INTO access_log (at, username, action, household_key, detail) VALUES (?, ?, ?, ?, ?)",
                (_now(), username, action, household_key, json.dumps(detail) if detail is not None else None))
            chain.append(con, "access_log", int(cur.lastrowid))
            if own:
                con.execute("COMMIT")
        except BaseException:
            if own:
                con.execute("ROLLBACK")
            raise

    def log_access(self, username: str, action: str, household_key: str | None = None, detail=None) -> None:
        with self.connect() as con:
            self._log(con, username, action, household_key, detail)

    def access_log(self, *, since_days: int = LOG_RETENTION_DAYS) -> list[dict]:
        cutoff = (datetime.now(UTC) - timedelta(days=since_days)).strftime("%Y-%m-%dT%H:%M:%S")
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM access_log WHERE at >= ? ORDER BY id", (cutoff,))]
