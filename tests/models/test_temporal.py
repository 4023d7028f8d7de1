import pandas as pd
import pytest

from models.temporal import Split, final_window, make_splits, validate

MONTHS = [str(m) for m in pd.period_range("2023-11", "2026-10", freq="M")]


def test_training_ends_a_full_horizon_plus_delay_before_each_as_of_date():
    splits = make_splits(MONTHS, horizon=12, delay=3, train_months=12, n_splits=3)
    assert len(splits) == 3
    for s in splits:
        assert s.train_end + 15 <= s.as_of
        assert s.test_months[-1] <= pd.Period("2025-07", freq="M")  # mature: 2026-10 minus 15
    assert [str(s.as_of) for s in splits] == ["2025-05", "2025-06", "2025-07"]


def test_a_leaking_split_is_refused():
    bad = Split(pd.Period("2024-01", "M"), pd.Period("2025-01", "M"), pd.Period("2025-06", "M"),
                (pd.Period("2025-06", "M"),))
    with pytest.raises(ValueError, match="fuite temporelle"):
        validate([bad], horizon=12, delay=3)


def test_too_short_a_history_says_how_many_months_are_needed():
    with pytest.raises(ValueError, match="historique trop court"):
        make_splits(MONTHS[:10], horizon=12, delay=3)


def test_final_window_calibrates_on_the_newest_mature_months():
    train, calib = final_window(MONTHS, horizon=12, delay=3, train_months=6, calibration_months=3)
    assert calib == ["2025-05", "2025-06", "2025-07"]
    assert train[-1] == "2025-04" and len(train) == 6
