"""Open label windows: learning from the snapshots whose 12 months have not all passed yet.

A snapshot's label (a judgment within 12 months) is known 15 months after it (12, plus 3 for
the courts' files). A model trained as of month A could only learn from snapshots up to A - 15,
so on a 36-month city each backtest fold learnt from 3 to 6 months, and the final model never
saw the last year's households. Yet at A a snapshot s of the 14 months before A - 3 already shows
part of its window: `w = min(12, A - 3 - s)` months. A judgment seen in them is a certain
positive; no judgment means "not within w months".

Every snapshot with w >= 1 is a training row whose label is "judged within its w months", with
an offset log F(w) added to the booster's raw score (LightGBM's init_score): F(w) is the share
of 12-month judgments that come within w months, measured on the mature snapshots of the same
training window, by procedure stage (a household already summoned is judged sooner). On a rare
label logit(p F) ~ logit(p) + log F, so the trees learn the 12-month risk from every row, and a
prediction (no offset) is the 12-month risk. Mature rows have w = 12, F = 1, offset 0.

Worked example (horizon 12, delay 3): as of 2025-04, snapshot 2024-09 has w = min(12, 2025-04
- 3 - 2024-09) = 4: a judgment dated 2024-10 .. 2025-01 and reported by 2025-04 makes it a
positive. Measured on five 36-month demo cities: docs/models.md.
"""

from __future__ import annotations

import numpy as np

# pseudo-count shrinking each stage's F towards the whole window's (a stage has few judgments)
SHRINK = 10.0
NEVER = np.iinfo(np.int32).max  # the month index of a judgment that did not happen


def observed_months(month: np.ndarray, as_of: int, *, horizon: int, delay: int) -> np.ndarray:
    """Months of each snapshot's window whose court files have arrived by `as_of` (month
    indices, models.dataset.month_index), at most `horizon`; < 1 when none has."""
    return np.minimum(horizon, as_of - delay - np.asarray(month, dtype=np.int64))


def last_observed(as_of: int, *, delay: int) -> int:
    """The last snapshot with at least one month of its window observed by `as_of`
    (observed_months >= 1): what the loader reads up to (models.dataset)."""
    return as_of - delay - 1


def judged_within(month: np.ndarray, judged: np.ndarray, known: np.ndarray, observed: np.ndarray,
                  as_of: int) -> np.ndarray:
    """True where the household's judgment falls in its snapshot's observed months and its
    court file had arrived by `as_of` (judged, known: month indices, NEVER when none)."""
    ahead = np.asarray(judged, dtype=np.int64) - month
    return (ahead >= 1) & (ahead <= observed) & (np.asarray(known, dtype=np.int64) <= as_of)


def judged_share(ahead: np.ndarray, *, horizon: int) -> np.ndarray:
    """F[w] for w = 0..horizon: the share of these judgments (months after their snapshot,
    1..horizon) that come within w months. F[horizon] = 1; no judgment: F = 1 everywhere (no
    offset rather than an invented one)."""
    ahead = np.asarray(ahead)
    if not len(ahead):
        return np.ones(horizon + 1)
    return np.array([(ahead <= w).mean() for w in range(horizon + 1)])


def offsets(observed: np.ndarray, stage: np.ndarray, mature_ahead: np.ndarray, mature_stage: np.ndarray, *,
            horizon: int, floor: float = 1e-3) -> np.ndarray:
    """log F(w) per row, F measured per procedure stage on the mature positives (`mature_ahead`:
    months from snapshot to judgment; `mature_stage`: their stage), each stage's F shrunk towards
    the whole window's by SHRINK judgments. `floor` bounds the offset of a window too short to
    have seen any judgment (a row there then says little, as it should)."""
    overall = judged_share(mature_ahead, horizon=horizon)
    stage = np.nan_to_num(np.asarray(stage, dtype=float), nan=-1).astype(np.int64)
    mature_stage = np.nan_to_num(np.asarray(mature_stage, dtype=float), nan=-1).astype(np.int64)
    w = np.clip(np.asarray(observed, dtype=np.int64), 0, horizon)
    out = np.zeros(len(w))
    for g in np.unique(stage):
        mine = mature_ahead[mature_stage == g]
        share = (judged_share(mine, horizon=horizon) * len(mine) + SHRINK * overall) / (len(mine) + SHRINK)
        rows = stage == g
        out[rows] = np.log(np.clip(share[w[rows]], floor, 1.0))
    return out
