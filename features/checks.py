"""Checks on the feature table, as pure functions; Dagster's asset checks call them
(pipelines/features.py), tests call them on tiny frames. Each returns (passed, metadata), as
ingest.quality's measures do.

Blocking: leakage (a protected attribute among the features, or a feature that alone predicts
the label almost perfectly). Informative: features always missing in the latest month, and the
distribution shift (PSI) of the latest month against the previous one. `from_warehouse` reads
what they need; thresholds are declared here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES
from models.monitoring import PSI_ALERT, psi

MAX_SINGLE_FEATURE_AUC = 0.99  # one feature ranking the label this well is a leak, not a signal
MAX_NULL_RATE = 0.995          # a feature (nearly) always missing: a source stopped delivering
# protected attributes and the raw columns they come from: never a feature
PROTECTED = frozenset(AUDIT_ATTRIBUTES) | {"age", "aah", "composition", "statut_occupation"}
LEAKAGE_SAMPLE = 100_000  # default of leakage_in_warehouse (ABRI_LEAKAGE_SAMPLE_ROWS)


def protected_columns(columns: Iterable[str]) -> list[str]:
    """The protected attributes among `columns`, sorted."""
    return sorted(set(columns) & PROTECTED)


def single_feature_auc(sample: pd.DataFrame, *, features: Iterable[str], label: str = "y") -> dict[str, float]:
    """Each feature's ROC AUC alone against the label, folded to >= 0.5 (a feature that ranks the
    label backwards leaks as much); missing values rank lowest. {} when the label has one class."""
    from sklearn.metrics import roc_auc_score

    y = sample[label].astype(int)
    if not 0 < y.sum() < len(y):
        return {}
    out = {}
    for name in features:
        auc = roc_auc_score(y, sample[name].astype(float).fillna(-1e9))
        out[name] = max(auc, 1 - auc)
    return out


def leakage(columns: Iterable[str], sample: pd.DataFrame | None, *, features: Iterable[str] = FEATURE_NAMES,
            max_auc: float = MAX_SINGLE_FEATURE_AUC) -> tuple[bool, dict]:
    """Fails when a protected attribute is among the feature table's `columns`, or when one
    feature alone ranks the label of `sample` (features + a `y` column) with AUC >= max_auc."""
    protected = protected_columns(columns)
    worst = single_feature_auc(sample, features=features) if sample is not None else {}
    leaking = sorted(n for n, a in worst.items() if a >= max_auc)
    top = dict(sorted(worst.items(), key=lambda kv: -kv[1])[:5])
    return not protected and not leaking, {
        "protected_in_features": ", ".join(protected) or "aucun",
        "leaking_features": ", ".join(leaking) or "aucun",
        "best_single_feature_auc": {k: round(v, 3) for k, v in top.items()}}


def null_rates(rates: Mapping[str, float], *, max_rate: float = MAX_NULL_RATE) -> tuple[bool, dict]:
    """Fails when a feature is missing in (nearly) every row of the month: `rates` is each
    feature's share of NULL in one snapshot month (e.g. `frame.isna().mean()`)."""
    full = sorted(n for n, v in rates.items() if v is not None and float(v) >= max_rate)
    return not full, {"always_null": ", ".join(full) or "aucun",
                      "null_rates": {k: round(float(v or 0.0), 3) for k, v in rates.items()}}


def shift(previous: pd.DataFrame, current: pd.DataFrame, *, features: Iterable[str] = FEATURE_NAMES,
          alert: float = PSI_ALERT) -> tuple[bool, dict]:
    """Fails when a feature's PSI between two snapshot months exceeds `alert`."""
    values = {n: psi(previous[n].to_numpy(dtype=float), current[n].to_numpy(dtype=float)) for n in features}
    shifted = sorted(n for n, v in values.items() if v > alert)
    return not shifted, {"shifted": ", ".join(shifted) or "aucun",
                         "psi": {k: round(float(v), 4) for k, v in values.items()}}


# the warehouse readers: what each check sees of `features` (and `labels`)

def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def leakage_in_warehouse(con: duckdb.DuckDBPyConnection, *, sample: int = LEAKAGE_SAMPLE,
                         seed: int = 3) -> tuple[bool, dict]:
    """`leakage` on the features table's columns and a sample of its labelled rows."""
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'features'").fetchall()]
    rows = None
    if "labels" in _tables(con):
        rows = con.execute(f"SELECT {', '.join(FEATURE_NAMES)}, l.judgment_within_horizon::INT AS y "
                           "FROM features JOIN labels l USING (household_key, snapshot_month) "
                           f"USING SAMPLE {int(sample)} ROWS (reservoir, {int(seed)})").df()
    return leakage(columns, rows)


def null_rates_in_warehouse(con: duckdb.DuckDBPyConnection) -> tuple[bool, dict]:
    """`null_rates` on the latest snapshot month."""
    rates = con.execute("SELECT " + ", ".join(f"avg(({n} IS NULL)::INT) AS {n}" for n in FEATURE_NAMES)
                        + " FROM features WHERE snapshot_month = (SELECT max(snapshot_month) FROM features)").df()
    return null_rates(rates.iloc[0].to_dict())


def shift_in_warehouse(con: duckdb.DuckDBPyConnection) -> tuple[bool, dict]:
    """`shift` of the latest snapshot month against the one before; passes with one month."""
    months = [r[0] for r in con.execute("SELECT DISTINCT snapshot_month FROM features ORDER BY 1 DESC LIMIT 2")
              .fetchall()]
    if len(months) < 2:
        return True, {"note": "un seul mois : rien à comparer"}
    current, previous = (con.execute(f"SELECT {', '.join(FEATURE_NAMES)} FROM features WHERE snapshot_month = ?",
                                     [m]).df() for m in months)
    return shift(previous, current)


__all__ = ["MAX_NULL_RATE", "MAX_SINGLE_FEATURE_AUC", "PROTECTED", "leakage", "leakage_in_warehouse",
           "null_rates", "null_rates_in_warehouse", "protected_columns", "shift", "shift_in_warehouse",
           "single_feature_auc"]
