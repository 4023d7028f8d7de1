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
