"""Evaluation at the outreach capacity, with the model and its baselines side by side.

Capacity k is the number of households the teams can contact in a month (default 1% of the
month's active households). Every metric is computed per test month and then averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from fairness.groups import top_k_mask  # the one tie rule: score descending, then household key


def at_k(y: np.ndarray, scores: np.ndarray, k: int, tiebreak=None) -> dict[str, float]:
    """precision@k, recall@k and lift@k (precision over the base rate); ties broken by
    `tiebreak` (the household key) as on the lists."""
    y = np.asarray(y, dtype=bool)
    sel = top_k_mask(scores, k, tiebreak)
    tp = int((y & sel).sum())
    base = y.mean() if len(y) else 0.0
    precision = tp / max(sel.sum(), 1)
    return {"precision_at_k": precision, "recall_at_k": tp / max(y.sum(), 1),
            "lift_at_k": precision / base if base > 0 else float("nan"), "k": int(sel.sum())}


def ranking(y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return {"roc_auc": float("nan"), "pr_auc": float("nan")}
    return {"roc_auc": float(roc_auc_score(y, scores)), "pr_auc": float(average_precision_score(y, scores))}


def calibration_curve(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability and observed rate per quantile bin of p."""
    df = pd.DataFrame({"y": np.asarray(y, dtype=float), "p": np.asarray(p, dtype=float)})
    df["bin"] = pd.qcut(df["p"].rank(method="first"), bins, labels=False)
    return df.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size")).reset_index()


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Mean |predicted - observed| over quantile bins of p, weighted by the bin's size: the
    probability error a reader of a typical score makes."""
    curve = calibration_curve(y, p, bins=bins)
    return float((curve["n"] * (curve["predicted"] - curve["observed"]).abs()).sum() / curve["n"].sum())


def evaluate(frame: pd.DataFrame, *, label: str, scores: dict[str, str], capacity: float = 0.01,
             month: str = "snapshot_month", key: str = "household_key",
             probability: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per (scorer, month) and an 'all' row per scorer with the monthly mean (so the
    expected calibration error `ece` of the 'all' row is the mean of the test months' own).

    frame: one row per household-month with the label and one column per scorer.
    scores: {scorer name: column}; probability: {scorer name: calibrated column} for Brier.
    """
    rows = []
    for m, g in frame.groupby(month, sort=True):
        k = max(1, round(capacity * len(g)))
        y = g[label].to_numpy(dtype=bool)
        for name, col in scores.items():
            s = g[col].to_numpy(dtype=float)
            r = {"scorer": name, "month": str(m)[:7], "n": len(g), "positives": int(y.sum()),
                 **at_k(y, s, k, g[key].to_numpy()), **ranking(y, s)}
            if probability and name in probability:
                p = g[probability[name]].to_numpy(dtype=float)
                r["brier"] = float(brier_score_loss(y, p))
                r["ece"] = expected_calibration_error(y, p)
            rows.append(r)
    out = pd.DataFrame(rows)
    mean = out.drop(columns=["month"]).groupby("scorer", sort=False).mean(numeric_only=True).reset_index()
    mean["month"] = "all"
    return pd.concat([out, mean], ignore_index=True)


def lead_time(listed: pd.DataFrame, judgments: pd.DataFrame, *, key: str = "household_key",
              month: str = "snapshot_month", judgment_date: str = "judgment_date",
              max_months: int = 12) -> pd.Series:
    """Months between a household's first appearance on the outreach list and its judgment,
    for households judged (looking back at most `max_months`). NaN: judged but never listed
    in that window (a miss).

    listed: (key, month) rows of households on the list; judgments: (key, judgment_date).
    """
    j = judgments[[key, judgment_date]].dropna().copy()
    j["jm"] = pd.to_datetime(j[judgment_date]).dt.to_period("M")
    lst = listed[[key, month]].copy()
    lst["lm"] = pd.to_datetime(lst[month]).dt.to_period("M")
    merged = j.merge(lst, on=key, how="left")
    gap = (merged["jm"] - merged["lm"]).map(lambda d: d.n if pd.notna(d) else np.nan)
    merged["lead"] = gap.where((gap >= 1) & (gap <= max_months))
    return merged.groupby(key)["lead"].max().reindex(j[key].unique())


EARLY_MONTHS = 3  # "reached early": listed this many months or more before the judgment (issue 10)


def lead_figures(lead: pd.Series) -> dict:
    """What `lead_time`'s result says: households judged, the share reached, the share reached
    EARLY_MONTHS or more before the judgment, the median lead (None when nobody was reached)."""
    return {"judged": int(len(lead)), "reached": float(lead.notna().mean()) if len(lead) else 0.0,
            "reached_3m_before": float((lead >= EARLY_MONTHS).mean()) if len(lead) else 0.0,
            "median_lead_months": float(lead.median()) if lead.notna().any() else None}


def lead_time_summary(frame: pd.DataFrame, *, scores: dict[str, str], capacity: float = 0.01,
                      label: str = "judgment_within_horizon", judgment_date: str = "judgment_date") -> pd.DataFrame:
    """For households judged after the scored months: how early each scorer's monthly lists
    (top `capacity` share) reached them. One row per scorer: judged households, share ever
    listed, median lead in months, share listed 3+ months before the judgment."""
    judged = frame.loc[frame[label].astype(bool), ["household_key", judgment_date]].drop_duplicates("household_key")
    rows = []
    for name, col in scores.items():
        listed = []
        for _, g in frame.groupby("snapshot_month"):
            k = max(1, round(capacity * len(g)))
            sel = top_k_mask(g[col].to_numpy(dtype=float), k, g["household_key"].to_numpy())
            listed.append(g.loc[sel, ["household_key", "snapshot_month"]])
        f = lead_figures(lead_time(pd.concat(listed), judged, judgment_date=judgment_date))
        # NaN, not None, when nobody was reached: the column stays numeric
        median = f["median_lead_months"]
        rows.append({"scorer": name, **f, "median_lead_months": float("nan") if median is None else median})
    return pd.DataFrame(rows)
