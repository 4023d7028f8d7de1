"""The audit library: counts, intervals, suppression, references, verdicts."""

import json

import numpy as np
import pandas as pd
import pytest

from fairness.audit import AuditInputError, audit


def hand_table() -> pd.DataFrame:
    """Two groups of 12, threshold 0.5, counts worked out by hand:
    A: tp=2 (0.9, 0.8), fn=2 (0.2, 0.1), fp=1 (0.7), tn=7.
    B: tp=1 (0.9), fn=2 (0.1, 0.1), fp=2 (0.6, 0.6), tn=7."""
    a_y = [1, 1, 1, 1] + [0] * 8
    a_s = [0.9, 0.8, 0.2, 0.1, 0.7, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1]
    b_y = [1, 1, 1] + [0] * 9
    b_s = [0.9, 0.1, 0.1, 0.6, 0.6] + [0.1] * 7
    return pd.DataFrame({"groupe": ["A"] * 12 + ["B"] * 12, "y": a_y + b_y, "p": a_s + b_s})


def simulated(n=4000, seed=3, b_miss=0.5) -> pd.DataFrame:
    """Groups A and B (half each), 30% positives; a positive is selected with probability
    0.5 in A and 1 - b_miss in B, so the true miss rates are 0.5 and b_miss."""
    rng = np.random.default_rng(seed)
    g = np.where(np.arange(n) % 2 == 0, "A", "B")
    y = rng.random(n) < 0.3
    miss = np.where(g == "A", 0.5, b_miss)
    selected = np.where(y, rng.random(n) >= miss, rng.random(n) < 0.1)
    return pd.DataFrame({"groupe": g, "y": y.astype(int), "p": np.where(selected, 0.9, 0.1)})


def test_counts_and_rates_equal_the_hand_computed_confusion_counts():
    result = audit(hand_table(), label="y", score="p", groups="groupe", threshold=0.5,
                   min_cell=1, n_boot=50).results["groupe"]
    a, b = result.by_group.loc["A"], result.by_group.loc["B"]
    assert (a.tp, a.fn, a.fp, a.tn) == (2, 2, 1, 7)
    assert (b.tp, b.fn, b.fp, b.tn) == (1, 2, 2, 7)
    assert a.false_negative_rate == pytest.approx(2 / 4)
    assert b.false_omission_rate == pytest.approx(2 / 9)
    assert a.precision == pytest.approx(2 / 3)
    assert b.false_positive_rate == pytest.approx(2 / 9)
    assert a.selection_rate == pytest.approx(3 / 12)
    assert a.mean_score == pytest.approx(np.mean(hand_table().p[:12]))
    assert result.overall["tp"] == 3 and result.overall["count"] == 24


def test_calibration_is_observed_over_mean_score_and_absent_for_scores_beyond_zero_one():
    r = audit(hand_table(), label="y", score="p", groups="groupe", threshold=0.5, min_cell=1,
              n_boot=50).results["groupe"]
    a = r.by_group.loc["A"]
    assert a.calibration == pytest.approx(a.prevalence / a.mean_score)
    points = hand_table().assign(p=lambda d: d.p * 100)
    r = audit(points, label="y", score="p", groups="groupe", threshold=50, min_cell=1,
              n_boot=50).results["groupe"]
    assert r.by_group["calibration"].isna().all() and np.isnan(r.overall["calibration"])
    assert r.verdicts(0.95).loc["B", "calibration"] == "not_estimable"


def test_text_labels_true_and_false_are_read_as_one_and_zero():
    df = hand_table().assign(y=lambda d: d.y.map({1: "True", 0: "false"}))
    r = audit(df, label="y", score="p", groups="groupe", threshold=0.5, min_cell=1, n_boot=50)
    assert r.results["groupe"].by_group.loc["A", "tp"] == 2


def test_top_k_selects_the_k_highest_scores_with_row_order_breaking_ties():
    result = audit(hand_table(), label="y", score="p", groups="groupe", top_k=3,
                   min_cell=1, n_boot=50).results["groupe"]
    # 0.9 (A), 0.9 (B) then 0.8 (A): A selects two, B one.
    assert result.by_group.loc["A", "selection_rate"] == pytest.approx(2 / 12)
    assert result.by_group.loc["B", "selection_rate"] == pytest.approx(1 / 12)


def test_intervals_cover_the_point_estimate_and_the_true_miss_rate():
    result = audit(simulated(), label="y", score="p", groups="groupe", threshold=0.5,
                   n_boot=400, seed=1).results["groupe"]
    lo, hi = result.by_group_ci
    for g in ("A", "B"):
        point = result.by_group.loc[g, "false_negative_rate"]
        assert lo.loc[g, "false_negative_rate"] <= point <= hi.loc[g, "false_negative_rate"]
        assert lo.loc[g, "false_negative_rate"] < 0.5 < hi.loc[g, "false_negative_rate"]
        assert hi.loc[g, "false_negative_rate"] - lo.loc[g, "false_negative_rate"] < 0.15


