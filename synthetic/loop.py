"""`abri loop`: the demo city month by month with Abri in the loop.

Timeline (defaults, demo scale): the city's burn-in, then `history` months of extracts without
Abri (enough for a first model: 19 labelled months plus 15 to mature), then `deployment`
months in which, each month, the new extracts are ingested, the month's features built, the
champion scores the month, the committee's design assigns (models.design.assign), the outreach
arm goes to the city (each household reached with the city's contact rate), a stand-in social
worker records what happened in casework, and the model is retrained on schedule (approvals
recorded as demonstrations, as `abri demo` does); then `follow_up` months of extracts until
the last list's labels mature (12 months plus 3 for court files); finally Abri's own
`reports/impact/impact.json` and, beside the usual truth, `truth/outreach.parquet`.

Only this harness (synthetic/, never the pipeline) maps pseudonymised household keys back to
the city's `id_menage`, through the pseudonymisation function, as a social worker would
through the identity store. It calls the library functions directly: one Dagster run per
month and stage would cost more than the month's work at demo scale (docs/demo-city.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from abri.city import load_city
from abri.config import Paths
from synthetic import dynamics as dyn
from synthetic.simulate import CONTACT_RATE, DEFAULT_END_MONTH, HORIZON, SCALES, City

BY = "abri loop (démonstration, pas un comité réel)"
WORKER = "abri loop (travailleur social simulé)"
# 12 months for the label, 3 more for court acts to reach the warehouse (features/build.py)
MATURITY = HORIZON + 3
# Default design, chosen from the exact truth (docs/demo-city.md, "Choosing the design").
DEFAULT_DESIGN: dict[str, Any] = {"name": "tiered", "params": {"tiers": [[1, 0.5], [4, 1 / 6]]}}


# Designs whose expected interval the loop computes from the exact truth (truth/design_power.json)
CANDIDATE_DESIGNS: dict[str, dict[str, Any]] = {
    "margin": {"name": "margin", "params": {"low": 0.5, "high": 2.0}},
    "margin_wide": {"name": "margin", "params": {"low": 0.0, "high": 3.0}},
    "tiered_capacity": DEFAULT_DESIGN,
    "tiered_wide": {"name": "tiered", "params": {"tiers": [[2, 0.4], [8, 1 / 30]]}},
}


@dataclass(frozen=True)
class LoopConfig:
    scale: str = "demo"
    households: int | None = None  # override the scale's count (tests use a few thousand)
    seed: int = 42
    history: int = 36  # months of extracts before Abri is deployed
    deployment: int = 24  # months with lists
    follow_up: int = MATURITY  # months of extracts after the last list, for its labels
    end_month: str = DEFAULT_END_MONTH  # the last extract month
    capacity: float = 0.01  # share of each sector's households contacted each month
    contact_rate: float = CONTACT_RATE
    design: dict = field(default_factory=lambda: dict(DEFAULT_DESIGN))
    retrain_every: int = 6  # months between retrains during deployment
    treatment_aware: bool = True  # how the deployed model is retrained
    city: str = "paris"  # abri/cities/<city>.toml, or a .toml path (ABRI_CITY)
    compare_training: bool = False  # also retrain the other way, never deployed, and compare
    dynamics: dyn.Dynamics = dyn.Dynamics()

    @property
    def months(self) -> int:
        return self.history + self.deployment + self.follow_up

    def check(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"échelle inconnue « {self.scale} » : choisissez parmi {', '.join(SCALES)}")
        if self.history < 19 + MATURITY:
            raise ValueError(f"history : au moins {19 + MATURITY} mois d'historique pour entraîner un premier modèle")
        if self.deployment < 1 or self.follow_up < 0 or self.retrain_every < 1:
            raise ValueError("deployment >= 1, follow_up >= 0 et retrain_every >= 1 sont requis")


@dataclass
class LoopSummary:
    months: list[str]
    deployment_months: list[str]
    models: list[dict]
    randomised: int
    outreach_arm: int
    contacted: int
    exact_itt_averted_per_100: float | None
    impact_path: str | None
    seconds: float
    stages: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Fenêtre : {self.months[0]} à {self.months[-1]} ; listes de {self.deployment_months[0]} "
               f"à {self.deployment_months[-1]} ({len(self.deployment_months)} mois)",
               f"Ménages tirés au sort : {self.randomised} (bras contact {self.outreach_arm}, "
               f"joints {self.contacted})",
               f"Modèles entraînés : {len(self.models)} ; durée {self.seconds / 60:.1f} min"]
        if self.exact_itt_averted_per_100 is not None:
            out.append(f"Effet exact (vérité) : {self.exact_itt_averted_per_100:.2f} jugements évités "
                       "pour 100 ménages tirés au sort dans le bras contact")
        if self.impact_path:
            out.append(f"Estimation d'Abri : {self.impact_path}")
        out.append("Durée par étape (s) : " + ", ".join(f"{k} {v:.0f}" for k, v in self.stages.items()))
        return out


class _Keys:
    """household_key -> id_menage for the city's households (the harness's identity lookup)."""

    def __init__(self, paths: Paths):
        from ingest.pseudonym import Pseudonymiser, load_key

        self.pz = Pseudonymiser(load_key(paths.key_file))
        self.to_id: dict[str | None, str] = {}  # None: an empty id (never in the simulation)
        self.seen = 0

    def update(self, ids) -> None:
        for x in ids[self.seen:]:
            self.to_id[self.pz.household_key(str(x))] = str(x)
        self.seen = len(ids)

    def ids(self, keys) -> list[str]:
        return [self.to_id[k] for k in keys]


def exact_effect(outreach: pd.DataFrame) -> dict:
    """The exact intention-to-treat effect over the randomised rows (0 < probability < 1):
    judgments averted per 100 households assigned to outreach, overall and per tier."""
    r = outreach[(outreach["assignment_probability"] > 0) & (outreach["assignment_probability"] < 1)]
    gap = 100 * (r["p_judgment_12m_if_holdout"] - r["p_judgment_12m_if_outreach"])
    out = {"rows": int(len(r)), "itt_averted_per_100": float(gap.mean()) if len(r) else None,
           "contact_rate": float(r.loc[r["arm"] == "outreach", "contacted"].mean()) if len(r) else None,
           "by_tier": {str(t): {"rows": int(len(g)), "itt_averted_per_100": float(gap[g.index].mean())}
                       for t, g in r.groupby("tier")}}
    return out


def run_loop(home: Path | str, config: LoopConfig = LoopConfig(), *, progress: bool = True) -> LoopSummary:
    """Run the closed loop in `home` (see the module docstring); returns its summary."""
    from casework import Casework
    from features.build import update_panel
    from ingest import ingest_month
    from models.design import Design
    from models.impact import build_interventions, recently_assigned
    from models.registry import ModelRegistry

    config.check()
    if config.compare_training or not config.treatment_aware:
        _train_config(config, aware=False)  # fails now, not after the history, if it cannot
    t0 = time.perf_counter()
    paths = Paths.from_env(home)
    design = Design(config.design["name"], dict(config.design.get("params") or {}))
    city = City(paths.home, scale=config.scale, months=config.months, seed=config.seed,
                end_month=config.end_month, households=config.households, dynamics=config.dynamics,
                contact_rate=config.contact_rate, progress=False, city=load_city(config.city))
    sectors = city.city.district_sectors
    window = city.window
    history = window[: config.history]
    # list months: the first list is built from the last history month's snapshot and acted on
    # the month after; each list month's extracts are ingested before it is scored
    deployment = window[config.history - 1: config.history - 1 + config.deployment]
    registry, casework = ModelRegistry(paths.models), Casework(paths.casework)
    # models trained the other way live in their own registry: never deployed, and an identical
    # model (while no outreach label has matured both ways train alike) cannot touch the champion
    shadow = ModelRegistry(paths.home / "loop_comparison_models")
    keys = _Keys(paths)
    stages: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        s = time.perf_counter()
        out = fn(*a, **k)
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - s
        return out

    # the city's 12 trailing months (simulated by finish(), never written) are not counted
    bar = tqdm(total=len(city.all_months) - HORIZON, desc="Boucle fermée", unit="mois", disable=not progress)

    def step(**kw):
        month = timed("city", city.step, **kw)
        bar.update()
        bar.set_postfix_str(str(month))
        return month

    wh = _Warehouse(paths)

    def ingest(month) -> None:
        wh.close()  # ingestion opens its own connection (and registers its functions on it)
        timed("ingest", ingest_month, paths, str(month), city=city.city)

    # 1. burn-in and history: the city without Abri
    while city.month <= history[-1]:
        step()
    for m in tqdm(history, desc="Ingestion de l'historique", unit="mois", disable=not progress):
        ingest(m)
    try:
        timed("features", update_panel, wh.con, sectors=sectors)
        models = [timed("train", _retrain, wh.con, registry, casework, paths, config, deployed=True,
                        as_of=str(history[-1]))]
        if config.compare_training:
            models.append(timed("train", _retrain, wh.con, shadow, casework, paths, config, deployed=False,
                                as_of=str(history[-1]), tuned_from=registry))
        casework.record_design(design.name, params=design.params, by=BY, demonstration=True,
                               comment="Plan de démonstration enregistré automatiquement par abri loop : il n'a "
                                       "aucune valeur de décision.")
        # 2. deployment: each month's list, built from the month just written, acted on the next
        comparison = []
        power = _Power(config)
        for j, snap in enumerate(deployment):
            month = str(snap)
            if j:
                ingest(month)
                timed("features", update_panel, wh.con, sectors=sectors)
            if j and j % config.retrain_every == 0:
                models.append(timed("train", _retrain, wh.con, registry, casework, paths, config, deployed=True,
                                    as_of=str(snap - 1)))
                if config.compare_training:
                    models.append(timed("train", _retrain, wh.con, shadow, casework, paths, config,
                                        deployed=False, as_of=str(snap - 1), tuned_from=registry))
            # a household randomised (either arm) or listed is not eligible again for 12 months
            exclude = recently_assigned(wh.con, month)
            a = timed("score", _score_and_assign, wh.con, registry, month=month, config=config, design=design,
                      exclude=exclude)
            if config.compare_training:
                comparison.append(_score_other(wh.con, {True: registry, False: shadow}, models, month=month))
            keys.update(city.hh["id_menage"])
            timed("power", power.add, city, keys, wh.con, month=month, exclude=exclude)
            a_ids = a.assign(id_menage=keys.ids(a["household_key"]))
            at = (snap + 1).to_timestamp()
            casework.open_cases(a, by=BY, at=at)
            step(assignments=a_ids[["id_menage", "arm", "assignment_probability", "tier"]])
            timed("casework", _record_outcomes, casework, a_ids, city.last_outcomes(), month=month,
                  at=at + pd.Timedelta(days=14))
            # the case records flow back to the warehouse, as at each pipeline run (the
            # treatment-aware training reads them)
            timed("casework", build_interventions, wh.con, casework.intervention_records())
        # 3. follow-up: extracts until the labels of the last list mature (the last contact
        # month was simulated with the last list)
        ingest(deployment[-1] + 1)
        while not city.done and city.month <= window[-1]:
            ingest(step())
        timed("features", update_panel, wh.con, sectors=sectors)
        city.finish()
        impact_path = timed("impact", _impact, wh.con, casework, paths)
        truth = city.outreach_truth()
        exact = exact_effect(truth)
        (paths.truth / "impact_exact.json").write_text(json.dumps(exact, indent=2), encoding="utf-8")
        (paths.truth / "design_power.json").write_text(json.dumps(power.table(), indent=2), encoding="utf-8")
        timed("uplift", _targeting, wh.con, keys, paths, truth, seed=config.seed)
        if comparison:
            _write_comparison(paths, keys, pd.concat(comparison, ignore_index=True), capacity=config.capacity)
    finally:
        wh.close()
        bar.close()
    return LoopSummary(
        months=[str(m) for m in window], deployment_months=[str(m) for m in deployment], models=models,
        randomised=int(len(truth)), outreach_arm=int((truth["arm"] == "outreach").sum()),
        contacted=int(truth["contacted"].sum()), exact_itt_averted_per_100=exact["itt_averted_per_100"],
        impact_path=str(impact_path) if impact_path else None, seconds=time.perf_counter() - t0,
        stages={k: round(v, 1) for k, v in stages.items()})


class _Warehouse:
    """The loop's warehouse connection, opened when needed and closed around each ingestion."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._con = None

    @property
    def con(self):
        from ingest import connect_warehouse

        if self._con is None:
            self._con = connect_warehouse(self.paths)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class _Power:
    """For each candidate design, the rows it would randomise each deployment month and their
    exact probabilities under either arm: the expected effect and the expected half-width of
    the 95% interval of the Hajek estimator (models.impact), from the truth, before choosing.
    Each candidate is assigned on the month's actual scores and exclusions (those of the design
    in force), an approximation for the others."""

    def __init__(self, config: LoopConfig):
        self.config = config
        self.rows: dict[str, list[pd.DataFrame]] = {name: [] for name in CANDIDATE_DESIGNS}

    def add(self, city: City, keys: _Keys, con, *, month: str, exclude: set[str]) -> None:
        from models.design import Design, assign

        scores = con.execute("SELECT household_key, snapshot_month, sector, score, rank_in_sector FROM scores "
                             "WHERE strftime(snapshot_month, '%Y-%m') = ?", [month]).df()
        for name, d in CANDIDATE_DESIGNS.items():
            a = assign(scores, design=Design(d["name"], dict(d["params"])), capacity=self.config.capacity,
                       month=month, seed=self.config.seed, exclude=exclude)
            a = a[(a["assignment_probability"] > 0) & (a["assignment_probability"] < 1)]
            p1, p0 = city.counterfactual(keys.ids(a["household_key"]))
            self.rows[name].append(pd.DataFrame({"pi": a["assignment_probability"].to_numpy(), "p1": p1, "p0": p0,
                                                 "outreach": (a["arm"] == "outreach").to_numpy()}))

    def table(self) -> dict:
        out = {}
        for name, parts in self.rows.items():
            r = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["pi", "p1", "p0", "outreach"])
            n = len(r)
            if not n:
                out[name] = {"design": CANDIDATE_DESIGNS[name], "randomised": 0}
                continue
            var = (r["p1"] * (1 - r["p1"]) / r["pi"] + r["p0"] * (1 - r["p0"]) / (1 - r["pi"])).sum() / n**2
            out[name] = {"design": CANDIDATE_DESIGNS[name], "randomised": n,
                         "outreach_per_month": float(r["outreach"].sum() / len(parts)),
                         "expected_itt_averted_per_100": float(100 * (r["p0"] - r["p1"]).mean()),
                         "expected_half_width_per_100": float(100 * 1.959964 * np.sqrt(var))}
        return out


