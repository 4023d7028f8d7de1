"""The dashboard's only data access: serving.duckdb and identity.duckdb (read-only, one short-lived
connection per query), and the casework store. Access rules live here, not in the pages.

Every public function takes the signed-in user's `Scope` first and raises `AccessDenied` when the
role may not see what is asked, whatever a page or a URL asks for:
- a social worker (travailleur_social) reads the list, the households and, on request, the
  identity of households listed in *their own* sectors only; every view or change of a household
  is written to the casework access log (append-only);
- a supervisor (encadrant) and an administrator read per-sector aggregates;
- the ethics committee (comite) reads model versions, fairness summaries and reports, and records
  decisions (on versions and on the randomised design); nothing here hands it a household key, a
  name or an address;
- the committee, supervisors and administrators read the impact report (aggregates only);
- a data scientist (and an administrator) reads data quality, drift, evaluation and energy.

The access layer (roles, `Scope`, connections, cached reads) is dashboard/access.py; the
households' identities, casework and access log are dashboard/households.py; this module holds the
serving reads per role and re-exports both, so the pages read everything as `data.<name>`.

Serving reads are cached per (file version, query, parameters): the parameters carry the user's
sectors, so one user's cache never serves another's rows, and a newly published file (atomic
swap, new mtime) is read afresh. Identity reads are never cached. Nothing here writes a key, a
name or an address to a Python log.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from abri.config import Paths
from casework import Casework
from casework.users import Account, list_users
from dashboard.access import (
    CASE_ROLES,
    COMMITTEE_ROLES,
    CONTACT_STATUSES,
    DATA_ROLES,
    DPO_ROLES,
    IMPACT_ROLES,
    MODEL_READ_ROLES,
    SUPERVISION_ROLES,
    AccessDenied,
    NotPublished,
    Scope,
    casework,
    city,
    district_name,
    has_table,
    home,
    identity_path,
    placeholders,
    published,
    report_path,
    require,
    serving,
    serving_path,
)
from dashboard.households import (
    Household,
    access_log,
    add_note,
    add_override,
    case,
    case_outcomes,
    casework_statuses,
    household,
    identity,
    list_cases,
    list_identities,
    log_export,
    log_list_view,
    log_notice,
    notes,
    set_status,
    verify_access_log,
)

__all__ = [
    "CASE_ROLES", "COMMITTEE_ROLES", "CONTACT_STATUSES", "DATA_ROLES", "DPO_ROLES", "IMPACT_ROLES",
    "MODEL_READ_ROLES", "REPORTS", "SUPERVISION_ROLES", "AccessDenied", "Household", "NotPublished", "Scope",
    "access_log", "accounts", "add_note", "add_override", "audit_report", "audit_tolerance", "capacity", "case",
    "case_outcomes", "casework", "casework_statuses", "city", "data_quality", "decisions", "design_decisions",
    "district_name", "drift", "evaluation", "fairness_summary", "home", "household", "identity", "identity_path",
    "impact", "lead_time", "list_identities", "log_export", "log_list_view", "log_notice", "model_versions",
    "notes", "outreach_list", "published", "quarantine", "record_decision", "record_design", "report_path",
    "serving_path", "set_status", "uplift", "verify_access_log", "version_report",
]


# -- social worker -----------------------------------------------------------------------------
def outreach_list(scope: Scope) -> pd.DataFrame:
    """This month's list for the worker's sectors, with each case's status (None = never set):
    household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months,
    caf_known, no_landlord_data, reasons_fr, reasons_en, snapshot_month, status, revision,
    updated_at. Raises AccessDenied for other roles."""
    require(scope, CASE_ROLES)
    sectors = tuple(scope.sectors)
    df = serving(
        "SELECT household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months, "
        "caf_known, no_landlord_data, reasons_fr, reasons_en, strftime(snapshot_month, '%Y-%m') AS snapshot_month "
        f"FROM outreach_list WHERE sector IN ({placeholders(sectors)}) ORDER BY sector, rank_in_sector", sectors)
    month = str(df["snapshot_month"].iloc[0]) if len(df) else ""
    cases = {c["household_key"]: c for c in list_cases(tuple(df["household_key"]), month)}
    df["status"] = [cases.get(k, {}).get("status") for k in df["household_key"]]
    df["revision"] = [cases.get(k, {}).get("revision", 0) for k in df["household_key"]]
    df["updated_at"] = [cases.get(k, {}).get("updated_at") for k in df["household_key"]]
    return df


# -- supervisor --------------------------------------------------------------------------------
def capacity(scope: Scope) -> pd.DataFrame:
    """Per sector: households scored, listed, très élevé / élevé counts, followed and contacted
    counts and rates, median days from the list's publication to the first contact status.
    A supervisor with sectors sees those only. Aggregates only. Raises AccessDenied."""
    require(scope, SUPERVISION_ROLES)
    sectors = tuple(scope.sectors) if scope.role == "encadrant" else ()
    where = f" WHERE sector IN ({placeholders(sectors)})" if sectors else ""
    summary = serving(f"SELECT sector, households, listed, tres_eleve, eleve FROM sector_summary{where}", sectors)
    listed = serving(f"SELECT household_key, sector FROM outreach_list{where}", sectors)
    meta = published(scope)
    keys = tuple(listed["household_key"])
    month = str(meta.get("snapshot_month") or "")
    status = pd.DataFrame(list_cases(keys, month),
                          columns=["household_key", "status", "revision", "updated_by", "updated_at"])
    first_contact = _first_contacts(keys, month)
    listed = listed.merge(status[["household_key", "status"]], how="left", on="household_key")
    listed["followed"] = listed["status"].notna() & (listed["status"] != "a_contacter")
    listed["contacted"] = listed["status"].isin(CONTACT_STATUSES)
    start = pd.Timestamp(meta.get("published_at")) if meta.get("published_at") else None
    contact_at = listed["household_key"].map(first_contact)
    if start is not None:
        listed["days"] = ((pd.to_datetime(contact_at, utc=True) - start).dt.total_seconds() / 86400).clip(lower=0)
    else:
        listed["days"] = float("nan")
    agg = listed.groupby("sector").agg(followed=("followed", "sum"), contacted=("contacted", "sum"),
                                       days_to_contact=("days", "median")).reset_index()
    out = summary.merge(agg, how="left", on="sector").fillna({"followed": 0, "contacted": 0})
    out["followup_rate"] = out["followed"] / out["listed"].where(out["listed"] > 0)
    out["contact_rate"] = out["contacted"] / out["listed"].where(out["listed"] > 0)
    out["uncovered_tres_eleve"] = (out["tres_eleve"] - out["listed"]).clip(lower=0)
    order = {s: i for i, s in enumerate(city().sector_names)}
    return out.sort_values("sector", key=lambda s: s.map(order)).reset_index(drop=True)


def _first_contacts(keys: tuple[str, ...], month: str) -> dict[str, str]:
    """When each case of this list month first reached a contact status (case history)."""
    if not keys:
        return {}
    statuses = tuple(CONTACT_STATUSES)
    with casework().connect() as con:
        rows = con.execute(
            f"SELECT household_key, min(changed_at) FROM case_history WHERE household_key IN ({placeholders(keys)}) "
            f"AND list_month = ? AND status IN ({placeholders(statuses)}) GROUP BY household_key",
            (*keys, month, *statuses)).fetchall()
    return {k: at for k, at in rows}


# -- ethics committee --------------------------------------------------------------------------
def model_versions(scope: Scope) -> pd.DataFrame:
    require(scope, MODEL_READ_ROLES)
    if not has_table("model_versions"):
        return pd.DataFrame()
    return serving("SELECT * FROM model_versions ORDER BY created_at DESC")


def fairness_summary(scope: Scope, version: str) -> pd.DataFrame | None:
    """The version's fairness summary (suppressed cells blanked), or None when no audit was
    published for it."""
    require(scope, MODEL_READ_ROLES)
    if not has_table("fairness_summary"):
        return None
    df = serving("SELECT * FROM fairness_summary WHERE model_version = ?", (version,))
    if df.empty:
        return None
    # the audit publishes a masked cell (too few people) as a missing value; an explicit
    # `suppressed` column, when present, masks too
    hidden = df["value"].isna() if "value" in df else pd.Series(False, index=df.index)
    if "suppressed" in df:
        hidden |= df["suppressed"].fillna(False).astype(bool)
    for col in ("value", "ci_low", "ci_high", "ratio", "ratio_ci_low", "ratio_ci_high"):
        if col in df:
            df[col] = df[col].astype("float64").where(~hidden)
    df["suppressed"] = hidden
    return df.drop(columns=["model_version"])


def audit_report(scope: Scope, version: str) -> tuple[bytes, str] | None:
    """(audit.html bytes, their sha256) when the report exists, else None."""
    require(scope, MODEL_READ_ROLES)
    if "/" in version or "\\" in version or version.startswith("."):
        raise AccessDenied("version")
    path = report_path(version)
    if not path.is_file():
        return None
    body = path.read_bytes()
    return body, hashlib.sha256(body).hexdigest()


REPORTS = ("explanations", "mitigation")


def version_report(scope: Scope, version: str, name: str, *, lang: str = "fr") -> bytes | None:
    """The version's explanation or mitigation report (`<home>/reports/<version>/<name>.html`, the
    English file `<name>.en.html` when asked for and present), or None when not produced."""
    require(scope, MODEL_READ_ROLES)
    if name not in REPORTS or "/" in version or "\\" in version or version.startswith("."):
        raise AccessDenied("version")
    folder = Paths.from_env().reports / version
    for candidate in ([f"{name}.en.html"] if lang == "en" else []) + [f"{name}.html"]:
        if (folder / candidate).is_file():
            return (folder / candidate).read_bytes()
    return None


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _audit_config(path: str, version: int) -> dict:
    del version  # cache key only
    return json.loads(Path(path).read_text(encoding="utf-8")).get("config", {})


def audit_tolerance(scope: Scope, version: str) -> tuple[float, float]:
    """The tolerance the version's audit judged ratios against (audit.json `config.tolerance`),
    else the audit's default (0.8, 1.25)."""
    require(scope, MODEL_READ_ROLES)
    if "/" in version or "\\" in version or version.startswith("."):
        raise AccessDenied("version")
    path = Paths.from_env().reports / version / "audit.json"
    try:
        config = _audit_config(str(path), path.stat().st_mtime_ns)
        low, high = config["tolerance"]
        return float(low), float(high)
    except (FileNotFoundError, KeyError, TypeError, ValueError):
        return 0.8, 1.25


