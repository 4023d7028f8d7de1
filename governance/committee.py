"""The ethics committee's pack for one model version, in reports/<version>/: the group audit
(audit.json, audit.html), the explanation report (explanations.json, .html), the mitigation
comparison (mitigation.html) and the documents (model card, datasheet, Etalab entry, Annex IV).

`committee_pack` writes all four in one call (the command line, the closed loop, a notebook);
the Dagster pipeline calls the four steps as four assets, so each has its own metadata. The
version is always named by the caller, never guessed from the registry. Documents come last:
Annex IV lists the evidence files the other three wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import lightgbm as lgb
import pandas as pd

from abri.city import City
from fairness.groups import MIN_CELL
from features.build import COURT_REPORTING_DELAY, DEFAULT_HORIZON, training_frame
from features.declare import FEATURE_NAMES

# the mitigations are fitted on months whose labels were known at the backtest's last month:
# a label matures the horizon after its snapshot, plus the court files' delay (features.build)
LABEL_DELAY_MONTHS = DEFAULT_HORIZON + COURT_REPORTING_DELAY
MITIGATION_FIT_MONTHS = 2
# defaults of the sample sizes (abri.settings: ABRI_SEED_BOOSTERS, ABRI_SEED_BOOSTER_ROWS,
# ABRI_EXPLANATION_SAMPLE_ROWS, ABRI_MITIGATION_MAX_ROWS)
SEED_BOOSTERS, SEED_BOOSTER_ROWS = 2, 300_000
EXPLANATION_SAMPLE = 5000
MITIGATION_MAX_ROWS = 200_000


@dataclass
class CommitteePack:
    """What `committee_pack` wrote: each artefact's path, and the audit's result."""

    version: str
    audit: object  # fairness.audit.Audit
    audit_json: Path
    audit_html: Path
    explanations: Path
    mitigation: Path
    documents: dict[str, Path] = field(default_factory=dict)


def audit(con: duckdb.DuckDBPyConnection, version: str, *, metadata: dict, out_dir: Path,
          capacity: float, seed: int = 0, tolerance: tuple[float, float] = (0.8, 1.25), min_cell: int = MIN_CELL,
          n_boot: int = 500, district: str = "arrondissement"):
    """The group audit of the lists `version` would have sent: (Audit, audit.json, audit.html);
    `district`: the city's word for its districts (City.district_label)."""
    from fairness.model_audit import audit_version

    return audit_version(con, version, out_dir=out_dir, capacity=capacity, seed=seed, metadata=metadata,
                         tolerance=tolerance, min_cell=min_cell, n_boot=n_boot, district=district)


def last_backtest_month(con: duckdb.DuckDBPyConnection, version: str):
    """The newest month `version` was scored out of time on; ValueError when it never was."""
    month = con.execute("SELECT max(snapshot_month) FROM backtest_scores WHERE model_version = ?",
                        [version]).fetchall()[0][0]
    if month is None:
        raise ValueError(f"aucun score de validation pour la version {version} : entraînez-la d'abord")
    return month


def seed_boosters(con: duckdb.DuckDBPyConnection, metadata: dict, *, seeds: int = SEED_BOOSTERS,
                  rows: int = SEED_BOOSTER_ROWS) -> list[lgb.Booster]:
    """The final model refitted with other seeds on a sample of its training months, to show
    whether its top reasons are stable. A sample is enough for that and keeps the committee's
    pack from repeating a Paris-scale training twice."""
    from models.train import TrainConfig, fit_lgbm

    train = training_frame(con, months=metadata["training_window"]["train"], sample=rows, seed=metadata["seed"])
    keys = ("num_leaves", "learning_rate", "min_data_in_leaf", "feature_fraction", "l2_per_row")
    params = {k: metadata["parameters"][k] for k in keys if k in metadata["parameters"]}
    return [fit_lgbm(train, None, params, TrainConfig(seed=metadata["seed"] + i), rounds=metadata["best_rounds"])
            for i in range(1, seeds + 1)]


def explanations(con: duckdb.DuckDBPyConnection, version: str, *, booster: lgb.Booster, metadata: dict,
                 out_dir: Path, seed: int = 0, stability_seeds: int = SEED_BOOSTERS,
                 stability_rows: int = SEED_BOOSTER_ROWS, sample: int = EXPLANATION_SAMPLE) -> Path:
    """The SHAP explanation report on the backtest's last month (explanations.html), on `sample`
    households; the stability check refits `stability_seeds` models on `stability_rows` rows."""
    from models.explain import explanation_report

    month = last_backtest_month(con, version)
    frame = con.execute(f"SELECT household_key, snapshot_month, {', '.join(FEATURE_NAMES)} FROM features "
                        "WHERE snapshot_month = ?", [month]).df()
    attrs = con.execute("SELECT * FROM audit_attributes WHERE snapshot_month = ?", [month]).df()
    others = seed_boosters(con, metadata, seeds=stability_seeds, rows=stability_rows) if stability_seeds else None
    return explanation_report(booster=booster, frame=frame, attributes=attrs, metadata=metadata, out_dir=out_dir,
                              seed=seed, seed_boosters=others, sample=sample)


