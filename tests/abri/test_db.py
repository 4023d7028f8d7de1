"""abri.db.transaction: one helper for every hand-written BEGIN / COMMIT / ROLLBACK."""

import sqlite3

import duckdb
import pytest

from abri.db import transaction


def test_the_block_commits_when_it_ends(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t (x INT)")
    with transaction(con) as c:
        c.execute("INSERT INTO t VALUES (1), (2)")
    con.close()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as again:
        assert again.execute("SELECT sum(x) FROM t").fetchone()[0] == 3


def test_an_error_rolls_everything_back_and_is_raised():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x INT)")
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(ZeroDivisionError), transaction(con):
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO t VALUES (7)")
        1 / 0  # noqa: B018
    assert con.execute("SELECT list(x) FROM t").fetchone()[0] == [1]
    with transaction(con):  # no transaction left open
        con.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 2


def test_sqlite_writers_begin_immediate_and_roll_back_too(tmp_path):
    con = sqlite3.connect(tmp_path / "c.sqlite", isolation_level=None)
    con.execute("CREATE TABLE t (x INT)")
    with pytest.raises(ValueError), transaction(con, begin="BEGIN IMMEDIATE"):
        con.execute("INSERT INTO t VALUES (1)")
        raise ValueError("stop")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    assert not con.in_transaction


def test_no_package_opens_or_closes_a_transaction_by_hand():
    """One helper: a hand-written BEGIN/COMMIT/ROLLBACK outside abri/db.py is a second one."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""execute\(\s*["'](BEGIN|COMMIT|ROLLBACK)\b""")
    found = [f"{p.relative_to(root)}:{n}" for pkg in ("abri", "casework", "ingest", "features", "models",
                                                      "fairness", "governance", "reports", "pipelines",
                                                      "dashboard", "synthetic", "benchmarks")
             for p in sorted((root / pkg).rglob("*.py")) if p.name != "db.py" or pkg != "abri"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
