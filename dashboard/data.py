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

Serving reads are cached per (file version, query, parameters): the parameters carry the user's
sectors, so one user's cache never serves another's rows, and a newly published file (atomic
swap, new mtime) is read afresh. Identity reads are never cached. Nothing here writes a key, a
name or an address to a Python log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from abri.city import City
from abri.config import Paths
from abri.settings import load_settings
from casework import CASE_STATUSES, OUTCOMES, Casework
from casework.users import Account, list_users

CASE_ROLES = ("travailleur_social",)
SUPERVISION_ROLES = ("encadrant", "admin")
COMMITTEE_ROLES = ("comite",)
DATA_ROLES = ("data_scientist", "admin")
MODEL_READ_ROLES = ("comite", "data_scientist", "admin")
IMPACT_ROLES = ("comite", "encadrant", "admin")
CONTACT_STATUSES = ("contacte", "aide_acceptee", "refus", "clos")


def city() -> City:
    """The city served (ABRI_CITY): its sectors, in order, and the districts each holds."""
    return load_settings().city


def district_name(number) -> str:
    """A district as the city names it: "19e", "1er" in Paris; "quartier 3" where districts are
    quartiers (the city file's district_label)."""
    from reports.i18n import t

    label = city().district_label
    if label != "arrondissement":
        return f"{label} {number}"
    return t("gval.arrondissement_1") if str(number) == "1" else t("gval.arrondissement", n=number)


class AccessDenied(Exception):
    """The signed-in user may not see or change this. `reason_code` says why (no key in the text)."""

    def __init__(self, reason_code: str):
        super().__init__(reason_code)
        self.reason_code = reason_code


class NotPublished(Exception):
    """serving.duckdb has not been published yet under this home."""


@dataclass(frozen=True)
class Scope:
    """Who is asking: the signed-in account's name, role and sectors."""

    username: str
    role: str
    sectors: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, account: Account) -> Scope:
        return cls(account.username, account.role, tuple(account.sectors))


def _require(scope: Scope, roles: tuple[str, ...]) -> None:
    if scope.role not in roles:
        raise AccessDenied("role")


# -- files and connections ---------------------------------------------------------------------
def home() -> Path:
    return Paths.from_env().home


def serving_path() -> Path:
    return Paths.from_env().serving


def identity_path() -> Path:
    return Paths.from_env().identity_store


def casework() -> Casework:
    return Casework(Paths.from_env().casework)


def report_path(version: str) -> Path:
    return Paths.from_env().reports / version / "audit.html"


