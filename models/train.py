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
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from abri.progress import report
from features.declare import FEATURE_NAMES, FEATURES
from models import metrics
from models.temporal import DELAY, HORIZON, Split, final_window, make_splits

LABEL = "judgment_within_horizon"

# Small, monotone, strongly regularised trees: at a city's scale the label is rare (about 1% a
# year), so variance, not bias, is what loses precision (the gap decomposition in
# docs/models.md). The L2 penalty is stated per training row (`l2_per_row`) so that it shrinks the
# leaves of a small city as much as those of a large one: on five 36-month demo cities a penalty
# of about 100 on their ~100,000-row folds gained 0.02-0.07 of precision@k over 1 on every city
# (300 was too much), while the same absolute 100 on a city of 8,000 households lost to the rule.
# Each point states its rounds: early stopping on one month of a rare label is itself noise.
PARAM_GRID = (
    {"num_leaves": 7, "learning_rate": 0.02, "min_data_in_leaf": 100, "feature_fraction": 0.8, "rounds": 600,
     "l2_per_row": 1e-3},
    {"num_leaves": 7, "learning_rate": 0.02, "min_data_in_leaf": 100, "feature_fraction": 0.8, "rounds": 600,
     "l2_per_row": 3e-4},
    {"num_leaves": 4, "learning_rate": 0.02, "min_data_in_leaf": 100, "feature_fraction": 0.8, "rounds": 800,
     "l2_per_row": 3e-4},
)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 42
    horizon: int = HORIZON  # months a label looks ahead (features.build, ABRI_HORIZON_MONTHS)
    delay: int = DELAY  # court files' delay
    train_months: int | None = None  # None: every mature month (an expanding window)
    calibration_months: int = 3
    n_splits: int = 4
    capacity: float = 0.01  # share of the month's active households the teams can contact
    max_rounds: int = 800
    early_stopping: int = 50
    param_grid: tuple[dict, ...] = PARAM_GRID
    threads: int = 1  # LightGBM's deterministic mode gives the same trees at any thread count
    treatment_aware: bool = True  # leave out households Abri's own outreach reached (models/treatment.py)
    logistic_max_rows: int = 300_000  # the logistic baseline's sample (fit_logistic)


def base_params(seed: int, threads: int = 1) -> dict:
    # deterministic: same data + seed -> same model file, at any thread count
    return {"objective": "binary", "metric": "average_precision", "seed": seed, "deterministic": True,
            "force_row_wise": True, "num_threads": threads, "verbosity": -1, "bagging_fraction": 0.8,
            "bagging_freq": 1, "lambda_l2": 1.0,
            "monotone_constraints": [f.monotone for f in FEATURES]}


def month_index(months) -> np.ndarray:
    """Months as integers (year * 12 + month - 1): cheap to compare, unlike strings."""
    m = pd.to_datetime(pd.Series(np.asarray(months)).astype(str).str[:7] + "-01")
    return (m.dt.year * 12 + m.dt.month - 1).to_numpy()


def _months(frame: pd.DataFrame, months) -> pd.DataFrame:
    idx = frame["_month"].to_numpy() if "_month" in frame else month_index(frame["snapshot_month"])
    return frame[np.isin(idx, month_index(list(months)))]


def lgbm_params(y: np.ndarray, params: dict, config: TrainConfig) -> tuple[dict, int | None]:
    """LightGBM's parameters for one fit on labels `y`, whatever the engine: the base ones, the
    grid point's, positives weighted, the L2 penalty per row made absolute; and the grid point's
    fixed number of rounds (None: early stopping)."""
    pos = max(int(y.sum()), 1)
    params = dict(params)
    fixed = params.pop("rounds", None)
    per_row = params.pop("l2_per_row", None)
    if per_row is not None:
        params["lambda_l2"] = per_row * len(y)
    return {**base_params(config.seed, config.threads), **params,
            "scale_pos_weight": min(50.0, (len(y) - pos) / pos) ** 0.5}, fixed


def fit_lgbm(train: pd.DataFrame, valid: pd.DataFrame | None, params: dict, config: TrainConfig,
             rounds: int | None = None) -> lgb.Booster:
    """LightGBM with class imbalance handled by weighting positives; `params["rounds"]` boosting
    rounds, else early stopping on `valid`. A `weight` column (treatment-aware training) is used."""
    y = train[LABEL].to_numpy(dtype=int)
    p, fixed = lgbm_params(y, params, config)
    weight = train["weight"].to_numpy(dtype=float) if "weight" in train else None
    dtrain = lgb.Dataset(train[list(FEATURE_NAMES)].to_numpy(dtype=np.float32), label=y, weight=weight,
                         feature_name=list(FEATURE_NAMES), free_raw_data=True)
    if valid is None or fixed:
        return lgb.train(p, dtrain, num_boost_round=rounds or fixed or config.max_rounds)
    dvalid = lgb.Dataset(valid[list(FEATURE_NAMES)].to_numpy(dtype=np.float32), label=valid[LABEL].to_numpy(dtype=int),
                         feature_name=list(FEATURE_NAMES), reference=dtrain)
    return lgb.train(p, dtrain, num_boost_round=config.max_rounds, valid_sets=[dvalid],
                     callbacks=[lgb.early_stopping(config.early_stopping, verbose=False)])


