"""The model's steps over the warehouse, each one call: train a candidate, score a month.

Dagster assets (pipelines/) and benchmarks call these; they take a DuckDB connection and a
registry and write their tables in one transaction, so a failure leaves the last good tables.
"""

from __future__ import annotations

from dataclasses import asdict

import duckdb
import numpy as np
import pandas as pd

from abri.db import transaction
from features.declare import FEATURE_NAMES
from models import reasons, treatment
from models.dataset import TrainingSet, load_training_set, month_index
from models.design import Design, assign, listed_scores
from models.impact import write_assignments
from models.lists import evaluate_lists
from models.monitoring import drift
from models.registry import ModelRegistry, code_version, energy, library_versions
from models.score import RULE_VERSION, rule_reasons, rule_scores, score
from models.train import LABEL, Calibrator, TrainConfig, open_negatives_cap, train


def _replace(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, *, where: str | None = None,
             params: list | None = None) -> None:
    con.register("_df", df)
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0]
    if not exists:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM _df")
    else:
        if where:
            con.execute(f"DELETE FROM {table} WHERE {where}", params or [])
        else:
            con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _df")
    con.unregister("_df")


def train_candidate(con: duckdb.DuckDBPyConnection, registry: ModelRegistry, config: TrainConfig = TrainConfig(),
                    progress=None, *, frame: TrainingSet | None = None, trainer=None,
                    extra_metadata: dict | None = None) -> str:
    """Train on the warehouse's mature labelled snapshots; save the candidate; write
    `backtest_scores` and `model_evaluation` for that version. Returns the version.
    Another engine (models/dask_train.py) passes its `frame` (the rows, read from the lake), its
    `trainer` (train's signature) and the `extra_metadata` it records (engine, workers)."""
    if frame is None:
        frame = load_training_set(con, open_windows=config.open_windows, horizon=config.horizon, delay=config.delay,
                                  max_open_negatives=open_negatives_cap(config))
    trainer = trainer or train
    if not len(frame):
        raise ValueError("aucun instantané étiqueté : construisez d'abord les indicateurs et les étiquettes "
                         "(abri features) sur un historique d'au moins 16 mois")
    if config.treatment_aware:
        exposed = treatment.exposures(con, horizon=config.horizon)
        exposed_rows = treatment.exposure(frame.meta, exposed)  # one join of the rows, for both
        treated = {"treatment_aware": True, **treatment.summary(*exposed_rows)}
        frame = treatment.untreated(frame, exposed, exposed_rows=exposed_rows)
    else:
        treated = {"treatment_aware": False, "rows": int(len(frame))}
    result = trainer(frame, config, progress=progress)
    months = frame.months()
    latest = con.execute("SELECT max(snapshot_month) FROM features").fetchall()[0][0]
    meta = {
        "as_of": str(latest)[:7],
        "training_window": {"train": result.train_months, "calibration": result.calibration_months,
                            "labelled_months": [months[0], months[-1]]},
        "data_snapshot_sha256": frame.digest(),
        "features": list(FEATURE_NAMES),
        "parameters": result.params,
        "best_rounds": result.best_rounds,
        "tuning": result.tuning,
        "metrics": result.evaluation[result.evaluation["month"] == "all"].to_dict(orient="records"),
        "lead_time": result.lead_time.to_dict(orient="records"),
        "calibration_curve": result.calibration.round(5).to_dict(orient="records"),
        "calibration": result.calibrator.to_dict(),
        "config": asdict(config),
        "seed": config.seed,
        "library_versions": library_versions(),
        "code_version": code_version(),
        "training_seconds": round(result.seconds, 2),
        "energy": energy(result.cpu_seconds),
        "rows": {"train": int(np.isin(frame.month, month_index(result.train_months)).sum()),
                 "positives": int(frame.y.sum()),
                 # snapshots whose 12 months have not all passed, labelled by the months observed
                 "open_windows": int((frame.month > frame.labelled_until).sum()) if frame.has_open_windows else 0},
        "treatment": treated,
        "engine": "lightgbm",
        "workers": 1,
        **(extra_metadata or {}),
    }
    meta["sector_lists"] = list_evaluation(con, result.backtest_scores, capacity=config.capacity)
    version = registry.save(result.booster, meta)
    bt = result.backtest_scores.assign(model_version=version)
    with transaction(con):
        _replace(con, "backtest_scores", bt.rename(columns={"model": "score"})[
            ["household_key", "snapshot_month", "model_version", "score", "rule", "logistic", LABEL, "fold_as_of"]],
            where="model_version = ?", params=[version])
        _replace(con, "model_evaluation", result.evaluation.assign(model_version=version),
                 where="model_version = ?", params=[version])
    return version


