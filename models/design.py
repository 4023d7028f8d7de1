"""The randomised design the ethics committee chooses: who is listed for outreach each month.

Worked example (one sector, 1,000 households, capacity k = 10):
- "none" (today): ranks 1..10 listed, probability 1; nobody is held out.
- "margin" {"low": 0.5, "high": 2.0}: ranks 1..5 always listed (probability 1, tier "sure");
  ranks 6..20 (15 households, tier "margin") enter a lottery that lists exactly the remaining
  5 of them (probability 5/15 = 1/3); the other 10 are the holdout; ranks 21+ are not returned.
  Capacity binds anyway: without Abri only 10 could be contacted, the lottery decides which of
  the households around the cut they are.
- "tiered" {"tiers": [[1, 0.5], [10, 0.1]]}: ranks 1..10 (tier "t1"): exactly round(0.5 * 10)
  = 5 listed; ranks 11..100 (tier "t2"): exactly round(0.1 * 90) = 9 listed; 101+ not returned.
  The probability stored is the exact share drawn (listed / eligible), not the stated rate.
"share" in margin's parameters is kept for the record only: the lottery's probability follows
from low, high and k.

Ranks are counted among the eligible households of the sector (after `exclude`), so capacity is
filled; `rank_in_sector` in the output stays the model's rank. The draw is a complete
randomisation within (sector, tier): exactly m of n, each with probability m/n. It is seeded by
(seed, month, sector), so a month can be re-assigned identically and sectors do not depend on
each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

DESIGNS = ("none", "margin", "tiered")
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "none": {},
    "margin": {"low": 0.5, "high": 2.0, "share": 0.5},
    "tiered": {"tiers": [[1, 0.5], [10, 0.1]]},
}
COLUMNS = ["household_key", "list_month", "sector", "rank_in_sector", "tier", "arm", "assignment_probability",
           "design"]


class DesignError(ValueError):
    """A design or its parameters that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Design:
    name: str = "none"
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in DESIGNS:
            raise DesignError(f"plan « {self.name} » inconnu : choisissez parmi {', '.join(DESIGNS)}")
        merged = {**DEFAULT_PARAMS[self.name], **(self.params or {})}
        object.__setattr__(self, "params", merged)
        _validate(self.name, merged)

    @property
    def randomised(self) -> bool:
        return self.name != "none"

    def to_dict(self) -> dict:
        return {"name": self.name, "params": self.params}

    @classmethod
    def from_dict(cls, d: dict) -> Design:
        return cls(d.get("name", "none"), dict(d.get("params") or {}))


def _validate(name: str, p: dict) -> None:
    if name == "margin":
        low, high = p.get("low"), p.get("high")
        if not (isinstance(low, int | float) and isinstance(high, int | float) and 0 <= low < 1 < high):
            raise DesignError("plan « margin » : il faut 0 <= low < 1 < high (ex. low=0.5, high=2.0)")
    elif name == "tiered":
        tiers = p.get("tiers")
        if not isinstance(tiers, list | tuple) or not tiers:
            raise DesignError("plan « tiered » : tiers doit être une liste [[multiple_de_k, taux], ...]")
        last = 0.0
        for t in tiers:
            if len(t) != 2 or not (t[0] > last) or not 0 < t[1] < 1:
                raise DesignError("plan « tiered » : chaque palier [multiple_de_k, taux] a un multiple croissant "
                                  "et un taux strictement entre 0 et 1")
            last = t[0]


def _seed(seed: int, month: str, sector: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}|{month}|{sector}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _capacity(sizes: pd.Series, capacity: float | dict[str, int]) -> pd.Series:
    """k per sector: a share of its households (at least one) or an explicit number, as
    models.score.outreach does."""
    if isinstance(capacity, dict):
        return pd.Series({s: int(capacity.get(s, 0)) for s in sizes.index}, dtype=int)
    return np.maximum(1, np.round(sizes * capacity)).astype(int)


