"""The demo city's household process: a Markov chain whose 12-month risk is known exactly.

Each household has a *profile* (fixed at entry: tenure, income class, rent-burden class,
vulnerability) and a monthly latent *state*:

    economy  E in {0 stable, 1 shock}      a life shock: job loss, separation, illness,
                                           benefit suspension or rent rise
    arrears  A in {0..6}                   months of rent owed (6 means 6 or more)
    stage    P in {0..3}                   0 none, 1 unpaid rent reported (CAF/landlord),
                                           2 commandement de payer, 3 assignation
    plan     L in {0, 1}                   a repayment plan (or court-granted delays) in force

plus two absorbing states: JUDGMENT (an eviction judgment, the label) and EXIT (the household
moved out). A month is one step. Worked example, a private tenant in shock owing 2 months
with an open CAF report: state (E=1, A=2, P=1, L=0). Next month it may miss another rent
(A=3), the landlord may serve a commandement (P=2), the shock may end (E=0) ...; each
transition below states its monthly probability for that profile.

Because the chain is finite and its only calendar effect is the August court recess, the
probability of reaching JUDGMENT within h months from any state is exact: a backward
recursion over h transition matrices (`risk_within`). The simulator samples from the very
same matrices, so the truth and the simulated outcomes cannot drift apart.

Outreach (a social worker's contact) is an input: a contacted household uses the `contacted`
variant of its transition matrix for that month, in which help (a repayment plan, FSL aid,
benefits claimed) is more likely, and more so the earlier the procedure stage. Nothing uses
it yet; it is where measuring the impact of outreach starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

N_E, N_A, N_P, N_L = 2, 7, 4, 2
N_LIVE = N_E * N_A * N_P * N_L  # 112 live states
JUDGMENT = N_LIVE  # 112
EXIT = N_LIVE + 1  # 113
N_STATES = N_LIVE + 2

STAGE_NAMES = ("aucune", "impaye_signale", "commandement_payer", "assignation")

# Profile axes (fixed at entry). Income class is income per consumption unit against the
# poverty line (EUR 1,150/month): <0.8x, <1x, <1.6x, >=1.6x.
N_TENURE, N_INCOME, N_BURDEN, N_VULN = 2, 4, 4, 3
N_PROFILES = N_TENURE * N_INCOME * N_BURDEN * N_VULN
SOCIAL, PRIVATE = 0, 1


def encode(e, a, p, plan):
    """State index of (economy, arrears, stage, plan); works on ints and numpy arrays."""
    return ((e * N_A + a) * N_P + p) * N_L + plan


def decode(s):
    """(economy, arrears, stage, plan) of live state indices."""
    s = np.asarray(s)
    plan = s % N_L
    p = (s // N_L) % N_P
    a = (s // (N_L * N_P)) % N_A
    e = s // (N_L * N_P * N_A)
    return e, a, p, plan


def profile_index(tenure, income, burden, vuln):
    return ((tenure * N_INCOME + income) * N_BURDEN + burden) * N_VULN + vuln


def profile_axes(g):
    g = np.asarray(g)
    vuln = g % N_VULN
    burden = (g // N_VULN) % N_BURDEN
    income = (g // (N_VULN * N_BURDEN)) % N_INCOME
    tenure = g // (N_VULN * N_BURDEN * N_INCOME)
    return tenure, income, burden, vuln


@dataclass(frozen=True)
class Dynamics:
    """Monthly transition parameters. Defaults are calibrated (tests/synthetic) so that
    about 1% of tenant households get an eviction judgment a year, ~14% of social tenants owe
    a month or more, and the court funnel keeps DOMAIN.md's ratios."""

    shock_base: float = 0.0057
    shock_by_income: tuple[float, ...] = (3.0, 2.0, 1.3, 0.8)
    shock_by_vuln: tuple[float, ...] = (1.0, 1.5, 2.0)
    recovery_by_income: tuple[float, ...] = (0.06, 0.08, 0.12, 0.16)
    miss_in_shock_by_burden: tuple[float, ...] = (0.28, 0.28, 0.30, 0.32)
    miss_stable_by_burden: tuple[float, ...] = (0.007, 0.007, 0.010, 0.013)
    repay_by_income: tuple[float, ...] = (0.10, 0.15, 0.22, 0.30)
    repay_burden_factor: tuple[float, ...] = (1.2, 1.0, 0.8, 0.6)
    repay_in_shock: float = 0.03
    repay_with_plan: float = 0.35
    plan_break_stable: float = 0.05
    plan_break_shock: float = 0.30
    plan_start: tuple[float, float] = (0.10, 0.03)  # social, private landlord
    report: tuple[float, float] = (0.50, 0.20)
    commandement: tuple[float, float] = (0.09, 0.045)
    assignation: tuple[float, float] = (0.20, 0.11)
    hearing: float = 0.30
    hearing_august: float = 0.10  # court recess
    eviction_ordered_base: float = 0.60
    eviction_ordered_per_month_owed: float = 0.04
    fsl_grant: float = 0.025  # eligible households (income classes 0-1) with a report
    exit_base: float = 0.006
    exit_in_procedure: float = 0.012
    # outreach: effect of a contact by procedure stage (earlier is stronger)
    outreach_earliness: tuple[float, ...] = (1.0, 0.8, 0.5, 0.2)
    outreach_plan: float = 0.30
    outreach_fsl: float = 0.05
    outreach_miss_cut: float = 0.5