LOGISTIC_MAX_ROWS = TrainConfig.logistic_max_rows


def fit_logistic(train: pd.DataFrame, seed: int, *, max_rows: int = LOGISTIC_MAX_ROWS):
    """The logistic baseline, fitted on at most `max_rows` rows (a seeded sample keeping every
    positive): beyond that its coefficients no longer move, only its fitting time grows."""
    if len(train) > max_rows:
        pos = train[train[LABEL].astype(bool)]
        neg = train[~train[LABEL].astype(bool)]
        train = pd.concat([pos, neg.sample(max(max_rows - len(pos), 1), random_state=seed)])
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


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class Calibrator:
    """Platt scaling: probability = sigmoid(a * logit(raw) + b), two numbers (no pickle).

    Smooth and bounded: unlike isotonic bins of a few households, it never claims 0 % or 100 %,
    and its two parameters are estimated from every calibration row, not from a handful at the
    top. Versions registered before it stored an isotonic map (x, y), still read by from_dict."""

    a: float
    b: float
    x: np.ndarray | None = None  # legacy isotonic map
    y: np.ndarray | None = None

    @classmethod
    def fit(cls, raw: np.ndarray, label: np.ndarray) -> Calibrator:
        label = np.asarray(label).astype(int)
        if label.min() == label.max():
            raise ValueError("calibration impossible : un seul type d'issue dans la fenêtre de calibration")
        lr = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(raw).reshape(-1, 1), label)
        return cls(float(lr.coef_[0, 0]), float(lr.intercept_[0]))

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        if self.x is not None:
            assert self.y is not None  # the legacy map is a pair (from_dict)
            return np.interp(raw, self.x, self.y)
        return 1.0 / (1.0 + np.exp(-(self.a * _logit(raw) + self.b)))

    def to_dict(self) -> dict:
        return {"method": "platt", "a": round(self.a, 10), "b": round(self.b, 10)}

    @classmethod
    def from_dict(cls, d: dict) -> Calibrator:
        if "x" in d:
            return cls(0.0, 0.0, np.asarray(d["x"], dtype=float), np.asarray(d["y"], dtype=float))
        return cls(float(d["a"]), float(d["b"]))


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
             splits: list[Split], *, fit=None, fold_done=None) -> tuple[pd.DataFrame, list[int]]:
    """Out-of-time scores of each fold's test months for the model and both baselines. Each fold's
    model is fitted on its training months but the newest, which calibrates it (and stops the
    boosting early when `params` states no rounds): the test months stay unseen.
    fit(train, valid, params) -> Booster: the engine (default fit_lgbm; models/dask_train.py).
    fold_done(j, n): called after each of the n folds (progress)."""
    fit_engine = fit or (lambda train, valid, p: fit_lgbm(train, valid, p, config))
    parts, rounds = [], []
    features = list(FEATURE_NAMES)
    for s in splits:
        train = _months(frame, pd.period_range(s.train_start, s.train_end, freq="M"))
        test = _months(frame, s.test_months)
        last = train["_month"].max()
        fit_rows, stop = train[train["_month"] < last], train[train["_month"] == last]
        if fit_rows[LABEL].sum() == 0 or not stop[LABEL].any():
            fit_rows, stop = train, train
        booster = fit_engine(fit_rows, stop, params)
        best = booster.best_iteration or None
        rounds.append(best or booster.current_iteration())
        logistic = fit_logistic(train, config.seed, max_rows=config.logistic_max_rows)
        calibrator = Calibrator.fit(np.asarray(booster.predict(stop[features].to_numpy(dtype=np.float32),
                                                               num_iteration=best)),
                                    stop[LABEL].to_numpy())
        raw = np.asarray(booster.predict(test[features].to_numpy(dtype=np.float32), num_iteration=best))
        parts.append(pd.DataFrame({
            "household_key": test["household_key"].to_numpy(),
            "snapshot_month": test["snapshot_month"].to_numpy(),
            "sector": test["sector"].to_numpy() if "sector" in test else None,
            LABEL: test[LABEL].to_numpy(),
            "judgment_date": test["judgment_date"].to_numpy() if "judgment_date" in test else pd.NaT,
            "model": raw,
            "probability": calibrator(raw),
            "logistic": logistic.predict_proba(test[features].astype(float))[:, 1],
            "rule": rule_score(test),
            "fold_as_of": str(s.as_of),
        }))
        if fold_done:
            fold_done(len(parts), len(splits))
    return pd.concat(parts, ignore_index=True), rounds


