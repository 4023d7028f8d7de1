"""Dashboard sessions held server-side, and the lockout of repeated failed sign-ins.

A sign-in issues a fresh random token (rotated at every sign-in); only its SHA-256 is stored, in
`sessions`, with the account and a `binding`: a hash of what identifies the browser that signed
in (its XSRF cookie, dashboard/auth.py). Every page run checks the token: it must exist, not be
ended, come from the same browser, have been seen within the idle limit, and its account must
still be active. A Streamlit session id copied from a log and replayed from another browser
therefore finds a binding that does not match, and the session is ended, not handed over.

Lockout: after MAX_FAILURES consecutive failures for a username, sign-in is refused (even with the
right password) for 1 minute, then 2, 4, ... up to MAX_LOCK_MINUTES; a success resets it.
Unknown usernames are counted the same way, so the lockout tells nothing about who exists.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from abri.db import transaction

if TYPE_CHECKING:
    from casework.store import Casework

MAX_FAILURES = 5
MAX_LOCK_MINUTES = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY, username TEXT NOT NULL, binding TEXT NOT NULL,
    created_at TEXT NOT NULL, last_seen TEXT NOT NULL, ended_at TEXT, end_reason TEXT);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    username TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure TEXT NOT NULL,
    locked_until TEXT);
"""
FMT = "%Y-%m-%dT%H:%M:%S"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clean_username(username: str) -> str:
    """The username tried, as it may be logged: printable, at most 64 characters."""
    return "".join(c for c in username.strip() if c.isprintable())[:64]


# -- lockout ------------------------------------------------------------------------------------
def locked_until(store: Casework, username: str, *, now: datetime | None = None) -> datetime | None:
    """When the lock on this username ends, or None if it may try now."""
    with store.connect() as con:
        r = con.execute("SELECT locked_until FROM sign_in_failures WHERE username = ?",
                        (clean_username(username),)).fetchone()
    if not r or not r[0]:
        return None
    until = datetime.strptime(r[0], FMT).replace(tzinfo=UTC)
    return until if until > (now or _now()) else None


def record_failure(store: Casework, username: str, *, now: datetime | None = None) -> int:
    """Count a failed sign-in (and log it, with the username tried only); returns the number of
    consecutive failures. From MAX_FAILURES on, locks the username with a doubling delay."""
    name, now = clean_username(username), now or _now()
    with store.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
        r = con.execute("SELECT failures FROM sign_in_failures WHERE username = ?", (name,)).fetchone()
        failures = (r[0] if r else 0) + 1
        lock = None
        if failures >= MAX_FAILURES:
            minutes = min(2 ** (failures - MAX_FAILURES), MAX_LOCK_MINUTES)
            lock = (now + timedelta(minutes=minutes)).strftime(FMT)
        con.execute("INSERT INTO sign_in_failures VALUES (?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET "
                    "failures = excluded.failures, last_failure = excluded.last_failure, "
                    "locked_until = excluded.locked_until", (name, failures, now.strftime(FMT), lock))
        store._log(con, name, "sign_in_failed", None, {"failures": failures, "locked_until": lock})
    return failures


def reset_failures(store: Casework, username: str) -> None:
    with store.connect() as con:
        con.execute("DELETE FROM sign_in_failures WHERE username = ?", (clean_username(username),))


# -- sessions -----------------------------------------------------------------------------------
def open_session(store: Casework, username: str, *, binding: str, replaces: str | None = None) -> str:
    """A new token for `username` bound to `binding`; `replaces` (the token this browser held
    before, if any) is ended. Returns the token (kept only in the user's session state)."""
    token = secrets.token_urlsafe(32)
    now = _now().strftime(FMT)
    with store.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
        if replaces:
            _end(con, replaces, "rotated", now)
        con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                    (_digest(token), username, binding, now, now))
    return token


def _end(con: sqlite3.Connection, token: str, reason: str, now: str) -> None:
    con.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE token_sha256 = ? AND ended_at IS NULL",
                (now, reason, _digest(token)))


def end_session(store: Casework, token: str, *, reason: str) -> None:
    with store.connect() as con:
        _end(con, token, reason, _now().strftime(FMT))


@dataclass(frozen=True)
class Check:
    """The outcome of checking a token: the username when valid, else why not (`reason`:
    unknown, ended, binding, idle, disabled)."""

    username: str | None
    reason: str | None = None


def check_session(store: Casework, token: str, *, binding: str, idle_minutes: int,
                  now: datetime | None = None) -> Check:
    """Validate the token for this page run and touch it; an invalid one is ended with its reason."""
    now = now or _now()
    stamp = now.strftime(FMT)
    with store.connect() as con:
        r = con.execute("SELECT s.username, s.binding, s.last_seen, s.ended_at, s.end_reason, u.active "
                        "FROM sessions s LEFT JOIN users u USING (username) WHERE s.token_sha256 = ?",
                        (_digest(token),)).fetchone()
        if r is None:
            return Check(None, "unknown")
        username, bound, last_seen, ended, end_reason, active = r
        if ended:  # ended elsewhere (account disabled) says why; signed out or rotated is just "ended"
            return Check(username, end_reason if end_reason in ("disabled", "idle", "binding") else "ended")
        reason = None
        if not secrets.compare_digest(bound, binding):
            reason = "binding"
        elif now - datetime.strptime(last_seen, FMT).replace(tzinfo=UTC) > timedelta(minutes=idle_minutes):
            reason = "idle"
        elif not active:
            reason = "disabled"
        if reason:
            _end(con, token, reason, stamp)
            return Check(username, reason)
        con.execute("UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?", (stamp, _digest(token)))
    return Check(username)


def end_sessions_of(store: Casework, username: str, *, reason: str) -> int:
    """End every open session of an account (disabled, password changed); returns how many."""
    with store.connect() as con:
        return con.execute("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE username = ? AND ended_at IS NULL",
                           (_now().strftime(FMT), reason, username)).rowcount
