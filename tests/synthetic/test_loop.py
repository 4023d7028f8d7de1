"""The closed loop on a small city: Abri's impact interval covers the exact effect."""

import json

import pandas as pd
import pytest

from synthetic.loop import LoopConfig, exact_effect, run_loop


def test_exact_effect_counts_only_randomised_rows():
    rows = pd.DataFrame({
        "assignment_probability": [1.0, 0.5, 0.5, 0.25],
        "arm": ["outreach", "outreach", "holdout", "holdout"],
        "tier": ["sure", "margin", "margin", "margin"],
        "contacted": [True, False, False, False],
        "p_judgment_12m_if_outreach": [0.5, 0.10, 0.20, 0.0],
        "p_judgment_12m_if_holdout": [0.9, 0.16, 0.26, 0.0],
    })
    out = exact_effect(rows)
    assert out["rows"] == 3
    assert out["itt_averted_per_100"] == pytest.approx(100 * (0.06 + 0.06 + 0.0) / 3)
    assert set(out["by_tier"]) == {"margin"}


def test_a_loop_too_short_to_train_is_refused(tmp_path):
    with pytest.raises(ValueError, match="history"):
        run_loop(tmp_path, LoopConfig(history=12), progress=False)


@pytest.mark.slow
def test_small_closed_loop_measures_the_exact_effect(tmp_path, monkeypatch):
    # a fixed key: a new random one per run reorders the training rows, so the model, the lists
    # and the interval changed from run to run (one run in a few missed the exact effect)
    monkeypatch.setenv("ABRI_PSEUDONYM_KEY", "0123456789abcdef" * 4)
    config = LoopConfig(households=3_000, seed=3, history=34, deployment=6, follow_up=15, retrain_every=100,
                        design={"name": "margin", "params": {"low": 0.5, "high": 3.0}})
    summary = run_loop(tmp_path, config, progress=False)
    truth = pd.read_parquet(tmp_path / "truth" / "outreach.parquet")
    assert summary.randomised == len(truth) > 0
    # the holdout is never contacted, and never gets a case
    assert not truth.loc[truth["arm"] == "holdout", "contacted"].any()
    assert set(truth["month"]) == set(summary.deployment_months)
    assert truth["judgment_within_12m"].notna().all()
    exact = json.loads((tmp_path / "truth" / "impact_exact.json").read_text())
    impact = json.loads((tmp_path / "reports" / "impact" / "impact.json").read_text())
    itt = impact["itt_averted_per_100"]
    # the report's 95 % interval misses the truth one run in twenty by design; the test allows
    # 3.29 standard errors (one run in a thousand). Seeds 3 to 6 of this loop (2026-12-02): the
    # estimate minus the exact effect was 2.82, 0.88, -0.91 and -0.44 standard errors
    assert itt["ci_low"] < itt["estimate"] < itt["ci_high"] and itt["se"] > 0
    assert abs(itt["estimate"] - exact["itt_averted_per_100"]) <= 3.29 * itt["se"], (itt, exact)
    power = json.loads((tmp_path / "truth" / "design_power.json").read_text())
    assert power["margin"]["randomised"] > 0 and power["margin"]["expected_half_width_per_100"] > 0


def test_the_loop_command_refuses_a_history_too_short_and_a_used_home(tmp_path, capsys):
    from abri.cli import main

    assert main(["loop", "--home", str(tmp_path / "a"), "--history", "5", "--quiet"]) == 2
    assert "history" in capsys.readouterr().err
    (tmp_path / "b" / "landing" / "menages").mkdir(parents=True)
    assert main(["loop", "--home", str(tmp_path / "b"), "--quiet"]) == 2
    assert "déjà des extraits" in capsys.readouterr().err


def test_expected_interval_of_a_design_follows_the_exact_probabilities():
    from synthetic.loop import _Power

    power = _Power(LoopConfig())
    power.rows = {"margin": [pd.DataFrame({"pi": [0.5] * 4, "p1": [0.1] * 4, "p0": [0.2] * 4,
                                           "outreach": [True, False, True, False]})]}
    row = power.table()["margin"]
    assert row["expected_itt_averted_per_100"] == pytest.approx(10.0)
    se = (4 * (0.1 * 0.9 / 0.5 + 0.2 * 0.8 / 0.5)) ** 0.5 / 4
    assert row["expected_half_width_per_100"] == pytest.approx(100 * 1.959964 * se)
    assert row["outreach_per_month"] == 2


def test_retraining_comparison_reads_the_untreated_truth_of_each_top_k(tmp_path):
    from types import SimpleNamespace

    from abri.config import Paths
    from synthetic.loop import _write_comparison

    paths = Paths.from_env(tmp_path)
    paths.truth.mkdir(parents=True)
    pd.DataFrame({"id_menage": ["A", "B", "C", "D"], "month": "2025-01",
                  "p_judgment_12m": [0.4, 0.1, 0.3, 0.0]}).to_parquet(paths.truth / "household_months.parquet")
    keys = SimpleNamespace(to_id={"ka": "A", "kb": "B", "kc": "C", "kd": "D"})
    scored = pd.DataFrame({
        "household_key": ["ka", "kb", "kc", "kd"] * 2, "sector": ["19e", "19e", "18e", "18e"] * 2,
        "rank_in_sector": [1, 2, 2, 1, 2, 1, 1, 2], "month": "2025-01",
        "treatment_aware": [True] * 4 + [False] * 4, "version": ["v1"] * 4 + ["v0"] * 4, "retrain": 1})
    out = json.loads(_write_comparison(paths, keys, scored, capacity=0.5).read_text())
    by = {r["treatment_aware"]: r for r in out}
    assert by[True]["precision_untreated"] == pytest.approx((0.4 + 0.0) / 2)
    assert by[False]["precision_untreated"] == pytest.approx((0.1 + 0.3) / 2)
