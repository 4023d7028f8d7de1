"""Score the month's households with the champion and cut each sector's outreach list.

Risk bands have fixed meanings (calibrated probability of an eviction judgment within 12
months), so "élevé" means the same thing every month, whatever the model version:
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from fairness.groups import ordered
from features.declare import FEATURE_NAMES
from models.lists import quota, rank_within
from models.train import Calibrator
from reports.i18n import t, tn

# (lower bound of calibrated probability, band): documented in docs/models.md; each band's
# label is the catalogue's band.<band> (reports/i18n.py)
RISK_BANDS = ((0.20, "tres_eleve"), (0.08, "eleve"), (0.03, "modere"), (0.0, "faible"))


def risk_band(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), RISK_BANDS[-1][1], dtype=object)
    for lower, band in reversed(RISK_BANDS):
        out[p >= lower] = band
    return out


def score(frame: pd.DataFrame, booster: lgb.Booster, calibrator: Calibrator, *, version: str) -> pd.DataFrame:
    """scores: household_key, snapshot_month, model_version, score, probability, risk_band, sector,
    rank_in_sector (1 = highest; ties broken by household_key so the order is reproducible)."""
    raw = np.asarray(booster.predict(frame[list(FEATURE_NAMES)]))
    out = pd.DataFrame({
        "household_key": frame["household_key"].to_numpy(),
        "snapshot_month": frame["snapshot_month"].to_numpy(),
        "model_version": version,
        "score": raw,
        "probability": calibrator(raw),
        "sector": frame["sector"].to_numpy(),
    })
    out["risk_band"] = risk_band(out["probability"].to_numpy())
    return ranked(out)


def ranked(scores: pd.DataFrame) -> pd.DataFrame:
    """scores sorted by month, sector and the one tie rule (models.lists), with rank_in_sector."""
    out = ordered(scores, by=("snapshot_month", "sector"))
    out["rank_in_sector"] = rank_within(out)
    return out.reset_index(drop=True)


def outreach(scores: pd.DataFrame, *, capacity: float | dict[str, int] = 0.01) -> pd.DataFrame:
    """Each sector's list within its capacity: a share of its active households (default 1%,
    at least one) or an explicit number per sector."""
    return scores[scores["rank_in_sector"] <= quota(scores, capacity)].reset_index(drop=True)


# The rule's pseudo-version: when no approved version beats today's practice, the lists are the
# rule's. It has no calibrated probability, so its rows carry none and a band of their own.
RULE_VERSION = "rule"
RULE_BAND = "regle"


def rule_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """The scores table for the rule (models.train.rule_score): same columns as `score`,
    model_version 'rule', probability NULL, risk_band 'regle'."""
    from models.train import rule_score

    out = pd.DataFrame({
        "household_key": frame["household_key"].to_numpy(),
        "snapshot_month": frame["snapshot_month"].to_numpy(),
        "model_version": RULE_VERSION,
        "score": rule_score(frame),
        "probability": np.full(len(frame), np.nan),
        "sector": frame["sector"].to_numpy(),
        "risk_band": RULE_BAND,
    })
    return ranked(out)


def _rule_criteria(r, lang: str) -> list[tuple[str, str]]:
    """(reason group, sentence) for each of the rule's criteria household `r` meets."""
    stage = 0 if pd.isna(r.procedure_stage) else int(r.procedure_stage)
    found = []
    if stage >= 1:
        found.append(("procedure", t("rule_reason.procedure", lang, stage=t(f"rule_reason.stage.{min(stage, 3)}", lang))))
    if not pd.isna(r.commandements_24m) and r.commandements_24m > 0:
        found.append(("procedure", t("rule_reason.demand", lang)))
    if not pd.isna(r.arrears_months) and r.arrears_months >= 1:
        found.append(("arrears", tn("rule_reason.arrears", int(round(float(r.arrears_months))), lang)))
    if not pd.isna(r.caf_unpaid_report) and r.caf_unpaid_report > 0:
        found.append(("caf_report", t("rule_reason.caf", lang)))
    return found


def rule_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """The rule's criteria met by each household, in French and English, in the reasons
    table's columns: the procedure stage, a commandement de payer, the months of arrears, the
    CAF's unpaid-rent report."""
    rows = []
    for r in frame.itertuples(index=False):
        found = zip(_rule_criteria(r, "fr"), _rule_criteria(r, "en"), strict=True)
        for rank, ((group, fr), (_, en)) in enumerate(found, start=1):
            rows.append((r.household_key, r.snapshot_month, rank, group, "hausse", float("nan"), fr, en))
    return pd.DataFrame(rows, columns=["household_key", "snapshot_month", "rank", "reason_group", "direction",
                                       "contribution", "text_fr", "text_en"])
