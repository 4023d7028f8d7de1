"""A hash chain over the access log and the committee's decisions, so that a deleted, altered or
forged entry shows (`abri audit-log verify`).

Each entry of a chained table gets one row in `log_chain`: the table ("access_log" or
"decisions"), the entry's id, the previous entry's hash in that table's chain, and its own hash
= SHA-256(previous hash + the entry's columns as canonical JSON). Worked example: the first
access-log entry (id 1) has prev_hash = the anchor (64 zeros on a new store) and hash h1 =
sha256("000…0" + '[1,"2026-12-01T10:00:00","ts19","view_list",null,"{…}"]'); entry 2 has
prev_hash = h1, and so on. Deleting entry 1 leaves a chain row pointing at nothing; deleting it
with its chain row leaves entry 2's prev_hash pointing at a hash no one has; editing it changes
h1. Purging by retention removes the oldest entries and their chain rows together and moves the
anchor to the last purged hash, so the remaining chain still verifies.

What a chain in the same file cannot stop: someone with write access who recomputes every hash
after a forgery. `verify` prints the head hash of each chain; the monthly purge records it in
Dagster's run metadata, and a copy kept elsewhere (a printed report, another machine) makes such
a rewrite detectable too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

from abri.db import transaction

GENESIS = "0" * 64
# table -> its columns in hash order (the id first); the order is part of the format
CHAINED: dict[str, tuple[str, ...]] = {
    "access_log": ("id", "at", "username", "action", "household_key", "detail"),
    "decisions": ("id", "model_version", "decision", "decided_by", "comment", "report_sha256",
                  "demonstration", "decided_at"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS log_chain (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, row_id INTEGER NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (kind, row_id));
CREATE TABLE IF NOT EXISTS log_chain_anchor (
    kind TEXT PRIMARY KEY, hash TEXT NOT NULL, purged INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS log_chain_append_only BEFORE UPDATE ON log_chain
BEGIN SELECT RAISE(ABORT, 'la chaîne du journal est en ajout seul'); END;
"""


def entry_hash(prev_hash: str, values: tuple) -> str:
    body = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _row(con: sqlite3.Connection, kind: str, row_id: int) -> tuple | None:
    cols = ", ".join(CHAINED[kind])
    return con.execute(f"SELECT {cols} FROM {kind} WHERE id = ?", (row_id,)).fetchone()


def _head(con: sqlite3.Connection, kind: str) -> str:
    # row ids grow with the chain within a kind: the (kind, row_id) index finds the head at once
    r = con.execute("SELECT hash FROM log_chain WHERE kind = ? ORDER BY row_id DESC LIMIT 1", (kind,)).fetchone()
    if r:
        return r[0]
    a = con.execute("SELECT hash FROM log_chain_anchor WHERE kind = ?", (kind,)).fetchone()
    return a[0] if a else GENESIS


def start(con: sqlite3.Connection, now: str) -> None:
    """Once per store: anchor each chain and chain the entries written before chaining existed
    (a store created by an earlier version). Runs inside the caller's connection."""
    for kind in CHAINED:
        if con.execute("SELECT 1 FROM log_chain_anchor WHERE kind = ?", (kind,)).fetchone():
            continue
        with transaction(con, begin="BEGIN IMMEDIATE"):
            if not con.execute("SELECT 1 FROM log_chain_anchor WHERE kind = ?", (kind,)).fetchone():
                con.execute("INSERT INTO log_chain_anchor VALUES (?, ?, 0, ?)", (kind, GENESIS, now))
                for (row_id,) in con.execute(f"SELECT id FROM {kind} WHERE id NOT IN "
                                             "(SELECT row_id FROM log_chain WHERE kind = ?) ORDER BY id",
                                             (kind,)).fetchall():
                    _append(con, kind, row_id)


def _append(con: sqlite3.Connection, kind: str, row_id: int) -> str:
    prev = _head(con, kind)
    row = _row(con, kind, row_id)
    assert row is not None, (kind, row_id)  # the caller has just inserted it, in this transaction
    h = entry_hash(prev, row)
    con.execute("INSERT INTO log_chain (kind, row_id, prev_hash, hash) VALUES (?, ?, ?, ?)", (kind, row_id, prev, h))
    return h