def test_the_same_seed_gives_the_same_content_hash_and_another_seed_does_not():
    def digest(seed):
        return audit(simulated(n=500), label="y", score="p", groups="groupe", threshold=0.5,
                     n_boot=50, seed=seed).to_dict()["content_sha256"]
    assert digest(1) == digest(1) != digest(2)


def test_reference_group_ratio_is_one_and_its_verdict_is_reference():
    a = audit(simulated(), label="y", score="p", groups="groupe", threshold=0.5,
              reference={"groupe": "B"}, n_boot=100)
    r = a.results["groupe"]
    assert r.reference == "B"
    assert (r.ratio().loc["B"].dropna() == 1).all()
    assert (r.verdicts(0.95).loc["B", ["false_negative_rate", "headline"]] == "reference").all()


def test_ratio_and_difference_between_groups_read_like_metricframe():
    r = audit(hand_table(), label="y", score="p", groups="groupe", threshold=0.5, min_cell=1,
              n_boot=50).results["groupe"]
    assert r.ratio("between_groups")["false_negative_rate"] == pytest.approx((2 / 4) / (2 / 3))
    assert r.difference("between_groups")["false_negative_rate"] == pytest.approx(2 / 3 - 2 / 4)
    assert r.difference().loc["B", "precision"] == pytest.approx(1 / 3 - 2 / 3)


def test_groups_are_listed_in_natural_order_with_missing_last():
    df = simulated(n=600)
    df["arrondissement"] = np.tile(["10", "2", None, "1"], 150)
    r = audit(df, label="y", score="p", groups="arrondissement", threshold=0.5, n_boot=50)
    assert list(r.results["arrondissement"].by_group.index) == ["1", "2", "10", "NA"]


def test_default_reference_is_the_largest_group():
    df = simulated(n=600)
    df.loc[:99, "groupe"] = "A"  # A now larger than B
    r = audit(df, label="y", score="p", groups="groupe", threshold=0.5, n_boot=50)
    assert r.results["groupe"].reference == "A"


def test_equal_miss_rates_are_within_tolerance_and_a_much_worse_group_is_outside():
    same = audit(simulated(n=8000), label="y", score="p", groups="groupe", threshold=0.5,
                 reference={"groupe": "A"}, tolerance=(0.8, 1.25), n_boot=200, capacities=())
    worse = audit(simulated(n=8000, b_miss=0.9), label="y", score="p", groups="groupe",
                  threshold=0.5, reference={"groupe": "A"}, n_boot=200, capacities=())
    assert same.results["groupe"].verdicts(0.95).loc["B", "false_negative_rate"] == "within"
    assert worse.results["groupe"].verdicts(0.95).loc["B", "false_negative_rate"] == "outside"
    assert worse.results["groupe"].verdicts(0.95).loc["B", "headline"] == "outside"


def test_an_interval_straddling_a_bound_is_uncertain():
    # small groups: the ratio's interval is wide and cannot settle the question
    uncertain = audit(simulated(n=300, b_miss=0.6), label="y", score="p", groups="groupe",
                      threshold=0.5, reference={"groupe": "A"}, n_boot=200)
    assert uncertain.results["groupe"].verdicts(0.95).loc["B", "false_negative_rate"] == \
        "uncertain"


def small_cell_table() -> pd.DataFrame:
    df = simulated(n=2000)
    df["quartier"] = np.repeat(["grand", "moyen", "petit", "minuscule"], [1000, 900, 95, 5])
    return df


def test_a_group_of_five_is_suppressed_and_never_shows_a_figure():
    a = audit(small_cell_table(), label="y", score="p", groups="quartier", threshold=0.5,
              n_boot=50)
    r = a.results["quartier"]
    assert "minuscule" not in r.by_group.index
    text = json.dumps(a.to_dict(), ensure_ascii=False)
    assert "minuscule" not in text
    assert r.suppressed_groups >= 1


def test_a_lone_small_group_takes_its_smallest_sibling_with_it_so_subtraction_reveals_nothing():
    r = audit(small_cell_table(), label="y", score="p", groups="quartier", threshold=0.5,
              n_boot=50).results["quartier"]
    # overall minus the shown groups would give "minuscule" exactly: "petit" is hidden too
    assert list(r.by_group.index) == ["grand", "moyen"]
    assert (r.suppressed_groups, r.suppressed_rows) == (2, 100)


