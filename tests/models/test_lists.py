"""The lists as sent: per-sector quotas, one tie rule, evaluated by hand on a tiny table."""

import pandas as pd
import pytest

from models.lists import city_lists, evaluate_lists, sector_lists
from models.score import outreach, ranked


def tiny() -> pd.DataFrame:
    # sector A: a and b tie at 0.9; sector B: d and e tie at 0.8 across the cut (quota 1)
    return pd.DataFrame({
        "household_key": ["a", "b", "c", "e", "d"],
        "snapshot_month": pd.Timestamp("2025-01-01"),
        "sector": ["A", "A", "A", "B", "B"],
        "model": [0.9, 0.9, 0.1, 0.8, 0.8],
        "judgment_within_horizon": [True, False, True, True, False],
        "judgment_date": pd.to_datetime(["2025-05-10", None, "2025-03-02", "2025-02-20", None]),
    })


def test_sector_lists_take_each_sectors_quota_with_ties_broken_by_household_key():
    f = tiny()
    listed = set(f.loc[sector_lists(f, score="model", capacity=0.5), "household_key"])
    # A: max(1, round(1.5)) = 2 -> a, b; B: max(1, round(1.0)) = 1 -> d before e (tie on 0.8)
    assert listed == {"a", "b", "d"}
    assert set(f.loc[city_lists(f, score="model", capacity=0.5), "household_key"]) == {"a", "b"}


def test_the_evaluation_cuts_the_lists_exactly_as_the_outreach_step():
    f = tiny()
    scores = ranked(f.rename(columns={"model": "score"}))
    sent = set(outreach(scores, capacity=0.5)["household_key"])
    assert sent == set(f.loc[sector_lists(f, score="model", capacity=0.5), "household_key"])


def test_per_sector_precision_recall_and_lead_time_equal_a_hand_computation():
    ev = evaluate_lists(tiny(), scores={"model": "model"}, capacity=0.5).set_index("lists")
    sector, city = ev.loc["sector"], ev.loc["city"]
    # sector lists {a, b, d}: one of three judged (a); three judged households in all (a, c, e)
    assert sector["precision_at_k"] == pytest.approx(1 / 3)
    assert sector["recall_at_k"] == pytest.approx(1 / 3)
    assert sector["k"] == 3
    # a listed in 2025-01, judged in 2025-05: 4 months ahead; c and e never reached
    assert sector["judged"] == 3
    assert sector["reached"] == pytest.approx(1 / 3)
    assert sector["reached_3m_before"] == pytest.approx(1 / 3)
    assert sector["median_lead_months"] == 4
    # city-wide top 2 of 5 (round(2.5) = 2): {a, b}
    assert city["precision_at_k"] == pytest.approx(1 / 2)
    assert city["recall_at_k"] == pytest.approx(1 / 3)


def test_precision_is_the_mean_of_the_months():
    f = tiny()
    g = f.assign(snapshot_month=pd.Timestamp("2025-02-01"), judgment_within_horizon=False)
    ev = evaluate_lists(pd.concat([f, g]), scores={"model": "model"}, capacity=0.5).set_index("lists")
    assert ev.loc["sector", "precision_at_k"] == pytest.approx((1 / 3 + 0) / 2)


def test_a_missing_sector_column_is_named():
    with pytest.raises(ValueError, match="sector"):
        evaluate_lists(tiny().drop(columns=["sector"]), scores={"model": "model"})
