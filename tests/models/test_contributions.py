"""The memoised TreeSHAP equals LightGBM's pred_contrib (values to 1e-9), whatever the missing
values, zeros, ties on thresholds and batches."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from features.declare import FEATURE_NAMES
from models import reasons


def _data(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, len(FEATURE_NAMES))), columns=list(FEATURE_NAMES))
    X.iloc[:, 0] = np.where(rng.random(n) < 0.3, np.nan, rng.gamma(1.5, 1.2, n))  # unknown arrears
    X.iloc[:, 1] = np.where(rng.random(n) < 0.5, 0.0, X.iloc[:, 1])                 # many zeros
    X.iloc[:, 2] = rng.integers(0, 4, n).astype(float)                             # ties on thresholds
    X.iloc[:, 3] = np.where(rng.random(n) < 0.2, np.nan, 0.0)                      # NaN or zero only
    logit = -2 + np.nan_to_num(X.iloc[:, 0].to_numpy()) + 0.8 * X.iloc[:, 2] + X.iloc[:, 1] - X.iloc[:, 4]
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


@pytest.mark.parametrize("params", [{}, {"zero_as_missing": True}, {"use_missing": False}])
def test_memoised_contributions_equal_lightgbm_pred_contrib(params, monkeypatch):
    X, y = _data(6000, 1)
    booster = lgb.train({"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 20, "verbose": -1,
                         "num_threads": 1, "seed": 1, **params}, lgb.Dataset(X, y), num_boost_round=60)
    T, _ = _data(5000, 2)
    T.iloc[:50, 2] = booster.dump_model()["tree_info"][0]["tree_structure"].get("threshold", 1.0)  # exact ties
    expected = booster.predict(T.to_numpy(), pred_contrib=True)
    assert reasons._numeric_splits(booster) is not None  # the memoised path is the one measured
    got = reasons.contributions(booster, T, batch=1700)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    monkeypatch.setattr(reasons, "MEMO_MIN_ROWS", 0)
    np.testing.assert_allclose(reasons.contributions(booster, T.head(7)), expected[:7], rtol=0, atol=1e-9)


def test_a_categorical_split_falls_back_to_pred_contrib():
    X, y = _data(3000, 3)
    X.iloc[:, 5] = (X.iloc[:, 2] * 3 + (y * 2)).astype(int)
    booster = lgb.train({"objective": "binary", "num_leaves": 7, "verbose": -1, "num_threads": 1},
                        lgb.Dataset(X, y, categorical_feature=[5]), num_boost_round=20)
    if reasons._numeric_splits(booster) is not None:
        pytest.skip("LightGBM chose no categorical split")
    np.testing.assert_allclose(reasons.contributions(booster, X), booster.predict(X.to_numpy(), pred_contrib=True),
                               rtol=0, atol=1e-12)


def test_no_rows_give_no_contributions():
    X, y = _data(500, 4)
    booster = lgb.train({"objective": "binary", "verbose": -1, "num_threads": 1}, lgb.Dataset(X, y), num_boost_round=5)
    assert reasons.contributions(booster, X.head(0)).shape == (0, len(FEATURE_NAMES) + 1)