def _train_config(config: LoopConfig, *, aware: bool, tuned: dict | None = None):
    """tuned: the first model's chosen hyperparameters; retrains reuse them instead of tuning
    again (the grid search is most of a training's time)."""
    from models.train import PARAM_GRID, TrainConfig

    kw: dict[str, Any] = {"seed": config.seed, "capacity": config.capacity}
    if tuned:
        kw["param_grid"] = ({k: tuned[k] for k in PARAM_GRID[0] if k in tuned},)
    if "treatment_aware" in {f.name for f in dataclasses.fields(TrainConfig)}:
        kw["treatment_aware"] = aware
    elif not aware:
        raise ValueError("TrainConfig n'a pas encore de champ treatment_aware : entraînement naïf seulement")
    return TrainConfig(**kw)


def _retrain(con, registry, casework, paths: Paths, config: LoopConfig, *, deployed: bool, as_of: str,
             tuned_from=None) -> dict:
    """Train a candidate; the deployed kind is audited, approved as a demonstration and promoted."""
    from fairness.model_audit import audit_version
    from models.workflow import train_candidate

    aware = config.treatment_aware if deployed else not config.treatment_aware
    tuned_from = tuned_from or registry
    first = tuned_from.entries()[0]["version"] if tuned_from.entries() else None
    tuned = None
    if first:
        meta = tuned_from.metadata(first)
        tuned = {**meta["parameters"], "rounds": meta["best_rounds"]}
    version = train_candidate(con, registry, _train_config(config, aware=aware, tuned=tuned))
    if deployed:
        _, _, html = audit_version(con, version, out_dir=paths.reports / version, capacity=config.capacity,
                                   seed=config.seed)
        digest = hashlib.sha256(html.read_bytes()).hexdigest()
        casework.record_decision(
            version, decision="approve", by=BY, report_sha256=digest, demonstration=True,
            comment="Approbation de démonstration enregistrée automatiquement par abri loop : elle n'a aucune "
                    "valeur de décision. En production, seul le comité d'éthique approuve, après lecture du rapport.")
        registry.set_status(version, "approved")
        registry.promote(version, approved=casework.is_approved(version, digest))
    supported = hasattr(_train_config(config, aware=True), "treatment_aware")
    return {"version": version, "as_of": as_of, "treatment_aware": aware if supported else None,
            "deployed": deployed}