def decisions(scope: Scope, version: str) -> list[dict]:
    require(scope, MODEL_READ_ROLES)
    return casework().decisions(version)


def record_decision(scope: Scope, version: str, *, decision: str, comment: str) -> int:
    """Record the committee's decision on `version`, bound to the sha256 of its audit report ("" when
    there is none, in which case only a rejection is accepted). Raises AccessDenied,
    casework.CaseworkError."""
    require(scope, COMMITTEE_ROLES)
    report = audit_report(scope, version)
    if report is None and decision != "reject":
        raise AccessDenied("no_report")
    meta = published(scope)
    store = casework()
    decision_id = store.record_decision(version, decision=decision, by=scope.username, comment=comment,
                                        report_sha256=report[1] if report else "",
                                        demonstration=bool(meta.get("demonstration")))
    _withdraw_if_champion(version, decision=decision, comment=comment, store=store)
    return decision_id


def _withdraw_if_champion(version: str, *, decision: str, comment: str, store: Casework) -> None:
    """A rejection or suspension of the serving champion retires it at once (as `abri review`
    does): the previous approved champion, else the rule, serves the next lists."""
    from casework import WITHDRAWING
    from models.registry import ModelRegistry, RegistryError

    if decision not in WITHDRAWING:
        return
    registry = ModelRegistry(Paths.from_env().models)
    try:
        if registry.status(version) != "champion":
            return
    except RegistryError:
        return
    registry.retire(version, reason=f"décision « {decision} » du comité : {comment}", approved=store.still_approved)


