"""One transaction helper for every store Abri writes (DuckDB; SQLite's connections have the
same `execute`): BEGIN, then COMMIT when the block ends, ROLLBACK when it raises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(con, *, begin: str = "BEGIN TRANSACTION") -> Iterator:
    """`with transaction(con): ...` runs the block in one transaction and yields `con`.

    On any exception (KeyboardInterrupt included: a half-written month must not stay) the
    transaction is rolled back and the exception re-raised; the previous state is intact.
    begin: the opening statement ("BEGIN IMMEDIATE" for SQLite writers that must not wait).
    """
    con.execute(begin)
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