@contextmanager
def _connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one query, closed at once (the pipeline swaps files)."""
    if not path.exists():
        raise NotPublished(path.name)
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _cached(path: str, version: int, sql: str, params: tuple) -> pd.DataFrame:
    del version  # part of the cache key only: a new file is a new entry
    with _connect(Path(path)) as con:
        return con.execute(sql, list(params)).df()


def _serving(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = serving_path()
    try:
        version = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NotPublished(path.name) from None
    return _cached(str(path), version, sql, params).copy()


def _has_table(name: str) -> bool:
    df = _serving("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", (name,))
    return bool(df["n"].iloc[0])


def _placeholders(values: tuple) -> str:
    return ", ".join("?" for _ in values) or "NULL"


# -- any signed-in user ------------------------------------------------------------------------
def published(scope: Scope) -> dict:
    """meta.published: published_at, snapshot_month, model_version, demonstration.
    Raises NotPublished."""
    del scope
    df = _serving("SELECT value FROM meta WHERE key = 'published'")
    return json.loads(df["value"].iloc[0]) if len(df) else {}


# -- social worker -----------------------------------------------------------------------------
def outreach_list(scope: Scope) -> pd.DataFrame:
    """This month's list for the worker's sectors, with each case's status (None = never set):
    household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months,
    caf_known, no_landlord_data, reasons_fr, reasons_en, snapshot_month, status, revision,
    updated_at. Raises AccessDenied for other roles."""
    _require(scope, CASE_ROLES)
    sectors = tuple(scope.sectors)
    df = _serving(
        "SELECT household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months, "
        "caf_known, no_landlord_data, reasons_fr, reasons_en, strftime(snapshot_month, '%Y-%m') AS snapshot_month "
        f"FROM outreach_list WHERE sector IN ({_placeholders(sectors)}) ORDER BY sector, rank_in_sector", sectors)
    month = str(df["snapshot_month"].iloc[0]) if len(df) else ""
    cases = {c["household_key"]: c for c in _cases(tuple(df["household_key"]), month)}
    df["status"] = [cases.get(k, {}).get("status") for k in df["household_key"]]
    df["revision"] = [cases.get(k, {}).get("revision", 0) for k in df["household_key"]]
    df["updated_at"] = [cases.get(k, {}).get("updated_at") for k in df["household_key"]]
    return df


def _cases(keys: tuple[str, ...], month: str) -> list[dict]:
    """The cases of this list month (one case per household and list month)."""
    if not keys:
        return []
    with casework().connect() as con:
        rows = con.execute(f"SELECT household_key, status, revision, updated_by, updated_at FROM cases "
                           f"WHERE list_month = ? AND household_key IN ({_placeholders(keys)})",
                           (month, *keys)).fetchall()
    return [dict(zip(("household_key", "status", "revision", "updated_by", "updated_at"), r, strict=True))
            for r in rows]


def log_list_view(scope: Scope, *, rows: int) -> None:
    _require(scope, CASE_ROLES)
    casework().log_access(scope.username, "view_list", None, {"sectors": list(scope.sectors), "rows": rows})


def list_identities(scope: Scope, keys: list[str] | tuple[str, ...], *, purpose: str = "list") -> dict[str, dict]:
    """Latest name, address and phone of each of `keys` (households on this month's list of the
    worker's own sectors, in the register under those sectors' arrondissements), read afresh
    (never cached). Each household read is logged (`view_identity`, or `export_visits` for the
    printable visit list). A key outside the worker's sectors is logged as denied and refused."""
    _require(scope, CASE_ROLES)
    keys = tuple(dict.fromkeys(keys))
    if not keys:
        return {}
    sectors = tuple(scope.sectors)
    listed = _serving(f"SELECT household_key FROM outreach_list WHERE sector IN ({_placeholders(sectors)}) "
                      f"AND household_key IN ({_placeholders(keys)})", (*sectors, *keys))
    allowed = set(listed["household_key"])
    store = casework()
    for k in keys:
        if k not in allowed:
            store.log_access(scope.username, "denied_household", k, {"reason": "sector"})
            raise AccessDenied("sector")
    action = "export_visits" if purpose == "visits" else "view_identity"
    for k in keys:
        store.log_access(scope.username, action, k, {"via": purpose})
    path = identity_path()
    if not path.exists():
        return {}
    districts = city().sector_districts()
    arrs = tuple(a for s in sectors for a in districts.get(s, ()))
    with _connect(path) as con:
        rows = con.execute(
            "SELECT household_key, nom, prenom, adresse, telephone FROM identity "
            f"WHERE household_key IN ({_placeholders(keys)}) AND arrondissement IN ({_placeholders(arrs)}) "
            "QUALIFY row_number() OVER (PARTITION BY household_key ORDER BY extract_month DESC) = 1",
            [*keys, *arrs]).fetchall()
    return {k: {"nom": nom, "prenom": prenom, "adresse": adresse, "telephone": tel}
            for k, nom, prenom, adresse, tel in rows}


def log_export(scope: Scope, *, kind: str, rows: int) -> None:
    _require(scope, CASE_ROLES)
    casework().log_access(scope.username, "export_list", None, {"format": kind, "rows": rows})


def _listed_row(scope: Scope, household_key: str) -> pd.Series:
    """The household's row on this month's list if it is in one of the worker's sectors;
    else the attempt is logged and AccessDenied raised (same answer whether it exists or not)."""
    _require(scope, CASE_ROLES)
    sectors = tuple(scope.sectors)
    df = _serving(
        "SELECT household_key, sector, rank_in_sector, probability, risk_band, procedure_stage, arrears_months, "
        "caf_known, no_landlord_data, model_version, strftime(snapshot_month, '%Y-%m') AS snapshot_month "
        f"FROM outreach_list WHERE household_key = ? AND sector IN ({_placeholders(sectors)})",
        (household_key, *sectors))
    if df.empty:
        casework().log_access(scope.username, "denied_household", household_key, {"reason": "sector"})
        raise AccessDenied("sector")
    return df.iloc[0]


@dataclass(frozen=True)
class Household:
    row: pd.Series
    reasons: pd.DataFrame
    timeline: pd.DataFrame
    case: dict | None
    notes: list[dict]


def household(scope: Scope, household_key: str) -> Household:
    """A listed household of the worker's sectors: its list row, reasons (rank order), 24-month
    timeline, case and notes. The view is logged. Raises AccessDenied otherwise."""
    row = _listed_row(scope, household_key)
    reasons = _serving("SELECT rank, reason_group, direction, contribution, text_fr, text_en FROM reasons "
                       "WHERE household_key = ? ORDER BY rank", (household_key,))
    timeline = _serving("SELECT * FROM household_timeline WHERE household_key = ? ORDER BY snapshot_month",
                        (household_key,)).drop(columns=["household_key"])
    store = casework()
    store.log_access(scope.username, "view_household", household_key, None)
    return Household(row, reasons, timeline, store.case(household_key, str(row["snapshot_month"])),
                     store.notes(household_key))