# Why a transition happened: observations (an FSL grant, a hearing) depend on it.
ORDINARY, MOVED_OUT, FSL_GRANT, EVICTION_ORDERED, DELAYS_GRANTED = range(5)


def _transitions(d: Dynamics, g: int, s: int, august: bool, contacted: bool) -> dict[tuple[int, int], float]:
    """Next (state, reason) distribution of one live state for one profile."""
    tenure, income, burden, vuln = (int(x) for x in profile_axes(g))
    e, a, p, plan = (int(x) for x in decode(s))
    out: dict[tuple[int, int], float] = {}

    def add(state, prob, reason=ORDINARY):
        if prob > 0:
            out[(state, reason)] = out.get((state, reason), 0.0) + prob

    early = d.outreach_earliness[p] if contacted else 0.0
    remaining = 1.0
    # 1. moving out
    p_exit = d.exit_in_procedure if p >= 2 else d.exit_base
    add(EXIT, remaining * p_exit, MOVED_OUT)
    remaining *= 1 - p_exit
    # 2. FSL aid clears the debt and stops the procedure
    if a >= 1 and (p >= 1 or contacted) and income <= 1:
        p_fsl = min(1.0, d.fsl_grant + d.outreach_fsl * early)
        add(encode(e, 0, 0, 0), remaining * p_fsl, FSL_GRANT)
        remaining *= 1 - p_fsl
    # 3. the hearing
    if p == 3 and plan == 0:
        p_hear = d.hearing_august if august else d.hearing
        p_evict = min(0.9, d.eviction_ordered_base + d.eviction_ordered_per_month_owed * a)
        add(JUDGMENT, remaining * p_hear * p_evict, EVICTION_ORDERED)
        add(encode(e, a, 3, 1), remaining * p_hear * (1 - p_evict), DELAYS_GRANTED)
        remaining *= 1 - p_hear
    # 4. ordinary month: economy, arrears, plan and landlord action, independently
    lam = min(0.5, d.shock_base * d.shock_by_income[income] * d.shock_by_vuln[vuln])
    e_next = {0: ((0, 1 - lam), (1, lam)),
              1: ((0, d.recovery_by_income[income]), (1, 1 - d.recovery_by_income[income]))}[e]
    miss = (d.miss_in_shock_by_burden if e == 1 else d.miss_stable_by_burden)[burden]
    if contacted:
        miss *= 1 - d.outreach_miss_cut * early
    if plan:
        repay = d.repay_with_plan if e == 0 else d.repay_in_shock
        brk = d.plan_break_shock if e == 1 else d.plan_break_stable
        plan_next = ((1, 1 - brk), (0, brk))
    else:
        repay = (min(0.9, d.repay_by_income[income] * d.repay_burden_factor[burden])
                 if e == 0 else d.repay_in_shock)
        start = (d.plan_start[tenure] + d.outreach_plan * early) if (a >= 1 and (p >= 1 or contacted)) else 0.0
        start = min(1.0, start)
        plan_next = ((0, 1 - start), (1, start))
    repay = repay if a >= 1 else 0.0
    miss = miss * (1 - repay)  # a month is either a missed rent, a catch-up, or neither
    a_moves = ((min(a + 1, N_A - 1), miss), (a - 1 if a >= 1 else 0, repay), (a, 1 - miss - repay))
    # landlord action, only without a plan
    if plan == 0:
        if p == 0 and a >= 2:
            act = d.report[tenure]
        elif p == 1 and a >= 2:
            act = min(1.0, d.commandement[tenure] * (1 + 0.25 * (a - 2)))
        elif p == 2 and a >= 1:
            act = d.assignation[tenure]
        else:
            act = 0.0
    else:
        act = 0.0
    p_moves = ((min(p + 1, 3), act), (p, 1 - act))
    for e2, pe in e_next:
        for a2, pa in a_moves:
            for l2, pl in plan_next:
                for p2, pp in p_moves:
                    prob = remaining * pe * pa * pl * pp
                    if prob <= 0:
                        continue
                    if a2 == 0:  # debt cleared: the procedure and the plan end
                        add(encode(e2, 0, 0, 0), prob)
                    else:
                        add(encode(e2, a2, p2, l2), prob)
    return out


