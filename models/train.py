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
from models import metrics, windows
from models.dataset import LABEL, TrainingSet, month_index
from models.temporal import DELAY, HORIZON, Split, final_window, make_splits

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
    threads: int = 1  # 0: every core; LightGBM's deterministic mode gives the same trees at any count
    treatment_aware: bool = True  # leave out households Abri's own outreach reached (models/treatment.py)
    logistic_max_rows: int = 300_000  # the logistic baseline's sample (fit_logistic)
    # a fit keeps every positive and at most this many negatives, each weighted by the inverse of
    # its sampling rate (fitting_rows): beyond a few million negatives of a 1 % label, more rows
    # add time, not precision (at Paris 2 M and 3 M gave 0.429, no cap 0.369 against 0.371 with
    # one: docs/models.md). None: every row.
    max_negatives: int | None = 2_000_000
    # learn from the snapshots whose window is still open, each with the months of it observed so
    # far (models/windows.py): a 36-month city's folds then learn from 14 months, not 3 to 6
    open_windows: bool = True


def base_params(seed: int, threads: int = 1) -> dict:
    # deterministic: same data + seed -> same model file, at any thread count
    return {"objective": "binary", "metric": "average_precision", "seed": seed, "deterministic": True,
            "force_row_wise": True, "num_threads": threads, "verbosity": -1, "bagging_fraction": 0.8,
            "bagging_freq": 1, "lambda_l2": 1.0,
            "monotone_constraints": [f.monotone for f in FEATURES]}


def as_set(rows: TrainingSet | pd.DataFrame) -> TrainingSet:
    return rows if isinstance(rows, TrainingSet) else TrainingSet.from_frame(rows)


def lgbm_params(y: np.ndarray, params: dict, config: TrainConfig,
                weight: np.ndarray | None = None) -> tuple[dict, int | None]:
    """LightGBM's parameters for one fit on labels `y` (row weights `weight`), whatever the
    engine: the base ones, the grid point's, the L2 penalty per row made absolute (per unit of
    weight, so a subsample weighted back is penalised as the whole); and the grid point's fixed
    number of rounds (None: early stopping). Positives are not up-weighted: on five demo cities
    the top 1 % was better without (mean precision@1% 0.413 -> 0.426, docs/models.md), the
    weighting spending the trees on the many middling positives rather than on the order at the
    top."""
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    params = dict(params)
    fixed = params.pop("rounds", None)
    per_row = params.pop("l2_per_row", None)
    if per_row is not None:
        params["lambda_l2"] = per_row * float(w.sum())
    return {**base_params(config.seed, config.threads), **params}, fixed


def open_negatives_cap(config: TrainConfig) -> int | None:
    """How many never-judged open rows to load (models.dataset.load_training_set): half the
    negatives cap. Each fit then samples its negatives among the loaded rows, each row weighted
    by both rates, so the fit is unbiased at any load cap; at Paris the whole cap would load
    ~0.5 GB more rows for ~0.2 M more of the final fit's negatives drawn from them, against a
    training stage's peak to keep under 8 GiB."""
    return None if config.max_negatives is None else config.max_negatives // 2


