"""Key rotation: every pseudonym re-keyed, the old key kept as a dated backup.

An HMAC cannot be re-keyed from the pseudonym alone, so `rotate_key` rebuilds the message
behind each pseudonym from the partners' files still in landing/ (the same SQL as ingestion),
computes it under the old and the new key, and replaces old by new in every column that holds a
pseudonym: `household_key`, `link_hash` and `<key or link column>_hash`, in every table of the
warehouse, the identity store, serving.duckdb and casework.sqlite (`rekey_casework`). A
pseudonym with no message (its landing file purged) stops the rotation before anything changes,
naming the table and the count.

Each store changes in one transaction. The new key waits in secrets/pseudonym.key.next and the
stores already done are listed in secrets/rotation.json, so an interrupted rotation resumes
where it stopped when `abri key rotate` is run again; only then the old key becomes
secrets/pseudonym.key.<UTC time>.bak (0600) and the new one secrets/pseudonym.key.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from abri.config import Paths
from abri.db import transaction
from ingest.contract import SOURCES
from ingest.errors import IngestError
from ingest.landing import inventory
from ingest.pseudonym import KEY_ENV, Pseudonymiser, load_key, new_key
from ingest.read import read_extract
from ingest.store import hash_prefix
from ingest.validate import lit, q, typed_sql

PSEUDONYM_COLUMNS = frozenset({"household_key", "link_hash"} | {
    f"{c.name}_hash" for s in SOURCES.values() for c in s.columns if c.role in ("key", "link")})
DUCKDB_STORES = ("warehouse", "identity_store", "serving")
CHAIN_PREFIX = "rechained:"


@dataclass
class Rotation:
    """What a rotation changed: (store, table, column) -> rows re-keyed; the backup's path."""

    rekeyed: dict[tuple[str, str, str], int] = field(default_factory=dict)
    backup: Path | None = None
    pseudonyms: int = 0
    chained: int = 0

    def lines(self) -> list[str]:
        out = [f"  {store} : {table}.{column} ({n} lignes)" for (store, table, column), n in sorted(self.rekeyed.items())]
        if self.chained:
            out.append(f"  {self.chained} pseudonymes sans fichier dans landing/ rééncodés par chaînage "
                       "(cohérents entre tables, plus reliés à de futurs extraits)")
        return out + [f"  ancienne clé conservée (0600) : {self.backup}"]


