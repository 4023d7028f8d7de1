"""Ingest one partner file (or one month of all partners) into the warehouse.

`ingest_source(paths, source=..., month=...)` reads, validates, pseudonymises and loads one file
in one DuckDB transaction: the month's previous staging rows, quarantine rows, log row and
linkage row are deleted and replaced, or, if anything fails, nothing changes. It needs no
Dagster, so a benchmark can call it directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from abri.city import City
from abri.config import Paths, connect_duckdb
from abri.db import transaction
from abri.files import private
from abri.lock import LockedError
from features.lake import write_months
from ingest import errors as E
from ingest import guards
from ingest.contract import SOURCES, Source, source
from ingest.pseudonym import (
    ADRESSE,
    PERSONNE,
    hmac_pads,
    load_key,
)
from ingest.read import ROW, read_extract
from ingest.store import (
    HASH_PREFIX,
    IDENTITY_COLUMNS,
    IDENTITY_DDL,
    hash_prefix,
    hashed,
    staging_columns,
    warehouse_ddl,
)
from ingest.validate import (
    duplicates_sql,
    lit,
    q,
    quarantine_cells_sql,
    shown_value_sql,
    typed_sql,
)
from reports.fmt import integer, percent

# menages first: the other sources link through the crosswalk it builds
ORDER = ("menages", "caf", "bailleurs", "justice", "fsl", "energie", "services_sociaux", "france_travail")

_PERSONNE = (f"'{PERSONNE}' || abri_norm(nom) || '|' || abri_norm(prenom) || '|' "
             "|| strftime(date_naissance, '%Y-%m-%d')")
_ADRESSE = f"'{ADRESSE}' || abri_norm(nom) || '|' || abri_norm(adresse) || '|' || code_postal"

# the links that are one column's pseudonym: the same message as that column's `<column>_hash`
# (its HASH_PREFIX), so each file hashes it once, in `good` (hashed_sql)
SIMPLE_LINKS = {"menage": "id_menage", "allocataire": "numero_allocataire", "bail": "ref_bail"}
_COLUMN_MESSAGE = {kind: f"'{HASH_PREFIX[column]}' || {column}" for kind, column in SIMPLE_LINKS.items()}

# link_type -> message hashed, as SQL over valid rows; for each source, the links tried in order
LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "menages": (("menage", _COLUMN_MESSAGE["menage"]),),
    "caf": (("allocataire", _COLUMN_MESSAGE["allocataire"]),),
    "bailleurs": (("bail", _COLUMN_MESSAGE["bail"]),),
    "justice": (("allocataire", _COLUMN_MESSAGE["allocataire"]), ("adresse", _ADRESSE)),
    "fsl": (("menage", _COLUMN_MESSAGE["menage"]),),
    "energie": (("adresse", _ADRESSE),),
    "services_sociaux": (("menage", _COLUMN_MESSAGE["menage"]),),
    "france_travail": (("personne", _PERSONNE),),
}
CROSSWALK = (*((kind, _COLUMN_MESSAGE[kind]) for kind in SIMPLE_LINKS),
             ("personne", _PERSONNE),
             ("adresse", _ADRESSE))


@dataclass
class IngestResult:
    """What one file gave: counts, linkage and a summary of the quarantine."""

    source: str
    month: str
    file: str
    file_hash: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    rows_linked: int
    quarantine_summary: list[tuple[str | None, str, int]] = field(default_factory=list)
    skipped: bool = False  # the same file was already loaded (same SHA-256, same key): nothing done

    @property
    def linkage_rate(self) -> float:
        return self.rows_linked / self.rows_loaded if self.rows_loaded else 0.0

    def line(self) -> str:
        def n(x: int) -> str:
            return integer(x, "fr")

        if self.skipped:
            return f"{self.source} {self.month} : inchangé (même empreinte SHA-256), ignoré"
        return (f"{self.source} {self.month} : {n(self.rows_in)} lignes, {n(self.rows_loaded)} chargées, "
                f"{n(self.rows_quarantined)} en quarantaine, liaison {percent(self.linkage_rate, 'fr')}")


def month_bounds(month: str) -> tuple[date, date]:
    p = pd.Period(month, freq="M")
    return p.start_time.date(), p.end_time.date()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


LOCK_WAIT_S = 30.0  # how long a step waits for another process to let go of the warehouse file


def connect_warehouse(paths: Paths, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The warehouse (created with its tables if new). Another process holding DuckDB's file lock
    is waited for, up to LOCK_WAIT_S: a Dagster step that has handed the warehouse pool's slot on
    may still be closing its connection, and the next step must wait for it, not fail."""
    paths.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            con = connect_duckdb(paths.warehouse, home=paths.home, read_only=read_only)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise
            if time.monotonic() > deadline:  # said in French, as the CLI shows it (abri/cli_common.py)
                raise LockedError(
                    f"l'entrepôt {paths.warehouse} est ouvert par un autre processus depuis plus de "
                    f"{LOCK_WAIT_S:.0f} s : attendez qu'il se termine, puis relancez la commande") from e
            time.sleep(0.25)
    private(paths.warehouse)  # owner-only even when the caller did not set the umask
    if not read_only:
        for stmt in warehouse_ddl():
            con.execute(stmt)
    return con


