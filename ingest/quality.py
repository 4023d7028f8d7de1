"""Data-quality measures on the warehouse, one function per check; Dagster's asset checks call
these (pipelines/ingest.py), tests call them directly. Each returns (passed, metadata).

Thresholds are declared here, in one place.
"""

from __future__ import annotations

import duckdb

from abri.city import City
from ingest.contract import source
from ingest.store import staging_columns
from ingest.validate import q

MAX_VOLUME_CHANGE = 0.30   # share of rows_in between two consecutive months
MIN_ROWS_FOR_VOLUME = 50   # small event files swing too much to judge
MIN_LINKAGE_RATE = 0.50    # below this, household_key is mostly NULL: warn


def row_accounting(con: duckdb.DuckDBPyConnection, source_name: str) -> tuple[bool, dict]:
    """rows_in = rows_loaded + rows_quarantined in ingest_log, and the staging and quarantine
    tables hold exactly what the log says, for every month."""
    bad = con.execute(f"""
        SELECT l.extract_month, l.rows_in, l.rows_loaded, l.rows_quarantined,
               coalesce(s.n, 0) AS staged, coalesce(qq.n, 0) AS quarantined
        FROM ingest_log l
        LEFT JOIN (SELECT extract_month, count(*) n FROM stg_{source_name} GROUP BY 1) s USING (extract_month)
        LEFT JOIN (SELECT extract_month, count(DISTINCT source_row) n FROM quarantine
                   WHERE source = ? GROUP BY 1) qq USING (extract_month)
        WHERE l.source = ? AND (l.rows_in <> l.rows_loaded + l.rows_quarantined
              OR l.rows_loaded <> coalesce(s.n, 0) OR l.rows_quarantined <> coalesce(qq.n, 0))
        ORDER BY 1""", [source_name, source_name]).fetchall()
    months = con.execute("SELECT count(*) FROM ingest_log WHERE source = ?", [source_name]).fetchall()[0][0]
    orphans = con.execute(f"""SELECT count(*) FROM (SELECT DISTINCT extract_month FROM stg_{source_name})
        WHERE extract_month NOT IN (SELECT extract_month FROM ingest_log WHERE source = ?)""",
                          [source_name]).fetchall()[0][0]
    return not bad and not orphans, {"months_checked": months, "months_unbalanced": len(bad),
                                     "months_without_log": orphans,
                                     "unbalanced": [str(r[0]) for r in bad][:12]}


def key_columns(source_name: str) -> list[str]:
    """Staging columns that identify a row: the contract keys (hashed when pseudonymised)."""
    src = source(source_name)
    staged = {n for n, _ in staging_columns(src)}
    out = []
    for k in src.keys:
        if k == "id_menage" and source_name == "menages":
            out.append("household_key")
        else:
            out.append(k if k in staged else f"{k}_hash")
    return out


def duplicate_keys(con: duckdb.DuckDBPyConnection, source_name: str) -> tuple[bool, dict]:
    """No two staging rows of a month share the contract key."""
    keys = ", ".join(q(k) for k in ["extract_month", *key_columns(source_name)])
    n = con.execute(f"SELECT count(*) FROM (SELECT {keys} FROM stg_{source_name} "
                    f"GROUP BY ALL HAVING count(*) > 1)").fetchall()[0][0]
    return n == 0, {"duplicate_keys": n}


def values_in_range(con: duckdb.DuckDBPyConnection, source_name: str, *,
                    city: City | None = None) -> tuple[bool, dict]:
    """Numeric staging values inside the contract's bounds and allowed values respected
    (postcodes and districts: `city`'s, default Paris's)."""
    src = source(source_name, city=city)
    staged = {n for n, _ in staging_columns(src)}
    conds = {}
    for c in src.columns:
        if c.name not in staged:
            continue
        if c.min is not None:
            conds[c.name] = f"{q(c.name)} < {c.min!r} OR {q(c.name)} > {c.max!r}"
        elif c.allowed:
            allowed = ", ".join("'" + a.replace("'", "''") + "'" for a in c.allowed)
            conds[c.name] = f"{q(c.name)} NOT IN ({allowed})"
    if not conds:
        return True, {"columns_checked": 0}
    counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {e})" for e in conds.values())
                         + f" FROM stg_{source_name}").fetchall()[0]
    bad = {c: n for c, n in zip(conds, counts, strict=True) if n}
    return not bad, {"columns_checked": len(conds), "out_of_range": bad}


def null_rates(con: duckdb.DuckDBPyConnection, source_name: str) -> tuple[bool, dict]:
    """Latest month: no NULL in a required column, and household_key linked often enough."""
    src = source(source_name)
    staged = [n for n, _ in staging_columns(src) if n not in ("extract_month", "source_row")]
    row = con.execute("SELECT max(extract_month) FROM ingest_log WHERE source = ?", [source_name]).fetchall()[0]
    if row[0] is None:
        return True, {"rows": 0}
    exprs = ", ".join(f"avg(CASE WHEN {q(c)} IS NULL THEN 1.0 ELSE 0.0 END)" for c in staged)
    rates = con.execute(f"SELECT count(*), {exprs} FROM stg_{source_name} WHERE extract_month = ?",
                        [row[0]]).fetchall()[0]
    if not rates[0]:
        return True, {"month": str(row[0]), "rows": 0}
    by_col = {c: round(float(r), 4) for c, r in zip(staged, rates[1:], strict=True)}
    required = [c.name for c in src.columns if c.required and c.name in by_col]
    bad_required = {c: by_col[c] for c in required if by_col[c] > 0}
    low_linkage = by_col["household_key"] > 1 - MIN_LINKAGE_RATE
    return not bad_required and not low_linkage, {
        "month": str(row[0]), "null_rates": by_col, "required_with_nulls": bad_required,
        "household_key_null_rate": by_col["household_key"]}


def volume_change(con: duckdb.DuckDBPyConnection, source_name: str) -> tuple[bool, dict]:
    """rows_in of the latest month against the month before (within MAX_VOLUME_CHANGE)."""
    rows = con.execute("SELECT extract_month, rows_in FROM ingest_log WHERE source = ? "
                       "ORDER BY extract_month DESC LIMIT 2", [source_name]).fetchall()
    if len(rows) < 2 or rows[1][1] < MIN_ROWS_FOR_VOLUME:
        return True, {"compared": False}
    (m1, n1), (m0, n0) = rows
    change = (n1 - n0) / n0
    return abs(change) <= MAX_VOLUME_CHANGE, {"month": str(m1), "previous_month": str(m0),
                                              "rows_in": n1, "previous_rows_in": n0,
                                              "change": round(change, 4)}
