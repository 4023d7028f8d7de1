"""The truth's probabilities are exact: a Monte-Carlo re-simulation and the realised
outcomes both agree with them."""

import numpy as np
import pandas as pd

from synthetic import dynamics as dyn


def test_truth_agrees_with_monte_carlo_resimulation(small_city):
    home, _ = small_city
    truth = pd.read_parquet(home / "truth" / "household_months.parquet")
    rng = np.random.default_rng(3)
    # risky and ordinary rows alike: 30 of each
    risky = truth[truth["p_judgment_12m"] > 0.05].sample(30, random_state=1, replace=True)
    plain = truth.sample(30, random_state=2)
    rows = pd.concat([risky, plain])
    tables = dyn.sampler(dyn.Dynamics())
    n = 4_000
    for _, r in rows.iterrows():
        month = pd.Period(r["month"], freq="M")
        state = np.full(n, r["state"], dtype=np.int16)
        prof = np.full(n, r["profile"])
        for k in range(1, 13):
            live = state < dyn.N_LIVE
            nxt, _ = dyn.step(state, prof, (month + k).month, rng.random(n), tables)
            state = np.where(live, nxt, state)
        freq = (state == dyn.JUDGMENT).mean()
        p = r["p_judgment_12m"]
        assert abs(freq - p) <= 4.5 * np.sqrt(p * (1 - p) / n) + 1e-3, (freq, p)


def test_realised_outcomes_are_calibrated_to_the_truth(demo_city):
    home, _ = demo_city
    truth = pd.read_parquet(home / "truth" / "household_months.parquet",
                            columns=["p_judgment_12m", "judgment_within_12m"])
    bins = pd.qcut(truth["p_judgment_12m"].rank(method="first"), 10, labels=False)
    g = truth.groupby(bins).agg(p=("p_judgment_12m", "mean"), y=("judgment_within_12m", "mean"),
                                n=("p_judgment_12m", "size"))
    # rows of one household are correlated over months: allow a design effect of 12
    se = np.sqrt(g["p"] * (1 - g["p"]) * 12 / g["n"])
    assert (abs(g["y"] - g["p"]) <= 3 * se + 1e-3).all(), g
    assert g["p"].iloc[-1] > 10 * g["p"].iloc[0]  # the truth separates risk


def test_truth_has_the_columns_the_issue_promises(small_city):
    home, summary = small_city
    truth = pd.read_parquet(home / "truth" / "household_months.parquet")
    for col in ("id_menage", "month", "p_judgment_12m", "judgment_within_12m", "stage"):
        assert col in truth.columns
    assert truth["judgment_within_12m"].notna().all()  # simulated 12 months past the window
    assert sorted(truth["month"].unique()) == summary.months
    households = pd.read_parquet(home / "truth" / "households.parquet")
    assert set(truth["id_menage"]) <= set(households["id_menage"])
