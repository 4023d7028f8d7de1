"""Where the precision goes: the gap between the model and the ceiling, decomposed.

Reads a demo city's warehouse (after `abri ingest` and `abri features`) and its ground truth
(truth/, which only benchmarks and tests may read). Out of time, at the outreach capacity, on the
backtest's test months, precision@k of:

- ceiling: the truth's exact probability of a judgment within 12 months;
- oracle: a LightGBM regressor fitted to that probability from the observed features plus the
  latent state (arrears, procedure stage, shock, plan): what knowing the state would give;
- information limit: the same regressor from the observed features only, fitted on every month
  (cross-fitted by household): the best any model of these features can do;
- model: Abri's training (models/train.py, tuned on the same folds), and its learning curve on
  a quarter and a half of the households;
- rule and logistic regression, beside it.

ceiling - information limit is lost to missing information (features); information limit -
model is lost to learning (a rare label: about 1% of households a year).

Usage: python -m benchmarks.gap HOME [HOME ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
from pathlib import Path

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd

from abri.config import Paths
from features.build import training_frame
from features.declare import FEATURE_NAMES
from ingest.pseudonym import MENAGE, load_key
from models import metrics
from models.dataset import month_index
from models.temporal import make_splits
from models.train import LABEL, TrainConfig, backtest, train

LATENT = ("true_stage", "true_arrears", "true_shock", "true_plan")
STAGES = {"aucune": 0, "impaye_signale": 1, "commandement_payer": 2, "assignation": 3}


def with_truth(home: Path) -> pd.DataFrame:
    """The training frame (mature labelled snapshots) joined with the truth's probability and
    latent state, by the household's pseudonym."""
    paths = Paths.from_env(home)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        frame = training_frame(con)
    finally:
        con.close()
    key = load_key(paths.key_file)
    truth = pd.read_parquet(paths.truth / "household_months.parquet")
    truth["household_key"] = [hmac.new(key, (MENAGE + i).encode(), hashlib.sha256).hexdigest()
                              for i in truth["id_menage"]]
    truth["snapshot_month"] = pd.PeriodIndex(truth["month"], freq="M").to_timestamp()
    truth = truth.assign(true_stage=truth["stage"].map(STAGES), true_arrears=truth["arrears_months"],
                         true_shock=truth["economy_shock"].astype(int), true_plan=truth["plan"].astype(int))
    frame["snapshot_month"] = pd.to_datetime(frame["snapshot_month"])
    cols = ["household_key", "snapshot_month", "p_judgment_12m", *LATENT]
    return frame.merge(truth[cols], on=["household_key", "snapshot_month"], how="inner")


# the regressors fit on at most this many rows per half: enough for a ceiling at Paris scale
MAX_FIT_ROWS = 1_000_000


def _cross_fitted(frame: pd.DataFrame, features: list[str], seed: int) -> np.ndarray:
    """A regressor of the true probability, each half of the households predicted by a model
    fitted on (a sample of) the other half (every month)."""
    half = frame["household_key"].str[:1].to_numpy() < "8"
    out = np.zeros(len(frame))
    rng = np.random.default_rng(seed)
    params = {"objective": "regression", "num_leaves": 63, "learning_rate": 0.05, "min_data_in_leaf": 50,
              "seed": seed, "deterministic": True, "num_threads": 1, "verbosity": -1}
    for part in (half, ~half):
        rows = np.flatnonzero(~part)
        if len(rows) > MAX_FIT_ROWS:
            rows = np.sort(rng.choice(rows, MAX_FIT_ROWS, replace=False))
        fit = frame.iloc[rows]
        booster = lgb.train(params, lgb.Dataset(fit[features].to_numpy(np.float32),
                                                label=fit["p_judgment_12m"].to_numpy()), 400)
        out[part] = booster.predict(frame.loc[part, features].to_numpy(np.float32))
    return out


