"""Outcomes flow back, and what Abri prevents: the `interventions` table and the impact estimate.

`interventions` (rebuilt at each run): the month's assignments (models/design.py) LEFT JOIN the
case records (casework): household_key, list_month (DATE), sector, tier, arm,
assignment_probability, design, contacted, contacted_date, outcome, known_from. known_from is the
first day of the month the case's current state was recorded (the list month when nothing was
recorded yet), so a reader "as of" a month never sees an outcome recorded later
(`interventions_as_of`), as every feature is point-in-time.

Impact, intention to treat: among the households that entered a lottery (0 < probability < 1),
judgments within 12 months per 100 households in the holdout minus per 100 in the outreach arm:
"judgments averted per 100 households randomised to outreach". Each arm's rate is a Hajek mean
weighted by the inverse of the probability of the arm received (1/p for outreach, 1/(1-p) for the
holdout), so strata drawn at different rates count by their size; the 95% interval comes from the
estimator's linearisation (a robust, sandwich variance). Worked example: 300 households drawn at
p = 1/3 (100 outreach, 200 holdout), 12 judgments in outreach and 40 in holdout: 20.0 - 12.0 =
8.0 judgments averted per 100. The effect per household actually contacted is the Wald ratio
ITT / contact rate (the holdout is never contacted), its interval from the same linearisation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from fairness.groups import MIN_CELL, suppress

Z95 = 1.959963984540054
AUDIT_GROUPS = ("sexe", "age_band", "nationalite", "handicap", "famille_monoparentale", "qpv", "tenure")
LABEL = "judgment_within_horizon"

INTERVENTIONS_SQL = """
CREATE OR REPLACE TABLE interventions AS
SELECT a.household_key, a.list_month::DATE AS list_month, a.sector, a.tier, a.arm,
       a.assignment_probability, a.design,
       coalesce(r.contacted_date IS NOT NULL, false) AS contacted,
       r.contacted_date::DATE AS contacted_date, r.outcome,
       greatest(a.list_month::DATE, coalesce(date_trunc('month', r.recorded_at::TIMESTAMP)::DATE,
                                              a.list_month::DATE)) AS known_from
FROM assignments a
LEFT JOIN _records r ON r.household_key = a.household_key AND r.list_month::DATE = a.list_month::DATE
    AND a.arm = 'outreach'
ORDER BY a.list_month, a.sector, a.household_key
"""

EMPTY_INTERVENTIONS = """
CREATE OR REPLACE TABLE interventions (household_key VARCHAR, list_month DATE, sector VARCHAR, tier VARCHAR,
    arm VARCHAR, assignment_probability DOUBLE, design VARCHAR, contacted BOOLEAN, contacted_date DATE,
    outcome VARCHAR, known_from DATE)
"""


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def write_assignments(con: duckdb.DuckDBPyConnection, assigned: pd.DataFrame, *, month: str) -> int:
    """Replace `month`'s rows of the warehouse's `assignments` table with `assigned` (the output of
    models.design.assign; list_month stored as a DATE). Call inside the scoring transaction."""
    df = assigned.assign(list_month=pd.to_datetime(assigned["list_month"].astype(str).str[:7] + "-01").dt.date)
    con.execute("CREATE TABLE IF NOT EXISTS assignments (household_key VARCHAR, list_month DATE, sector VARCHAR, "
                "rank_in_sector BIGINT, tier VARCHAR, arm VARCHAR, assignment_probability DOUBLE, design VARCHAR)")
    con.execute("DELETE FROM assignments WHERE strftime(list_month, '%Y-%m') = ?", [month[:7]])
    con.register("_assigned", df)
    con.execute("INSERT INTO assignments BY NAME SELECT * FROM _assigned")
    con.unregister("_assigned")
    return len(df)


def recently_assigned(con: duckdb.DuckDBPyConnection, month: str, *, months: int = 12) -> set[str]:
    """Households not eligible for `month`'s randomisation: those that entered a lottery or were
    in the outreach arm in the `months` list months before it (a household is randomised once
    a year at most, so its outcome measures one assignment)."""
    if not _has(con, "assignments"):
        return set()
    rows = con.execute(
        "SELECT DISTINCT household_key FROM assignments WHERE list_month < ?::DATE "
        "AND list_month >= ?::DATE - to_months(?) AND (arm = 'outreach' OR assignment_probability < 1)",
        [f"{month[:7]}-01", f"{month[:7]}-01", months]).fetchall()
    return {r[0] for r in rows}


def month_assignments(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """`month`'s assignments (list_month as 'YYYY-MM')."""
    if not _has(con, "assignments"):
        return pd.DataFrame(columns=["household_key", "list_month", "arm"])
    return con.execute("SELECT household_key, strftime(list_month, '%Y-%m') AS list_month, sector, tier, arm, "
                       "assignment_probability, design FROM assignments WHERE strftime(list_month, '%Y-%m') = ?",
                       [month[:7]]).df()


