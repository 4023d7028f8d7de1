"""The shape of the staging tables ingestion writes and the panel reads.

`stg_<source>`: the contract's columns except direct identifiers, typed, plus
`household_key` (pseudonymised; NULL when the row could not be linked) and `extract_month`
(first day of the file's month). `stg_menages` also carries `age` (the reference person's age
at the end of the month), derived at ingestion so the birth date stays in the identity store.
"""

from __future__ import annotations

from features.contract import SOURCES

DUCKDB_TYPES = {"string": "VARCHAR", "category": "VARCHAR", "int": "BIGINT", "float": "DOUBLE",
                "date": "DATE", "month": "DATE", "bool": "BOOLEAN"}

EXTRA_COLUMNS = {"menages": (("age", "INTEGER"),)}


def staging_columns(source: str) -> list[tuple[str, str]]:
    """[(column, DuckDB type)] of stg_<source>, in order."""
    src = SOURCES[source]
    cols = [("household_key", "VARCHAR"), ("extract_month", "DATE")]
    cols += [(c.name, DUCKDB_TYPES[c.dtype]) for c in src.columns if c.role != "identity"]
    cols += list(EXTRA_COLUMNS.get(source, ()))
    return cols


def staging_ddl(source: str) -> str:
    cols = ", ".join(f"{name} {typ}" for name, typ in staging_columns(source))
    return f"CREATE TABLE IF NOT EXISTS stg_{source} ({cols})"