def mitigation_frames(con: duckdb.DuckDBPyConnection, version: str, *,
                      label_delay: int = LABEL_DELAY_MONTHS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) for the mitigation comparison. Test: the backtest's last month, with its
    out-of-time scores. Train: the MITIGATION_FIT_MONTHS newest months whose labels were already
    known then (`label_delay` = horizon + court delay months earlier), so no mitigation learns from
    the future."""
    month = last_backtest_month(con, version)
    cols = ", ".join(f"f.{n}" for n in FEATURE_NAMES)
    test = con.execute(f"SELECT b.score, b.judgment_within_horizon::INT AS label, a.tenure, {cols} "
                       "FROM backtest_scores b JOIN features f USING (household_key, snapshot_month) "
                       "JOIN audit_attributes a USING (household_key, snapshot_month) "
                       "WHERE b.model_version = ? AND b.snapshot_month = ?", [version, month]).df()
    train = con.execute(f"SELECT l.judgment_within_horizon::INT AS label, a.tenure, {cols} FROM features f "
                        "JOIN labels l USING (household_key, snapshot_month) "
                        "JOIN audit_attributes a USING (household_key, snapshot_month) "
                        "WHERE f.snapshot_month + to_months(?) <= ? AND f.snapshot_month + to_months(?) > ?",
                        [label_delay, month, label_delay + MITIGATION_FIT_MONTHS, month]).df()
    return train, test


def mitigation(con: duckdb.DuckDBPyConnection, version: str, *, booster: lgb.Booster, out_dir: Path,
               capacity: float, seed: int = 0, min_cell: int = MIN_CELL, label_delay: int = LABEL_DELAY_MONTHS,
               max_rows: int = MITIGATION_MAX_ROWS) -> Path:
    """Unmitigated vs Fairlearn's mitigations by tenure (the measurement gap); mitigation.html.
    The training rows' scores come from the candidate itself, which saw those months: the fitted
    thresholds are indicative, which the committee's page says. Compared, never applied."""
    from fairness.mitigation import compare_mitigations, mitigation_report

    train, test = mitigation_frames(con, version, label_delay=label_delay)
    train["score"] = booster.predict(train[list(FEATURE_NAMES)])
    comparison = compare_mitigations(train=train, test=test, features=list(FEATURE_NAMES), label="label",
                                     score="score", group="tenure", capacity=capacity, seed=seed,
                                     min_cell=min_cell, max_rows=max_rows)
    return mitigation_report(comparison, group="tenure", out_dir=out_dir)


def documents(*, metadata: dict, out_dir: Path, retention=None, design: dict | None = None,
              impact: dict | None = None, city: City | None = None, log_days: int | None = None) -> dict[str, Path]:
    """The version's documents, from its metadata and the audit record in out_dir/audit.json
    (absent: the documents say the audit has not been run). `log_days`: how long the home keeps
    its access log (Annex IV's logging item; None: unknown, the item shows missing)."""
    from governance.documents import write_documents

    record_path = Path(out_dir) / "audit.json"
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else None
    return write_documents(metadata=metadata, audit_record=record, out_dir=out_dir, retention=retention,
                           design=design, impact=impact, city=city, log_days=log_days)


def committee_pack(con: duckdb.DuckDBPyConnection, version: str, *, booster: lgb.Booster, metadata: dict,
                   out_dir: Path, capacity: float, seed: int = 0, retention=None, design: dict | None = None,
                   impact: dict | None = None, tolerance: tuple[float, float] = (0.8, 1.25), min_cell: int = MIN_CELL,
                   n_boot: int = 500, label_delay: int = LABEL_DELAY_MONTHS, city: City | None = None) -> CommitteePack:
    """Audit, explanations, mitigation and documents of `version` into out_dir, in that order."""
    result, json_path, html_path = audit(con, version, metadata=metadata, out_dir=out_dir, capacity=capacity,
                                         seed=seed, tolerance=tolerance, min_cell=min_cell, n_boot=n_boot,
                                         district=city.district_label if city else "arrondissement")
    expl = explanations(con, version, booster=booster, metadata=metadata, out_dir=out_dir, seed=seed)
    mitig = mitigation(con, version, booster=booster, out_dir=out_dir, capacity=capacity, seed=seed,
                       min_cell=min_cell, label_delay=label_delay)
    docs = documents(metadata=metadata, out_dir=out_dir, retention=retention, design=design, impact=impact,
                     city=city, log_days=getattr(retention, "access_log_days", None))
    return CommitteePack(version, result, json_path, html_path, expl, mitig, docs)
