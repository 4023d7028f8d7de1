"""Train the risk model: LightGBM tuned on forward-in-time folds, calibrated on a later window,
always evaluated beside the two baselines.

Baselines:
- `rule`: today's practice, "a commandement de payer received or arrears of 2 months or more";
  within the flagged households the furthest procedure stage, then the arrears, come first.
- `logistic`: logistic regression on the same features (median imputation with missing
  indicators, standardised).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from features.declare import FEATURE_NAMES
from models import metrics
from models.temporal import Split, final_window, make_splits

LABEL = "judgment_within_horizon"

PARAM_GRID = (
    {"num_leaves": 7, "learning_rate": 0.05, "min_data_in_leaf": 200, "feature_fraction": 0.8},
    {"num_leaves": 15, "learning_rate": 0.05, "min_data_in_leaf": 100, "feature_fraction": 0.8},
    {"num_leaves": 63, "learning_rate": 0.03, "min_data_in_leaf": 100, "feature_fraction": 0.7},
)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 42
    horizon: int = 12
    delay: int = 3
    train_months: int = 12
    calibration_months: int = 3
    n_splits: int = 3
    capacity: float = 0.01  # share of the month's active households the teams can contact
    max_rounds: int = 800
    early_stopping: int = 50
    param_grid: tuple[dict, ...] = PARAM_GRID


def base_params(seed: int) -> dict:
    # deterministic, single-threaded: same data + seed -> same model file
    return {"objective": "binary", "metric": "average_precision", "seed": seed, "deterministic": True,
            "force_row_wise": True, "num_threads": 1, "verbosity": -1, "bagging_fraction": 0.8,
            "bagging_freq": 1, "lambda_l2": 1.0}


def _months(frame: pd.DataFrame, months) -> pd.DataFrame:
    keys = {str(m)[:7] for m in months}
    return frame[frame["snapshot_month"].astype(str).str[:7].isin(keys)]


def fit_lgbm(train: pd.DataFrame, valid: pd.DataFrame | None, params: dict, config: TrainConfig,
             rounds: int | None = None) -> lgb.Booster:
    """LightGBM with class imbalance handled by weighting positives, early stopping on `valid`."""
    y = train[LABEL].to_numpy(dtype=int)
    pos = max(int(y.sum()), 1)
    p = {**base_params(config.seed), **params, "scale_pos_weight": min(50.0, (len(y) - pos) / pos) ** 0.5}
    dtrain = lgb.Dataset(train[list(FEATURE_NAMES)], label=y, free_raw_data=False)
    if valid is None:
        return lgb.train(p, dtrain, num_boost_round=rounds or config.max_rounds)
    dvalid = lgb.Dataset(valid[list(FEATURE_NAMES)], label=valid[LABEL].to_numpy(dtype=int), reference=dtrain)
    return lgb.train(p, dtrain, num_boost_round=config.max_rounds, valid_sets=[dvalid],
                     callbacks=[lgb.early_stopping(config.early_stopping, verbose=False)])


LOGISTIC_MAX_ROWS = 300_000


def fit_logistic(train: pd.DataFrame, seed: int):
    """The logistic baseline, fitted on at most LOGISTIC_MAX_ROWS rows (a seeded sample keeping
    every positive): beyond that its coefficients no longer move, only its fitting time grows."""
    if len(train) > LOGISTIC_MAX_ROWS:
        pos = train[train[LABEL].astype(bool)]
        neg = train[~train[LABEL].astype(bool)]
        train = pd.concat([pos, neg.sample(max(LOGISTIC_MAX_ROWS - len(pos), 1), random_state=seed)])
    model = make_pipeline(SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                          StandardScaler(), LogisticRegression(max_iter=2000, C=0.5, random_state=seed))
    model.fit(train[list(FEATURE_NAMES)].astype(float), train[LABEL].to_numpy(dtype=int))
    return model


def rule_score(frame: pd.DataFrame) -> np.ndarray:
    """Today's practice as a score: flagged first, then furthest stage, then arrears."""
    stage = frame["procedure_stage"].fillna(0).to_numpy(dtype=float)
    commandement = frame["commandements_24m"].fillna(0).to_numpy(dtype=float) > 0
    arrears = frame["arrears_months"].fillna(0).to_numpy(dtype=float)
    caf_report = frame["caf_unpaid_report"].fillna(0).to_numpy(dtype=float)
    flagged = commandement | (arrears >= 2) | (stage >= 1)
    return flagged * 100 + stage * 10 + np.minimum(arrears, 9) + caf_report * 0.5


