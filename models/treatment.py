"""Treatment-aware training: Abri's own outreach must not teach the next model that the
households it helped were false alarms.

A snapshot's label looks at the 12 months after it. If the household was in the outreach arm of
a list during those months, the label measures risk *after help*, not the risk the list is meant
to find: such rows are left out. Households held out by the randomised design (models/design.py)
stand for the ones like them who were helped: each is weighted by 1 / (1 - p), p being its
probability of having been drawn for outreach (inverse-probability weighting). Households that
never entered a list keep weight 1.

Worked example (horizon 12): a household is scored in snapshot 2025-03 and drawn for outreach
in the list of 2025-06 (list month L = 2025-06, contacted during 2025-07). Snapshots 2024-07 ..
2025-06 have L within [s, s + 11]: their labels are left out. Snapshot 2025-07 keeps its label:
the help came before it, and its features show its effect.

The table read is `interventions` (household_key, list_month, arm, assignment_probability),
written at each run from the casework store (models/impact.py).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from models.dataset import TrainingSet

# Households listed with certainty (p = 1) have no untreated twin to weight: past this cap a
# weight would rest on a handful of rows, so it is clipped (stated in docs/models.md).
MAX_WEIGHT = 20.0


def _has_interventions(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'interventions'")
                .fetchall()[0][0])


def exposures(con: duckdb.DuckDBPyConnection, *, horizon: int = 12) -> pd.DataFrame:
    """One row per (household_key, snapshot_month) of the snapshots whose window saw a list:
    treated (outreach arm, any) and the holdout weight. Empty before any list was randomised."""
    if not _has_interventions(con):
        return pd.DataFrame(columns=["household_key", "snapshot_month", "treated", "weight"])
    # the snapshots whose window holds a list month: that month and the horizon - 1 before it
    return con.execute("""
        SELECT i.household_key, CAST(i.list_month - to_months(k.ahead) AS DATE) AS snapshot_month,
               bool_or(i.arm = 'outreach') AS treated,
               least(product(CASE WHEN i.arm = 'holdout' THEN 1.0 / greatest(1.0 - i.assignment_probability, 1e-9)
                                  ELSE 1.0 END), $cap) AS weight
        FROM interventions i
        CROSS JOIN range($horizon) k(ahead)
        GROUP BY ALL""", {"horizon": horizon, "cap": MAX_WEIGHT}).df()


def exposure(keys: pd.DataFrame, exposed: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(keep, weight), one per row of `keys` (household_key, snapshot_month): keep is False for a
    row treated within its label window; weight is 1, or the holdout's inverse-probability weight."""
    if exposed.empty:
        return np.ones(len(keys), dtype=bool), np.ones(len(keys))
    # joined on the exposed households' codes: no text key per training row
    listed = pd.Index(exposed["household_key"].astype(str).unique())
    e = exposed.assign(household_key=listed.get_indexer(exposed["household_key"].astype(str)),
                       snapshot_month=pd.to_datetime(exposed["snapshot_month"]))
    k = pd.DataFrame({"household_key": listed.get_indexer(keys["household_key"].astype(object)),
                      "snapshot_month": pd.to_datetime(keys["snapshot_month"]).to_numpy()})
    out = k.merge(e, on=["household_key", "snapshot_month"], how="left")  # keeps k's order
    return (~out["treated"].fillna(False).astype(bool).to_numpy(),
            out["weight"].fillna(1.0).to_numpy(dtype=float))


def untreated(rows: TrainingSet | pd.DataFrame, exposed: pd.DataFrame, *,
              exposed_rows: tuple[np.ndarray, np.ndarray] | None = None) -> TrainingSet | pd.DataFrame:
    """`rows` (a TrainingSet, or training_frame rows) without the rows treated within their label
    window, weighted (`weight`: 1, or the holdout's inverse-probability weight). `exposed_rows`:
    `exposure`'s (keep, weight) of these rows when the caller has them (not computed twice)."""
    if isinstance(rows, TrainingSet) and exposed.empty:
        return rows  # nothing to leave out: no copy of the rows' columns
    keep, weight = exposed_rows or exposure(rows.meta if isinstance(rows, TrainingSet) else rows, exposed)
    if isinstance(rows, TrainingSet):
        kept = rows if keep.all() else rows.take(keep)
        # times the rows' own weight (a sample's), the caller's rows untouched
        return kept.with_meta(kept.X, kept.meta.assign(weight=kept.meta["weight"].to_numpy() * weight[keep]))
    return rows.assign(snapshot_month=pd.to_datetime(rows["snapshot_month"]), weight=weight).loc[keep].reset_index(
        drop=True)


def summary(keep: np.ndarray, weight: np.ndarray) -> dict:
    """What treatment-aware training does to the rows (`exposure`'s keep and weight), for the
    model's metadata (a row's own weight, e.g. an open window's sample, is not the design's)."""
    return {"rows": int(len(keep)), "rows_left_out_treated": int((~keep).sum()),
            "rows_weighted": int(((weight != 1.0) & keep).sum()),
            "max_weight": float(weight[keep].max()) if keep.any() else 1.0}
