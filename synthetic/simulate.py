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

from abri.city import City as CityFile
from abri.city import load_city
from reports.fmt import integer, number, percent
from synthetic import dynamics as dyn
from synthetic.city import Columns, NamePools, make_households, tenant_households
from synthetic.extracts import Imperfections, Observer

# Households simulated: "demo" 20,000 (a sample of Paris; a smaller city at its own size),
# "paris" the benchmark's 700,000, "city" every tenant household of the city file.
SCALES = {"demo": 20_000, "paris": 700_000, "city": None}
DEFAULT_END_MONTH = "2026-10"
BURN_IN_MONTHS = 24
HORIZON = 12
# Share of the households assigned to outreach that a social worker actually reaches (an
# assumption: outreach programmes report 50-70% reached after several attempts).
CONTACT_RATE = 0.6


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
        """The summary `abri simulate` prints, every figure by reports.fmt (French)."""
        f, years = self.funnel, len(self.months) / 12
        return [
            f"Ménages locataires actifs (moyenne) : {integer(self.households, 'fr')}",
            f"Ménages simulés au total (arrivées comprises) : {integer(self.households_ever, 'fr')}",
            f"Fenêtre : {self.months[0]} à {self.months[-1]} ({len(self.months)} mois)",
            f"Jugements d'expulsion par an : {integer(self.judgments_per_year, 'fr')} "
            f"({percent(self.judgment_rate, 'fr', 2)} des ménages locataires ; cible ~0,8-1 %)",
            "Entonnoir annuel : " + " -> ".join(f"{k} {integer(v / years, 'fr')}" for k, v in f.items()),
            f"Locataires en impayé (>= 1 mois) : social {percent(self.social_in_arrears, 'fr')}, "
            f"privé {percent(self.private_in_arrears, 'fr')}",
            f"Fichiers écrits : {self.files_written} ({integer(self.rows_written, 'fr')} lignes)",
            f"Durée : {number(self.seconds, 'fr', 1)} s ; mémoire maximale : {integer(self.peak_memory_mb, 'fr')} Mo",
        ]


def scale_households(scale: str, city: CityFile) -> int:
    """Households simulated at `scale` for `city`: its own tenant households under "city", and
    under "demo" too when it has fewer than 20,000 (households proportional to population)."""
    own = tenant_households(city)
    if scale == "city":
        return own
    n = SCALES[scale]
    assert n is not None  # "city" alone has no fixed size
    return min(n, own) if scale == "demo" else n


def month_range(end: str, months: int) -> list[pd.Period]:
    last = pd.Period(end, freq="M")
    return [last - (months - 1 - i) for i in range(months)]


def simulate(home: Path | str, *, scale: str = "demo", months: int = 36, seed: int = 42,
             end_month: str = DEFAULT_END_MONTH, households: int | None = None,
             dynamics: dyn.Dynamics = dyn.Dynamics(), imperfections: Imperfections = Imperfections(),
             outreach: Mapping[str, Iterable[str]] | None = None, progress: bool = True,
             city: CityFile | None = None) -> SimulationSummary:
    """Simulate the demo city and write `home/landing/`, `home/resend/` and `home/truth/`.

    city: whose districts, postcodes, IRIS and figures (abri/cities/<city>.toml; default Paris).
    households: override the scale's household count (tests use a few thousand).
    outreach: {"YYYY-MM": [id_menage, ...]} households contacted that month (all of them: the
    contact rate is 1 here); they follow the `contacted` transitions for that month. The
    truth's probabilities assume no outreach.
    Raises ValueError on an unknown scale or a non-positive number of months.
    """
    sim = City(home, scale=scale, months=months, seed=seed, end_month=end_month, households=households,
               dynamics=dynamics, imperfections=imperfections, contact_rate=1.0, progress=progress,
               city=city)
    contacts = {m: list(ids) for m, ids in (outreach or {}).items()}
    bar = tqdm(total=len(sim.all_months), desc="Simulation", unit="mois", disable=not progress)
    while not sim.done:
        sim.step(outreach=contacts.get(str(sim.month)))
        bar.update()
    bar.close()
    return sim.finish()


