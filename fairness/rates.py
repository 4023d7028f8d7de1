"""Fairness metrics from confusion counts, their percentile bootstrap and the verdicts.

Every rate derives from the four confusion counts (and the score sum) by `rates_from_counts`,
for the point estimate (Fairlearn's MetricFrame disaggregates the counts) and for each bootstrap
replicate (counted with np.bincount), so point and interval agree. See fairness/audit.py for the
worked example.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from reports.i18n import t

# Metric names: one name per concept in Python, JSON, the report and the catalogue.
COUNTS = ("tp", "fp", "tn", "fn")
RATES = (
    "prevalence", "selection_rate", "false_negative_rate", "false_omission_rate",
    "false_positive_rate", "precision", "mean_score", "calibration",
)
# Misses harm most in an assistive intervention: these make the headline verdict.
HEADLINE = ("false_negative_rate", "false_omission_rate")
# Metrics compared with the reference group and judged against the tolerance.
JUDGED = ("false_negative_rate", "false_omission_rate", "selection_rate", "precision",
          "false_positive_rate", "calibration")
VERDICTS = ("within", "uncertain", "outside", "not_estimable", "reference")

# The people each rate describes; a rate over fewer than min_cell of them is suppressed.
DENOMINATOR = {
    "prevalence": "n", "selection_rate": "n", "mean_score": "n", "calibration": "n",
    "false_negative_rate": "positives", "false_positive_rate": "negatives",
    "false_omission_rate": "not_selected", "precision": "selected",
}



# --------------------------------------------------------------------------- metrics from counts

def rates_from_counts(tp, fp, tn, fn, score_sum):
    """Every rate from confusion counts (numpy arrays of any shape, broadcast together).
    Undefined rates (zero denominator) are NaN. Returns {metric: array}, {denominator: array}."""
    tp, fp, tn, fn = (np.asarray(a, dtype=float) for a in (tp, fp, tn, fn))
    n = tp + fp + tn + fn
    den = {"n": n, "positives": tp + fn, "negatives": fp + tn,
           "not_selected": fn + tn, "selected": tp + fp}
    with np.errstate(divide="ignore", invalid="ignore"):
        def div(a, b):
            return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)
        mean_score = div(np.asarray(score_sum, dtype=float), n)
        prevalence = div(tp + fn, n)
        out = {
            "prevalence": prevalence,
            "selection_rate": div(tp + fp, n),
            "false_negative_rate": div(fn, tp + fn),
            "false_omission_rate": div(fn, fn + tn),
            "false_positive_rate": div(fp, fp + tn),
            "precision": div(tp, tp + fp),
            "mean_score": mean_score,
            # observed over expected: 1 when the mean score matches the observed rate
            "calibration": div(prevalence, mean_score),
        }
    return out, den


def _cell_count(cell: int):
    def metric(y_true, y_pred):
        return float(np.count_nonzero(np.asarray(y_true) == cell))
    return metric


def _score_sum(y_true, y_pred):
    return float(np.sum(y_pred))


# MetricFrame disaggregates confusion counts and score sums; every rate derives from them by
# `rates_from_counts`, the same function the bootstrap uses, so point and interval agree.
# y_true carries the cell code 2*label + selected (0 tn, 1 fp, 2 fn, 3 tp), y_pred the score:
# five cheap metrics keep MetricFrame fast (it copies every column once per metric and group).
MF_METRICS = {"tn": _cell_count(0), "fp": _cell_count(1), "fn": _cell_count(2),
               "tp": _cell_count(3), "score_sum": _score_sum}


def with_rates(counts: pd.DataFrame | pd.Series):
    """MetricFrame counts (tp, fp, tn, fn, score_sum) -> count, counts and every rate."""
    rates, den = rates_from_counts(counts["tp"], counts["fp"], counts["tn"], counts["fn"],
                                   counts["score_sum"])
    out = {"count": den["n"], **{c: counts[c] for c in COUNTS}, **rates}
    if isinstance(counts, pd.DataFrame):
        return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in out.items()},
                            index=counts.index), den
    return pd.Series({k: float(v) for k, v in out.items()}), den



def bootstrap(specs, y, sels, s, *, n_boot, seed):
    """Percentile-bootstrap confusion counts, vectorised.

    specs: [(codes, n_groups)]; sels: one boolean selection per operating point. All specs and
    points share the same resampled row indices (drawn in chunks to bound memory). Returns
    counts[spec][point] of shape (n_boot, n_groups, 4) with cells (tn, fp, fn, tp) = 2*y + sel,
    and score sums[spec] of shape (n_boot, n_groups)."""
    n = len(y)
    rng = np.random.default_rng(seed)
    counts = [[np.zeros((n_boot, g, 4)) for _ in sels] for _, g in specs]
    sums = [np.zeros((n_boot, g)) for _, g in specs]
    chunk = max(1, min(n_boot, 4_000_000 // n))
    y2 = y.astype(np.int64) * 2
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        yi, si = y2[idx], s[idx]
        sel_i = [sel[idx] for sel in sels]
        for i, (codes, g) in enumerate(specs):
            cell = codes[idx] + np.arange(b)[:, None] * g
            sums[i][start:start + b] = np.bincount(
                cell.ravel(), weights=si.ravel(), minlength=b * g).reshape(b, g)
            base = cell * 4 + yi
            for j, sel in enumerate(sel_i):
                counts[i][j][start:start + b] = np.bincount(
                    (base + sel).ravel(), minlength=b * g * 4).reshape(b, g, 4)
    return counts, sums


def percentile(replicates: np.ndarray, q: list[float]) -> np.ndarray:
    """Percentiles over the bootstrap axis, ignoring undefined replicates (NaN where all are)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(replicates, q, axis=0)