def test_a_group_with_no_event_gets_no_verdict_rather_than_a_zero_width_interval():
    df = simulated(n=2000)
    df.loc[df.groupe == "B", "y"] = 0  # B: nobody judged, so its false omission rate is 0
    r = audit(df, label="y", score="p", groups="groupe", threshold=0.5, reference={"groupe": "A"},
              n_boot=100).results["groupe"]
    assert r.by_group.loc["B", "false_omission_rate"] == 0
    assert r.verdicts(0.95).loc["B", "false_omission_rate"] == "not_estimable"


def test_a_small_intersection_cell_cannot_be_recovered_from_its_published_margin():
    df = simulated(n=2000)
    df["monoparental"] = 0
    df.loc[df.index[df.groupe == "A"][:5], "monoparental"] = 1  # A x 1: five households
    df.loc[df.index[df.groupe == "B"][:300], "monoparental"] = 1
    a = audit(df, label="y", score="p", groups=["groupe", ("groupe", "monoparental")],
              threshold=0.5, n_boot=50)
    # "A" is published, so A x 0 = A - (A x 1) would reveal the cell: A x 0 is hidden too
    assert set(a.results["groupe × monoparental"].by_group.index) == {"B × 0", "B × 1"}
    assert set(a.results["groupe"].by_group.index) == {"A", "B"}


def test_a_rate_over_fewer_than_min_cell_people_is_suppressed():
    df = simulated(n=400)
    r = audit(df, label="y", score="p", groups="groupe", threshold=0.5, min_cell=11,
              n_boot=50).results["groupe"]
    assert np.isfinite(r.by_group.loc["A", "false_negative_rate"])
    r = audit(df, label="y", score="p", groups="groupe", threshold=0.5, min_cell=150,
              n_boot=50).results["groupe"]
    # ~60 positives per group: the miss rate describes too few people at min_cell=150
    assert np.isnan(r.by_group.loc["A", "false_negative_rate"])
    assert r.verdicts(0.95).loc["B", "false_negative_rate"] == "not_estimable"


def test_intersections_are_audited_as_one_group_spec():
    df = simulated(n=2000)
    df["monoparental"] = np.tile([0, 1, 1, 0], 500)
    a = audit(df, label="y", score="p", groups=["groupe", ("groupe", "monoparental")],
              threshold=0.5, n_boot=50)
    r = a.results["groupe × monoparental"]
    assert set(r.by_group.index) == {"A × 0", "A × 1", "B × 0", "B × 1"}
    assert r.values.loc["B × 1"].to_dict() == {"groupe": "B", "monoparental": "1"}
    assert r.by_group["count"].sum() == 2000


def test_sweep_counts_equal_metricframe_counts_at_the_same_capacity():
    df = simulated(n=2000)
    df["quartier"] = np.tile(list("abcde"), 400)
    a = audit(df, label="y", score="p", groups=["groupe", "quartier"], top_k=100,
              capacities=(0.05,), n_boot=50)
    point, sweep = a.results, a.sweep[0][1]
    assert point["quartier"].frame is not None and sweep["quartier"].frame is None
    for name in ("groupe", "quartier"):
        pd.testing.assert_frame_equal(point[name].by_group, sweep[name].by_group)
        pd.testing.assert_series_equal(point[name].overall, sweep[name].overall)


def test_the_sweep_reports_each_capacity_and_whether_the_conclusion_changes():
    a = audit(simulated(n=2000), label="y", score="p", groups="groupe", top_k=100,
              capacities=(0.01, 0.05), n_boot=50)
    assert [p.top_k for p, _ in a.sweep] == [20, 100]
    assert isinstance(a.conclusion_changes(), list)


@pytest.mark.parametrize(("change", "code", "column"), [
    (lambda df: df.drop(columns="groupe"), "column_missing", "groupe"),
    (lambda df: df.assign(y=df.y + 1), "label_not_binary", "y"),
    (lambda df: df.assign(p=df.p.astype(str).str.replace("0.9", "haut")), "score_not_numeric",
     "p"),
    (lambda df: df.iloc[:0], "empty", None),
])
def test_bad_input_raises_an_error_naming_the_column(change, code, column):
    with pytest.raises(AuditInputError) as err:
        audit(change(hand_table()), label="y", score="p", groups="groupe", threshold=0.5)
    assert err.value.reason_code == code
    if column:
        assert f'"{column}"' in str(err.value)


def test_both_or_neither_threshold_and_top_k_is_refused():
    for kwargs in ({}, {"threshold": 0.5, "top_k": 3}):
        with pytest.raises(AuditInputError, match="--top-k"):
            audit(hand_table(), label="y", score="p", groups="groupe", **kwargs)