class City:
    """The demo city stepped one month at a time, so that outreach can be decided online.

    `step(outreach=...)` simulates the next month (`city.month`) and, for a window month,
    writes every partner file of that month (snapshots and the events known by then), so a
    pipeline can ingest and score it before the next month's outreach is chosen. Outreach is
    given as the ids assigned to the outreach arm; each is actually contacted with probability
    `contact_rate` (drawn from its own generator: a city stepped with no outreach is the city
    `simulate` writes, file for file). `finish()` simulates nothing more and writes the truth.

    Timeline: BURN_IN_MONTHS months written nowhere, the `months` window months (extracts and
    truth), then HORIZON months simulated only to know each window month's realised outcome.
    """

    def __init__(self, home: Path | str, *, scale: str = "demo", months: int = 36, seed: int = 42,
                 end_month: str = DEFAULT_END_MONTH, households: int | None = None,
                 dynamics: dyn.Dynamics = dyn.Dynamics(), imperfections: Imperfections = Imperfections(),
                 contact_rate: float = CONTACT_RATE, progress: bool = True, city: CityFile | None = None):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
        if months < 1:
            raise ValueError("months must be at least 1")
        if not 0.0 <= contact_rate <= 1.0:
            raise ValueError(f"contact_rate must be within [0, 1], got {contact_rate}")
        self.t0 = time.perf_counter()
        self.home = Path(home)
        self.dynamics = dynamics
        self.contact_rate = contact_rate
        self.city = city or load_city("paris")
        n = households or scale_households(scale, self.city)
        self.rng = np.random.default_rng(seed)
        # contacts are drawn apart so that outreach never shifts the city's own random stream
        self.contact_rng = np.random.default_rng([seed, 2])
        self.window = month_range(end_month, months)
        start = self.window[0] - BURN_IN_MONTHS
        self.all_months = [start + i for i in range(BURN_IN_MONTHS + months + HORIZON)]
        self.tables = dyn.sampler(dynamics)
        self.R = dyn.risk_within(dynamics, HORIZON)
        self.pools = NamePools(seed)
        self.hh = Columns.from_frame(make_households(n, self.rng, first_number=1, entry_month=start,
                                                     pools=self.pools, established=True, city=self.city))
        self.state = np.zeros(n, dtype=np.int16)
        self.judged_month = np.full(n, -1, dtype=np.int32)  # index into all_months
        self.leave_month = np.full(n, 10_000, dtype=np.int32)
        self.active = np.ones(n, dtype=bool)
        self.observer = Observer(self.home, window=self.window, rng=np.random.default_rng(seed + 1),
                                 imperfections=imperfections, progress=progress, city=self.city)
        self.truth_parts: list[pd.DataFrame] = []
        self.population: list[tuple[int, float]] = []
        self.assignments: list[pd.DataFrame] = []
        self.row_of: dict[str, int] = {}
        self.t = 0

    @property
    def done(self) -> bool:
        return self.t >= len(self.all_months)

    @property
    def month(self) -> pd.Period:
        """The next month `step` simulates."""
        return self.all_months[self.t]

    def _rows(self, ids) -> np.ndarray:
        if len(self.row_of) < len(self.hh):
            self.row_of.update((str(x), i) for i, x in enumerate(self.hh["id_menage"]) if i >= len(self.row_of))
        rows = [self.row_of.get(str(x), -1) for x in ids]
        unknown = sum(r < 0 for r in rows)
        if unknown:
            raise ValueError(f"{unknown} identifiant(s) de ménage inconnus de la ville au mois {self.month}")
        return np.asarray(rows, dtype=np.int64)

    def step(self, outreach: Iterable[str] | None = None, *,
             assignments: pd.DataFrame | None = None) -> pd.Period:
        """Simulate the next month; return it.

        outreach: ids of the households assigned to outreach this month (each is contacted with
        probability `contact_rate`).
        assignments: instead, the month's randomisation (columns id_menage, arm in
        {"outreach", "holdout"}, optional assignment_probability and tier): the outreach arm is
        contacted as above and every row is kept for `truth/outreach.parquet`, with the exact
        probabilities of a judgment within 12 months under either arm.
        """
        if self.done:
            raise ValueError("the city has no month left to simulate")
        if outreach is not None and assignments is not None:
            raise ValueError("give outreach or assignments, not both")
        t, month = self.t, self.month
        hh, state, active = self.hh, self.state, self.active
        if assignments is None and outreach is not None:
            assignments = pd.DataFrame({"id_menage": list(outreach), "arm": "outreach"})
        contacted_rows = None
        if assignments is not None and len(assignments):
            contacted_rows = self._assign(assignments, t, month)
        in_window = self.window[0] <= month <= self.window[-1]
        live = active & (state < dyn.N_LIVE)
        idx = np.nonzero(live)[0]
        contacted = None
        if contacted_rows is not None:
            contacted = np.isin(idx, contacted_rows)
        prev = state.copy()
        new, why = dyn.step(state[idx], hh["profile"][idx], month.month,
                            self.rng.random(len(idx)), self.tables, contacted)
        state[idx] = new
        reason = np.zeros(len(state), dtype=np.int8)
        reason[idx] = why
        self.last_reason = reason
        # an eviction judgment: the household leaves later (most before the police come)
        newly_judged = np.nonzero(live & (state == dyn.JUDGMENT))[0]
        self.judged_month[newly_judged] = t
        post = self.observer.post_judgment_schedule(len(newly_judged), t, self.all_months)
        self.leave_month[newly_judged] = post["leave"]
        self.observer.schedule(newly_judged, post)
        leaving = active & ((state == dyn.EXIT) | (self.leave_month == t))
        if in_window:
            self.observer.observe(t, month, hh, prev, state, reason, active, leaving)
            self.observer.flush(month)
            self.population.append((int(active.sum()),
                                    float((dyn.decode(state[active & (state < dyn.N_LIVE)])[1] >= 1).mean())))
            # the truth for the snapshot at the end of this month
            cohort = np.nonzero(active & ~leaving & (state < dyn.N_LIVE))[0]
            self.truth_parts.append(pd.DataFrame({
                "row": cohort,
                "month": str(month),
                "state": state[cohort],
                "p_judgment_12m": self.R[month.month - 1, hh["profile"][cohort], state[cohort]],
            }))
        active &= ~leaving
        # newcomers take the dwellings of those who left
        n_new = int(leaving.sum())
        if n_new:
            new_hh = make_households(n_new, self.rng, first_number=len(hh) + 1, entry_month=month + 1,
                                     pools=self.pools, established=False, city=self.city)
            self.hh = hh.concat(Columns.from_frame(new_hh))
            self.state = np.concatenate([state, np.zeros(n_new, dtype=np.int16)])
            self.judged_month = np.concatenate([self.judged_month, np.full(n_new, -1, dtype=np.int32)])
            self.leave_month = np.concatenate([self.leave_month, np.full(n_new, 10_000, dtype=np.int32)])
            self.active = np.concatenate([active, np.ones(n_new, dtype=bool)])
            self.observer.grow(n_new)
        self.t += 1
        return month

    def _assign(self, assignments: pd.DataFrame, t: int, month: pd.Period) -> np.ndarray:
        """Rows contacted this month; keeps the randomisation with its exact probabilities."""
        a = assignments.reset_index(drop=True)
        bad = ~a["arm"].isin(ARMS)
        if bad.any():
            raise ValueError(f"assignments: ligne {int(np.argmax(bad.to_numpy())) + 1}, colonne arm : "
                             f"valeur hors de {ARMS}")
        rows = self._rows(a["id_menage"])
        live = self.active[rows] & (self.state[rows] < dyn.N_LIVE)
        outreach = (a["arm"] == "outreach").to_numpy()
        # a household that has left or been judged cannot be reached
        draw = self.contact_rng.random(len(a)) < self.contact_rate
        contacted = outreach & live & draw
        p_outreach, p_holdout = self.counterfactual(rows=rows)
        self.assignments.append(pd.DataFrame({
            "row": rows,
            "t": t,
            "id_menage": a["id_menage"].astype(str).to_numpy(),
            "month": str(month - 1),  # the list month: the snapshot the list was built from
            "arm": a["arm"].to_numpy(),
            "assignment_probability": (a["assignment_probability"].to_numpy(dtype=float)
                                       if "assignment_probability" in a else np.where(outreach, 1.0, 0.0)),
            "tier": a["tier"].astype(str).to_numpy() if "tier" in a else None,
            "contacted": contacted,
            "p_judgment_12m_if_outreach": p_outreach,
            "p_judgment_12m_if_holdout": p_holdout,
            "state_before": self.state[rows],
        }))
        return rows[contacted]

    def counterfactual(self, ids=None, *, rows=None) -> tuple[np.ndarray, np.ndarray]:
        """Exact probabilities of a judgment within 12 months of the end of the last simulated
        month, had each household been assigned to outreach in the next month (the contact rate
        included) or held out. 0 for households already judged or gone."""
        rows = self._rows(ids) if rows is None else np.asarray(rows)
        p_contacted, p_not = contact_risk(self.dynamics, month=self.month, profiles=self.hh["profile"][rows],
                                          states=self.state[rows])
        live = self.active[rows] & (self.state[rows] < dyn.N_LIVE)
        c = self.contact_rate
        return np.where(live, c * p_contacted + (1 - c) * p_not, 0.0), np.where(live, p_not, 0.0)

    def last_outcomes(self) -> pd.DataFrame:
        """What the chain did, in the month just simulated, to the households assigned then:
        id_menage, arm, contacted and the outcome a social worker would record (None for the
        holdout): "demande_fsl" (FSL aid granted), "plan_apurement" (a repayment plan started),
        "contacte" (reached, nothing started yet), "injoignable" (not reached)."""
        if not self.assignments or self.assignments[-1]["t"].iloc[0] != self.t - 1:
            return pd.DataFrame(columns=["id_menage", "arm", "contacted", "outcome"])
        a = self.assignments[-1]
        rows = a["row"].to_numpy()
        before, after = a["state_before"].to_numpy(), self.state[rows]
        live = after < dyn.N_LIVE
        plan_before = dyn.decode(np.where(before < dyn.N_LIVE, before, 0))[3]
        plan_after = dyn.decode(np.where(live, after, 0))[3]
        fsl = self.last_reason[rows] == dyn.FSL_GRANT
        outcome = np.where(~a["contacted"], "injoignable",
                           np.where(fsl, "demande_fsl",
                                    np.where(live & (plan_after == 1) & (plan_before == 0), "plan_apurement",
                                             "contacte")))
        outcome = np.where(a["arm"] == "outreach", outcome, None)  # type: ignore[call-overload]  # numpy's stubs refuse None; an object array
        return pd.DataFrame({"id_menage": a["id_menage"].to_numpy(), "arm": a["arm"].to_numpy(),
                             "contacted": a["contacted"].to_numpy(), "outcome": outcome})

    def finish(self) -> SimulationSummary:
        """Simulate the months left (no outreach), write the truth and return the summary."""
        while not self.done:
            self.step()
        hh, all_months, window = self.hh, self.all_months, self.window
        self.observer.finish(hh)
        truth = _truth_table(self.truth_parts, hh, self.judged_month, all_months)
        households_truth = hh.to_frame().assign(
            judgment_month=[str(all_months[j]) if j >= 0 else None for j in self.judged_month])
        truth_dir = self.home / "truth"
        truth_dir.mkdir(parents=True, exist_ok=True)
        truth.to_parquet(truth_dir / "household_months.parquet", index=False)
        households_truth.to_parquet(truth_dir / "households.parquet", index=False)
        self.observer.write_defects(truth_dir / "defects.parquet")
        if self.assignments:
            self.outreach_truth().to_parquet(truth_dir / "outreach.parquet", index=False)

        months = len(window)
        years = months / 12
        window_judgments = int(sum(1 for j in self.judged_month
                                   if j >= 0 and window[0] <= all_months[j] <= window[-1]))
        mean_pop = float(np.mean([p for p, _ in self.population]))
        social = hh["tenure"] == "social"
        return SimulationSummary(
            households=round(mean_pop),
            households_ever=len(hh),
            months=[str(m) for m in window],
            judgments_per_year=window_judgments / years,
            judgment_rate=window_judgments / years / mean_pop,
            funnel=self.observer.funnel(),
            social_in_arrears=truth.loc[social[truth["row"]], "arrears_months"].ge(1).mean(),
            private_in_arrears=truth.loc[~social[truth["row"]], "arrears_months"].ge(1).mean(),
            files_written=self.observer.files_written,
            rows_written=self.observer.rows_written,
            seconds=time.perf_counter() - self.t0,
            peak_memory_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
        )

    def outreach_truth(self) -> pd.DataFrame:
        """`truth/outreach.parquet`: one row per household and month it entered the randomisation.

        month: the list month, i.e. the snapshot month whose end-of-month state the list was
        built from; contact happens in the month after it. judgment_within_12m: a judgment in
        the 12 months after `month` (the pipeline's label of that snapshot, and the months the
        exact probabilities cover); null while those months are not all simulated.
        """
        if not self.assignments:
            return pd.DataFrame(columns=OUTREACH_COLUMNS)
        out = pd.concat(self.assignments, ignore_index=True)
        jm = self.judged_month[out["row"].to_numpy()]
        t = out["t"].to_numpy()
        within = (jm >= t) & (jm < t + HORIZON)
        out["judgment_within_12m"] = pd.array(within, dtype="boolean")
        out.loc[t + HORIZON > self.t, "judgment_within_12m"] = pd.NA
        return out[OUTREACH_COLUMNS]