def identity(scope: Scope, household_key: str) -> dict | None:
    """Latest name, address, phone and birth date of a listed household of the worker's sectors,
    read from identity.duckdb only when its arrondissement is in those sectors too. Every call is
    logged. Raises AccessDenied otherwise; None if the register has no such row."""
    _listed_row(scope, household_key)
    districts = city().sector_districts()
    arrs = tuple(a for s in scope.sectors for a in districts.get(s, ()))
    path = identity_path()
    casework().log_access(scope.username, "view_identity", household_key, None)
    if not path.exists():
        return None
    with _connect(path) as con:
        r = con.execute(
            "SELECT nom, prenom, adresse, arrondissement, telephone, date_naissance FROM identity "
            f"WHERE household_key = ? AND arrondissement IN ({_placeholders(arrs)}) "
            "ORDER BY extract_month DESC LIMIT 1", [household_key, *arrs]).fetchone()
    if r is None:
        return None
    return dict(zip(("nom", "prenom", "adresse", "arrondissement", "telephone", "date_naissance"), r, strict=True))


def set_status(scope: Scope, household_key: str, status: str, *, expected_revision: int,
               outcome: str | None = None) -> int:
    """Change the status (and the outcome, when given) of this list month's case (optimistic:
    raises casework.ConflictError if it changed since `expected_revision` was read). Logged by the
    store. Raises AccessDenied outside the sectors."""
    row = _listed_row(scope, household_key)
    return casework().set_status(household_key, status, by=scope.username, expected_revision=expected_revision,
                                 list_month=str(row["snapshot_month"]), outcome=outcome)


def case(scope: Scope, household_key: str) -> dict | None:
    """The household's case for this month's list (None when nothing was recorded yet)."""
    row = _listed_row(scope, household_key)
    return casework().case(household_key, str(row["snapshot_month"]))


def add_note(scope: Scope, household_key: str, body: str) -> None:
    _listed_row(scope, household_key)
    casework().add_note(household_key, by=scope.username, body=body)


def add_override(scope: Scope, household_key: str, reason: str) -> None:
    row = _listed_row(scope, household_key)
    casework().add_override(household_key, snapshot_month=str(row["snapshot_month"]), by=scope.username,
                            reason=reason)


# -- supervisor --------------------------------------------------------------------------------
def capacity(scope: Scope) -> pd.DataFrame:
    """Per sector: households scored, listed, très élevé / élevé counts, followed and contacted
    counts and rates, median days from the list's publication to the first contact status.
    A supervisor with sectors sees those only. Aggregates only. Raises AccessDenied."""
    _require(scope, SUPERVISION_ROLES)
    sectors = tuple(scope.sectors) if scope.role == "encadrant" else ()
    where = f" WHERE sector IN ({_placeholders(sectors)})" if sectors else ""
    summary = _serving(f"SELECT sector, households, listed, tres_eleve, eleve FROM sector_summary{where}", sectors)
    listed = _serving(f"SELECT household_key, sector FROM outreach_list{where}", sectors)
    meta = published(scope)
    keys = tuple(listed["household_key"])
    month = str(meta.get("snapshot_month") or "")
    status = pd.DataFrame(_cases(keys, month),
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
            f"SELECT household_key, min(changed_at) FROM case_history WHERE household_key IN ({_placeholders(keys)}) "
            f"AND list_month = ? AND status IN ({_placeholders(statuses)}) GROUP BY household_key",
            (*keys, month, *statuses)).fetchall()
    return {k: at for k, at in rows}


# -- ethics committee --------------------------------------------------------------------------
def model_versions(scope: Scope) -> pd.DataFrame:
    _require(scope, MODEL_READ_ROLES)
    if not _has_table("model_versions"):
        return pd.DataFrame()
    return _serving("SELECT * FROM model_versions ORDER BY created_at DESC")


def fairness_summary(scope: Scope, version: str) -> pd.DataFrame | None:
    """The version's fairness summary (suppressed cells blanked), or None when no audit was
    published for it."""
    _require(scope, MODEL_READ_ROLES)
    if not _has_table("fairness_summary"):
        return None
    df = _serving("SELECT * FROM fairness_summary WHERE model_version = ?", (version,))
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
    _require(scope, MODEL_READ_ROLES)
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
    _require(scope, MODEL_READ_ROLES)
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
    _require(scope, MODEL_READ_ROLES)
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
    _require(scope, MODEL_READ_ROLES)
    return casework().decisions(version)


