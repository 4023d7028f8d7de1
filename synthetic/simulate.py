"""`abri simulate`: run the demo city month by month and write the partners' extracts.

Timeline for `--months 36` ending 2026-10: 24 burn-in months (procedures reach a steady
state, nothing is written), the 36 window months (extracts and truth are written), then 12
more months simulated only to know every window month's realised 12-month outcome.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from synthetic import dynamics as dyn
from synthetic.city import Columns, NamePools, make_households
from synthetic.extracts import Imperfections, Observer

SCALES = {"demo": 20_000, "paris": 700_000}
DEFAULT_END_MONTH = "2026-10"
BURN_IN_MONTHS = 24
HORIZON = 12


@dataclass
class SimulationSummary:
    households: int
    households_ever: int
    months: list[str]
    judgments_per_year: float
    judgment_rate: float
    funnel: dict[str, int]
    social_in_arrears: float
    private_in_arrears: float
    files_written: int
    rows_written: int
    seconds: float
    peak_memory_mb: float
    extra: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        f = self.funnel
        return [
            f"Ménages locataires actifs (moyenne) : {self.households:,}".replace(",", " "),
            f"Ménages simulés au total (arrivées comprises) : {self.households_ever:,}".replace(",", " "),
            f"Fenêtre : {self.months[0]} à {self.months[-1]} ({len(self.months)} mois)",
            f"Jugements d'expulsion par an : {_fr(self.judgments_per_year)} "
            f"({self.judgment_rate:.2%} des ménages locataires ; cible ~0.8-1 %)",
            "Entonnoir annuel : " + " -> ".join(f"{k} {v / (len(self.months) / 12):,.0f}".replace(",", " ")
                                                for k, v in f.items()),
            f"Locataires en impayé (>= 1 mois) : social {self.social_in_arrears:.1%}, "
            f"privé {self.private_in_arrears:.1%}",
            f"Fichiers écrits : {self.files_written} ({self.rows_written:,} lignes)".replace(",", " "),
            f"Durée : {self.seconds:,.1f} s ; mémoire maximale : {self.peak_memory_mb:,.0f} Mo".replace(",", " "),
        ]


def _fr(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def month_range(end: str, months: int) -> list[pd.Period]:
    last = pd.Period(end, freq="M")
    return [last - (months - 1 - i) for i in range(months)]


def simulate(home: Path | str, *, scale: str = "demo", months: int = 36, seed: int = 42,
             end_month: str = DEFAULT_END_MONTH, households: int | None = None,
             dynamics: dyn.Dynamics = dyn.Dynamics(), imperfections: Imperfections = Imperfections(),
             outreach: Mapping[str, Iterable[str]] | None = None, progress: bool = True) -> SimulationSummary:
    """Simulate the demo city and write `home/landing/`, `home/resend/` and `home/truth/`.

    households: override the scale's household count (tests use a few thousand).
    outreach: {"YYYY-MM": [id_menage, ...]} households contacted that month; they follow the
    `contacted` transitions for that month. The truth's probabilities assume no outreach.
    Raises ValueError on an unknown scale or a non-positive number of months.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    if months < 1:
        raise ValueError("months must be at least 1")
    t0 = time.perf_counter()
    home = Path(home)
    n = households or SCALES[scale]
    rng = np.random.default_rng(seed)
    window = month_range(end_month, months)
    start = window[0] - BURN_IN_MONTHS
    all_months = [start + i for i in range(BURN_IN_MONTHS + months + HORIZON)]
    tables = dyn.sampler(dynamics)
    R = dyn.risk_within(dynamics, HORIZON)
    contacted_ids = {m: set(ids) for m, ids in (outreach or {}).items()}

    pools = NamePools(seed)
    hh = Columns.from_frame(make_households(n, rng, first_number=1, entry_month=start, pools=pools,
                                            established=True))
    state = np.zeros(n, dtype=np.int16)
    judged_month = np.full(n, -1, dtype=np.int32)  # index into all_months
    leave_month = np.full(n, 10_000, dtype=np.int32)
    active = np.ones(n, dtype=bool)
    observer = Observer(home, window=window, rng=np.random.default_rng(seed + 1),
                        imperfections=imperfections, progress=progress)
    truth_parts = []
    population = []

    bar = tqdm(all_months, desc="Simulation", unit="mois", disable=not progress)
    for t, month in enumerate(bar):
        in_window = window[0] <= month <= window[-1]
        live = active & (state < dyn.N_LIVE)
        idx = np.nonzero(live)[0]
        contacted = None
        if str(month) in contacted_ids:
            contacted = hh["id_menage"][idx]
            contacted = np.isin(contacted, list(contacted_ids[str(month)]))
        prev = state.copy()
        new, why = dyn.step(state[idx], hh["profile"][idx], month.month,
                            rng.random(len(idx)), tables, contacted)
        state[idx] = new
        reason = np.zeros(len(state), dtype=np.int8)
        reason[idx] = why
        # an eviction judgment: the household leaves later (most before the police come)
        newly_judged = np.nonzero(live & (state == dyn.JUDGMENT))[0]
        judged_month[newly_judged] = t
        post = observer.post_judgment_schedule(len(newly_judged), t, all_months)
        leave_month[newly_judged] = post["leave"]
        observer.schedule(newly_judged, post)
        leaving = active & ((state == dyn.EXIT) | (leave_month == t))
        if in_window:
            observer.observe(t, month, hh, prev, state, reason, active, leaving)
            population.append((int(active.sum()),
                               float((dyn.decode(state[active & (state < dyn.N_LIVE)])[1] >= 1).mean())))
        # the truth for the snapshot at the end of this month
        if in_window:
            cohort = np.nonzero(active & ~leaving & (state < dyn.N_LIVE))[0]
            truth_parts.append(pd.DataFrame({
                "row": cohort,
                "month": str(month),
                "state": state[cohort],
                "p_judgment_12m": R[month.month - 1, hh["profile"][cohort], state[cohort]],
            }))
        active &= ~leaving
        # newcomers take the dwellings of those who left
        n_new = int(leaving.sum())
        if n_new:
            new_hh = make_households(n_new, rng, first_number=len(hh) + 1, entry_month=month + 1,
                                     pools=pools, established=False)
            hh = hh.concat(Columns.from_frame(new_hh))
            state = np.concatenate([state, np.zeros(n_new, dtype=np.int16)])
            judged_month = np.concatenate([judged_month, np.full(n_new, -1, dtype=np.int32)])
            leave_month = np.concatenate([leave_month, np.full(n_new, 10_000, dtype=np.int32)])
            active = np.concatenate([active, np.ones(n_new, dtype=bool)])
            observer.grow(n_new)
    observer.finish(hh)

    truth = _truth_table(truth_parts, hh, judged_month, all_months)
    households_truth = hh.to_frame().assign(
        judgment_month=[str(all_months[j]) if j >= 0 else None for j in judged_month])
    truth_dir = home / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth.to_parquet(truth_dir / "household_months.parquet", index=False)
    households_truth.to_parquet(truth_dir / "households.parquet", index=False)
    observer.write_defects(truth_dir / "defects.parquet")

    years = months / 12
    window_judgments = int(sum(1 for j in judged_month if j >= 0 and window[0] <= all_months[j] <= window[-1]))
    mean_pop = float(np.mean([p for p, _ in population]))
    social = hh["tenure"] == "social"
    funnel = observer.funnel()
    summary = SimulationSummary(
        households=round(mean_pop),
        households_ever=len(hh),
        months=[str(m) for m in window],
        judgments_per_year=window_judgments / years,
        judgment_rate=window_judgments / years / mean_pop,
        funnel=funnel,
        social_in_arrears=truth.loc[social[truth["row"]], "arrears_months"].ge(1).mean(),
        private_in_arrears=truth.loc[~social[truth["row"]], "arrears_months"].ge(1).mean(),
        files_written=observer.files_written,
        rows_written=observer.rows_written,
        seconds=time.perf_counter() - t0,
        peak_memory_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
    )
    return summary


def _truth_table(parts, hh, judged_month, all_months) -> pd.DataFrame:
    truth = pd.concat(parts, ignore_index=True)
    e, a, p, plan = dyn.decode(truth["state"].to_numpy())
    month_idx = {str(m): i for i, m in enumerate(all_months)}
    t = truth["month"].map(month_idx).to_numpy()
    jm = judged_month[truth["row"].to_numpy()]
    truth["id_menage"] = hh["id_menage"][truth["row"]]
    truth["profile"] = hh["profile"][truth["row"]]
    truth["economy_shock"] = e.astype(bool)
    truth["arrears_months"] = a.astype(np.int8)
    truth["stage"] = np.array(dyn.STAGE_NAMES)[p]
    truth["plan"] = plan.astype(bool)
    truth["judgment_within_12m"] = (jm > t) & (jm <= t + HORIZON)
    return truth[["id_menage", "month", "p_judgment_12m", "judgment_within_12m", "stage",
                  "arrears_months", "economy_shock", "plan", "profile", "state", "row"]]