def append(con: sqlite3.Connection, kind: str, row_id: int) -> str:
    """Chain the entry just inserted. Must run in the transaction that inserted it (the store
    opens one), so two writers never chain onto the same head."""
    if not con.in_transaction:
        raise RuntimeError("chain.append hors transaction")
    return _append(con, kind, row_id)


def rechain(con: sqlite3.Connection, kind: str) -> int:
    """Recompute `kind`'s chain from its anchor, inside the caller's transaction. Only for a
    rewrite Abri itself makes of every entry at once (the pseudonymisation key rotation re-keys
    `household_key`): the caller verifies the chain first, so a forgery is never sealed."""
    if not con.in_transaction:
        raise RuntimeError("chain.rechain hors transaction")
    con.execute("DELETE FROM log_chain WHERE kind = ?", (kind,))
    ids = [r[0] for r in con.execute(f"SELECT id FROM {kind} ORDER BY id").fetchall()]
    for row_id in ids:
        _append(con, kind, row_id)
    return len(ids)


@dataclass
class Verification:
    """What `verify` found: problems (French, entry ids only: never a key or a name) and, per
    chain, the number of entries checked and the head hash."""

    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


LABELS = {"access_log": "journal des accès", "decisions": "décisions du comité"}


def verify(con: sqlite3.Connection) -> Verification:
    """Walk each chain from its anchor: every chain row's entry exists and hashes to the stored
    hash, every prev_hash is the previous row's hash, and every entry of the table is chained."""
    out = Verification()
    for kind in CHAINED:
        label = LABELS[kind]
        a = con.execute("SELECT hash FROM log_chain_anchor WHERE kind = ?", (kind,)).fetchone()
        prev = a[0] if a else GENESIS
        n = 0
        cols = ", ".join(f"e.{c}" for c in CHAINED[kind])
        # one pass over the chain joined to its entries (a missing entry comes back as NULLs)
        for row_id, prev_hash, stored, *values in con.execute(
                f"SELECT c.row_id, c.prev_hash, c.hash, {cols} FROM log_chain c LEFT JOIN {kind} e "
                "ON e.id = c.row_id WHERE c.kind = ? ORDER BY c.id", (kind,)):
            n += 1
            if prev_hash != prev:
                out.problems.append(f"{label} : la chaîne est rompue avant l'entrée n° {row_id} "
                                    "(une entrée précédente a été supprimée ou réécrite)")
            values = tuple(values) if values[0] is not None else None
            if values is None:
                out.problems.append(f"{label} : l'entrée n° {row_id} a été supprimée")
            elif entry_hash(prev_hash, values) != stored:
                out.problems.append(f"{label} : l'entrée n° {row_id} a été modifiée")
            prev = stored
        unchained = [r[0] for r in con.execute(
            f"SELECT id FROM {kind} WHERE id NOT IN (SELECT row_id FROM log_chain WHERE kind = ?) ORDER BY id",
            (kind,)).fetchall()]
        if unchained:
            shown = ", ".join(str(i) for i in unchained[:10]) + (" …" if len(unchained) > 10 else "")
            out.problems.append(f"{label} : {len(unchained)} entrée(s) hors chaîne, ajoutée(s) sans passer "
                                f"par Abri (n° {shown})")
        out.checked[kind] = n
        out.heads[kind] = prev
    return out


def purge_prefix(con: sqlite3.Connection, kind: str, *, last_id: int, now: str) -> int:
    """Delete the entries of `kind` with id <= last_id and their chain rows, and move the anchor
    to the last deleted hash. Runs in the caller's transaction; returns the entries deleted."""
    if not con.in_transaction:
        raise RuntimeError("chain.purge_prefix hors transaction")
    r = con.execute("SELECT hash FROM log_chain WHERE kind = ? AND row_id <= ? ORDER BY id DESC LIMIT 1",
                    (kind, last_id)).fetchone()
    n = con.execute(f"DELETE FROM {kind} WHERE id <= ?", (last_id,)).rowcount
    con.execute("DELETE FROM log_chain WHERE kind = ? AND row_id <= ?", (kind, last_id))
    if r:
        con.execute("UPDATE log_chain_anchor SET hash = ?, purged = purged + ?, updated_at = ? WHERE kind = ?",
                    (r[0], n, now, kind))
    return n