@dataclass
class Calibrator:
    """Isotonic map from raw score to probability, kept as two arrays (no pickle)."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def fit(cls, raw: np.ndarray, label: np.ndarray) -> Calibrator:
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, label.astype(float))
        return cls(np.asarray(iso.X_thresholds_, dtype=float), np.asarray(iso.y_thresholds_, dtype=float))

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(raw, self.x, self.y)

    def to_dict(self) -> dict:
        return {"x": self.x.round(10).tolist(), "y": self.y.round(10).tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Calibrator:
        return cls(np.asarray(d["x"], dtype=float), np.asarray(d["y"], dtype=float))


@dataclass
class TrainResult:
    booster: lgb.Booster
    calibrator: Calibrator
    params: dict
    best_rounds: int
    train_months: list[str]
    calibration_months: list[str]
    evaluation: pd.DataFrame  # per scorer x month (and 'all'), on the backtest folds
    lead_time: pd.DataFrame  # per scorer: how early the lists reach households later judged
    calibration: pd.DataFrame  # predicted vs observed by decile, out of time
    backtest_scores: pd.DataFrame  # household_key, snapshot_month, model, rule, logistic
    tuning: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def backtest(frame: pd.DataFrame, config: TrainConfig, params: dict,
             splits: list[Split]) -> tuple[pd.DataFrame, list[int]]:
    """Out-of-time scores of each fold's test months for the model and both baselines."""
    parts, rounds = [], []
    for s in splits:
        train = _months(frame, pd.period_range(s.train_start, s.train_end, freq="M"))
        test = _months(frame, s.test_months)
        # early stopping on the newest training month, never on the test months
        last = train["snapshot_month"].max()
        fit, stop = train[train["snapshot_month"] < last], train[train["snapshot_month"] == last]
        if fit[LABEL].sum() == 0:
            fit, stop = train, None
        booster = fit_lgbm(fit, stop, params, config)
        rounds.append(booster.best_iteration or booster.current_iteration())
        logistic = fit_logistic(train, config.seed)
        # calibrated on the newest training month, so the test months stay unseen
        calib_on = stop if stop is not None and stop[LABEL].any() else fit
        calibrator = Calibrator.fit(booster.predict(calib_on[list(FEATURE_NAMES)],
                                                    num_iteration=booster.best_iteration or None),
                                    calib_on[LABEL].to_numpy())
        raw = booster.predict(test[list(FEATURE_NAMES)], num_iteration=booster.best_iteration or None)
        parts.append(pd.DataFrame({
            "household_key": test["household_key"].to_numpy(),
            "snapshot_month": test["snapshot_month"].to_numpy(),
            LABEL: test[LABEL].to_numpy(),
            "judgment_date": test["judgment_date"].to_numpy() if "judgment_date" in test else pd.NaT,
            "model": raw,
            "probability": calibrator(raw),
            "logistic": logistic.predict_proba(test[list(FEATURE_NAMES)].astype(float))[:, 1],
            "rule": rule_score(test),
            "fold_as_of": str(s.as_of),
        }))
    return pd.concat(parts, ignore_index=True), rounds


def train(frame: pd.DataFrame, config: TrainConfig = TrainConfig(), progress=None) -> TrainResult:
    """Tune on backtest folds, then fit the final model on the most recent mature months and
    calibrate it on the newest ones. `frame`: features + labels (features.build.training_frame).
    Raises ValueError when the history is too short or a window has no positive label."""
    t0, c0 = time.perf_counter(), time.process_time()
    months = sorted({str(m)[:7] for m in frame["snapshot_month"].astype(str)})
    # the frame holds mature snapshots only: tests may use up to its last month
    splits = make_splits(months, horizon=config.horizon, delay=config.delay, train_months=config.train_months,
                         n_splits=config.n_splits, mature_until=months[-1])
    if frame[LABEL].sum() == 0:
        raise ValueError("aucun jugement d'expulsion dans les données d'entraînement")
    tuning, best = [], None
    for i, params in enumerate(config.param_grid):
        scores, rounds = backtest(frame, config, params, splits)
        ev = metrics.evaluate(scores, label=LABEL, scores={"model": "model"}, capacity=config.capacity)
        summary = ev[ev["month"] == "all"].iloc[0]
        tuning.append({"params": params, "pr_auc": summary["pr_auc"], "precision_at_k": summary["precision_at_k"],
                       "rounds": int(np.median(rounds))})
        if best is None or summary["pr_auc"] > best[0]:
            best = (summary["pr_auc"], params, scores, int(np.median(rounds)))
        if progress:
            progress(i + 1, len(config.param_grid))
    _, params, scores, rounds = best
    evaluation = metrics.evaluate(scores, label=LABEL, scores={"model": "model", "logistic": "logistic", "rule": "rule"},
                                  capacity=config.capacity, probability={"model": "probability", "logistic": "logistic"})
    calibration = metrics.calibration_curve(scores[LABEL].to_numpy(), scores["probability"].to_numpy())

    lead = metrics.lead_time_summary(scores, scores={"model": "model", "logistic": "logistic", "rule": "rule"},
                                     capacity=config.capacity)
    train_m, calib_m = final_window(months, horizon=0, delay=0, train_months=config.train_months,
                                    calibration_months=config.calibration_months)
    booster = fit_lgbm(_months(frame, train_m), None, params, config, rounds=max(rounds, 20))
    calib = _months(frame, calib_m)
    calibrator = Calibrator.fit(booster.predict(calib[list(FEATURE_NAMES)]), calib[LABEL].to_numpy())
    return TrainResult(booster=booster, calibrator=calibrator, params={**base_params(config.seed), **params},
                       best_rounds=max(rounds, 20), train_months=train_m, calibration_months=calib_m,
                       evaluation=evaluation, lead_time=lead, calibration=calibration, backtest_scores=scores, tuning=tuning,
                       seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0)