def _score_and_assign(con, registry, *, month: str, config: LoopConfig, design, exclude: set[str]) -> pd.DataFrame:
    """The champion scores the month and the design assigns it; returns the month's assignments."""
    from models.impact import month_assignments
    from models.workflow import score_month

    score_month(con, registry, registry.champion(), month=month, capacity=config.capacity, design=design,
                seed=config.seed, exclude=exclude)
    return month_assignments(con, month)


def _score_other(con, registries: dict, models: list[dict], *, month: str) -> pd.DataFrame:
    """The month scored by the latest model of each training kind (for the comparison)."""
    from features.declare import FEATURE_NAMES
    from models.score import score
    from models.train import Calibrator

    cols = ", ".join(FEATURE_NAMES)
    frame = con.execute(f"SELECT household_key, snapshot_month, sector, {cols} FROM features "
                        "WHERE strftime(snapshot_month, '%Y-%m') = ?", [month]).df()
    out = []
    for aware in (True, False):
        latest = [m for m in models if m["treatment_aware"] == aware]
        if not latest:
            continue
        version = latest[-1]["version"]
        registry = registries[latest[-1]["deployed"]]
        meta = registry.metadata(version)
        s = score(frame, registry.load(version), Calibrator.from_dict(meta["calibration"]), version=version)
        out.append(s[["household_key", "sector", "score", "rank_in_sector"]].assign(
            month=month, treatment_aware=aware, version=version, retrain=len(latest)))
    return pd.concat(out, ignore_index=True)