def negative_sample(y: np.ndarray, config: TrainConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """(positions kept, their weight factor): every positive and at most `config.max_negatives`
    negatives (a sample seeded by config.seed), each sampled negative weighted by 1 / its
    sampling rate, so that the weighted rows stand for all. None when every row is kept."""
    negatives = np.flatnonzero(y == 0)
    if config.max_negatives is None or len(negatives) <= config.max_negatives:
        return None
    rng = np.random.default_rng(config.seed)
    drawn = np.sort(rng.choice(negatives, size=config.max_negatives, replace=False))
    keep = np.sort(np.concatenate([np.flatnonzero(y == 1), drawn]))
    return keep, np.where(y[keep] == 0, len(negatives) / config.max_negatives, 1.0)


def fitting_rows(rows: TrainingSet, config: TrainConfig) -> TrainingSet:
    """The rows a fit learns from (negative_sample)."""
    sample = negative_sample(rows.y, config)
    if sample is None:
        return rows
    keep, factor = sample
    out = rows.take(keep)
    out.meta["weight"] = out.meta["weight"].to_numpy() * factor
    return out


def open_window_rows(data: TrainingSet, config: TrainConfig, *, as_of: int, start: int,
                     held_out: list[str]) -> TrainingSet:
    """The rows a fit as of month `as_of` learns from with open windows (models/windows.py):
    every snapshot from month `start` with at least one month of its window reported by then,
    but the `held_out` months (early stopping, calibration); each labelled by what was known at
    `as_of`, with its offset, negatives sampled (negative_sample)."""
    month, meta = data.month, data.meta
    observed = windows.observed_months(month, as_of, horizon=config.horizon, delay=config.delay)
    rows = np.flatnonzero((month >= start) & (observed >= 1) & ~np.isin(month, month_index(held_out)))
    observed = observed[rows]  # only the candidate rows from here: the whole set's arrays are freed
    y = windows.judged_within(month[rows], meta["_judged"].to_numpy()[rows], meta["_known"].to_numpy()[rows],
                              observed, as_of)
    stage = data.column("procedure_stage_current")[rows]
    mature = (observed == config.horizon) & y
    offset = windows.offsets(observed, stage, meta["_judged"].to_numpy()[rows[mature]] - month[rows[mature]],
                             stage[mature], horizon=config.horizon)
    del observed, stage, mature
    factor = np.ones(len(rows))
    sample = negative_sample(y, config)
    if sample is not None:
        keep, factor = sample
        rows, offset, y = rows[keep], offset[keep], y[keep]
    out = data.take(rows)
    out.meta[LABEL] = y
    out.meta["weight"] = out.meta["weight"].to_numpy() * factor
    out.meta["offset"] = offset
    return out


def fit_lgbm(train: TrainingSet | pd.DataFrame, valid: TrainingSet | pd.DataFrame | None, params: dict,
             config: TrainConfig, rounds: int | None = None) -> lgb.Booster:
    """LightGBM with the parameters of lgbm_params; `params["rounds"]` boosting rounds, else
    early stopping on `valid`. Row weights (treatment-aware training, negative
    sampling) are used."""
    train = as_set(train)
    y, weight = train.y, train.weight
    p, fixed = lgbm_params(y, params, config, weight)
    dtrain = lgb.Dataset(train.X, label=y, weight=weight, init_score=train.offset, feature_name=list(FEATURE_NAMES),
                         free_raw_data=True)
    if valid is None or fixed:
        return lgb.train(p, dtrain, num_boost_round=rounds or fixed or config.max_rounds)
    valid = as_set(valid)
    dvalid = lgb.Dataset(valid.X, label=valid.y, feature_name=list(FEATURE_NAMES), reference=dtrain)
    return lgb.train(p, dtrain, num_boost_round=config.max_rounds, valid_sets=[dvalid],
                     callbacks=[lgb.early_stopping(config.early_stopping, verbose=False)])


LOGISTIC_MAX_ROWS = TrainConfig.logistic_max_rows


def fit_logistic(train: TrainingSet | pd.DataFrame, seed: int, *, max_rows: int = LOGISTIC_MAX_ROWS):
    """The logistic baseline, fitted on at most `max_rows` rows (a seeded sample keeping every
    positive): beyond that its coefficients no longer move, only its fitting time grows."""
    train = as_set(train)
    if len(train) > max_rows:
        y = train.y
        positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
        drawn = np.random.default_rng(seed).choice(negatives, size=max(max_rows - len(positives), 1), replace=False)
        train = train.take(np.sort(np.concatenate([positives, drawn])))
    model = make_pipeline(SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                          StandardScaler(), LogisticRegression(max_iter=2000, C=0.5, random_state=seed))
    model.fit(pd.DataFrame(train.X, columns=list(FEATURE_NAMES)).astype(float), train.y.astype(int))
    return model


def predict_logistic(model, X: np.ndarray, *, chunk: int = 100_000) -> np.ndarray:
    """The logistic baseline's probabilities, `chunk` rows at a time: its imputer and scaler copy
    their input as float64 twice over, ~2 GB for a Paris month at once."""
    return np.concatenate([model.predict_proba(pd.DataFrame(X[i:i + chunk], columns=list(FEATURE_NAMES))
                                               .astype(float))[:, 1] for i in range(0, len(X), chunk)]
                          or [np.empty(0)])


def rule_score(frame: TrainingSet | pd.DataFrame) -> np.ndarray:
    """Today's practice as a score: flagged first, then furthest stage, then arrears."""
    def col(name: str) -> np.ndarray:
        values = frame.column(name) if isinstance(frame, TrainingSet) else frame[name].fillna(0).to_numpy(dtype=float)
        return np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)

    stage = col("procedure_stage")
    commandement = col("commandements_24m") > 0
    arrears = col("arrears_months")
    caf_report = col("caf_unpaid_report")
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


