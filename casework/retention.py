"""Retention applied, not promised: `abri purge` (and the monthly Dagster asset `retention_purge`)
deletes what has outlived its period (abri.config.Retention; legal bases in docs/security.md):

- identity rows (identity.duckdb) whose extract month is older than `identity_months`;
- the partners' raw extracts in landing/<source>/<YYYY-MM>.* older than `landing_months`;
- casework notes and overrides written more than `notes_months` ago;
- access-log entries older than `access_log_days` (never under 6 months; the hash chain is
  re-anchored, casework/chain.py), and dashboard sessions last seen before then;
- and, whatever their age, the rows of erased households that a re-ingestion brought back.

Dagster's run records are purged by pipelines/retention.py (it needs the Dagster instance).
Worked example, today = 2026-12-01 and the defaults: identity rows of extract month 2024-11 and
earlier go (2024-12 stays), landing files of 2025-11 and earlier go, notes written before
2024-12-01 go, access-log entries before 2025-12-01 go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from abri.config import Paths, Retention
from abri.db import transaction
from casework import chain
from casework.store import Casework
from casework.subject import erase_keys, erased_keys

_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.")


def month_cutoff(today: date, months: int) -> date:
    """The first day of the oldest month kept: today's month minus `months`."""
    n = today.year * 12 + today.month - 1 - months
    return date(n // 12, n % 12 + 1, 1)


@dataclass
class PurgeReport:
    deleted: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def lines(self) -> list[str]:
        return [f"{name} {n}" for name, n in sorted(self.deleted.items())] or ["rien à supprimer"]


def _identity(paths: Paths, cutoff: date, dry_run: bool) -> int:
    if not paths.identity_store.exists():
        return 0
    con = duckdb.connect(str(paths.identity_store), read_only=dry_run)
    try:
        sql = "FROM identity WHERE extract_month < ?"
        if dry_run:
            return con.execute(f"SELECT count(*) {sql}", [cutoff]).fetchall()[0][0]
        return con.execute(f"DELETE {sql}", [cutoff]).fetchall()[0][0]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def _landing(paths: Paths, cutoff: date, dry_run: bool) -> int:
    """Old extracts: regular files or links named <YYYY-MM>.<ext>, one folder per source; never
    followed through a link, never outside landing/."""
    n = 0
    if not paths.landing.is_dir():
        return 0
    for folder in sorted(paths.landing.iterdir()):
        if folder.is_symlink() or not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            m = _MONTH_FILE.match(f.name)
            if not m or f.is_dir() and not f.is_symlink():
                continue
            if date(int(m[1]), int(m[2]), 1) < cutoff:
                n += 1
                if not dry_run:
                    f.unlink()
    return n


def _casework(store: Casework, *, notes_before: str, log_before: str, dry_run: bool, now: str) -> dict[str, int]:
    out = {}
    with store.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
        for table in ("notes", "overrides"):
            n = con.execute(f"SELECT count(*) FROM {table} WHERE written_at < ?", (notes_before,)).fetchone()[0]
            if n and not dry_run:
                con.execute(f"DELETE FROM {table} WHERE written_at < ?", (notes_before,))
            out[f"casework.{table}"] = n
        # a prefix of the log: every entry up to the first one still within its period
        first_kept = con.execute("SELECT min(id) FROM access_log WHERE at >= ?", (log_before,)).fetchone()[0]
        last = con.execute("SELECT max(id) FROM access_log" + (" WHERE id < ?" if first_kept else ""),
                           (first_kept,) if first_kept else ()).fetchone()[0]
        n = con.execute("SELECT count(*) FROM access_log WHERE id <= ?", (last or 0,)).fetchone()[0]
        if n and not dry_run:
            chain.purge_prefix(con, "access_log", last_id=last, now=now)
        out["casework.access_log"] = n
        # ended or abandoned dashboard sessions and stale lockout counters: kept as long as the log
        n = con.execute("SELECT count(*) FROM sessions WHERE last_seen < ?", (log_before,)).fetchone()[0]
        if n and not dry_run:
            con.execute("DELETE FROM sessions WHERE last_seen < ?", (log_before,))
            con.execute("DELETE FROM sign_in_failures WHERE last_failure < ?", (log_before,))
        out["casework.sessions"] = n
    return out


def purge(paths: Paths, retention: Retention, *, by: str, dry_run: bool = False,
          now: datetime | None = None, min_access_log_days: int = 183) -> PurgeReport:
    """Apply `retention` under `paths`; returns the rows or files deleted (or that would be, when
    `dry_run`). The purge itself is written to the access log. Raises ValueError when the
    access-log period is under the legal minimum."""
    if retention.access_log_days < min_access_log_days:  # the legal floor (Settings.min_access_log_days)
        raise ValueError(f"access_log_days : au moins {min_access_log_days} jours")
    now = now or datetime.now(UTC)
    today = now.date()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S")
    report = PurgeReport(dry_run=dry_run)
    report.deleted["identity.identity"] = _identity(paths, month_cutoff(today, retention.identity_months), dry_run)
    report.deleted["landing.files"] = _landing(paths, month_cutoff(today, retention.landing_months), dry_run)
    store = Casework(paths.casework)
    notes_before = month_cutoff(today, retention.notes_months).isoformat()
    log_before = (now - timedelta(days=retention.access_log_days)).strftime("%Y-%m-%dT%H:%M:%S")
    report.deleted.update(_casework(store, notes_before=notes_before, log_before=log_before, dry_run=dry_run,
                                    now=stamp))
    if not dry_run:
        again: dict[str, int] = {}
        erase_keys(paths, erased_keys(store), again)
        report.deleted["erased_again"] = sum(again.values())
        store.log_access(by, "purge", None, report.deleted)
    return report
