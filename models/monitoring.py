"""Drift and performance as labels mature, as tables the dashboard can show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.declare import FEATURE_NAMES

PSI_WATCH, PSI_ALERT = 0.1, 0.25  # usual reading: < 0.1 stable, 0.1-0.25 watch, > 0.25 shift


def psi(expected: np.ndarray, actual: np.ndarray, bins: int = 10) -> float:
    """Population stability index of one feature; missing values are a bin of their own, so a
    partner that stops delivering shows as drift."""
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    e_ok, a_ok = expected[~np.isnan(expected)], actual[~np.isnan(actual)]
    if len(e_ok):
        edges = np.unique(np.quantile(e_ok, np.linspace(0, 1, bins + 1)))
    else:
        edges = np.array([0.0])
    def shares(x, ok):
        counts = np.histogram(ok, bins=np.concatenate([[-np.inf], edges[1:-1], [np.inf]]))[0] if len(edges) > 1 \
            else np.array([len(ok)])
        counts = np.append(counts, np.isnan(x).sum())
        return (counts + 0.5) / (counts.sum() + 0.5 * len(counts))
    pe, pa = shares(expected, e_ok), shares(actual, a_ok)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def drift(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """PSI per feature between the training window and the latest month, worst first."""
    rows = []
    for name in FEATURE_NAMES:
        v = psi(reference[name].to_numpy(dtype=float), current[name].to_numpy(dtype=float))
        status = "alerte" if v > PSI_ALERT else "surveiller" if v > PSI_WATCH else "stable"
        rows.append({"feature": name, "psi": round(v, 4), "status": status,
                     "missing_reference": float(reference[name].isna().mean()),
                     "missing_current": float(current[name].isna().mean())})
    return pd.DataFrame(rows).sort_values("psi", ascending=False, ignore_index=True)

