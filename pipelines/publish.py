"""Publish serving.duckdb: what the dashboard may read, written to a new file and swapped in.
Each table's query is pipelines/sql/<table>.sql; `model_versions`, `fairness_summary` and the
`meta` row come from the registry and the committee's audit records.

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

SQL = Path(__file__).with_name("sql")
# tables of the month's lists (parameter $month); the others copy the warehouse's history
MONTH_TABLES = ("outreach_list", "reasons", "household_timeline", "sector_summary")


def table_sql(name: str) -> str:
    """The query building serving table `name`: pipelines/sql/<name>.sql."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


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

        def copy(name: str, params: dict | None = None) -> None:
            con.execute(f"CREATE TABLE out.main.{name} AS {table_sql(name)}", params or {})
            tables[name] = con.execute(f"SELECT count(*) FROM out.main.{name}").fetchall()[0][0]

        month = version = None
        if _has(con, "outreach"):
            month, version = con.execute(
                "SELECT max(snapshot_month), arg_max(model_version, snapshot_month) FROM outreach").fetchall()[0]
            for name in MONTH_TABLES:
                copy(name, {"month": month})
        if _has(con, "scores") and _has(con, "labels"):
            copy("performance_by_month")
        for name in ("drift", "model_evaluation"):
            if _has(con, name):
                copy(name)
        if _has(con, "ingest_log"):
            copy("data_quality")
            copy("quarantine_summary")
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


def fairness_summary(registry: ModelRegistry, reports: Path) -> dict[str, pd.DataFrame]:
    """{"fairness_summary": every audited version's groups} for `publish`'s extra_tables (suppressed
    cells stay suppressed); {} when no version has an audit.json in reports/<version>/."""
    rows = []
    for e in registry.entries():
        path = reports / e["version"] / "audit.json"
        if path.exists():
            rows += fairness_rows(e["version"], json.loads(path.read_text(encoding="utf-8")))
    return {"fairness_summary": pd.DataFrame(rows)} if rows else {}


def fairness_rows(version: str, record: dict) -> list[dict]:
    """Flatten audit.json into (version, spec, group, metric, value, ci, ratio, verdict) rows."""
    out = []
    for spec in record.get("group_specs", []):
        for group in spec.get("groups", []):
            for metric, m in (group.get("metrics") or {}).items():
                if not isinstance(m, dict):
                    continue
                ci = m.get("ci") or [None, None]
                rci = m.get("ratio_ci") or [None, None]
                out.append({"model_version": version, "spec": spec.get("name"), "group": group.get("group"),
                            "n": group.get("n"), "metric": metric, "value": m.get("value"),
                            "ci_low": ci[0], "ci_high": ci[1], "ratio": m.get("ratio"), "ratio_ci_low": rci[0],
                            "ratio_ci_high": rci[1], "verdict": m.get("verdict"),
                            "headline_verdict": group.get("verdict")})
    return out
