"""An objection recorded by the DPO keeps the household out of the next scoring and lists."""

import duckdb
import pytest

from casework import Casework
from casework.subject import excluded_households, record_objection
from models.registry import ModelRegistry
from models.workflow import score_month
from tests.support import trained_warehouse


@pytest.mark.slow
def test_an_objecting_household_is_neither_scored_nor_listed_at_the_next_run(panel, tmp_path):
    version = trained_warehouse(panel, tmp_path, max_rounds=30)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    registry = ModelRegistry(tmp_path / "models")
    first = score_month(con, registry, version, capacity=0.05)
    listed = con.execute("SELECT household_key FROM outreach ORDER BY probability DESC").fetchall()
    target = listed[0][0]
    store = Casework(tmp_path / "casework.sqlite")
    record_objection(store, "f" * 64, reason="test", by="dpo")  # a well-formed key of nobody
    with store.connect() as c:  # the panel's keys are short: store the objection as recorded
        c.execute("INSERT INTO exclusions (household_key, kind, reason, recorded_by, recorded_at) "
                  "VALUES (?, 'objection', 'lettre', 'dpo', '2026-12-01T00:00:00')", (target,))
    excluded = excluded_households(store, refusal_months=12)
    second = score_month(con, registry, version, capacity=0.05, excluded=excluded)
    assert second["excluded"] == 1 and second["scored"] == first["scored"] - 1
    for table in ("scores", "outreach", "reasons"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE household_key = ?", [target]).fetchone()[0] == 0
    assert second["listed"] >= first["listed"] - 1