def backtest(data: TrainingSet | pd.DataFrame, config: TrainConfig, params: dict,
             splits: list[Split], *, fit=None, fold_done=None) -> tuple[pd.DataFrame, list[int]]:
    """Out-of-time scores of each fold's test months for the model and both baselines. Each fold's
    model is fitted on its training months but the newest, which calibrates it (and stops the
    boosting early when `params` states no rounds): the test months stay unseen.
    fit(train, valid, params) -> Booster: the engine (default fit_lgbm; models/dask_train.py).
    fold_done(j, n): called after each of the n folds (progress)."""
    data = as_set(data)
    fit_engine = fit or (lambda train, valid, p: fit_lgbm(train, valid, p, config))
    parts, rounds = [], []
    open_windows = config.open_windows and data.has_open_windows
    for s in splits:
        # rows are sorted by month: each window is a slice, its rows a view (models/dataset.py)
        train = data.take(data.rows_of(pd.period_range(s.train_start, s.train_end, freq="M")))
        test = data.take(data.rows_of(s.test_months))
        stop_rows = train.rows_of([s.train_end])
        stop = train.take(stop_rows)
        if open_windows:
            fit_rows = open_window_rows(data, config, as_of=month_index([str(s.as_of)])[0],
                                        start=month_index([str(s.train_start)])[0], held_out=[str(s.train_end)])
        else:
            fit_rows = fitting_rows(train.take(slice(0, stop_rows.start)), config)
        if fit_rows.y.sum() == 0 or not stop.y.any():
            fit_rows, stop = fitting_rows(train, config), train
        booster = fit_engine(fit_rows, stop, params)
        del fit_rows  # a copy of up to millions of rows (a sample): not kept beside the baselines' fits
        best = booster.best_iteration or None
        rounds.append(best or booster.current_iteration())
        logistic = fit_logistic(train, config.seed, max_rows=config.logistic_max_rows)
        calibrator = Calibrator.fit(np.asarray(booster.predict(stop.X, num_iteration=best)), stop.y)
        raw = np.asarray(booster.predict(test.X, num_iteration=best))
        meta = test.meta
        parts.append(pd.DataFrame({
            "household_key": meta["household_key"].astype(str).to_numpy(),
            "snapshot_month": meta["snapshot_month"].to_numpy(),
            "sector": meta["sector"].astype(object).to_numpy(),
            LABEL: meta[LABEL].to_numpy(),
            "judgment_date": meta["judgment_date"].to_numpy(),
            "model": raw,
            "probability": calibrator(raw),
            "logistic": predict_logistic(logistic, test.X),
            "rule": rule_score(test),
            "fold_as_of": str(s.as_of),
        }))
        if fold_done:
            fold_done(len(parts), len(splits))
    return pd.concat(parts, ignore_index=True), rounds


def train(frame: TrainingSet | pd.DataFrame, config: TrainConfig = TrainConfig(), progress=None, *, fit=None,
          other_cpu=None) -> TrainResult:
    """Tune on backtest folds, then fit the final model on the mature months and calibrate it
    on the newest ones. `frame`: the rows (models.dataset.load_training_set), or features +
    labels as a DataFrame (features.build.training_frame) with an optional `weight` column
    (models/treatment.py).
    fit(train, valid, params, rounds=None) -> Booster: the engine (default fit_lgbm; the Dask
    engine's in models/dask_train.py); other_cpu(): CPU seconds used outside this process so far
    (the engine's workers), counted in the energy estimate.
    Raises ValueError when the history is too short or a window has no positive label."""
    engine = fit or (lambda train, valid, p, rounds=None: fit_lgbm(train, valid, p, config, rounds=rounds))
    t0, c0, w0 = time.perf_counter(), time.process_time(), other_cpu() if other_cpu else 0.0
    data = as_set(frame)
    months = data.labelled_months()
    # tests may use up to the last labelled month
    splits = make_splits(months, horizon=config.horizon, delay=config.delay, train_months=config.train_months,
                         n_splits=config.n_splits, mature_until=months[-1])
    if data.y.sum() == 0:
        raise ValueError("aucun jugement d'expulsion dans les données d'entraînement")
    tuning: list[dict] = []
    best: tuple[float, dict, pd.DataFrame, int] | None = None
    n_grid = len(config.param_grid)
    for i, params in enumerate(config.param_grid):
        # on `abri run`'s bar (abri.progress): which configuration, which fold
        scores, fold_rounds = backtest(data, config, params, splits, fit=engine, fold_done=lambda j, n, i=i: report(
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
    if config.open_windows and data.has_open_windows and data.observed_until is not None:
        final = open_window_rows(data, config, as_of=data.observed_until, start=month_index(train_m[:1])[0],
                                 held_out=calib_m)
        train_m = [m for m in final.months() if m not in calib_m]
    else:
        final = fitting_rows(data.take(data.rows_of(train_m)), config)
    booster = engine(final, None, params, rounds=max(rounds, 20))
    calib = data.take(data.rows_of(calib_m))
    calibrator = Calibrator.fit(np.asarray(booster.predict(calib.X)), calib.y)
    fitted = {k: v for k, v in params.items() if k != "rounds"}
    if "l2_per_row" in fitted:  # the penalty the final model was fitted with, for the record
        fitted["lambda_l2"] = lgbm_params(final.y, params, config, final.weight)[0]["lambda_l2"]
    return TrainResult(booster=booster, calibrator=calibrator,
                       params={**base_params(config.seed, config.threads), **fitted},
                       best_rounds=max(rounds, 20), train_months=train_m, calibration_months=calib_m,
                       evaluation=evaluation, lead_time=lead, calibration=calibration, backtest_scores=scores, tuning=tuning,
                       seconds=time.perf_counter() - t0,
                       cpu_seconds=time.process_time() - c0 + (max(0.0, other_cpu() - w0) if other_cpu else 0.0))
