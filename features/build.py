"""Build the household-month panel in DuckDB: cohort, features, labels, audit attributes.

Reads the staging tables written by ingestion: `stg_<source>`, each with the contract's
non-identity columns, `household_key` (NULL when the row could not be linked) and
`extract_month` (the first day of the file's month). Every statement runs in DuckDB; nothing
iterates over rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import duckdb

from features.contract import SOURCES
from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES, FEATURES, Feature

HISTORY_SOURCES = ("bailleurs", "caf", "menages")
COURT_REPORTING_DELAY = 3  # months: court acts reach us up to 3 months after they happen
DEFAULT_HORIZON = 12


def sql(name: str) -> str:
    """The text of features/sql/<name>.sql."""
    return resources.files("features").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _window(f: Feature) -> str:
    if f.window is None:
        return "TRUE"
    return f"e.event_date >= c.snapshot_month - to_months({f.window - 1})"


def _zero_once_delivered(f: Feature) -> bool:
    return f.kind == "event" and f.expr.startswith(("count(", "coalesce("))


def features_sql(features: tuple[Feature, ...] = FEATURES) -> str:
    """The SELECT that builds feature rows for the snapshots in table `c` (a cohort subset)."""
    ctes, joins, cols = [], [], []
    for name in sorted({f.source for f in features if f.kind == "snapshot"}):
        lag = SOURCES[name].lag_months
        fs = [f for f in features if f.kind == "snapshot" and f.source == name]
        alias = f"s_{name}"
        ctes.append(
            f"{alias} AS (SELECT c.household_key, c.snapshot_month, "
            + ", ".join(f"h.{f.expr} AS {f.name}" for f in fs)
            + f" FROM c JOIN history_{name} h ON h.household_key = c.household_key"
            f" AND h.month = c.snapshot_month - to_months({lag}))"
        )
        joins.append(f"LEFT JOIN {alias} USING (household_key, snapshot_month)")
        cols += [f"{alias}.{f.name}" for f in fs]
    for name in sorted({f.source for f in features if f.kind == "event"}):
        src = SOURCES[name]
        fs = [f for f in features if f.kind == "event" and f.source == name]
        alias = f"e_{name}"
        ctes.append(
            f"{alias} AS (SELECT c.household_key, c.snapshot_month, "
            + ", ".join(f"{f.expr.format(w=_window(f))} AS {f.name}" for f in fs)
            + f" FROM c JOIN (SELECT *, {src.event_date} AS event_date FROM stg_{name}"
            f" WHERE household_key IS NOT NULL) e ON e.household_key = c.household_key"
            f" AND e.extract_month + to_months({src.lag_months}) <= c.snapshot_month"
            " GROUP BY c.household_key, c.snapshot_month)"
        )
        ctes.append(f"first_{name} AS (SELECT min(extract_month) AS first_month FROM stg_{name})")
        joins.append(f"LEFT JOIN {alias} USING (household_key, snapshot_month) CROSS JOIN first_{name}")
        for f in fs:
            if _zero_once_delivered(f):
                # no event is a zero only once the partner's files are usable; before, unknown
                cols.append(f"CASE WHEN first_{name}.first_month + to_months({src.lag_months}) <= c.snapshot_month "
                            f"THEN coalesce({alias}.{f.name}, 0) END AS {f.name}")
            else:
                cols.append(f"{alias}.{f.name}")
    inner = ("SELECT c.household_key, c.snapshot_month, c.sector, " + ", ".join(cols)
             + " FROM c " + " ".join(joins))
    outer = "SELECT household_key, snapshot_month, sector, " + ", ".join(
        f"{f.expr} AS {f.name}" if f.kind == "derived" else f.name for f in features) + f" FROM ({inner})"
    return "WITH " + ", ".join(ctes) + " " + outer


@dataclass(frozen=True)
class PanelSummary:
    snapshots: int
    feature_rows: int
    label_rows: int
    positives: int
    months: list[str]


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        work()
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def build_features(con: duckdb.DuckDBPyConnection, *, months: list[str] | None = None) -> None:
    """(Re)build the history tables, the cohort, `features` for `months` ('YYYY-MM';
    delete-then-insert; None = every month) and `audit_attributes`, in one transaction: on
    any error (e.g. a staging table is missing) the previous tables stay as they were."""
    def work():
        for name in HISTORY_SOURCES:
            con.execute(sql(f"history_{name}"))
        con.execute(sql("judgments"))
        con.execute(sql("cohort"))
        selected = "cohort" if months is None else (
            "(SELECT * FROM cohort WHERE strftime(snapshot_month, '%Y-%m') IN (SELECT unnest($months)))")
        params = {} if months is None else {"months": months}
        con.execute(f"CREATE OR REPLACE TEMP TABLE c AS SELECT * FROM {selected}", params)
        con.execute(f"CREATE TABLE IF NOT EXISTS features AS SELECT * FROM ({features_sql()}) LIMIT 0")
        con.execute("DELETE FROM features WHERE snapshot_month IN (SELECT DISTINCT snapshot_month FROM c)")
        con.execute(f"INSERT INTO features BY NAME {features_sql()}")
        con.execute(sql("audit_attributes"))
        con.execute("DROP TABLE c")
    _in_transaction(con, work)


def build_labels(con: duckdb.DuckDBPyConnection, *, horizon: int = DEFAULT_HORIZON) -> None:
    """(Re)build `labels` from the cohort and the court events."""
    _in_transaction(con, lambda: con.execute(sql("labels"), {"horizon": horizon, "court_delay": COURT_REPORTING_DELAY}))


def build_panel(con: duckdb.DuckDBPyConnection, *, months: list[str] | None = None,
                horizon: int = DEFAULT_HORIZON) -> PanelSummary:
    """Features then labels; returns their counts."""
    build_features(con, months=months)
    build_labels(con, horizon=horizon)
    return summarize(con)


def summarize(con: duckdb.DuckDBPyConnection) -> PanelSummary:
    snapshots, feature_rows = con.execute(
        "SELECT count(DISTINCT snapshot_month), count(*) FROM features").fetchone()
    label_rows, positives = con.execute(
        "SELECT count(*), coalesce(sum(judgment_within_horizon::INTEGER), 0) FROM labels").fetchone()
    months = [r[0] for r in con.execute(
        "SELECT DISTINCT strftime(snapshot_month, '%Y-%m') FROM features ORDER BY 1").fetchall()]
    return PanelSummary(snapshots, feature_rows, label_rows, int(positives), months)


def training_frame(con: duckdb.DuckDBPyConnection, *, months: list[str] | None = None,
                   sample: int | None = None, seed: int = 0):
    """Features joined with labels (mature snapshots only), as a pandas DataFrame. Features come
    as 32-bit floats: half the memory at Paris scale (~15 M rows), the precision trees need.
    months: only these snapshot months ('YYYY-MM'); sample: at most this many rows (seeded)."""
    cols = ", ".join(f"f.{n}::FLOAT AS {n}" for n in FEATURE_NAMES)
    where = "" if months is None else "WHERE strftime(f.snapshot_month, '%Y-%m') IN (SELECT unnest($months)) "
    draw = "" if sample is None else f"USING SAMPLE {int(sample)} ROWS (reservoir, {int(seed)}) "
    return con.execute(
        f"SELECT * FROM (SELECT f.household_key, f.snapshot_month, f.sector, {cols}, l.judgment_within_horizon, "
        f"l.judgment_date FROM features f JOIN labels l USING (household_key, snapshot_month) {where}{draw}) "
        "ORDER BY snapshot_month, household_key", {} if months is None else {"months": months}).df()


__all__ = ["AUDIT_ATTRIBUTES", "FEATURE_NAMES", "PanelSummary", "build_features", "build_labels", "build_panel",
           "features_sql", "sql", "summarize", "training_frame"]