def list_evaluation(con: duckdb.DuckDBPyConnection, backtest: pd.DataFrame, *, capacity: float) -> list[dict]:
    """The `sector_lists` metadata: per-sector lists beside the city-wide top-k, for the model
    and its baselines, on the out-of-time scores. The sector comes from the backtest frame when
    it carries one, else from the `features` table."""
    frame = backtest
    if "sector" not in frame:
        months = sorted(frame["snapshot_month"].astype(str).str[:7].unique())
        sectors = con.execute("SELECT household_key, snapshot_month, sector FROM features "
                              "WHERE strftime(snapshot_month, '%Y-%m') IN (SELECT unnest(?))", [months]).df()
        frame = frame.merge(sectors, on=["household_key", "snapshot_month"], how="left")
    frame = frame.assign(sector=frame["sector"].fillna("?"))
    ev = evaluate_lists(frame, scores={"model": "model", "rule": "rule", "logistic": "logistic"}, label=LABEL,
                        capacity=capacity)
    return ev.astype(object).where(ev.notna(), None).to_dict(orient="records")


def _write_month(con: duckdb.DuckDBPyConnection, month: str, tables: dict[str, pd.DataFrame],
                 assigned: pd.DataFrame) -> None:
    """Replace `month` in each table and in `assignments`, all in one transaction."""
    with transaction(con):
        for name, df in tables.items():
            _replace(con, name, df, where="strftime(snapshot_month, '%Y-%m') = ?", params=[month])
        write_assignments(con, assigned, month=month)


DRIFT_SAMPLE_ROWS = 200_000  # default of score_month (ABRI_DRIFT_SAMPLE_ROWS)


def score_month(con: duckdb.DuckDBPyConnection, registry: ModelRegistry, version: str, *,
                month: str | None = None, capacity: float | dict = 0.01, design: Design | None = None,
                seed: int = 0, exclude: set[str] | None = None, excluded: frozenset[str] = frozenset(),
                drift_sample: int = DRIFT_SAMPLE_ROWS) -> dict:
    """Score every cohort household of `month` (default: the latest) with `version`; write
    `scores`, `outreach` and `reasons` for that month and `drift` against the training window.
    `version` may be models.score.RULE_VERSION ('rule'): the lists are then the rule's
    (no probability, reasons from its criteria, no drift).
    The committee's `design` (default "none": each sector's top k) assigns the month
    (`assignments`); `outreach` holds its outreach arm only, so the holdout never reaches a list;
    `exclude`: households not eligible for this month's randomisation (models.impact.recently_assigned).
    `excluded` (casework.subject.excluded_households: objections, erasures, recent refusals) are
    neither scored nor listed. `drift_sample`: training-window rows drawn as drift's reference."""
    if month is None:
        month = str(con.execute("SELECT max(snapshot_month) FROM features").fetchall()[0][0])[:7]
    cols = ", ".join(FEATURE_NAMES)
    frame = con.execute(f"SELECT household_key, snapshot_month, sector, {cols} FROM features "
                        "WHERE strftime(snapshot_month, '%Y-%m') = ? ORDER BY household_key", [month]).df()
    left_out = int(frame["household_key"].isin(excluded).sum()) if excluded else 0
    if left_out:
        frame = frame[~frame["household_key"].isin(excluded)].reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"aucun ménage à scorer pour {month}")
    design = design or Design()
    if version == RULE_VERSION:
        s = rule_scores(frame)
    else:
        meta = registry.metadata(version)
        booster = registry.load(version)
        s = score(frame, booster, Calibrator.from_dict(meta["calibration"]), version=version)
    assigned = assign(s, design=design, capacity=capacity, month=month, seed=seed, exclude=exclude)
    lst = listed_scores(s, assigned)
    listed = frame.merge(lst[["household_key"]], on="household_key")
    if version == RULE_VERSION:
        tables = {"scores": s, "outreach": lst, "reasons": rule_reasons(listed).assign(model_version=RULE_VERSION)}
    else:
        why = reasons.explain(booster, listed)
        ref = con.execute(f"SELECT {cols} FROM features WHERE strftime(snapshot_month, '%Y-%m') IN "
                          f"(SELECT unnest(?)) USING SAMPLE {int(drift_sample)} ROWS (reservoir, 7)",
                          [meta["training_window"]["train"]]).df()
        d = drift(ref, frame).assign(model_version=version, snapshot_month=frame["snapshot_month"].iloc[0])
        tables = {"scores": s, "outreach": lst, "reasons": why.assign(model_version=version), "drift": d}
    _write_month(con, month, tables, assigned)
    return {"month": month, "scored": len(s), "listed": len(lst), "reasons": len(tables["reasons"]),
            "version": version, "design": design.name, "held_out": int((assigned["arm"] == "holdout").sum()),
            "excluded": left_out}