def boot_rates(counts: np.ndarray, sums: np.ndarray) -> dict[str, np.ndarray]:
    return rates_from_counts(counts[..., 3], counts[..., 1], counts[..., 0], counts[..., 2],
                             sums)[0]


def group_counts(codes: np.ndarray, n_groups: int, cell: np.ndarray, s: np.ndarray,
            index: list[str]) -> pd.DataFrame:
    """Confusion counts and score sums per group with np.bincount (cells as in `bootstrap`)."""
    c = np.bincount(codes * 4 + cell, minlength=n_groups * 4).reshape(n_groups, 4)
    return pd.DataFrame({"tn": c[:, 0], "fp": c[:, 1], "fn": c[:, 2], "tp": c[:, 3],
                         "score_sum": np.bincount(codes, weights=s, minlength=n_groups)},
                        index=index, dtype=float)



# --------------------------------------------------------------------------- verdicts

def verdict(lo: float, hi: float, tolerance: tuple[float, float]) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "not_estimable"
    if tolerance[0] <= lo and hi <= tolerance[1]:
        return "within"
    if hi < tolerance[0] or lo > tolerance[1]:
        return "outside"
    return "uncertain"


def headline_verdict(verdicts: Mapping[str, str]) -> str:
    """One word per group for the first page: the worst verdict on the miss metrics."""
    vs = [verdicts[m] for m in HEADLINE]
    if "reference" in vs:
        return "reference"
    for v in ("outside", "uncertain"):
        if v in vs:
            return v
    return "within" if all(v == "within" for v in vs) else "not_estimable"


# the audit's input errors and sweep live here, beside its names, so that `abri audit` can state
# them without importing Fairlearn (and scikit-learn) at the command line's start
DEFAULT_CAPACITIES = (0.005, 0.01, 0.02, 0.05)


class AuditInputError(ValueError):
    """Bad input to the audit. Carries a machine-readable `reason_code`, the offending column
    (if any) and the parameters of the catalogue message; `message(lang)` renders it."""

    def __init__(self, reason_code: str, column: str | None = None, **params: object):
        self.reason_code = reason_code
        self.column = column
        self.params = {"column": column, **params}
        super().__init__(self.message("fr"))

    def message(self, lang: str = "fr") -> str:
        return t(f"error.{self.reason_code}", lang, **self.params)
