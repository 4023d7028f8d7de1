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
import json
import sys
from pathlib import Path

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

from abri.config import Paths
from ingest.pseudonym import Pseudonymiser, load_key
from models import metrics
from models.dataset import TrainingSet, load_training_set, month_index
from models.temporal import make_splits
from models.train import LABEL, TrainConfig, backtest, train

LATENT = ("true_stage", "true_arrears", "true_shock", "true_plan")
STAGES = {"aucune": 0, "impaye_signale": 1, "commandement_payer": 2, "assignation": 3}


def with_truth(home: Path, *, open_windows: bool = True) -> TrainingSet:
    """The training rows (mature labelled snapshots, and the later ones with `open_windows`:
    models/windows.py) with the truth's probability and latent state beside them in `meta`,
    joined by the household's pseudonym (each distinct household hashed once); rows the truth
    does not cover are dropped."""
    paths = Paths.from_env(home)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        data = load_training_set(con, open_windows=open_windows)
    finally:
        con.close()
    truth = pq.read_table(paths.truth / "household_months.parquet",
                          columns=["id_menage", "month", "p_judgment_12m", "stage", "arrears_months", "economy_shock",
                                   "plan"])
    key = load_key(paths.key_file)
    ids = pc.dictionary_encode(truth.column("id_menage")).combine_chunks()
    pz = Pseudonymiser(key)  # the pipeline's own pseudonyms
    pseudonyms = [pz.household_key(i) for i in ids.dictionary.to_pylist()]
    code = data.meta["household_key"].cat.categories.get_indexer(pseudonyms)[ids.indices.to_numpy()]
    months = pc.dictionary_encode(truth.column("month")).combine_chunks()
    month = month_index(months.dictionary.to_pylist())[months.indices.to_numpy()]
    covered = code >= 0
    # one integer per (household, month) on both sides: the truth's row of each training row
    position = pd.Index(code[covered].astype(np.int64) * 100_000 + month[covered]).get_indexer(
        data.meta["household_key"].cat.codes.to_numpy().astype(np.int64) * 100_000 + data.month)
    found = position >= 0
    if not found.all():
        data = data.take(found)
        position = position[found]

    def column(name: str) -> np.ndarray:
        return truth.column(name).to_numpy(zero_copy_only=False)[covered][position]

    stages = pd.Series(column("stage")).map(STAGES).to_numpy(dtype=float)
    data.meta = data.meta.assign(p_judgment_12m=column("p_judgment_12m"), true_stage=stages,
                                 true_arrears=column("arrears_months").astype(float),
                                 true_shock=column("economy_shock").astype(float),
                                 true_plan=column("plan").astype(float))
    return data


# the regressors fit on at most this many rows per half: enough for a ceiling at Paris scale
MAX_FIT_ROWS = 1_000_000


def _first_hex(data: TrainingSet, digits: int) -> np.ndarray:
    """The first `digits` hexadecimal digits of each row's pseudonym, as a share in [0, 1): a
    split of the households that ignores everything the model sees."""
    cats = data.meta["household_key"].cat.categories
    share = np.array([int(k[:digits], 16) / 16**digits for k in cats])
    return share[data.meta["household_key"].cat.codes.to_numpy()]


def _cross_fitted(data: TrainingSet, test: slice, *, latent: bool, seed: int, threads: int = 1) -> np.ndarray:
    """A regressor of the true probability from the features (and the latent state when
    `latent`), each half of the households fitted on (a sample of) the other half's rows of
    every month; returns its predictions for the `test` rows."""
    state = data.meta[list(LATENT)].to_numpy(dtype=np.float32) if latent else None

    def design(rows) -> np.ndarray:
        return data.X[rows] if state is None else np.hstack([data.X[rows], state[rows]])

    half = _first_hex(data, 1) < 0.5
    out = np.zeros(test.stop - test.start)
    rng = np.random.default_rng(seed)
    params = {"objective": "regression", "num_leaves": 63, "learning_rate": 0.05, "min_data_in_leaf": 50,
              "seed": seed, "deterministic": True, "num_threads": threads, "verbosity": -1}
    p = data.meta["p_judgment_12m"].to_numpy()
    for part in (half, ~half):
        rows = np.flatnonzero(~part)
        if len(rows) > MAX_FIT_ROWS:
            rows = np.sort(rng.choice(rows, MAX_FIT_ROWS, replace=False))
        booster = lgb.train(params, lgb.Dataset(design(rows), label=p[rows]), 400)
        predict = np.flatnonzero(part[test])
        out[predict] = booster.predict(design(test.start + predict))
    return out


def _precision(frame: pd.DataFrame, column: str, capacity: float) -> float:
    ev = metrics.evaluate(frame, label=LABEL, scores={"s": column}, capacity=capacity)
    return float(ev.loc[ev["month"] == "all", "precision_at_k"].iloc[0])


def decompose(home: Path, config: TrainConfig = TrainConfig()) -> dict:
    """The gap table of one demo city: precision@k of each scorer on the backtest's test months."""
    data = with_truth(home, open_windows=config.open_windows)
    result = train(data, config)
    test_months = sorted({str(m)[:7] for m in result.backtest_scores["snapshot_month"].astype(str)})
    test = data.rows_of(test_months)
    meta = data.meta.iloc[test]
    on_test = pd.DataFrame({"household_key": meta["household_key"].astype(str).to_numpy(),
                            "snapshot_month": meta["snapshot_month"].to_numpy(), LABEL: meta[LABEL].to_numpy(),
                            "p_judgment_12m": meta["p_judgment_12m"].to_numpy(),
                            "info_limit": _cross_fitted(data, test, latent=False, seed=config.seed,
                                                        threads=config.threads),
                            "oracle": _cross_fitted(data, test, latent=True, seed=config.seed,
                                                    threads=config.threads)})
    ev = result.evaluation[result.evaluation["month"] == "all"].set_index("scorer")
    ceiling = _precision(on_test, "p_judgment_12m", config.capacity)
    information_limit = _precision(on_test, "info_limit", config.capacity)
    model = float(ev.loc["model", "precision_at_k"])
    out: dict[str, object] = {"ceiling": ceiling, "oracle": _precision(on_test, "oracle", config.capacity),
                              "information_limit": information_limit, "model": model,
                              "rule": float(ev.loc["rule", "precision_at_k"]),
                              "logistic": float(ev.loc["logistic", "precision_at_k"]),
                              "test_months": test_months}
    # learning curve: the chosen configuration on a share of the households, same test months
    months = data.labelled_months()
    splits = make_splits(months, horizon=config.horizon, delay=config.delay, train_months=config.train_months,
                         n_splits=config.n_splits, mature_until=months[-1])
    chosen = max(result.tuning, key=lambda t: t["pr_auc"])["params"]
    share = _first_hex(data, 2)
    in_test = np.zeros(len(data), dtype=bool)
    in_test[test] = True
    curve: dict[str, float] = {}
    for fraction in (0.25, 0.5):
        scores, _ = backtest(data.take((share < fraction) | in_test), config, chosen, splits)
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