def record_decision(scope: Scope, version: str, *, decision: str, comment: str) -> int:
    """Record the committee's decision on `version`, bound to the sha256 of its audit report ("" when
    there is none, in which case only a rejection is accepted). Raises AccessDenied,
    casework.CaseworkError."""
    _require(scope, COMMITTEE_ROLES)
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
    _require(scope, IMPACT_ROLES)
    return _impact_json("impact.json")


def uplift(scope: Scope) -> dict | None:
    """reports/impact/uplift.json: risk vs benefit targeting (a report, never deployed), or None."""
    _require(scope, IMPACT_ROLES)
    return _impact_json("uplift.json")


def design_decisions(scope: Scope) -> list[dict]:
    """The committee's design decisions, oldest first (the last one is in force)."""
    _require(scope, IMPACT_ROLES)
    return casework().design_decisions()


def record_design(scope: Scope, name: str, *, params: dict, comment: str) -> int:
    """The committee records the randomised design (raises AccessDenied, casework.CaseworkError)."""
    _require(scope, COMMITTEE_ROLES)
    meta = published(scope)
    return casework().record_design(name, params=params, by=scope.username, comment=comment,
                                    demonstration=bool(meta.get("demonstration")))


# -- data scientist ----------------------------------------------------------------------------
def _optional(table: str, sql: str) -> pd.DataFrame:
    return _serving(sql) if _has_table(table) else pd.DataFrame()


def data_quality(scope: Scope) -> pd.DataFrame:
    _require(scope, DATA_ROLES)
    return _optional("data_quality", "SELECT source, strftime(extract_month, '%Y-%m') AS extract_month, rows_in, "
                     "rows_loaded, rows_quarantined, linkage_rate FROM data_quality ORDER BY source, extract_month")


def quarantine(scope: Scope) -> pd.DataFrame:
    _require(scope, DATA_ROLES)
    return _optional("quarantine_summary", "SELECT source, strftime(extract_month, '%Y-%m') AS extract_month, "
                     "column_name, reason_code, cells FROM quarantine_summary")


def drift(scope: Scope) -> pd.DataFrame:
    _require(scope, DATA_ROLES)
    return _optional("drift", "SELECT feature, psi, status, missing_reference, missing_current, model_version "
                     "FROM drift ORDER BY psi DESC")


def lead_time(scope: Scope) -> pd.DataFrame:
    """Per version and scorer: share of later-judged households the lists reached before the
    judgment, 3+ months before, and the median months ahead (from model_versions)."""
    _require(scope, DATA_ROLES)
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
    _require(scope, DATA_ROLES)
    return _optional("model_evaluation", "SELECT * FROM model_evaluation ORDER BY model_version, month, scorer")


def accounts(scope: Scope) -> list[Account]:
    _require(scope, ("admin",))
    return list_users(casework())


def casework_statuses() -> tuple[str, ...]:
    return CASE_STATUSES


def case_outcomes() -> tuple[str, ...]:
    return OUTCOMES


def notes(scope: Scope, household_key: str) -> list[dict]:
    _listed_row(scope, household_key)
    return casework().notes(household_key)


# -- data protection officer -------------------------------------------------------------------
DPO_ROLES = ("dpo", "admin")


def log_notice(scope: Scope, household_key: str) -> None:
    """A CRPA notice downloaded for a listed household of the worker's sectors (logged)."""
    _listed_row(scope, household_key)
    casework().log_access(scope.username, "notice_download", household_key, None)


def access_log(scope: Scope, *, days: int = 30, username: str = "", action: str = "",
               key_prefix: str = "") -> pd.DataFrame:
    """The access log of the last `days` days, newest first, filtered; household keys cut to
    their first 12 characters. Reading it is itself logged. Raises AccessDenied."""
    _require(scope, DPO_ROLES)
    store = casework()
    store.log_access(scope.username, "view_access_log", None,
                     {"days": days, "filtered": bool(username or action or key_prefix)})
    df = pd.DataFrame(store.access_log(since_days=days),
                      columns=["id", "at", "username", "action", "household_key", "detail"])
    if username:
        df = df[df["username"] == username]
    if action:
        df = df[df["action"] == action]
    if key_prefix:
        df = df[df["household_key"].fillna("").str.startswith(key_prefix.strip().lower())]
    df["household_key"] = df["household_key"].str[:12]
    return df.sort_values("id", ascending=False).reset_index(drop=True)


def verify_access_log(scope: Scope):
    """casework.chain.verify over the whole store (access log and committee decisions)."""
    from casework.chain import verify

    _require(scope, DPO_ROLES)
    with casework().connect() as con:
        return verify(con)
