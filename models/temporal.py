"""Forward-in-time validation: as-of dates, training windows, test months.

Worked example used in the comments: snapshot months 2023-11 .. 2026-10 (36), horizon 12,
court reporting delay 3, `train_months=12`, `test_months=3`.

A model is trained *as of* a month A (it could have been trained at the end of A). A label of
snapshot s is known at A only if s + horizon + delay <= A: the judgment window (s, s+12] has
closed and the court files reporting it have arrived. So the last training snapshot is
A - 15 months. Its test months are A, A+1, A+2 (scored at A, evaluated once their own labels
mature). In the example the first as-of date with 12 training months is 2023-11 + 11 + 15 =
2026-01, whose test months 2026-01 .. 2026-03 have no mature label yet (2026-01 + 15 > 2026-10):
a 36-month history only supports backtests whose test months are mature, which
`make_splits` enforces by picking as-of dates backwards from the last mature snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from features.build import COURT_REPORTING_DELAY as DELAY
from features.build import DEFAULT_HORIZON as HORIZON


@dataclass(frozen=True)
class Split:
    """One backtest fold. All bounds inclusive, months as pandas Periods."""

    train_start: pd.Period
    train_end: pd.Period  # = as_of - horizon - delay
    as_of: pd.Period
    test_months: tuple[pd.Period, ...]

    def describe(self) -> str:
        return (f"train {self.train_start}..{self.train_end} | as of {self.as_of} | "
                f"test {self.test_months[0]}..{self.test_months[-1]}")


def make_splits(months: list[str], *, horizon: int = HORIZON, delay: int = DELAY, train_months: int | None = None,
                test_months: int = 1, n_splits: int = 4, mature_until: str | None = None) -> list[Split]:
    """Backtest folds over snapshot `months` ('YYYY-MM'), newest last.

    train_months: length of each training window; None (the default) trains on every month whose
    label is known at the as-of date (an expanding window: in the example, the fold as of 2026-01
    trains on 2023-11 .. 2024-10, 12 months, and a later one on more).
    mature_until: the last snapshot month with a known label (default: the last month minus
    horizon + delay). Test months are always mature; each fold's training window ends
    `horizon + delay` months before its as-of date. Folds step back one test block at a time.
    Raises ValueError when the history is too short for even one fold.
    """
    ps = sorted(pd.Period(m, freq="M") for m in months)
    first, last = ps[0], ps[-1]
    mature = pd.Period(mature_until, freq="M") if mature_until else last - (horizon + delay)
    gap = horizon + delay
    splits = []
    for i in range(n_splits):
        test_end = mature - i * test_months
        as_of = test_end - (test_months - 1)
        train_end = as_of - gap
        train_start = first if train_months is None else max(first, train_end - (train_months - 1))
        if train_end < first or (train_end - train_start).n + 1 < min(train_months or 3, 3):
            break
        splits.append(Split(train_start, train_end, as_of, tuple(as_of + k for k in range(test_months))))
    if not splits:
        raise ValueError(
            f"historique trop court : {len(ps)} mois de {first} à {last}, il en faut au moins "
            f"{gap + test_months + 3} pour un horizon de {horizon} mois et un délai de {delay} mois")
    validate(splits, horizon=horizon, delay=delay)
    return list(reversed(splits))


def validate(splits: list[Split], *, horizon: int, delay: int) -> None:
    """Prove no fold trains on a label it could not have known: raises ValueError otherwise."""
    for s in splits:
        if s.train_end + horizon + delay > s.as_of:
            raise ValueError(f"fuite temporelle : {s.describe()} (l'entraînement finit moins de "
                             f"{horizon + delay} mois avant la date de calcul)")
        if min(s.test_months) < s.as_of or s.train_start > s.train_end:
            raise ValueError(f"découpage incohérent : {s.describe()}")


def final_window(months: list[str], *, horizon: int = HORIZON, delay: int = DELAY, train_months: int | None = None,
                 calibration_months: int = 3) -> tuple[list[str], list[str]]:
    """Training and calibration months for the model that will score the latest month: the
    mature snapshots (the newest `train_months` of them, or all when None), calibration being
    the newest `calibration_months`."""
    ps = sorted(pd.Period(m, freq="M") for m in months)
    mature = ps[-1] - (horizon + delay)
    calib = [mature - k for k in range(calibration_months - 1, -1, -1)]
    train_end = calib[0] - 1
    span = (train_end - ps[0]).n + 1 if train_months is None else train_months
    train = [train_end - k for k in range(span - 1, -1, -1) if train_end - k >= ps[0]]
    if not train:
        raise ValueError("historique trop court pour entraîner un modèle")
    return [str(m) for m in train], [str(m) for m in calib]