def _register_macros(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """abri_hmac(message) for this file's key (replacing the previous file's), and abri_norm.

    HMAC-SHA256 in SQL from DuckDB's own sha256, on both cores: 1.7 x the Python UDF it
    replaces, with no Arrow round trip. The pads (the key itself) are connection variables,
    never part of a statement's text, so no query plan or error can show them; they are reset
    when the file is done (`_forget_key`), after which abri_hmac fails instead of giving NULLs."""
    inner, outer = hmac_pads(key)
    con.execute("SET VARIABLE abri_ipad = $inner", {"inner": inner})
    con.execute("SET VARIABLE abri_opad = $outer", {"outer": outer})
    opad, ipad = (f"coalesce(getvariable('{pad}')::BLOB, error('abri_hmac : aucune clé de pseudonymisation "
                  "chargée'))" for pad in ("abri_opad", "abri_ipad"))
    con.execute(f"CREATE OR REPLACE TEMP MACRO abri_hmac(m) AS sha256({opad} || unhex(sha256({ipad} || encode(m))))")
    # pseudonym.normalise in SQL (same results, tested), so names are normalised at DuckDB speed
    con.execute("CREATE OR REPLACE TEMP MACRO abri_norm(x) AS nullif(trim(regexp_replace("
                "upper(strip_accents(replace(x, 'ß', 'ss'))), '[^A-Z0-9]+', ' ', 'g')), '')")


def _forget_key(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("abri_ipad", "abri_opad"):
        con.execute(f"RESET VARIABLE {name}")


def key_id(key: bytes) -> str:
    """A fingerprint of the pseudonymisation key (never the key): files loaded under another key
    must be loaded again, their pseudonyms differ."""
    return hmac.new(key, b"abri:key-id", hashlib.sha256).hexdigest()[:16]


def _already_loaded(con, src: Source, *, month: str, start: date, rel: str, file_hash: str,
                    kid: str) -> IngestResult | None:
    """The log's result for this very file if it is already loaded under this key, else None."""
    if con.execute("SELECT count(*) FROM warehouse_key WHERE key_id <> ?", [kid]).fetchall()[0][0]:
        return None
    rows = con.execute(
        "SELECT l.rows_in, l.rows_loaded, l.rows_quarantined, coalesce(k.rows_linked, 0) FROM ingest_log l "
        "LEFT JOIN linkage k USING (source, extract_month) WHERE l.source = ? AND l.extract_month = ? "
        "AND l.file_hash = ?", [src.name, start, file_hash]).fetchall()
    if not rows:
        return None
    row = rows[0]
    return IngestResult(source=src.name, month=month, file=rel, file_hash=file_hash, rows_in=row[0],
                        rows_loaded=row[1], rows_quarantined=row[2], rows_linked=row[3], skipped=True)


def ingest_source(paths: Paths, *, source_name: str, month: str, file: Path | None = None,
                  key: bytes | None = None, force: bool = False,
                  con: duckdb.DuckDBPyConnection | None = None, city: City | None = None) -> IngestResult:
    """Load landing/<source>/<month>.<ext> (or `file`) for `month` ("YYYY-MM").

    A file already loaded for this month (same SHA-256, same key) is skipped unless `force`:
    the result has `skipped=True` and the logged counts. `con`: a warehouse connection to reuse
    (`ingest_month` opens one per month, so DuckDB checkpoints once a month, not once a file).
    `city`: whose postcodes and districts the rows are checked against (default Paris).
    Returns the counts; raises IngestError (file-level problem, nothing changed) or KeyError
    (unknown source).
    """
    src = source(source_name, city=city)
    start, end = month_bounds(month)
    rel = src.file_name(month)
    path = file or paths.landing / rel
    key = key if key is not None else load_key(paths.key_file)
    kid = key_id(key)
    file_hash = file_sha256(path) if path.is_file() else None
    own = con is None
    con = connect_warehouse(paths) if con is None else con
    try:
        if file_hash and not force:
            done = _already_loaded(con, src, month=month, start=start, rel=rel, file_hash=file_hash, kid=kid)
            if done is not None:
                return done
        table = read_extract(path, src, rel=rel)
        assert file_hash is not None  # read_extract has refused a path that is not a regular file
        _register_macros(con, key)
        con.register("raw", table)
        with contextlib.ExitStack() as stack:
            # both stores commit, or neither: the identity store's transaction is entered first
            # so that it ends last, rolled back if the warehouse's COMMIT fails
            ident = stack.enter_context(_identity_transaction(paths)) if src.name == "menages" else None
            stack.enter_context(transaction(con))
            result, identity = _load(con, src, month=month, start=start, end=end, rel=rel,
                                     file_hash=file_hash, rows_in=table.num_rows)
            con.execute("DELETE FROM warehouse_key")
            con.execute("INSERT INTO warehouse_key VALUES (?)", [kid])
            if identity is not None:  # menages only: its identity store is open
                assert ident is not None
                ident.register("new_identity", identity)
                ident.execute("DELETE FROM identity WHERE extract_month = ?", [start])
                ident.execute("INSERT INTO identity SELECT * FROM new_identity")
        # committed: the month's partition of the lake follows (its own folder, its own writer)
        write_months(con, lake=paths.lake, table=f"stg_{src.name}", months=[month])
    finally:
        if own:
            con.close()
        else:  # the next file starts clean
            _forget_key(con)
            con.unregister("raw")
            for name in ("typed", "q_cells", "good", "links", "xw_new"):
                con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
    return result


def _check_file_month(con, src: Source, *, rel: str, month: str, start: date, end: date) -> None:
    col = src.month_column or src.event_date
    if col is None:
        return
    n, other, seen = con.execute(
        f"SELECT count({q(col)}), count(*) FILTER (WHERE {q(col)} {'<>' if src.month_column else '>'} ?), "
        f"mode(strftime({q(col)}, '%Y-%m')) FROM typed", [start if src.month_column else end]).fetchone()
    if n and other * 2 > n:
        raise E.IngestError(
            E.WRONG_MONTH, file=rel, column=col,
            detail=f"la plupart des lignes ({integer(other, 'fr')} sur {integer(n, 'fr')}) portent le mois {seen} "
                   f"alors que le nom du fichier indique {month} : vérifiez le mois du fichier déposé")


def _check_column_types(con, src: Source, *, rel: str) -> None:
    """A column where no value parses is a format problem of the whole file, not of its rows."""
    typed_cols = [c for c in src.columns if c.dtype != "string"]
    exprs = ", ".join(
        f"count({q('txt__' + c.name)}), count(*) FILTER (WHERE {q('txt__' + c.name)} IS NOT NULL "
        f"AND {q('r__' + c.name)} IN ('{E.NOT_A_NUMBER}', '{E.BAD_DATE}', '{E.UNKNOWN_VALUE}', "
        f"'{E.NOT_AN_INTEGER}', '{E.DECIMAL_POINT}'))"
        for c in typed_cols)
    counts = con.execute(f"SELECT {exprs} FROM typed").fetchone()
    for i, c in enumerate(typed_cols):
        n, bad = counts[2 * i], counts[2 * i + 1]
        if n >= 10 and bad == n:
            expected = {"int": "un nombre entier", "float": "un nombre" + (
                " avec une virgule décimale" if src.decimal == "," else ""),
                "date": f"une date au format {src.date_format}", "month": f"un mois au format {src.month_format}",
                "bool": "O ou N" if src.format == "csv" else "un booléen",
                "category": "une des valeurs du contrat"}[c.dtype]
            raise E.IngestError(E.WRONG_TYPE, file=rel, column=c.name,
                                detail=f"aucune des {integer(n, 'fr')} valeurs n'est {expected} : vérifiez le format "
                                       "de l'export")


def _load(con, src: Source, *, month: str, start: date, end: date, rel: str, file_hash: str,
          rows_in: int) -> tuple[IngestResult, pa.Table | None]:
    params = {"month_start": start, "month_end": end}
    sql = typed_sql(src)
    guards.check_volume(con, src, rel=rel, start=start, rows_in=rows_in)
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {sql}", {k: v for k, v in params.items() if f"${k}" in sql})
    guards.check_date_formats(con, src, rel=rel)
    _check_file_month(con, src, rel=rel, month=month, start=start, end=end)
    _check_column_types(con, src, rel=rel)
    con.execute(f"CREATE OR REPLACE TEMP TABLE q_cells AS {quarantine_cells_sql(src)}")
    con.execute(f"INSERT INTO q_cells {duplicates_sql(src)}")
    # the parsed values only: `typed` also holds each cell's text and reason (3 columns a cell)
    con.execute(f"CREATE OR REPLACE TEMP TABLE good AS SELECT {q(ROW)}, "
                f"{', '.join(q(c.name) for c in src.columns)}{hashed_sql(src)} FROM typed "
                f"WHERE {q(ROW)} NOT IN (SELECT {q(ROW)} FROM q_cells)")
    guards.already_delivered(con, src, rel=rel, start=start)
    household_key, join = _link(con, src)

    # staging: delete-then-insert of the month
    cols = staging_columns(src)
    select = []
    for name, _ in cols:
        if name == "extract_month":
            select.append("$month_start")
        elif name == "source_row":
            select.append(f"g.{q(ROW)}")
        elif name == "household_key":
            select.append(household_key)
        elif name == "age":
            select.append("date_diff('year', g.date_naissance, $month_start)")
        elif name.endswith("_hash"):
            col = name[: -len("_hash")]
            select.append(f"g.{hashed(col)}")
        else:
            select.append(f"g.{q(name)}")
    con.execute(f"DELETE FROM stg_{src.name} WHERE extract_month = ?", [start])
    con.execute(f"INSERT INTO stg_{src.name} SELECT {', '.join(select)} FROM good g "
                f"{join} ORDER BY g.{q(ROW)}", {"month_start": start})

    # quarantine: value-free description; raw value only for attribute/audit columns
    desc = "CASE c.reason_code " + " ".join(
        f"WHEN {lit(code)} THEN {lit(fr)}" for code, fr in E.ROW_REASONS_FR.items()) + " END"
    shown = [c for c in src.columns if c.role in ("attribute", "audit")]
    value = ("CASE c.column_name " + " ".join(
        f"WHEN {lit(c.name)} THEN {shown_value_sql(c, 't.' + q('txt__' + c.name))}" for c in shown)
        + " END") if shown else "NULL"
    con.execute("DELETE FROM quarantine WHERE source = ? AND extract_month = ?", [src.name, start])
    con.execute(
        f"INSERT INTO quarantine SELECT {lit(src.name)}, $month_start, {lit(rel)}, c.{q(ROW)}, "
        f"c.column_name, c.reason_code, "
        f"CASE WHEN c.column_name IS NULL THEN {desc} "
        f"ELSE 'colonne \"' || c.column_name || '\" : ' || {desc} END, "
        f"{value} FROM q_cells c JOIN typed t USING ({q(ROW)}) ORDER BY c.{q(ROW)}, c.column_name",
        {"month_start": start})

    rows_q = con.execute(f"SELECT count(DISTINCT {q(ROW)}) FROM q_cells").fetchone()[0]
    rows_loaded, rows_linked = con.execute(
        f"SELECT count(*), count(household_key) FROM stg_{src.name} WHERE extract_month = ?", [start]).fetchone()
    if rows_loaded + rows_q != rows_in:  # never lose a row silently
        raise RuntimeError(f"{rel}: {rows_in} lignes lues, {rows_loaded} chargées + {rows_q} en quarantaine")
    con.execute("DELETE FROM ingest_log WHERE source = ? AND extract_month = ?", [src.name, start])
    con.execute("INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [src.name, start, rel, file_hash, rows_in, rows_loaded, rows_q,
                 datetime.now(UTC).replace(tzinfo=None)])
    con.execute("DELETE FROM linkage WHERE source = ? AND extract_month = ?", [src.name, start])
    con.execute("INSERT INTO linkage VALUES (?, ?, ?, ?, ?)",
                [src.name, start, rows_loaded, rows_linked, rows_linked / rows_loaded if rows_loaded else None])
    summary = [tuple(r) for r in con.execute(
        "SELECT column_name, reason_code, count(*) FROM q_cells GROUP BY ALL ORDER BY 3 DESC, 1, 2").fetchall()]
    result = IngestResult(source=src.name, month=month, file=rel, file_hash=file_hash, rows_in=rows_in,
                          rows_loaded=rows_loaded, rows_quarantined=rows_q, rows_linked=rows_linked,
                          quarantine_summary=summary)
    identity = None
    if src.name == "menages":
        _write_crosswalk(con, src, start)
        identity = con.sql(
            f"SELECT $month_start AS extract_month, {household_key} AS household_key, "
            + ", ".join(f"g.{q(c)}" for c in IDENTITY_COLUMNS[1:])
            + f" FROM good g ORDER BY g.{q(ROW)}",
            params={"month_start": start}).to_arrow_table()
    return result, identity


def hashed_sql(src: Source) -> str:
    """The pseudonyms of the file's key and link columns, each message hashed once per file: the
    links, the staging columns and the crosswalk read them from `good`."""
    return "".join(f", abri_hmac({lit(hash_prefix(src, c.name))} || {q(c.name)}) AS {hashed(c.name)}"
                   for c in src.columns if c.role in ("key", "link"))


def _link_hash(src: Source, kind: str, message: str, row: str = "") -> str:
    column = SIMPLE_LINKS.get(kind)
    if column in src.column_names:
        return row + hashed(column)
    return f"abri_hmac({message})"


def _link(con, src: Source) -> tuple[str, str]:
    """The household key of a row of `good g`, as SQL, and the join it needs. The household
    file's key is its own hashed id_menage; another source's rows are linked in the temp table
    links(source_row, household_key): the first link of the source that finds one household."""
    if src.name == "menages":
        return f"g.{hashed('id_menage')}", ""
    tries = [f"SELECT {q(ROW)}, {i} AS priority, {lit(kind)} AS link_type, {_link_hash(src, kind, msg)} AS link_hash "
             f"FROM good" for i, (kind, msg) in enumerate(LINKS[src.name])]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE links AS
        SELECT {q(ROW)}, arg_min(x.household_key, t.priority) AS household_key
        FROM ({' UNION ALL '.join(tries)}) t JOIN crosswalk_unique x USING (link_type, link_hash)
        GROUP BY {q(ROW)}""")
    return "l.household_key", f"LEFT JOIN links l USING ({q(ROW)})"


def _write_crosswalk(con, src: Source, start: date) -> None:
    """Add the month's new (link, household) pairs, then refresh the links that point to
    exactly one household. The crosswalk keeps one row per pair (first month seen), so its
    size follows the households, not the months."""
    parts = [f"SELECT {lit(kind)} AS link_type, {_link_hash(src, kind, msg, 'g.')} AS link_hash, "
             f"g.{hashed('id_menage')} AS household_key FROM good g" for kind, msg in CROSSWALK]
    # no DISTINCT: a household is one row of the file (a repeated id_menage is quarantined),
    # so each of its links is one pair
    con.execute(f"CREATE OR REPLACE TEMP TABLE xw_new AS SELECT * FROM ({' UNION ALL '.join(parts)}) "
                "WHERE link_hash IS NOT NULL")
    con.execute("CREATE OR REPLACE TEMP TABLE xw_added AS SELECT n.link_type, n.link_hash, n.household_key "
                "FROM xw_new n ANTI JOIN crosswalk c USING (link_type, link_hash, household_key)")
    con.execute("INSERT INTO crosswalk (extract_month, link_type, link_hash, household_key, seen_again) "
                "SELECT $month_start, link_type, link_hash, household_key, false FROM xw_added",
                {"month_start": start})
    guards.retract_crosswalk(con, start)  # a corrected resend withdraws its wrong links (xw_gone)
    # a link's uniqueness changes only when a pair with it is added or withdrawn
    con.execute("CREATE OR REPLACE TEMP TABLE xw_touched AS SELECT DISTINCT link_type, link_hash FROM xw_added "
                "UNION SELECT DISTINCT link_type, link_hash FROM xw_gone")
    con.execute("DELETE FROM crosswalk_unique u USING xw_touched t "
                "WHERE u.link_type = t.link_type AND u.link_hash = t.link_hash")
    con.execute("""INSERT INTO crosswalk_unique
        SELECT link_type, link_hash, any_value(household_key) FROM crosswalk SEMI JOIN xw_touched USING (link_type, link_hash)
        GROUP BY link_type, link_hash HAVING count(DISTINCT household_key) = 1""")
    con.execute("DROP TABLE xw_added")
    con.execute("DROP TABLE xw_touched")


@contextlib.contextmanager
def _identity_transaction(paths: Paths):
    """The identity store (names and contacts), owner-only, in one transaction."""
    ident = connect_duckdb(paths.identity_store, home=paths.home)
    private(paths.identity_store)
    try:
        ident.execute(IDENTITY_DDL)
        with transaction(ident):
            yield ident
    finally:
        ident.close()


def landing_months(paths: Paths) -> list[str]:
    """Months ("YYYY-MM") with at least one file in landing/, sorted."""
    months: set[str] = set()
    for name, src in SOURCES.items():
        folder = paths.landing / name
        if folder.is_dir():
            months.update(p.stem for p in folder.glob(f"*.{src.extension}"))
    return sorted(m for m in months if _is_month(m))


def complete_months(paths: Paths) -> list[str]:
    """Months for which every source's file is in landing/."""
    return [m for m in landing_months(paths)
            if all((paths.landing / s.file_name(m)).exists() for s in SOURCES.values())]


def _is_month(text: str) -> bool:
    try:
        return len(text) == 7 and str(pd.Period(text, freq="M")) == text
    except ValueError:
        return False


def pending_files(paths: Paths, months: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(source, month) of the landing files not yet loaded as they are now (new, or changed
    since their load, or loaded under another key), oldest month first."""
    months = list(months) if months is not None else landing_months(paths)
    kid = key_id(load_key(paths.key_file))
    con = connect_warehouse(paths)
    try:
        same_key = not con.execute("SELECT count(*) FROM warehouse_key WHERE key_id <> ?", [kid]).fetchall()[0][0]
        logged = {(s, m.strftime("%Y-%m")): h for s, m, h in con.execute(
            "SELECT source, extract_month, file_hash FROM ingest_log").fetchall()} if same_key else {}
    finally:
        con.close()
    out = []
    for month in months:
        for name in ORDER:
            path = paths.landing / SOURCES[name].file_name(month)
            if path.is_file() and logged.get((name, month)) != file_sha256(path):
                out.append((name, month))
    return out


def ingest_month(paths: Paths, month: str, *, sources: Iterable[str] | None = None, force: bool = False,
                 on_progress: Callable[[IngestResult], None] | None = None,
                 city: City | None = None) -> list[IngestResult]:
    """Every source of one month, household reference first; files already loaded are skipped
    (`skipped=True`) unless `force`. Stops at the first IngestError (the sources already loaded
    keep their new state; the failing one keeps its previous one)."""
    names = [n for n in ORDER if sources is None or n in set(sources)]
    key = load_key(paths.key_file)
    results = []
    with connect_warehouse(paths) as con:  # one connection, so one checkpoint, per month
        for name in names:
            r = ingest_source(paths, source_name=name, month=month, key=key, force=force, con=con, city=city)
            results.append(r)
            if on_progress:
                on_progress(r)
    return results
