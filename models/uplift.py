"""Benefit, not only risk: an uplift model on the randomised households, for the committee.

A T-learner: two LightGBM classifiers on the households that entered a lottery, one on the
outreach arm and one on the holdout (weighted by the inverse of the arm's probability), each
predicting a judgment within 12 months from the model's features. A household's predicted
benefit is P(judgment | holdout) - P(judgment | outreach): judgments averted by reaching it.

The report compares, at the same capacity (the same share of randomised households), targeting
by risk (the champion's probability) and targeting by benefit: judgments averted per 100
households reached, estimated from the lottery among the households each policy selects
(inverse-probability weighted; out-of-fold: the benefit model that ranks a household never saw
it). It is a report for the ethics committee: the
lists keep following risk and the committee's design; a benefit targeting is never deployed
without the committee's decision.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd

from fairness.groups import top_k_mask
from features.declare import FEATURE_NAMES
from models.impact import LABEL, estimate
from reports.i18n import t

PARAMS = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 40,
          "feature_fraction": 0.9, "verbose": -1, "num_threads": 1, "deterministic": True}
ROUNDS = 200
MIN_ROWS = 200  # fewer randomised households with matured labels: no model, the report says so
SHARES = (0.1, 0.2, 0.3, 0.5)


def uplift_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Randomised interventions with matured labels, the risk score and the features."""
    need = ("interventions", "labels", "features", "scores")
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not set(need) <= have:
        return pd.DataFrame()
    cols = ", ".join(f"f.{c}" for c in FEATURE_NAMES)
    return con.execute(
        f"SELECT i.household_key, i.list_month, i.arm, i.assignment_probability, s.probability AS risk, "
        f"l.{LABEL}::INT AS {LABEL}, {cols} FROM interventions i "
        "JOIN labels l ON l.household_key = i.household_key AND l.snapshot_month = i.list_month "
        "JOIN features f ON f.household_key = i.household_key AND f.snapshot_month = i.list_month "
        "JOIN scores s ON s.household_key = i.household_key AND s.snapshot_month = i.list_month "
        "WHERE i.assignment_probability > 0 AND i.assignment_probability < 1 "
        "ORDER BY i.list_month, i.household_key").df()


def fit_t_learner(frame: pd.DataFrame, *, seed: int = 42, features=FEATURE_NAMES) -> tuple:
    """(outreach model, holdout model), each weighted by 1/probability of the arm received."""
    models = []
    for arm, weight in (("outreach", 1 / frame["assignment_probability"]),
                        ("holdout", 1 / (1 - frame["assignment_probability"]))):
        part = frame["arm"] == arm
        data = lgb.Dataset(frame.loc[part, list(features)], frame.loc[part, LABEL], weight=weight[part],
                           free_raw_data=True)
        models.append(lgb.train({**PARAMS, "seed": seed}, data, num_boost_round=ROUNDS))
    return tuple(models)


def predict_benefit(models: tuple, frame: pd.DataFrame, *, features=FEATURE_NAMES) -> np.ndarray:
    """Judgments averted per household: P(judgment | holdout) - P(judgment | outreach)."""
    treated, control = models
    return control.predict(frame[list(features)]) - treated.predict(frame[list(features)])


def out_of_fold_benefit(frame: pd.DataFrame, *, folds: int = 3, seed: int = 42, features=FEATURE_NAMES) -> np.ndarray:
    """Each household's benefit from a model fitted on the other folds (households kept whole)."""
    keys = frame["household_key"].drop_duplicates().to_numpy()
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(keys, rng.integers(0, folds, len(keys)), strict=True))
    fold = frame["household_key"].map(fold_of).to_numpy()
    out = np.full(len(frame), np.nan)
    for k in range(folds):
        train, test = fold != k, fold == k
        if test.any():
            out[test] = predict_benefit(fit_t_learner(frame[train], seed=seed, features=features), frame[test],
                                        features=features)
    return out


def policy_value(frame: pd.DataFrame, selected: np.ndarray) -> dict:
    """Judgments averted per 100 households reached when the `selected` ones are reached,
    estimated from the lottery among them (models.impact.estimate on the selection)."""
    return estimate(frame[np.asarray(selected, dtype=bool)], contacted=None)["itt_averted_per_100"]


def top_share(score: np.ndarray, share: float) -> np.ndarray:
    """The top `share` of households by `score` (the one tie rule, fairness.groups.top_k_mask:
    ties by position, reproducible)."""
    return top_k_mask(score, int(round(share * len(score))))


def compare_targeting(frame: pd.DataFrame, *, seed: int = 42, shares=SHARES, features=FEATURE_NAMES) -> dict:
    """Risk targeting against benefit targeting at equal capacity, on the randomised data."""
    n_arms = frame["arm"].value_counts()
    if len(frame) < MIN_ROWS or min(n_arms.get("outreach", 0), n_arms.get("holdout", 0)) < MIN_ROWS // 4:
        return {"status": "too_few_rows", "rows": int(len(frame)), "min_rows": MIN_ROWS, "comparison": []}
    benefit = out_of_fold_benefit(frame, seed=seed, features=features)
    risk = frame["risk"].to_numpy(float)
    rows = []
    for share in shares:
        by_risk, by_benefit = top_share(risk, share), top_share(benefit, share)
        rows.append({"share": share, "households": int(by_risk.sum()),
                     "risk_targeting_averted_per_100": policy_value(frame, by_risk),
                     "benefit_targeting_averted_per_100": policy_value(frame, by_benefit),
                     "overlap": round(float((by_risk & by_benefit).sum() / max(by_risk.sum(), 1)), 4)})
    return {"status": "ok", "rows": int(len(frame)), "learner": "T-learner (LightGBM), out-of-fold",
            "mean_predicted_benefit_per_100": round(100 * float(np.nanmean(benefit)), 4),
            "comparison": rows}


def write_uplift(con: duckdb.DuckDBPyConnection, out_dir: Path | str, *, seed: int = 42) -> Path:
    """`<out_dir>/impact/uplift.json` (out_dir: the reports folder, or a folder named impact)."""
    out_dir = Path(out_dir)
    target = out_dir if out_dir.name == "impact" else out_dir / "impact"
    target.mkdir(parents=True, exist_ok=True)
    frame = uplift_frame(con)
    result = compare_targeting(frame, seed=seed) if len(frame) else {"status": "too_few_rows", "rows": 0,
                                                                    "min_rows": MIN_ROWS, "comparison": []}
    report = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "deployed": False,
              "notice_fr": t("uplift.notice", "fr"),
              **result}
    path = target / "uplift.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path
