"""Publish serving.duckdb: what the dashboard may read, written to a new file and swapped in.

The dashboard opens serving.duckdb read-only with short-lived connections. Publishing writes
`serving.duckdb.tmp-<pid>`, checks it, then `os.replace`s it: on POSIX the swap is atomic, so a
reader sees the old month or the new one, never half of one; a failed publish leaves the old
file serving. Personal data stay out: households appear only by their pseudonymous key (names
live in the identity store, read by the dashboard for the user's own sector only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from abri.config import connect_duckdb
from models.registry import ModelRegistry
from models.score import RULE_VERSION

TIMELINE_FEATURES = ("arrears_months", "caf_unpaid_report", "housing_allowance_suspended", "procedure_stage",
                     "energy_unpaid_12m", "social_contacts_3m", "income", "unemployment_registrations_12m",
                     "fsl_requests_12m")
TIMELINE_MONTHS = 24


@dataclass(frozen=True)
class PublishSummary:
    path: Path
    snapshot_month: str | None
    model_version: str | None
    tables: dict[str, int]


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [table]).fetchall()[0][0] > 0


def publish(warehouse: Path, serving: Path, *, registry: ModelRegistry, demonstration: bool = False,
            extra_tables: dict[str, object] | None = None) -> PublishSummary:
    """Write a new serving database from the warehouse and swap it in atomically.

    extra_tables: {name: pandas DataFrame} written as they are (e.g. fairness summaries).
    Raises duckdb.Error (the previous serving file stays in place) if a query fails.
    """
    serving.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving.with_name(f"{serving.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = connect_duckdb(home=serving.parent)  # the memory cap of every Abri connection
    try:
        con.execute("ATTACH ? AS out", [str(tmp)])
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        con.execute("USE wh")
        tables: dict[str, int] = {}

        def copy(name: str, query: str, params: list | None = None) -> None:
            con.execute(f"CREATE TABLE out.main.{name} AS {query}", params or [])
            tables[name] = con.execute(f"SELECT count(*) FROM out.main.{name}").fetchall()[0][0]

        month = version = None
        if _has(con, "outreach"):
            month, version = con.execute(
                "SELECT max(snapshot_month), arg_max(model_version, snapshot_month) FROM outreach").fetchall()[0]
            feats = ", ".join(f"f.{c}" for c in TIMELINE_FEATURES)
            copy("outreach_list",
                 "SELECT o.household_key, o.snapshot_month, o.sector, o.rank_in_sector, o.score, o.probability, "
                 "o.risk_band, o.model_version, f.procedure_stage, f.arrears_months, f.caf_known, "
                 "f.arrears_months IS NULL AS no_landlord_data, "
                 "(SELECT string_agg(r.text_fr, ' | ' ORDER BY r.rank) FROM reasons r WHERE r.household_key = "
                 "o.household_key AND r.snapshot_month = o.snapshot_month) AS reasons_fr, "
                 "(SELECT string_agg(r.text_en, ' | ' ORDER BY r.rank) FROM reasons r WHERE r.household_key = "
                 "o.household_key AND r.snapshot_month = o.snapshot_month) AS reasons_en "
                 "FROM outreach o JOIN features f USING (household_key, snapshot_month) "
                 "WHERE o.snapshot_month = ?", [month])
            copy("reasons", "SELECT * FROM reasons WHERE snapshot_month = ?", [month])
            copy("household_timeline",
                 f"SELECT f.household_key, f.snapshot_month, {feats}, s.probability "
                 "FROM features f LEFT JOIN scores s USING (household_key, snapshot_month) "
                 "WHERE f.household_key IN (SELECT household_key FROM outreach WHERE snapshot_month = ?) "
                 f"AND f.snapshot_month > ?::DATE - INTERVAL {TIMELINE_MONTHS} MONTH", [month, month])
            copy("sector_summary",
                 "SELECT sector, count(*) AS households, count(*) FILTER (WHERE risk_band = 'tres_eleve') AS tres_eleve, "
                 "count(*) FILTER (WHERE risk_band = 'eleve') AS eleve, "
                 "(SELECT count(*) FROM outreach o WHERE o.sector = s.sector AND o.snapshot_month = ?) AS listed "
                 "FROM scores s WHERE snapshot_month = ? GROUP BY sector ORDER BY sector", [month, month])
        if _has(con, "scores") and _has(con, "labels"):
            # the champion's own lists, month by month, once their 12 months have passed
            copy("performance_by_month",
                 "SELECT s.snapshot_month, any_value(s.model_version) AS model_version, count(*) AS households, "
                 "sum(l.judgment_within_horizon::INT) AS judged, count(o.household_key) AS listed, "
                 "count(o.household_key) FILTER (WHERE l.judgment_within_horizon) AS listed_and_judged, "
                 "count(o.household_key) FILTER (WHERE l.judgment_within_horizon) / nullif(count(o.household_key), 0) "
                 "AS precision_of_list, count(o.household_key) FILTER (WHERE l.judgment_within_horizon) "
                 "/ nullif(sum(l.judgment_within_horizon::INT), 0) AS recall_of_list "
                 "FROM scores s JOIN labels l USING (household_key, snapshot_month) "
                 "LEFT JOIN outreach o USING (household_key, snapshot_month) GROUP BY 1 ORDER BY 1")
        for name in ("drift", "model_evaluation"):
            if _has(con, name):
                copy(name, f"SELECT * FROM {name}")
        if _has(con, "ingest_log"):
            copy("data_quality",
                 "SELECT l.source, l.extract_month, l.rows_in, l.rows_loaded, l.rows_quarantined, "
                 "k.linkage_rate FROM ingest_log l LEFT JOIN linkage k USING (source, extract_month) "
                 "ORDER BY l.source, l.extract_month")
            copy("quarantine_summary",
                 "SELECT source, extract_month, column_name, reason_code, count(*) AS cells FROM quarantine "
                 "GROUP BY ALL ORDER BY source, extract_month, cells DESC")
        versions = []
        for e in registry.entries():
            meta = registry.metadata(e["version"])
            best = {m["scorer"]: m for m in meta.get("metrics", [])}
            versions.append({
                "version": e["version"], "status": e["status"], "created_at": e["created_at"],
                "as_of": meta.get("as_of"), "energy_kwh": meta.get("energy", {}).get("kwh"),
                "kg_co2e": meta.get("energy", {}).get("kg_co2e"),
                "training_seconds": meta.get("training_seconds"),
                **{f"{s}_{k}": best.get(s, {}).get(k) for s in ("model", "rule", "logistic")
                   for k in ("precision_at_k", "recall_at_k", "roc_auc")},
                **{f"{r['scorer']}_{k}": r.get(k) for r in meta.get("lead_time") or []
                   for k in ("reached", "reached_3m_before", "median_lead_months")},
            })
        frames = {"model_versions": pd.DataFrame(versions), **(extra_tables or {})}
        for name, df in frames.items():
            if df is not None and len(df.columns):
                con.register("_df", df)
                con.execute(f"CREATE TABLE out.main.{name} AS SELECT * FROM _df")
                con.unregister("_df")
                tables[name] = len(df)
        meta = {"published_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "snapshot_month": str(month)[:7] if month else None, "model_version": version,
                "demonstration": demonstration, "rule_lists": version == RULE_VERSION}
        con.execute("CREATE TABLE out.main.meta AS SELECT ? AS key, ? AS value", ["published", json.dumps(meta)])
        con.execute("USE out")
        con.execute("DETACH wh")
        con.execute("CHECKPOINT out")
    except Exception:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, serving)  # the atomic swap
    return PublishSummary(serving, str(month)[:7] if month else None, version, tables)
