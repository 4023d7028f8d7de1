"""The lists as they are sent: each sector's quota, cut by one tie rule, and how well they do.

Social workers receive one list per sector (a share of the sector's households, at least one),
not a city-wide top-k. This module applies the one tie rule (score descending, then
household_key ascending; fairness.groups.ordered) in the per-sector cut that `models.score` uses to build the month's
lists, and evaluates the lists the same cut would have produced on out-of-time scores.

Worked example (capacity 0.5, one month): sector A holds a (0.9), b (0.9), c (0.1); sector B
holds d (0.8), e (0.2). Quotas: A max(1, round(1.5)) = 2, B max(1, round(1.0)) = 1. Ranks:
A a 1, b 2 (tie on 0.9: "a" < "b"), c 3; B d 1, e 2. Lists: {a, b} and {d}.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness.groups import ordered
from models.metrics import lead_figures, lead_time


def rank_within(frame: pd.DataFrame, *, score: str = "score", by: tuple[str, ...] = ("snapshot_month", "sector"),
                key: str = "household_key") -> pd.Series:
    """1-based rank of each row within its `by` group (1 = first on the list), aligned on
    frame's index."""
    o = ordered(frame, score=score, by=by, key=key)
    return (o.groupby(list(by), sort=False).cumcount() + 1).reindex(frame.index)


def quota(frame: pd.DataFrame, capacity: float | dict[str, int], *,
          by: tuple[str, ...] = ("snapshot_month", "sector"), sector: str = "sector") -> pd.Series:
    """Each row's group quota: a share of the group's rows (at least one) or an explicit
    number per sector (sectors not named get none)."""
    if isinstance(capacity, dict):
        return frame[sector].map(capacity).fillna(0).astype(int)
    size = frame.groupby(list(by))[sector].transform("size")
    return pd.Series(np.maximum(1, np.round(size * float(capacity))).astype(int), index=frame.index)


def sector_lists(frame: pd.DataFrame, *, score: str, capacity: float | dict[str, int] = 0.01,
                 month: str = "snapshot_month", sector: str = "sector", key: str = "household_key") -> pd.Series:
    """Boolean mask (aligned on frame's index): on its sector's list that month, exactly as
    `models.score.outreach` cuts them."""
    by = (month, sector)
    return rank_within(frame, score=score, by=by, key=key) <= quota(frame, capacity, by=by, sector=sector)


def city_lists(frame: pd.DataFrame, *, score: str, capacity: float = 0.01, month: str = "snapshot_month",
               key: str = "household_key") -> pd.Series:
    """Boolean mask: in the city-wide top `capacity` share of its month (the backtests' list)."""
    return rank_within(frame, score=score, by=(month,), key=key) <= quota(frame, capacity, by=(month,),
                                                                            sector=key)


def _measure(frame: pd.DataFrame, listed: pd.Series, *, label: str, month: str, key: str,
             judgment_date: str) -> dict:
    y = frame[label].astype(bool)
    per_month = pd.DataFrame({"m": frame[month], "tp": listed & y, "sel": listed, "pos": y}).groupby("m").sum()
    precision = (per_month["tp"] / per_month["sel"].clip(lower=1)).mean()
    recall = (per_month["tp"] / per_month["pos"].clip(lower=1)).mean()
    out: dict[str, float | None] = {"precision_at_k": float(precision), "recall_at_k": float(recall),
                                    "k": float(per_month["sel"].mean())}
    if judgment_date in frame:
        judged = frame.loc[y, [key, judgment_date]].dropna().drop_duplicates(key)
        out.update(lead_figures(lead_time(frame.loc[listed, [key, month]], judged, key=key, month=month,
                                          judgment_date=judgment_date)))
    return out


def evaluate_lists(frame: pd.DataFrame, *, scores: dict[str, str], label: str = "judgment_within_horizon",
                   capacity: float = 0.01, month: str = "snapshot_month", sector: str = "sector",
                   key: str = "household_key", judgment_date: str = "judgment_date") -> pd.DataFrame:
    """precision@k, recall@k (monthly means) and lead time of the per-sector lists (`lists` =
    "sector") beside the city-wide top-k (`lists` = "city"), one row per scorer and kind.

    frame: out-of-time scores, one row per household-month, with `sector`, the label and
    (optionally) the judgment date; scores: {scorer name: column}. Raises ValueError when a
    column is missing."""
    missing = [c for c in (month, sector, key, label, *scores.values()) if c not in frame]
    if missing:
        raise ValueError(f"scores hors échantillon : colonne(s) manquante(s) {', '.join(missing)}")
    frame = frame.reset_index(drop=True)
    rows = []
    for name, col in scores.items():
        for kind, mask in (("sector", sector_lists(frame, score=col, capacity=capacity, month=month,
                                                   sector=sector, key=key)),
                           ("city", city_lists(frame, score=col, capacity=capacity, month=month, key=key))):
            rows.append({"scorer": name, "lists": kind, **_measure(frame, mask, label=label, month=month, key=key,
                                                                    judgment_date=judgment_date)})
    return pd.DataFrame(rows)
