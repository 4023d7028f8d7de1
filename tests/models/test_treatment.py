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


def test_helped_households_count_as_false_alarms_only_in_the_naive_evaluation(con):
    """Households drawn for outreach and helped avoid the judgment: a naive evaluation reads them
    as false positives at the top of the list; the treatment-aware one leaves them out."""
    from models.metrics import evaluate

    month = pd.Timestamp("2025-01-01")
    keys = ["a", "b", "c", "d"] + [f"n{i}" for i in range(96)]
    frame = pd.DataFrame({"household_key": keys, "snapshot_month": month,
                          "score": [0.99, 0.98, 0.97, 0.96] + [0.01] * 96,
                          # a was helped (outreach in its window) and avoided the judgment
                          "judgment_within_horizon": [False, True, True, True] + [False] * 96})
    naive = evaluate(frame, label="judgment_within_horizon", scores={"m": "score"}, capacity=0.03)
    aware_frame = untreated(frame, exposures(con, horizon=12))
    aware = evaluate(aware_frame, label="judgment_within_horizon", scores={"m": "score"}, capacity=0.03)
    p = lambda ev: ev.loc[ev["month"] == "all", "precision_at_k"].iloc[0]  # noqa: E731
    assert p(naive) < p(aware)
    assert "a" not in set(aware_frame["household_key"])


def test_the_training_set_loses_the_same_rows_and_carries_the_same_weights(con):
    from features.declare import FEATURE_NAMES
    from models.dataset import TrainingSet

    frame = pd.DataFrame({"household_key": ["a", "a", "b", "c", "d"],
                          "snapshot_month": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-01-01",
                                                            "2025-01-01", "2025-01-01"]),
                          "judgment_within_horizon": [False, False, True, False, False]})
    for name in FEATURE_NAMES:
        frame[name] = 1.0
    exposed = exposures(con, horizon=12)
    as_frame = untreated(frame, exposed).sort_values(["snapshot_month", "household_key"])
    rows = TrainingSet.from_frame(frame)
    as_set = untreated(rows, exposed)
    assert rows.meta["weight"].tolist() == [1.0] * 5  # the caller's rows are left as they were
    assert as_set.meta["household_key"].astype(str).tolist() == as_frame["household_key"].tolist()
    assert as_set.meta["weight"].tolist() == as_frame["weight"].tolist()
    assert len(as_set.X) == 4


def test_the_summary_counts_the_designs_rows_not_a_samples_weights(con):
    from models.treatment import exposure, summary

    frame = pd.DataFrame({"household_key": ["a", "a", "b", "c", "d"],
                          "snapshot_month": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-01-01",
                                                            "2025-01-01", "2025-01-01"]),
                          "weight": [1.0, 2.5, 1.0, 2.5, 1.0]})  # 2.5: an open window's sample
    s = summary(*exposure(frame, exposures(con, horizon=12)))
    assert s == {"rows": 5, "rows_left_out_treated": 1, "rows_weighted": 2, "max_weight": MAX_WEIGHT}