@lru_cache(maxsize=4)
def _rows(d: Dynamics) -> dict[tuple[int, int, int], list[tuple[tuple[int, int], float]]]:
    """Every (variant, profile, live state) -> sorted [((next state, reason), prob)]."""
    rows = {}
    for v in range(4):
        contacted, august = bool(v // 2), bool(v % 2)
        for g in range(N_PROFILES):
            for s in range(N_LIVE):
                rows[v, g, s] = sorted(_transitions(d, g, s, august, contacted).items())
    return rows


@lru_cache(maxsize=4)
def transition_matrices(d: Dynamics = Dynamics()) -> np.ndarray:
    """T[variant, profile, from, to]; variant = 2*contacted + august. Rows sum to 1."""
    T = np.zeros((4, N_PROFILES, N_STATES, N_STATES))
    for (v, g, s), row in _rows(d).items():
        for (s2, _reason), prob in row:
            T[v, g, s, s2] += prob
    T[:, :, JUDGMENT, JUDGMENT] = 1.0
    T[:, :, EXIT, EXIT] = 1.0
    T.setflags(write=False)
    return T


def variant(month_of_year, contacted=False):
    """Which transition matrix applies in a calendar month (1-12)."""
    return 2 * np.asarray(contacted, dtype=int) + (np.asarray(month_of_year) == 8).astype(int)


def risk_within(d: Dynamics, horizon: int = 12) -> np.ndarray:
    """R[m, profile, state]: exact probability of a judgment within `horizon` months for a
    household in `state` at the end of calendar month m (0-11 for January-December), with no
    outreach. Backward recursion: h_0 = 1[JUDGMENT]; h_k = T_(month of step) h_(k-1)."""
    T = transition_matrices(d)
    R = np.zeros((12, N_PROFILES, N_STATES))
    for m in range(12):  # state observed at the end of calendar month m+1
        h = np.zeros((N_PROFILES, N_STATES))
        h[:, JUDGMENT] = 1.0
        # steps happen in months m+2 .. m+1+horizon; apply the last step first
        for k in range(horizon, 0, -1):
            cal = (m + k) % 12 + 1
            h = np.einsum("gij,gj->gi", T[int(variant(cal))], h)
        R[m] = h
    return R


@lru_cache(maxsize=4)
def sampler(d: Dynamics = Dynamics()):
    """Sparse cumulative tables for fast sampling, built from the same transitions as
    `transition_matrices`: (next_state, reason, cumprob), each [variant, profile, state, K]."""
    rows = _rows(d)
    k = max(len(r) for r in rows.values())
    shape = (4, N_PROFILES, N_STATES, k)
    nxt = np.zeros(shape, dtype=np.int16)
    why = np.zeros(shape, dtype=np.int8)
    cum = np.full(shape, 2.0)
    for (v, g, s), r in rows.items():
        for j, ((s2, reason), prob) in enumerate(r):
            nxt[v, g, s, j], why[v, g, s, j] = s2, reason
            cum[v, g, s, j] = prob
        cum[v, g, s, : len(r)] = np.cumsum(cum[v, g, s, : len(r)])
        cum[v, g, s, len(r) - 1] = 2.0  # the last successor takes any rounding residue
        nxt[v, g, s, len(r):], why[v, g, s, len(r):] = nxt[v, g, s, len(r) - 1], why[v, g, s, len(r) - 1]
    for absorbing in (JUDGMENT, EXIT):
        nxt[:, :, absorbing, :] = absorbing
    return nxt, why, cum


def step(states, profiles, month_of_year, u, tables, contacted=None):
    """One month for every household: (next states, reasons), drawn with uniforms `u`."""
    nxt, why, cum = tables
    v = variant(month_of_year, False if contacted is None else contacted)
    v = np.broadcast_to(v, states.shape)
    states = states.astype(np.intp)
    c = cum[v, profiles, states]  # (n, K)
    j = (u[:, None] > c).sum(axis=1)
    return nxt[v, profiles, states, j], why[v, profiles, states, j]
