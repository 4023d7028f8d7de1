"""The randomised design: reproducible, stratified by sector, probabilities right."""

import numpy as np
import pandas as pd
import pytest

from models.design import DESIGNS, Design, DesignError, assign


def scores(n: int = 200, sectors=("18e", "19e"), month="2025-03-01") -> pd.DataFrame:
    rows = []
    for s in sectors:
        for r in range(1, n + 1):
            rows.append({"household_key": f"{s}-{r:04d}", "snapshot_month": pd.Timestamp(month), "sector": s,
                         "score": -r, "rank_in_sector": r})
    return pd.DataFrame(rows)


def test_designs_declared():
    assert DESIGNS == ("none", "margin", "tiered")
    assert Design().name == "none"
    assert Design("margin").params == {"low": 0.5, "high": 2.0, "share": 0.5}


def test_none_lists_top_k_as_today():
    a = assign(scores(), design=Design(), capacity=0.05, month="2025-03", seed=1)
    assert len(a) == 20
    assert set(a["arm"]) == {"outreach"}
    assert (a["assignment_probability"] == 1.0).all()
    assert a.groupby("sector")["rank_in_sector"].max().tolist() == [10, 10]
    assert list(a.columns) == ["household_key", "list_month", "sector", "rank_in_sector", "tier", "arm",
                               "assignment_probability", "design"]
    assert set(a["list_month"]) == {"2025-03"}


def test_margin_lists_exactly_capacity_with_lottery_around_cut():
    a = assign(scores(), design=Design("margin"), capacity={"18e": 10, "19e": 10}, month="2025-03", seed=3)
    for _, g in a.groupby("sector"):
        assert (g["arm"] == "outreach").sum() == 10  # capacity exactly
        sure = g[g["tier"] == "sure"]
        assert sorted(sure["rank_in_sector"]) == [1, 2, 3, 4, 5]
        assert (sure["assignment_probability"] == 1).all()
        lot = g[g["tier"] == "margin"]
        assert sorted(lot["rank_in_sector"]) == list(range(6, 21))
        assert np.allclose(lot["assignment_probability"], 5 / 15)
        assert (lot["arm"] == "outreach").sum() == 5


def test_tiered_rates_and_exact_probabilities():
    a = assign(scores(300), design=Design("tiered", {"tiers": [[1, 0.5], [10, 0.1]]}),
               capacity={"18e": 10, "19e": 10}, month="2025-03", seed=3)
    g = a[a["sector"] == "18e"]
    t1, t2 = g[g["tier"] == "t1"], g[g["tier"] == "t2"]
    assert len(t1) == 10 and (t1["arm"] == "outreach").sum() == 5
    assert len(t2) == 90 and (t2["arm"] == "outreach").sum() == 9
    assert np.allclose(t2["assignment_probability"], 0.1)
    assert g["rank_in_sector"].max() == 100


def test_reproducible_and_month_and_seed_change_the_draw():
    s = scores()
    d = Design("margin")
    a1 = assign(s, design=d, capacity=0.05, month="2025-03", seed=7)
    a2 = assign(s.sample(frac=1, random_state=0), design=d, capacity=0.05, month="2025-03", seed=7)
    pd.testing.assert_frame_equal(a1, a2)
    other_seed = assign(s, design=d, capacity=0.05, month="2025-03", seed=8)
    assert set(a1.loc[a1.arm == "outreach", "household_key"]) != set(
        other_seed.loc[other_seed.arm == "outreach", "household_key"])


def test_stratified_sector_draw_independent_of_other_sectors():
    """A sector's lottery depends on its own households only (drawn within the sector)."""
    d = Design("margin")
    both = assign(scores(), design=d, capacity={"18e": 10, "19e": 10}, month="2025-03", seed=5)
    alone = assign(scores(sectors=("19e",)), design=d, capacity={"19e": 10}, month="2025-03", seed=5)
    pd.testing.assert_frame_equal(both[both.sector == "19e"].reset_index(drop=True), alone)


def test_probabilities_right_by_simulation():
    """Over many seeds each margin household is drawn with its stated probability."""
    s = scores(100, sectors=("19e",))
    d = Design("margin")
    hits = pd.Series(0.0, index=[f"19e-{r:04d}" for r in range(1, 21)])
    draws = 2000
    for seed in range(draws):
        a = assign(s, design=d, capacity={"19e": 10}, month="2025-03", seed=seed)
        hits[a.loc[a.arm == "outreach", "household_key"]] += 1
    rate = hits / draws
    assert (rate.iloc[:5] == 1).all()
    # 1/3 each; binomial sd ~0.0105 over 2000 draws
    assert (rate.iloc[5:] - 1 / 3).abs().max() < 0.045
    assert abs(rate.iloc[5:].mean() - 1 / 3) < 0.01


def test_exclude_removes_households_and_capacity_is_filled():
    s = scores()
    excluded = {"19e-0001", "19e-0002"}
    a = assign(s, design=Design(), capacity={"18e": 5, "19e": 5}, month="2025-03", seed=1, exclude=excluded)
    g = a[a.sector == "19e"]
    assert not set(g["household_key"]) & excluded
    assert sorted(g["rank_in_sector"]) == [3, 4, 5, 6, 7]


def test_only_the_month_given_is_assigned():
    s = pd.concat([scores(month="2025-02-01"), scores(month="2025-03-01")])
    a = assign(s, design=Design(), capacity={"18e": 3, "19e": 3}, month="2025-03", seed=1)
    assert len(a) == 6


@pytest.mark.parametrize("name,params", [
    ("lottery", {}),
    ("margin", {"low": 1.5, "high": 2.0}),
    ("tiered", {"tiers": [[1, 1.0]]}),
    ("tiered", {"tiers": [[2, 0.5], [1, 0.1]]}),
    ("tiered", {"tiers": []}),
])
def test_bad_designs_refused(name, params):
    with pytest.raises(DesignError):
        Design(name, params)


def test_bad_inputs_refused():
    with pytest.raises(DesignError, match="colonnes"):
        assign(pd.DataFrame({"household_key": ["a"]}), design=Design(), capacity=0.1, month="2025-03", seed=1)
    with pytest.raises(DesignError, match="AAAA-MM"):
        assign(scores(), design=Design(), capacity=0.1, month="03/2025", seed=1)


def test_round_trip_dict():
    d = Design("tiered", {"tiers": [[1, 0.5], [5, 0.2]]})
    assert Design.from_dict(d.to_dict()) == d
