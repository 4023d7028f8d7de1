"""The model's steps over the warehouse, each one call: train a candidate, score a month.

Dagster assets (pipelines/) and benchmarks call these; they take a DuckDB connection and a
registry and write their tables in one transaction, so a failure leaves the last good tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict

import duckdb
import pandas as pd

from features.build import training_frame
from features.declare import FEATURE_NAMES
from models import reasons
from models.design import Design, assign, listed_scores
from models.impact import write_assignments
from models.monitoring import drift
from models.registry import ModelRegistry, code_version, energy, library_versions
from models.score import score
from models.train import LABEL, Calibrator, TrainConfig, train


def data_snapshot_hash(frame: pd.DataFrame) -> str:
    """A content hash of the training data (rows in a fixed order)."""
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _replace(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, *, where: str | None = None,
             params: list | None = None) -> None:
    con.register("_df", df)
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()[0]
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
                    progress=None) -> str:
    """Train on the warehouse's mature labelled snapshots; save the candidate; write
    `backtest_scores` and `model_evaluation` for that version. Returns the version."""
    frame = training_frame(con)
    if frame.empty:
        raise ValueError("aucun instantané étiqueté : construisez d'abord les indicateurs et les étiquettes "
                         "(abri features) sur un historique d'au moins 16 mois")
    result = train(frame, config, progress=progress)
    months = sorted(frame["snapshot_month"].astype(str).str[:7].unique())
    latest = con.execute("SELECT max(snapshot_month) FROM features").fetchone()[0]
    meta = {
        "as_of": str(latest)[:7],
        "training_window": {"train": result.train_months, "calibration": result.calibration_months,
                            "labelled_months": [months[0], months[-1]]},
        "data_snapshot_sha256": data_snapshot_hash(frame),
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
        "rows": {"train": int(frame["snapshot_month"].astype(str).str[:7].isin(result.train_months).sum()),
                 "positives": int(frame[LABEL].sum())},
    }
    version = registry.save(result.booster, meta)
    bt = result.backtest_scores.assign(model_version=version)
    con.execute("BEGIN TRANSACTION")
    try:
        _replace(con, "backtest_scores", bt.rename(columns={"model": "score"})[
            ["household_key", "snapshot_month", "model_version", "score", "rule", "logistic", LABEL, "fold_as_of"]],
            where="model_version = ?", params=[version])
        _replace(con, "model_evaluation", result.evaluation.assign(model_version=version),
                 where="model_version = ?", params=[version])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return version


def score_month(con: duckdb.DuckDBPyConnection, registry: ModelRegistry, version: str, *,
                month: str | None = None, capacity: float | dict = 0.01, design: Design | None = None,
                seed: int = 0, exclude: set[str] | None = None) -> dict:
    """Score every cohort household of `month` (default: the latest) with `version`; write
    `scores`, `outreach` and `reasons` for that month and `drift` against the training window.
    The committee's `design` (default "none": each sector's top k) assigns the month
    (`assignments`); `outreach` holds its outreach arm only, so the holdout never reaches a list."""
    meta = registry.metadata(version)
    booster = registry.load(version)
    calibrator = Calibrator.from_dict(meta["calibration"])
    if month is None:
        month = str(con.execute("SELECT max(snapshot_month) FROM features").fetchone()[0])[:7]
    cols = ", ".join(FEATURE_NAMES)
    frame = con.execute(f"SELECT household_key, snapshot_month, sector, {cols} FROM features "
                        "WHERE strftime(snapshot_month, '%Y-%m') = ? ORDER BY household_key", [month]).df()
    if frame.empty:
        raise ValueError(f"aucun ménage à scorer pour {month}")
    s = score(frame, booster, calibrator, version=version)
    assigned = assign(s, design=design or Design(), capacity=capacity, month=month, seed=seed, exclude=exclude)
    lst = listed_scores(s, assigned)
    listed = frame.merge(lst[["household_key"]], on="household_key")
    why = reasons.explain(booster, listed)
    train_months = meta["training_window"]["train"]
    ref = con.execute(f"SELECT {cols} FROM features WHERE strftime(snapshot_month, '%Y-%m') IN "
                      "(SELECT unnest(?)) USING SAMPLE 200000 ROWS (reservoir, 7)", [train_months]).df()
    d = drift(ref, frame).assign(model_version=version, snapshot_month=frame["snapshot_month"].iloc[0])
    con.execute("BEGIN TRANSACTION")
    try:
        where = "strftime(snapshot_month, '%Y-%m') = ?"
        _replace(con, "scores", s, where=where, params=[month])
        _replace(con, "outreach", lst, where=where, params=[month])
        _replace(con, "reasons", why.assign(model_version=version), where=where, params=[month])
        _replace(con, "drift", d, where=where, params=[month])
        write_assignments(con, assigned, month=month)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"month": month, "scored": len(s), "listed": len(lst), "reasons": len(why), "version": version,
            "design": (design or Design()).name, "held_out": int((assigned["arm"] == "holdout").sum())}