def train(frame: pd.DataFrame, config: TrainConfig = TrainConfig(), progress=None, *, fit=None,
          other_cpu=None) -> TrainResult:
    """Tune on backtest folds, then fit the final model on the mature months and calibrate it
    on the newest ones. `frame`: features + labels (features.build.training_frame), with an
    optional `weight` column (models/treatment.py).
    fit(train, valid, params, rounds=None) -> Booster: the engine (default fit_lgbm; the Dask
    engine's in models/dask_train.py); other_cpu(): CPU seconds used outside this process so far
    (the engine's workers), counted in the energy estimate.
    Raises ValueError when the history is too short or a window has no positive label."""
    engine = fit or (lambda train, valid, p, rounds=None: fit_lgbm(train, valid, p, config, rounds=rounds))
    t0, c0, w0 = time.perf_counter(), time.process_time(), other_cpu() if other_cpu else 0.0
    frame = frame.assign(_month=month_index(frame["snapshot_month"]))
    months = sorted({str(m)[:7] for m in frame["snapshot_month"].astype(str).unique()})
    # the frame holds mature snapshots only: tests may use up to its last month
    splits = make_splits(months, horizon=config.horizon, delay=config.delay, train_months=config.train_months,
                         n_splits=config.n_splits, mature_until=months[-1])
    if frame[LABEL].sum() == 0:
        raise ValueError("aucun jugement d'expulsion dans les données d'entraînement")
    tuning: list[dict] = []
    best: tuple[float, dict, pd.DataFrame, int] | None = None
    n_grid = len(config.param_grid)
    for i, params in enumerate(config.param_grid):
        # on `abri run`'s bar (abri.progress): which configuration, which fold
        scores, fold_rounds = backtest(frame, config, params, splits, fit=engine, fold_done=lambda j, n, i=i: report(
            f"entraînement : configuration {i + 1}/{n_grid}, pli", j, n))
        ev = metrics.evaluate(scores, label=LABEL, scores={"model": "model"}, capacity=config.capacity)
        summary = ev[ev["month"] == "all"].iloc[0]
        tuning.append({"params": params, "pr_auc": summary["pr_auc"], "precision_at_k": summary["precision_at_k"],
                       "rounds": int(np.median(fold_rounds))})
        if best is None or summary["pr_auc"] > best[0]:
            best = (summary["pr_auc"], params, scores, int(np.median(fold_rounds)))
        if progress:
            progress(i + 1, len(config.param_grid))
    if best is None:  # an empty grid: nothing was tried
        raise ValueError("TrainConfig.param_grid est vide : aucune configuration à évaluer")
    _, params, scores, rounds = best
    evaluation = metrics.evaluate(scores, label=LABEL, scores={"model": "model", "logistic": "logistic", "rule": "rule"},
                                  capacity=config.capacity, probability={"model": "probability", "logistic": "logistic"})
    calibration = metrics.calibration_curve(scores[LABEL].to_numpy(), scores["probability"].to_numpy())

    lead = metrics.lead_time_summary(scores, scores={"model": "model", "logistic": "logistic", "rule": "rule"},
                                     capacity=config.capacity)
    train_m, calib_m = final_window(months, horizon=0, delay=0, train_months=config.train_months,
                                    calibration_months=config.calibration_months)
    final = _months(frame, train_m)
    booster = engine(final, None, params, rounds=max(rounds, 20))
    calib = _months(frame, calib_m)
    calibrator = Calibrator.fit(np.asarray(booster.predict(calib[list(FEATURE_NAMES)].to_numpy(dtype=np.float32))),
                                calib[LABEL].to_numpy())
    fitted = {k: v for k, v in params.items() if k != "rounds"}
    if "l2_per_row" in fitted:  # the penalty the final model was fitted with, for the record
        fitted["lambda_l2"] = fitted["l2_per_row"] * len(final)
    return TrainResult(booster=booster, calibrator=calibrator,
                       params={**base_params(config.seed, config.threads), **fitted},
                       best_rounds=max(rounds, 20), train_months=train_m, calibration_months=calib_m,
                       evaluation=evaluation, lead_time=lead, calibration=calibration, backtest_scores=scores, tuning=tuning,
                       seconds=time.perf_counter() - t0,
                       cpu_seconds=time.process_time() - c0 + (max(0.0, other_cpu() - w0) if other_cpu else 0.0))