def _lottery(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Exactly m of n drawn uniformly: a boolean mask."""
    mask = np.zeros(n, dtype=bool)
    if m > 0:
        mask[rng.choice(n, size=min(m, n), replace=False)] = True
    return mask


def _sector(g: pd.DataFrame, k: int, design: Design, rng: np.random.Generator) -> pd.DataFrame:
    """g: one sector's eligible households sorted by rank. Returns the rows listed or randomised."""
    n = len(g)
    if design.name == "none":
        out = g.iloc[:k].assign(tier="top", arm="outreach", assignment_probability=1.0)
        return out
    if design.name == "margin":
        sure = min(int(np.floor(design.params["low"] * k)), n)
        top = min(int(np.floor(design.params["high"] * k)), n)
        remaining = max(k - sure, 0)
        pool = max(top - sure, 0)
        drawn = min(remaining, pool)
        mask = _lottery(rng, pool, drawn)
        a = g.iloc[:sure].assign(tier="sure", arm="outreach", assignment_probability=1.0)
        b = g.iloc[sure:sure + pool].assign(tier="margin", arm=np.where(mask, "outreach", "holdout"),
                                            assignment_probability=drawn / pool if pool else 1.0)
        return pd.concat([a, b])
    parts, lower = [], 0
    for i, (multiple, rate) in enumerate(design.params["tiers"]):
        upper = min(int(np.floor(multiple * k)), n)
        pool = max(upper - lower, 0)
        if pool:
            m = int(np.round(rate * pool))
            mask = _lottery(rng, pool, m)
            parts.append(g.iloc[lower:upper].assign(tier=f"t{i + 1}", arm=np.where(mask, "outreach", "holdout"),
                                                    assignment_probability=m / pool))
        lower = max(lower, upper)
    return pd.concat(parts) if parts else g.iloc[:0].assign(tier="", arm="", assignment_probability=0.0)


def assign(scores: pd.DataFrame, *, design: Design, capacity: float | dict[str, int], month: str,
           seed: int, exclude: set[str] | None = None) -> pd.DataFrame:
    """One row per household listed or randomised this month (see the module's example):
    household_key, list_month ('YYYY-MM'), sector, rank_in_sector, tier, arm ('outreach' |
    'holdout'), assignment_probability (of the outreach arm), design. The outreach list is the
    rows with arm == 'outreach'. Capacity is counted on the sector's households before `exclude`
    (so exclusions do not shrink it)."""
    missing = {"household_key", "sector", "rank_in_sector"} - set(scores.columns)
    if missing:
        raise DesignError(f"scores : colonnes manquantes {sorted(missing)}")
    if not isinstance(month, str) or len(month) < 7 or month[4] != "-":
        raise DesignError(f"mois « {month} » : attendu AAAA-MM")
    month = month[:7]
    frame = scores
    if "snapshot_month" in scores.columns:
        frame = scores[pd.to_datetime(scores["snapshot_month"]).dt.strftime("%Y-%m") == month]
    sizes = frame.groupby("sector").size()
    caps = _capacity(sizes, capacity)
    eligible = frame[~frame["household_key"].isin(exclude or set())]
    eligible = eligible.sort_values(["sector", "rank_in_sector", "household_key"], kind="stable")
    parts = []
    for sector, g in eligible.groupby("sector", sort=True):
        parts.append(_sector(g, int(caps.get(sector, 0)), design, _seed(seed, month, str(sector))))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True).assign(list_month=month, design=design.name)
    out["assignment_probability"] = out["assignment_probability"].astype(float)
    return out[COLUMNS].reset_index(drop=True)


def listed_scores(scores: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """The scores' rows of the outreach arm, in the scores' order: what goes to the lists. The
    holdout never does."""
    keys = set(assigned.loc[assigned["arm"] == "outreach", "household_key"])
    return scores[scores["household_key"].isin(keys)].reset_index(drop=True)
