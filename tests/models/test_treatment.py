"""Treatment-aware training: rows whose label window saw Abri's outreach are left out; the
holdout stands for them with inverse-probability weights."""

import duckdb
import pandas as pd
import pytest

from models.treatment import MAX_WEIGHT, exposures, untreated


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE labels AS SELECT * FROM (VALUES "
              "('a', DATE '2025-01-01'), ('a', DATE '2025-07-01'), ('b', DATE '2025-01-01'), "
              "('c', DATE '2025-01-01'), ('d', DATE '2025-01-01')) t(household_key, snapshot_month)")
    c.execute("CREATE TABLE interventions AS SELECT * FROM (VALUES "
              # a: drawn for outreach in the list of 2025-06: inside the window of 2025-01, before 2025-07
              "('a', DATE '2025-06-01', 'outreach', 0.5), "
              # b: held out with probability 0.75 of outreach -> weight 4
              "('b', DATE '2025-03-01', 'holdout', 0.75), "
              # c: listed, but 13 months after its snapshot: outside its label window
              "('c', DATE '2026-02-01', 'outreach', 1.0), "
              # d: held out with a probability so high the weight is capped
              "('d', DATE '2025-02-01', 'holdout', 0.999)) "
              "t(household_key, list_month, arm, assignment_probability)")
    return c


def test_rows_treated_within_their_label_window_are_left_out_and_the_holdout_weighted(con):
    frame = pd.DataFrame({"household_key": ["a", "a", "b", "c", "d"],
                          "snapshot_month": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-01-01",
                                                            "2025-01-01", "2025-01-01"]),
                          "judgment_within_horizon": [False, False, True, False, False]})
    kept = untreated(frame, exposures(con, horizon=12)).set_index(["household_key", "snapshot_month"])
    assert ("a", pd.Timestamp("2025-01-01")) not in kept.index  # helped: not a false alarm to learn
    assert kept.loc[("a", pd.Timestamp("2025-07-01")), "weight"] == 1.0  # help came before the snapshot
    assert kept.loc[("b", pd.Timestamp("2025-01-01")), "weight"] == pytest.approx(4.0)
    assert kept.loc[("c", pd.Timestamp("2025-01-01")), "weight"] == 1.0
    assert kept.loc[("d", pd.Timestamp("2025-01-01")), "weight"] == MAX_WEIGHT
    assert len(kept) == 4


def test_without_any_list_every_row_is_kept_with_weight_one():
    c = duckdb.connect()
    frame = pd.DataFrame({"household_key": ["a"], "snapshot_month": pd.to_datetime(["2025-01-01"])})
    kept = untreated(frame, exposures(c))
    assert kept["weight"].tolist() == [1.0]