def _precision(frame: pd.DataFrame, column: str, capacity: float) -> float:
    ev = metrics.evaluate(frame, label=LABEL, scores={"s": column}, capacity=capacity)
    return float(ev.loc[ev["month"] == "all", "precision_at_k"].iloc[0])


def decompose(home: Path, config: TrainConfig = TrainConfig()) -> dict:
    """The gap table of one demo city: precision@k of each scorer on the backtest's test months."""
    frame = with_truth(home)
    features = list(FEATURE_NAMES)
    result = train(frame.drop(columns=["p_judgment_12m", *LATENT]), config)
    test = result.backtest_scores[["household_key", "snapshot_month"]].assign(
        snapshot_month=lambda d: pd.to_datetime(d["snapshot_month"]))
    frame["info_limit"] = _cross_fitted(frame, features, config.seed)
    frame["oracle"] = _cross_fitted(frame, features + list(LATENT), config.seed)
    on_test = frame.merge(test, on=["household_key", "snapshot_month"])
    ev = result.evaluation[result.evaluation["month"] == "all"].set_index("scorer")
    ceiling = _precision(on_test, "p_judgment_12m", config.capacity)
    information_limit = _precision(on_test, "info_limit", config.capacity)
    model = float(ev.loc["model", "precision_at_k"])
    test_months = sorted({str(m)[:7] for m in test["snapshot_month"].astype(str)})
    out: dict[str, object] = {"ceiling": ceiling, "oracle": _precision(on_test, "oracle", config.capacity),
                              "information_limit": information_limit, "model": model,
                              "rule": float(ev.loc["rule", "precision_at_k"]),
                              "logistic": float(ev.loc["logistic", "precision_at_k"]),
                              "test_months": test_months}
    # learning curve: the chosen configuration on a share of the households, same test months
    frame = frame.assign(_month=month_index(frame["snapshot_month"]))
    months = sorted({str(m)[:7] for m in frame["snapshot_month"].astype(str)})
    splits = make_splits(months, horizon=config.horizon, delay=config.delay, train_months=config.train_months,
                         n_splits=config.n_splits, mature_until=months[-1])
    chosen = max(result.tuning, key=lambda t: t["pr_auc"])["params"]
    share = frame["household_key"].str[:2].apply(lambda h: int(h, 16) / 256).to_numpy()
    curve: dict[str, float] = {}
    for fraction in (0.25, 0.5):
        part = frame[share < fraction]
        tests = frame[frame["_month"].isin(month_index(test_months))]
        scores, _ = backtest(pd.concat([part, tests]).drop_duplicates(["household_key", "snapshot_month"]),
                             config, chosen, splits)
        curve[str(fraction)] = _precision(scores, "model", config.capacity)
    curve["1.0"] = model
    out["learning_curve"] = curve
    out["lost_to_information"] = ceiling - information_limit
    out["lost_to_learning"] = information_limit - model
    return out


def table(rows: dict[str, dict]) -> str:
    head = ("| city | ceiling | oracle | information limit | model | rule | logistic | model/rule | model/ceiling "
            "| lost to information | lost to learning | model on 1/4, 1/2 of households |")
    lines = [head, "|" + "---|" * 12]
    for name, r in rows.items():
        c = r["learning_curve"]
        lines.append(f"| {name} | {r['ceiling']:.3f} | {r['oracle']:.3f} | {r['information_limit']:.3f} | "
                     f"{r['model']:.3f} | {r['rule']:.3f} | {r['logistic']:.3f} | {r['model'] / r['rule']:.2f} | "
                     f"{r['model'] / r['ceiling']:.2f} | {r['lost_to_information']:.3f} | "
                     f"{r['lost_to_learning']:.3f} | {c['0.25']:.3f}, {c['0.5']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.gap")
    p.add_argument("homes", nargs="+", help="demo-city homes, ingested and with features built")
    p.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = p.parse_args(argv)
    rows = {}
    for home in args.homes:
        print(f"== {home}", file=sys.stderr, flush=True)
        rows[Path(home).name] = decompose(Path(home))
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