# -- impact (committee and supervisors) ---------------------------------------------------------
def _impact_json(name: str) -> dict | None:
    path = Paths.from_env().reports / "impact" / name
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def impact(scope: Scope) -> dict | None:
    """reports/impact/impact.json (aggregates only; small cells already suppressed), or None."""
    require(scope, IMPACT_ROLES)
    return _impact_json("impact.json")


def uplift(scope: Scope) -> dict | None:
    """reports/impact/uplift.json: risk vs benefit targeting (a report, never deployed), or None."""
    require(scope, IMPACT_ROLES)
    return _impact_json("uplift.json")


def design_decisions(scope: Scope) -> list[dict]:
    """The committee's design decisions, oldest first (the last one is in force)."""
    require(scope, IMPACT_ROLES)
    return casework().design_decisions()


def record_design(scope: Scope, name: str, *, params: dict, comment: str) -> int:
    """The committee records the randomised design (raises AccessDenied, casework.CaseworkError)."""
    require(scope, COMMITTEE_ROLES)
    meta = published(scope)
    return casework().record_design(name, params=params, by=scope.username, comment=comment,
                                    demonstration=bool(meta.get("demonstration")))


# -- data scientist ----------------------------------------------------------------------------
def _optional(table: str, sql: str) -> pd.DataFrame:
    return serving(sql) if has_table(table) else pd.DataFrame()


