"""The committee's audit of one model version: its out-of-time backtest scores, by group.

Reads `backtest_scores` (the candidate's scores on months it never saw) joined with
`audit_attributes` and each household's sector, and audits the lists the version would have
sent: each month, each sector's share `capacity` of its households, cut as models.score cuts
them (models.lists: score descending, then household_key). It audits them by every protected
attribute, tenure, arrondissement and the intersections the committee asked for; the capacity
sweep beside it is a pooled top-k of the score (ties broken by household_key too). Misses (false negative and false omission rates) are
the headline: the intervention is assistive.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from fairness.audit import Audit, audit
from fairness.groups import MIN_CELL
from fairness.report import write_report
from models.lists import sector_lists
from reports.i18n import t

GROUPS = ("sexe", "age_band", "nationalite", "famille_monoparentale", "handicap", "qpv", "tenure", "arrondissement",
          ("sexe", "famille_monoparentale"), ("nationalite", "tenure"))
REFERENCE = {"tenure": "social", "sexe": "M", "nationalite": "FR", "famille_monoparentale": "non",
             "handicap": "non", "qpv": "non"}


def scored_with_attributes(con: duckdb.DuckDBPyConnection, version: str, *,
                           district: str = "arrondissement") -> pd.DataFrame:
    """The version's backtest scores with the audit attributes; the household reference's
    `arrondissement` column is named `district`, the city's word for it (Valmont: "quartier")."""
    if not re.fullmatch(r"[a-z_]+", district):
        raise ValueError(f"district_label « {district} » : lettres minuscules attendues")
    df = con.execute(
        "SELECT b.household_key, b.snapshot_month, b.score, b.judgment_within_horizon::INTEGER AS label, "
        "a.sexe, a.age_band, a.nationalite, " + ", ".join(
            f"CASE WHEN a.{c} THEN 'oui' WHEN NOT a.{c} THEN 'non' END AS {c}"
            for c in ("famille_monoparentale", "handicap", "qpv"))
        + f", a.tenure, a.arrondissement::VARCHAR AS {district}, f.sector "
        "FROM backtest_scores b JOIN audit_attributes a USING (household_key, snapshot_month) "
        "JOIN features f USING (household_key, snapshot_month) "
        # row order breaks the sweep's ties: household_key ascending, as everywhere
        "WHERE b.model_version = ? ORDER BY b.household_key, b.snapshot_month", [version]).df()
    if df.empty:
        raise ValueError(f"aucun score de validation pour la version {version} : entraînez-la d'abord")
    return df


def audit_version(con: duckdb.DuckDBPyConnection, version: str, *, out_dir: Path, capacity: float = 0.01,
                  tolerance: tuple[float, float] = (0.8, 1.25), min_cell: int = MIN_CELL, n_boot: int = 500,
                  seed: int = 0, lang: str = "fr", metadata: dict | None = None,
                  district: str = "arrondissement") -> tuple[Audit, Path, Path]:
    """Audit the per-sector lists `version` would have sent; write out_dir/audit.json and
    audit.html; returns (audit, json, html). metadata: the version's metadata.json, whose lead
    time and list evaluation the report shows beside the audit. district: the city's word for
    its districts (abri/cities/<city>.toml district_label), the audited attribute's name."""
    scored = scored_with_attributes(con, version, district=district)
    scored["listed"] = sector_lists(scored, score="score", capacity=capacity).astype(int)
    result = audit(scored, label="label", score="score", groups=[district if g == "arrondissement" else g for g in GROUPS], selected="listed",
                   reference=REFERENCE, tolerance=tolerance, min_cell=min_cell, n_boot=n_boot, seed=seed)
    extra = {"lists_capacity": capacity, "lead_time": (metadata or {}).get("lead_time") or [],
             "sector_lists": (metadata or {}).get("sector_lists") or []}
    json_path, html_path = write_report(result, out_dir, lang=lang, source=t("report.source_model", lang, version=version),
                                        extra=extra)
    return result, json_path, html_path