ARMS = ("outreach", "holdout")
OUTREACH_COLUMNS = ["id_menage", "month", "arm", "assignment_probability", "tier", "contacted",
                    "judgment_within_12m", "p_judgment_12m_if_outreach", "p_judgment_12m_if_holdout"]


def contact_risk(d: dyn.Dynamics, *, month: pd.Period, profiles, states) -> tuple[np.ndarray, np.ndarray]:
    """Exact probability of a judgment in `month` or the 11 months after it for households in
    `states` at the end of the month before, if contacted in `month` or not.

    Backward recursion as `risk_within`: the 11 later months are ordinary (a household that
    entered the randomisation is not eligible again for 12 months), the first uses the
    contacted or the ordinary matrix. From a state that is already a judgment or an exit the
    probability of a (new) judgment is 0.
    """
    T = dyn.transition_matrices(d)
    after = _risk_after(d, HORIZON - 1)[month.month - 1]  # (profiles, states) at the end of `month`
    g = np.asarray(profiles, dtype=np.intp)
    s = np.asarray(states, dtype=np.intp)
    v0, v1 = int(dyn.variant(month.month, False)), int(dyn.variant(month.month, True))
    p_not = np.einsum("nj,nj->n", T[v0, g, s], after[g])
    p_contacted = np.einsum("nj,nj->n", T[v1, g, s], after[g])
    done = s >= dyn.N_LIVE
    return np.where(done, 0.0, p_contacted), np.where(done, 0.0, p_not)


_RISK_CACHE: dict = {}


def _risk_after(d: dyn.Dynamics, horizon: int) -> np.ndarray:
    key = (d, horizon)
    if key not in _RISK_CACHE:
        _RISK_CACHE[key] = dyn.risk_within(d, horizon)
    return _RISK_CACHE[key]


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
    truth["stage"] = np.array(dyn.STAGE_NAMES, dtype=object)[p]  # references, not 25 M fixed-width copies
    truth["plan"] = plan.astype(bool)
    truth["judgment_within_12m"] = (jm > t) & (jm <= t + HORIZON)
    return truth[["id_menage", "month", "p_judgment_12m", "judgment_within_12m", "stage",
                  "arrears_months", "economy_shock", "plan", "profile", "state", "row"]]