def _messages(paths: Paths) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding `msgs(msg)`: every message ingestion hashed from the files in landing/."""
    from ingest.load import CROSSWALK, _register_macros, month_bounds

    con = duckdb.connect()
    _register_macros(con, b"unused" * 8)  # only abri_norm is used here
    con.execute("CREATE TABLE msgs (msg VARCHAR)")
    inv = inventory(paths)
    for month in inv.months:
        start, end = month_bounds(month)
        for src in SOURCES.values():
            rel = src.file_name(month)
            path = paths.landing / rel
            if not path.exists():
                continue
            try:
                raw = read_extract(path, src, rel=rel)
            except IngestError:
                continue  # a file ingestion refused produced no pseudonym
            con.register("raw", raw)
            sql = typed_sql(src)
            con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {sql}",
                        {k: v for k, v in {"month_start": start, "month_end": end}.items() if f"${k}" in sql})
            exprs = [f"{lit(hash_prefix(src, c.name))} || {q(c.name)}"
                     for c in src.columns if c.role in ("key", "link")]
            if src.name == "menages":
                exprs += [msg for _, msg in CROSSWALK]
            for e in exprs:
                con.execute(f"INSERT INTO msgs SELECT DISTINCT {e} FROM typed WHERE {e} IS NOT NULL")
            con.unregister("raw")
    return con


def _mapping(paths: Paths, old: bytes, new: bytes) -> pa.Table:
    con = _messages(paths)
    try:
        msgs = [m for (m,) in con.execute("SELECT DISTINCT msg FROM msgs").fetchall()]
    finally:
        con.close()
    po, pn = Pseudonymiser(old), Pseudonymiser(new)
    return pa.table({"old": [po.hash(m) for m in msgs], "new": [pn.hash(m) for m in msgs]})


def _duckdb_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The pseudonym columns of the tables (not of the views: they read the tables)."""
    return [(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns JOIN information_schema.tables "
        "USING (table_schema, table_name) WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "AND data_type = 'VARCHAR' ORDER BY 1, 2").fetchall() if c in PSEUDONYM_COLUMNS]


def _sqlite_columns(con: sqlite3.Connection) -> list[tuple[str, str]]:
    out = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        out += [(table, r[1]) for r in con.execute(f"PRAGMA table_info({q(table)})") if r[1] in PSEUDONYM_COLUMNS]
    return out


def _unmapped(con, columns, *, store: str) -> dict[str, set[str]]:
    """store.table.column -> the pseudonyms that no message in landing/ gives."""
    out = {}
    for table, column in columns:
        values = {v for (v,) in con.execute(
            f"SELECT DISTINCT {q(column)} FROM {q(table)} WHERE {q(column)} IS NOT NULL "
            f"AND {q(column)} NOT IN (SELECT old FROM rekey)").fetchall()}
        if values:
            out[f"{store}.{table}.{column}"] = values
    return out


def chained(new: bytes, old_pseudonym: str) -> str:
    """The new pseudonym of one whose message is gone (its landing file purged): the same in
    every table, so joins hold, but no future extract will ever give it again."""
    return Pseudonymiser(new).hash(CHAIN_PREFIX + old_pseudonym)


def _open_duckdb(path: Path, mapping: pa.Table) -> duckdb.DuckDBPyConnection:
    con = None
    with contextlib.suppress(duckdb.IOException):
        con = duckdb.connect(str(path))
    if con is None:  # another process (the dashboard, a run) has the file open
        raise ValueError(f"{path.name} est ouvert par un autre processus (tableau de bord ?) : arrêtez-le, "
                         "puis relancez `abri key rotate` (rien n'a changé)")
    con.register("rekey_arrow", mapping)
    con.execute("CREATE OR REPLACE TEMP TABLE rekey AS SELECT DISTINCT old, new FROM rekey_arrow")
    return con


def _open_sqlite(path: Path, mapping: pa.Table) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE TEMP TABLE rekey (old TEXT PRIMARY KEY, new TEXT)")
    con.executemany("INSERT OR IGNORE INTO rekey VALUES (?, ?)",
                    zip(mapping["old"].to_pylist(), mapping["new"].to_pylist(), strict=True))
    return con


def rekey_duckdb(con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Replace old by new pseudonyms (temp table `rekey`) in `columns`, in one transaction."""
    done = {}
    with transaction(con):
        for table, column in columns:
            n = con.execute(f"UPDATE {q(table)} SET {q(column)} = r.new FROM rekey r "
                            f"WHERE {q(table)}.{q(column)} = r.old").fetchall()[0][0]
            done[(table, column)] = n
    return done


def rekey_casework(con: sqlite3.Connection, columns: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """casework.sqlite: the same, in one transaction. Its append-only triggers (access log,
    decisions) are dropped and re-created inside that transaction, so nobody else can write
    meanwhile. The tamper-evident chain over the access log (casework/chain.py) hashes the
    household keys: it is verified before (a broken chain stops the rotation, never sealed) and
    recomputed after, in the same transaction."""
    from casework import chain

    done = {}
    has_chain = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'log_chain'").fetchone() is not None
    if has_chain:
        check = chain.verify(con)
        if not check.ok:
            raise ValueError("rotation refusée : la chaîne du journal des accès est rompue "
                             "(abri audit-log verify) ; rien n'a changé")
    with transaction(con, begin="BEGIN IMMEDIATE"):
        tables = sorted({t for t, _ in columns})
        triggers = con.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            f"({', '.join('?' for _ in tables)})", tables).fetchall() if tables else []
        for name, _ in triggers:
            con.execute(f"DROP TRIGGER {q(name)}")
        for table, column in columns:
            cur = con.execute(f"UPDATE {q(table)} SET {q(column)} = (SELECT new FROM rekey WHERE old = {q(column)}) "
                              f"WHERE {q(column)} IN (SELECT old FROM rekey)")
            done[(table, column)] = cur.rowcount
        for _, sql in triggers:
            con.execute(sql)
        if has_chain:
            for kind in chain.CHAINED:
                if any(t == kind for t, _ in columns):
                    chain.rechain(con, kind)
    return done


def _add_to_mapping(stores, more: pa.Table) -> None:
    for name, con, _ in stores:
        if name == "casework":
            con.executemany("INSERT OR IGNORE INTO rekey VALUES (?, ?)",
                            zip(more["old"].to_pylist(), more["new"].to_pylist(), strict=True))
        else:
            con.register("rekey_more", more)
            con.execute("INSERT INTO rekey SELECT old, new FROM rekey_more")
            con.unregister("rekey_more")


def _state_file(paths: Paths) -> Path:
    return paths.key_file.parent / "rotation.json"


def _next_file(paths: Paths) -> Path:
    return paths.key_file.with_name(paths.key_file.name + ".next")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def rotate_key(paths: Paths, *, chain_unmatched: bool = False, now: datetime | None = None) -> Rotation:
    """Re-key every pseudonym of this home under a new key (see the module's docstring).
    Raises ValueError (nothing changed) when the key comes from the environment or when a
    pseudonym has no file left in landing/ to rebuild it from, unless chain_unmatched: those
    then become `chained(new, old)` (landing files purged by retention)."""
    if os.environ.get(KEY_ENV):
        raise ValueError(f"la clé vient de la variable {KEY_ENV} : sa rotation se fait là où elle est gérée, "
                         "puis réingérez l'historique")
    old = load_key(paths.key_file)
    nxt, state_file = _next_file(paths), _state_file(paths)
    resuming = nxt.exists()
    new = nxt.read_bytes().strip() if resuming else new_key()
    done_stores = set(json.loads(state_file.read_text())["done"]) if resuming and state_file.exists() else set()
    mapping = _mapping(paths, old, new)
    report = Rotation(pseudonyms=mapping.num_rows)

    # open every store and check that every pseudonym can be re-keyed, before changing anything
    stores: list[tuple[str, duckdb.DuckDBPyConnection | sqlite3.Connection, list[tuple[str, str]]]] = []
    problems: dict[str, set[str]] = {}
    try:
        for name in DUCKDB_STORES:
            path = getattr(paths, name)
            if name in done_stores or not path.exists():
                continue
            duck = _open_duckdb(path, mapping)
            stores.append((name, duck, _duckdb_columns(duck)))
        if "casework" not in done_stores and paths.casework.exists():
            lite = _open_sqlite(paths.casework, mapping)
            stores.append(("casework", lite, _sqlite_columns(lite)))
        for name, con, columns in stores:
            problems.update(_unmapped(con, columns, store=name))
        if problems and not chain_unmatched:
            raise ValueError(
                "rotation impossible, rien n'a changé : ces pseudonymes n'ont plus de fichier dans landing/ pour "
                "être recalculés — " + " ; ".join(f"{k} : {len(v)} pseudonyme(s)" for k, v in sorted(problems.items()))
                + " ; relancez avec --chain-unmatched pour les rééncoder par chaînage (fichiers purgés)")
        if problems:
            extra = sorted(set().union(*problems.values()))
            report.chained = len(extra)
            _add_to_mapping(stores, pa.table({"old": extra, "new": [chained(new, v) for v in extra]}))
        if not resuming:
            _write_private(nxt, new)
        for name, con, columns in stores:
            # the casework store is the one SQLite connection
            changed = rekey_casework(con, columns) if isinstance(con, sqlite3.Connection) else rekey_duckdb(con, columns)
            if name == "warehouse":
                # the files stay loaded: under the new key their rows are the same (load.key_id)
                from ingest.load import key_id

                con.execute("CREATE TABLE IF NOT EXISTS warehouse_key (key_id VARCHAR)")
                con.execute("DELETE FROM warehouse_key")
                con.execute("INSERT INTO warehouse_key VALUES (?)", [key_id(new)])
            report.rekeyed.update({(name, t, c): n for (t, c), n in changed.items()})
            done_stores.add(name)
            _write_private(state_file, json.dumps({"done": sorted(done_stores)}).encode())
    finally:
        for _, con, _ in stores:
            con.close()
    if any(store == "warehouse" for store, _, _ in report.rekeyed):
        from features.lake import sync_home

        sync_home(paths.warehouse)  # the lake's copies carry the new pseudonyms too
    # the backup is written before the swap, and the swap is one rename: a crash in between
    # leaves either the old key in place (rotation resumes) or the new one (rotation done)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    report.backup = paths.key_file.with_name(f"{paths.key_file.name}.{stamp}.bak")
    _write_private(report.backup, paths.key_file.read_bytes())
    os.replace(nxt, paths.key_file)
    state_file.unlink(missing_ok=True)
    return report

