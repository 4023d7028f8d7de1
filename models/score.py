"""Score the month's households with the champion and cut each sector's outreach list.

Risk bands have fixed meanings (calibrated probability of an eviction judgment within 12
months), so "élevé" means the same thing every month, whatever the model version:
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from features.declare import FEATURE_NAMES
from models.train import Calibrator

# (lower bound of calibrated probability, band, French label): documented in docs/models.md
RISK_BANDS = ((0.20, "tres_eleve", "très élevé"), (0.08, "eleve", "élevé"), (0.03, "modere", "modéré"),
              (0.0, "faible", "faible"))


def risk_band(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), RISK_BANDS[-1][1], dtype=object)
    for lower, band, _ in reversed(RISK_BANDS):
        out[p >= lower] = band
    return out


def score(frame: pd.DataFrame, booster: lgb.Booster, calibrator: Calibrator, *, version: str) -> pd.DataFrame:
    """scores: household_key, snapshot_month, model_version, score, probability, risk_band, sector,
    rank_in_sector (1 = highest; ties broken by household_key so the order is reproducible)."""
    raw = booster.predict(frame[list(FEATURE_NAMES)])
    out = pd.DataFrame({
        "household_key": frame["household_key"].to_numpy(),
        "snapshot_month": frame["snapshot_month"].to_numpy(),
        "model_version": version,
        "score": raw,
        "probability": calibrator(raw),
        "sector": frame["sector"].to_numpy(),
    })
    out["risk_band"] = risk_band(out["probability"].to_numpy())
    out = out.sort_values(["snapshot_month", "sector", "score", "household_key"],
                          ascending=[True, True, False, True], kind="stable")
    out["rank_in_sector"] = out.groupby(["snapshot_month", "sector"]).cumcount() + 1
    return out.reset_index(drop=True)


def outreach(scores: pd.DataFrame, *, capacity: float | dict[str, int] = 0.01) -> pd.DataFrame:
    """Each sector's list within its capacity: a share of its active households (default 1%,
    at least one) or an explicit number per sector."""
    size = scores.groupby(["snapshot_month", "sector"])["household_key"].transform("size")
    if isinstance(capacity, dict):
        cap = scores["sector"].map(capacity).fillna(0).astype(int)
    else:
        cap = np.maximum(1, np.round(size * capacity)).astype(int)
    return scores[scores["rank_in_sector"] <= cap].reset_index(drop=True)