def data_quality(scope: Scope) -> pd.DataFrame:
    require(scope, DATA_ROLES)
    return _optional("data_quality", "SELECT source, strftime(extract_month, '%Y-%m') AS extract_month, rows_in, "
                     "rows_loaded, rows_quarantined, linkage_rate FROM data_quality ORDER BY source, extract_month")


def quarantine(scope: Scope) -> pd.DataFrame:
    require(scope, DATA_ROLES)
    return _optional("quarantine_summary", "SELECT source, strftime(extract_month, '%Y-%m') AS extract_month, "
                     "column_name, reason_code, cells FROM quarantine_summary")


def drift(scope: Scope) -> pd.DataFrame:
    require(scope, DATA_ROLES)
    return _optional("drift", "SELECT feature, psi, status, missing_reference, missing_current, model_version "
                     "FROM drift ORDER BY psi DESC")


def lead_time(scope: Scope) -> pd.DataFrame:
    """Per version and scorer: share of later-judged households the lists reached before the
    judgment, 3+ months before, and the median months ahead (from model_versions)."""
    require(scope, DATA_ROLES)
    versions = model_versions(scope)
    rows = []
    for _, v in versions.iterrows():
        for scorer in ("model", "rule", "logistic"):
            if f"{scorer}_reached" in v and pd.notna(v[f"{scorer}_reached"]):
                rows.append({"version": v["version"], "scorer": scorer, "reached": v[f"{scorer}_reached"],
                             "reached_3m_before": v.get(f"{scorer}_reached_3m_before"),
                             "median_lead_months": v.get(f"{scorer}_median_lead_months")})
    return pd.DataFrame(rows)


def evaluation(scope: Scope) -> pd.DataFrame:
    require(scope, DATA_ROLES)
    return _optional("model_evaluation", "SELECT * FROM model_evaluation ORDER BY model_version, month, scorer")


def accounts(scope: Scope) -> list[Account]:
    require(scope, ("admin",))
    return list_users(casework())