# what a social worker records for each outcome of a case: (status, outcome)
_RECORD = {"demande_fsl": ("aide_acceptee", "demande_fsl"), "plan_apurement": ("aide_acceptee", "plan_apurement"),
           "contacte": ("contacte", "contacte"), "injoignable": ("injoignable", "injoignable")}


def _record_outcomes(casework, a: pd.DataFrame, done: pd.DataFrame, *, month: str, at) -> None:
    outcome = dict(zip(done["id_menage"], done["outcome"], strict=True))
    rows = a[a["arm"] == "outreach"]
    for key, id_menage in zip(rows["household_key"], rows["id_menage"], strict=True):
        status, result = _RECORD[outcome[id_menage]]
        casework.set_status(key, status, by=WORKER, expected_revision=1, list_month=month, outcome=result,
                            at=at)


def _impact(con, casework, paths: Paths) -> Path:
    from models.impact import build_interventions, write_impact

    build_interventions(con, casework.intervention_records())
    return write_impact(con, paths.reports)


def _targeting(con, keys: _Keys, paths: Paths, truth: pd.DataFrame, *, seed: int) -> Path:
    """Abri's uplift report (models.uplift.write_uplift) and, beside the truth,
    truth/targeting_exact.json: at each share of the randomised households, the exact judgments
    averted per 100 households reached when reaching the top by risk (the champion's
    probability), by predicted benefit (the out-of-fold T-learner), and by the true benefit
    (the best any targeting could do)."""
    from models.uplift import (
        MIN_ROWS,
        SHARES,
        out_of_fold_benefit,
        top_share,
        uplift_frame,
        write_uplift,
    )

    write_uplift(con, paths.reports, seed=seed)
    frame = uplift_frame(con)
    comparison: list[dict[str, float]] = []
    out = {"rows": int(len(frame)), "comparison": comparison}
    if len(frame) >= MIN_ROWS:
        frame = frame.assign(id_menage=keys.ids(frame["household_key"]),
                             month=pd.to_datetime(frame["list_month"]).dt.strftime("%Y-%m"))
        exact = frame[["id_menage", "month"]].merge(
            truth[["id_menage", "month", "p_judgment_12m_if_outreach", "p_judgment_12m_if_holdout"]],
            on=["id_menage", "month"], how="left")
        gap = 100 * (exact["p_judgment_12m_if_holdout"] - exact["p_judgment_12m_if_outreach"]).to_numpy()
        benefit = out_of_fold_benefit(frame, seed=seed)
        risk = frame["risk"].to_numpy(float)
        for share in SHARES:
            row = {"share": share, "households": int(top_share(risk, share).sum())}
            for name, score in (("risk", risk), ("benefit", benefit), ("true_benefit", gap)):
                row[f"{name}_targeting_averted_per_100"] = round(float(np.nanmean(gap[top_share(score, share)])), 4)
            comparison.append(row)
    path = paths.truth / "targeting_exact.json"
    path.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return path


def _write_comparison(paths: Paths, keys: _Keys, scored: pd.DataFrame, *, capacity: float) -> Path:
    """truth/retraining.json: for each retrain and each way of training, the precision of the
    month's top k of each sector against the truth's untreated probability (mean exact
    probability of a judgment within 12 months without outreach)."""
    truth = pd.read_parquet(paths.truth / "household_months.parquet", columns=["id_menage", "month", "p_judgment_12m"])
    scored = scored.assign(id_menage=[keys.to_id.get(k) for k in scored["household_key"]])
    size = scored.groupby(["month", "treatment_aware", "sector"])["household_key"].transform("size")
    top = scored[scored["rank_in_sector"] <= np.maximum(1, np.round(size * capacity))]
    top = top.merge(truth, on=["id_menage", "month"], how="left")
    table = (top.groupby(["retrain", "treatment_aware"])
             .agg(version=("version", "first"), months=("month", "nunique"), listed=("household_key", "size"),
                  precision_untreated=("p_judgment_12m", lambda p: float(p.fillna(0).mean())))
             .reset_index())
    out = paths.truth / "retraining.json"
    out.write_text(json.dumps(table.to_dict(orient="records"), indent=2), encoding="utf-8")
    return out
