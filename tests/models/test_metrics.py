import numpy as np
import pandas as pd
import pytest

from fairness.groups import top_k_mask
from models import metrics


def test_precision_and_recall_at_k_by_hand():
    y = np.array([1, 0, 1, 0, 0, 1])
    s = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.05])
    r = metrics.at_k(y, s, 3)
    assert r["precision_at_k"] == pytest.approx(2 / 3)
    assert r["recall_at_k"] == pytest.approx(2 / 3)
    assert r["lift_at_k"] == pytest.approx((2 / 3) / 0.5)


def test_ties_at_the_cut_are_broken_by_key_not_by_chance():
    s = np.array([0.5, 0.5, 0.5, 0.1])
    keys = np.array(["c", "a", "b", "d"])
    assert top_k_mask(s, 2, keys).tolist() == [False, True, True, False]


def test_evaluate_gives_one_row_per_month_and_a_mean():
    frame = pd.DataFrame({"snapshot_month": ["2025-01"] * 4 + ["2025-02"] * 4,
                          "household_key": list("abcdabcd"), "y": [1, 0, 0, 0, 0, 1, 0, 0],
                          "s": [0.9, 0.1, 0.2, 0.3, 0.1, 0.9, 0.2, 0.3]})
    ev = metrics.evaluate(frame, label="y", scores={"m": "s"}, capacity=0.25)
    assert list(ev["month"]) == ["2025-01", "2025-02", "all"]
    assert ev.loc[ev["month"] == "all", "precision_at_k"].item() == 1.0


def test_lead_time_counts_months_from_first_listing_to_judgment():
    listed = pd.DataFrame({"household_key": ["a", "a", "b"],
                           "snapshot_month": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-05-01"])})
    judged = pd.DataFrame({"household_key": ["a", "b", "c"],
                           "judgment_date": pd.to_datetime(["2025-06-10", "2025-05-20", "2025-07-01"])})
    lead = metrics.lead_time(listed, judged)
    assert lead["a"] == 5  # first listed in January, judged in June
    assert np.isnan(lead["b"])  # listed only in the month of the judgment: too late
    assert np.isnan(lead["c"])  # never listed: a miss


def test_lead_time_summary_compares_how_early_each_scorer_reaches_the_judged():
    frame = pd.DataFrame({
        "household_key": ["a", "b", "a", "b"],
        "snapshot_month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01"]),
        "judgment_within_horizon": [True, False, True, False],
        "judgment_date": pd.to_datetime(["2025-06-15", None, "2025-06-15", None]),
        "early": [0.9, 0.1, 0.9, 0.1], "late": [0.1, 0.9, 0.1, 0.9]})
    s = metrics.lead_time_summary(frame, scores={"early": "early", "late": "late"}, capacity=0.5).set_index("scorer")
    assert s.loc["early", "median_lead_months"] == 5 and s.loc["early", "reached"] == 1.0
    assert s.loc["late", "reached"] == 0.0
