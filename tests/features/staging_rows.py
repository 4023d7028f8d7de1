"""Staging rows written by hand, as ingestion would write them, for the panel's tests."""

import itertools

from ingest.contract import SOURCES
from ingest.store import staging_columns

_ROWS = itertools.count(1)


def insert(con, source, **row):
    """One stg_<source> row; the columns not given are NULL, the file row a fresh number."""
    row.setdefault("source_row", next(_ROWS))  # NOT NULL: every loaded row has its file row
    cols = dict(staging_columns(SOURCES[source]))
    names = [c for c in cols if c in row]
    con.execute(f"INSERT INTO stg_{source} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[c] for c in names])