def build_interventions(con: duckdb.DuckDBPyConnection, records: pd.DataFrame) -> int:
    """(Re)build `interventions` from `assignments` and the case records
    (casework.Casework.intervention_records()). Only outreach rows can carry a record: a case
    opened for a held-out household (it should not exist) is ignored. Returns the row count."""
    need = ["household_key", "list_month", "outcome", "contacted_date", "recorded_at"]
    missing = set(need) - set(records.columns)
    if missing:
        raise ValueError(f"dossiers (casework) : colonnes manquantes {sorted(missing)}")
    if not _has(con, "assignments"):
        con.execute(EMPTY_INTERVENTIONS)
        return 0
    recs = records[need].copy()
    recs["list_month"] = recs["list_month"].astype(str).str[:7] + "-01"
    for col in ("household_key", "outcome", "contacted_date", "recorded_at"):
        recs[col] = recs[col].astype(object).where(recs[col].notna(), None)
    con.register("_records", recs.astype({"list_month": str}))
    try:
        con.execute(INTERVENTIONS_SQL)
    finally:
        con.unregister("_records")
    return con.execute("SELECT count(*) FROM interventions").fetchall()[0][0]


def interventions_as_of(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """The interventions as they were known at the start of `month`+1: list months up to
    `month`; contact and outcome blank when they were recorded after `month`."""
    return con.execute(
        "SELECT household_key, list_month, sector, tier, arm, assignment_probability, design, "
        "CASE WHEN known_from <= ?::DATE THEN contacted END AS contacted, "
        "CASE WHEN known_from <= ?::DATE THEN contacted_date END AS contacted_date, "
        "CASE WHEN known_from <= ?::DATE THEN outcome END AS outcome, known_from "
        "FROM interventions WHERE list_month <= ?::DATE ORDER BY list_month, household_key",
        [f"{month[:7]}-01"] * 4).df()


# -- the estimator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    se: float

    @classmethod
    def of(cls, value: float, se: float, scale: float = 100.0) -> Estimate:
        return cls(value * scale, (value - Z95 * se) * scale, (value + Z95 * se) * scale, se * scale)

    def to_dict(self) -> dict:
        return {k: _round(v) for k, v in self.__dict__.items()}


def _round(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 4)


def estimate(frame: pd.DataFrame, *, outcome: str = LABEL, arm: str = "arm",
             probability: str = "assignment_probability", contacted: str | None = "contacted") -> dict:
    """Intention-to-treat effect on randomised rows (0 < probability < 1) with matured labels.

    Returns {"n", "n_outreach", "n_holdout", "judgments_outreach", "judgments_holdout",
    "rate_outreach_per_100", "rate_holdout_per_100", "itt_averted_per_100": {estimate, ci_low,
    ci_high, se}, "contact_rate", "per_contacted_averted_per_100": {...}}; the effects are None
    when an arm is empty."""
    for col in (outcome, arm, probability):
        if col not in frame.columns:
            raise ValueError(f"estimate : colonne « {col} » absente")
    p = frame[probability].astype(float).to_numpy()
    keep = (p > 0) & (p < 1) & frame[outcome].notna().to_numpy()
    f = frame[keep]
    p = p[keep]
    bad = set(f[arm].unique()) - {"outreach", "holdout"}
    if bad:
        raise ValueError(f"estimate : bras inconnu(s) {sorted(map(str, bad))} (attendu outreach | holdout)")
    y = f[outcome].astype(float).to_numpy()
    t = (f[arm] == "outreach").to_numpy()
    has_contact = bool(contacted) and contacted in f.columns
    d = (f[contacted].fillna(False).astype(bool).to_numpy() & t) if has_contact else np.zeros(len(f), bool)
    out: dict[str, object] = {"n": int(len(f)), "n_outreach": int(t.sum()), "n_holdout": int((~t).sum()),
                              "judgments_outreach": int(y[t].sum()), "judgments_holdout": int(y[~t].sum())}
    if t.sum() == 0 or (~t).sum() == 0:
        none = {"estimate": None, "ci_low": None, "ci_high": None, "se": None}
        return {**out, "rate_outreach_per_100": None, "rate_holdout_per_100": None, "itt_averted_per_100": none,
                "contact_rate": None, "per_contacted_averted_per_100": none}
    w = np.where(t, 1 / p, 1 / (1 - p))
    w1, w0 = w * t, w * ~t
    mu1 = (w1 * y).sum() / w1.sum()
    mu0 = (w0 * y).sum() / w0.sum()
    c = (w1 * d).sum() / w1.sum()
    # influence of each household on each Hajek mean; their sum of squares is the robust variance
    if_mu1 = w1 * (y - mu1) / w1.sum()
    if_mu0 = w0 * (y - mu0) / w0.sum()
    if_c = w1 * (d - c) / w1.sum()
    itt = mu0 - mu1
    if_itt = if_mu0 - if_mu1
    n = len(f)
    correction = n / (n - 1) if n > 1 else 1.0
    se_itt = math.sqrt(correction * (if_itt ** 2).sum())
    out.update({"rate_outreach_per_100": _round(100 * mu1), "rate_holdout_per_100": _round(100 * mu0),
                "itt_averted_per_100": Estimate.of(itt, se_itt).to_dict(),
                "contact_rate": _round(c) if has_contact else None})
    if has_contact and c > 0:
        if_wald = if_itt / c - itt * if_c / c ** 2
        out["per_contacted_averted_per_100"] = Estimate.of(itt / c, math.sqrt(correction * (if_wald ** 2).sum())
                                                           ).to_dict()
    else:
        out["per_contacted_averted_per_100"] = {"estimate": None, "ci_low": None, "ci_high": None, "se": None}
    return out


def _smaller_arm(cell: pd.DataFrame, arm: str) -> int:
    counts = cell[arm].value_counts()
    return int(min(counts.get("outreach", 0), counts.get("holdout", 0)))


def by_cell(frame: pd.DataFrame, *, column: str, min_cell: int = MIN_CELL, **kwargs) -> list[dict]:
    """estimate() per value of `column`; a cell with fewer than `min_cell` randomised households in
    either arm is suppressed (no figure, no count); while the suppressed cells' smaller arms
    total between 1 and min_cell - 1, the shown cell with the smallest arm is suppressed too, so
    totals minus the others cannot reveal them (fairness.groups.suppress)."""
    p = frame["assignment_probability"].astype(float)
    f = frame[(p > 0) & (p < 1) & frame[kwargs.get("outcome", LABEL)].notna()]
    cells = [{"value": value, "rows": cell} for value, cell in f.groupby(column, dropna=True, sort=True)]
    # fairness.groups.suppress, the one small-cell rule, on each cell's smaller arm
    sizes = pd.Series([_smaller_arm(c["rows"], kwargs.get("arm", "arm")) for c in cells], index=range(len(cells)))
    hidden = suppress(sizes, min_cell=min_cell)
    for i, c in enumerate(cells):
        c["hidden"] = i in hidden
    out = []
    for c in cells:
        value = c["value"].item() if hasattr(c["value"], "item") else c["value"]
        key = str(value).lower() if isinstance(value, bool) else value
        if c["hidden"]:
            out.append({"group": key, "suppressed": True})
        else:
            out.append({"group": key, "suppressed": False, **estimate(c["rows"], **kwargs)})
    return out


# -- the report ---------------------------------------------------------------------------------
def impact_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Randomised interventions with matured labels and their audit attributes."""
    if not (_has(con, "interventions") and _has(con, "labels")):
        return pd.DataFrame()
    attrs = _has(con, "audit_attributes")
    groups = ", ".join(f"g.{c}" for c in AUDIT_GROUPS) if attrs else ""
    join = ("LEFT JOIN audit_attributes g ON g.household_key = i.household_key AND g.snapshot_month = i.list_month"
            if attrs else "")
    return con.execute(
        f"SELECT i.*, l.{LABEL}::INT AS {LABEL}{', ' + groups if groups else ''} FROM interventions i "
        f"JOIN labels l ON l.household_key = i.household_key AND l.snapshot_month = i.list_month {join} "
        "WHERE i.assignment_probability > 0 AND i.assignment_probability < 1").df()


def impact_report(frame: pd.DataFrame, *, min_cell: int = MIN_CELL) -> dict:
    """impact.json's content from impact_frame()."""
    if frame.empty:
        overall = estimate(pd.DataFrame({LABEL: [], "arm": [], "assignment_probability": []}), contacted=None)
        return {"status": "no_randomised_matured_rows", **overall, "by_tier": [], "by_group": {}, "months": []}
    out = {"status": "ok", **estimate(frame)}
    out["months"] = sorted(pd.to_datetime(frame["list_month"]).dt.strftime("%Y-%m").unique().tolist())
    out["designs"] = sorted(frame["design"].dropna().unique().tolist())
    out["by_tier"] = by_cell(frame, column="tier", min_cell=min_cell)
    out["by_group"] = {g: by_cell(frame, column=g, min_cell=min_cell) for g in AUDIT_GROUPS if g in frame}
    return out


def write_impact(con: duckdb.DuckDBPyConnection, out_dir: Path | str, *, min_cell: int = MIN_CELL) -> Path:
    """Write `<out_dir>/impact/impact.json` (out_dir: the reports folder; a folder already named
    impact is used as it is; min_cell: Settings.min_cell). Returns the path."""
    out_dir = Path(out_dir)
    target = out_dir if out_dir.name == "impact" else out_dir / "impact"
    target.mkdir(parents=True, exist_ok=True)
    report = impact_report(impact_frame(con), min_cell=min_cell)
    report = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "min_cell": min_cell,
              "outcome": LABEL, **report}
    path = target / "impact.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8")
    tmp.replace(path)
    return path


def _json_default(o):
    if isinstance(o, np.integer | np.bool_):
        return o.item()
    if isinstance(o, np.floating):
        return _round(float(o))
    raise TypeError(type(o).__name__)
