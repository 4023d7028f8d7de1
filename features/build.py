"""Build the household-month panel in DuckDB: cohort, features, labels, audit attributes.

Reads the staging tables written by ingestion: `stg_<source>`, each with the contract's
non-identity columns, `household_key` (NULL when the row could not be linked) and
`extract_month` (the first day of the file's month). Every statement runs in DuckDB; nothing
iterates over rows in Python.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from importlib import resources

import duckdb

from abri.city import load_city
from abri.db import transaction
from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES, FEATURES, Feature
from features.lake import lake_months, lake_of, write_months
from ingest.contract import SOURCES

HISTORY_SOURCES = ("bailleurs", "caf", "menages")
# the history the cohort view is made of: the feature statement reads its features from the
# cohort row itself (c), with no join back to history_menages
COHORT_SOURCE = "menages"
# cohort rows built by one feature statement: consecutive snapshot months are grouped until a
# group holds that many (`_batches`; three Paris months of 690,000 rows). A month's rows are then
# stored together, so the lake's copy of a month (and every reader of a month) skips the others'
# row groups, and each statement's hash tables hold a few months of history: a Paris rebuild,
# statements and lake copy, 136 s in one statement, 96 s by three months (101 s by six, 121 s
# month by month). A small city's months fit in one statement (the demo city: 4.0-4.2 s in one
# statement, 5.4-5.6 s by three months, each statement's fixed cost repeated).
BATCH_ROWS = 2_000_000
# Defaults of the settings (abri.settings: ABRI_HORIZON_MONTHS, ABRI_COURT_DELAY_MONTHS), which
# the pipeline passes in.
COURT_REPORTING_DELAY = 3  # months: court acts reach us up to 3 months after they happen
DEFAULT_HORIZON = 12
EPOCH = date(1900, 1, 1)  # "since the beginning": a full rebuild
NO_MONTH = date(9999, 12, 1)  # "since no month": only some households' rows change
# what identifies an ingested file: a re-ingested month (even of the same file) is rebuilt
_INPUTS = "source, extract_month, file_hash, loaded_at"


def sql(name: str) -> str:
    """The text of features/sql/<name>.sql."""
    return resources.files("features").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _window(f: Feature) -> str:
    if f.window is None:
        return "TRUE"
    return f"e.event_date >= c.snapshot_month - to_months({f.window - 1})"


def _zero_once_delivered(f: Feature) -> bool:
    return f.kind == "event" and f.expr.startswith(("count(", "coalesce("))


def _batches(months: list[tuple[date, int]], rows: int | None = None) -> list[list[date]]:
    """Consecutive snapshot months, given with their cohort rows, grouped until a group holds
    `rows` rows (default BATCH_ROWS); the last group may hold fewer."""
    rows = BATCH_ROWS if rows is None else rows
    out: list[list[date]] = []
    batch: list[date] = []
    n = 0
    for month, count in months:
        batch.append(month)
        n += count
        if n >= rows:
            out.append(batch)
            batch, n = [], 0
    return out + [batch] if batch else out


def features_sql(features: tuple[Feature, ...] = FEATURES, *, snapshots: tuple[date, date] | None = None) -> str:
    """The SELECT that builds feature rows for the snapshots in table `c` (a cohort subset with
    a row number `rid`; the household reference's features are its own columns, cohort.sql).
    Every join is on integers: the household's number `hid` (household_ids)
    rather than its 64-character pseudonym, and event features, aggregated per snapshot row, join
    back by that row's number (at 100,000 households, 4.5 times faster than the text keys).
    `snapshots`: the first and last snapshot month in `c`; the history tables are then read for
    those months only (DuckDB does not carry the join's month into the scan: a Paris month's
    statement took 4.2-4.4 s without, 2.2-2.4 s with, identical rows)."""
    ctes, joins, cols = [], [], []
    if any(f.kind == "snapshot" and f.source == COHORT_SOURCE for f in features):
        assert SOURCES[COHORT_SOURCE].lag_months == 0  # its month is the snapshot's: the cohort row's own
        cols += [f"c.{f.expr} AS {f.name}" for f in features if f.kind == "snapshot" and f.source == COHORT_SOURCE]
    for name in sorted({f.source for f in features if f.kind == "snapshot"} - {COHORT_SOURCE}):
        lag = SOURCES[name].lag_months
        alias = f"s_{name}"
        # month = a DATE (not date - interval, a timestamp), so it compares with history's months
        month = f"CAST(c.snapshot_month - to_months({lag}) AS DATE)"
        history = f"history_{name}"
        if snapshots is not None:  # the dates are parsed dates, so safe to inline
            lo, hi = (f"CAST(DATE '{d.isoformat()}' - to_months({lag}) AS DATE)" for d in snapshots)
            history = f"(SELECT * FROM {history} WHERE month BETWEEN {lo} AND {hi})"
        joins.append(f"LEFT JOIN {history} {alias} ON {alias}.hid = c.hid AND {alias}.month = {month}")
        cols += [f"{alias}.{f.expr} AS {f.name}" for f in features if f.kind == "snapshot" and f.source == name]
    for name in sorted({f.source for f in features if f.kind == "event"}):
        src = SOURCES[name]
        fs = [f for f in features if f.kind == "event" and f.source == name]
        alias = f"e_{name}"
        ctes.append(
            f"{alias} AS (SELECT c.rid, "
            + ", ".join(f"{f.expr.format(w=_window(f))} AS {f.name}" for f in fs)
            + f" FROM c JOIN (SELECT s.*, i.hid, s.{src.event_date} AS event_date FROM stg_{name} s"
            f" JOIN household_ids i USING (household_key)) e ON e.hid = c.hid"
            f" AND e.extract_month + to_months({src.lag_months}) <= c.snapshot_month"
            " GROUP BY c.rid, c.snapshot_month)"
        )
        ctes.append(f"first_{name} AS (SELECT min(extract_month) AS first_month FROM stg_{name})")
        joins.append(f"LEFT JOIN {alias} USING (rid) CROSS JOIN first_{name}")
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


def _in_transaction(con: duckdb.DuckDBPyConnection, work):
    with transaction(con):
        return work()


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchall()[0][0] > 0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of `table` (empty when there is no such table)."""
    return {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall()}


def _outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the panel was built by an earlier version of Abri, and so is rebuilt whole rather
    than refused: other declared features (a new version adds a column), no household numbers
    (history tables without hid), or a cohort table rather than the view over history_menages
    (no sector there)."""
    features = _columns(con, "features")
    return ((bool(features) and features != {"household_key", "snapshot_month", "sector", *FEATURE_NAMES})
            or not _table_exists(con, "household_ids") or "sector" not in _columns(con, "history_menages"))


def changed_since(con: duckdb.DuckDBPyConnection) -> date | None:
    """The first extract month whose ingested files differ from those the panel was last built
    from (new, resent, re-ingested or removed: ingest_log against panel_inputs); None when
    nothing changed. EPOCH (rebuild everything) on the first build, or when staging was written
    without an ingest_log (tests, hand-made warehouses): then nothing says what changed."""
    if not (_table_exists(con, "features") and _table_exists(con, "panel_inputs")
            and _table_exists(con, "ingest_log")):
        return EPOCH
    if con.execute("SELECT count(*) FROM ingest_log").fetchall()[0][0] == 0:
        return EPOCH
    return con.execute(f"""SELECT min(extract_month) FROM (
        (SELECT {_INPUTS} FROM ingest_log EXCEPT SELECT {_INPUTS} FROM panel_inputs)
        UNION ALL
        (SELECT {_INPUTS} FROM panel_inputs EXCEPT SELECT {_INPUTS} FROM ingest_log))""").fetchall()[0][0]


def pending_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Snapshot months ('YYYY-MM') the next incremental build would rebuild, oldest first."""
    since = changed_since(con)
    if since is None or not _table_exists(con, "stg_menages"):
        return []
    return [r[0] for r in con.execute(
        "SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM stg_menages WHERE extract_month >= ? "
        "ORDER BY 1", [since]).fetchall()]


def _rebuild_from(con: duckdb.DuckDBPyConnection, table: str, query: str, since: date,
                  extra: dict | None = None) -> None:
    """Rows of `table` for months >= since replaced by `query`'s (the table is created on first use)."""
    params = {"since": since, **(extra or {})}
    if since == EPOCH:  # everything: a new table is cheaper than deleting every row
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {query}", params)
        return
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({query}) LIMIT 0", params)
    con.execute(f"DELETE FROM {table} WHERE month >= ?", [since])
    con.execute(f"INSERT INTO {table} BY NAME {query}", params)


def _number_households(con: duckdb.DuckDBPyConnection, since: date) -> None:
    """household_ids(household_key, hid): a number for each household of the household
    reference, in the order of its first month then its pseudonym, so that an incremental build
    gives the numbers a full rebuild gives. New households of months >= since get the next
    numbers; a full rebuild numbers them all again (the panel is rebuilt with them; a panel
    without household_ids is always rebuilt whole, `build_features`)."""
    first = ("SELECT household_key, min(extract_month) AS first_month FROM stg_menages "
             "WHERE household_key IS NOT NULL AND extract_month >= $since GROUP BY household_key")
    if since == EPOCH:
        con.execute("CREATE OR REPLACE TABLE household_ids AS SELECT household_key, "
                    f"row_number() OVER (ORDER BY first_month, household_key)::INTEGER AS hid FROM ({first})",
                    {"since": EPOCH})
        return
    con.execute(f"""INSERT INTO household_ids
        SELECT n.household_key, (SELECT coalesce(max(hid), 0) FROM household_ids)
               + row_number() OVER (ORDER BY n.first_month, n.household_key)::INTEGER
        FROM ({first}) n ANTI JOIN household_ids USING (household_key)""", {"since": since})


def _history_carry(con: duckdb.DuckDBPyConnection, since: date) -> None:
    """Months in arrears of the month before history_bailleurs' recomputed window (see its SQL)."""
    if since > EPOCH and _table_exists(con, "history_bailleurs"):
        con.execute("CREATE OR REPLACE TEMP TABLE history_carry AS SELECT hid, months_in_arrears "
                    "FROM history_bailleurs WHERE month = ?::DATE - INTERVAL 13 MONTH", [since])
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE history_carry (hid INTEGER, months_in_arrears BIGINT)")


def _view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """The view `name` (features/sql/<name>.sql), replacing the table an earlier version built."""
    kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_name = ?", [name]).fetchall()
    if kind and kind[0][0] != "VIEW":
        con.execute(f"DROP TABLE {name}")
    con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql(name)}")


def build_features(con: duckdb.DuckDBPyConnection, *, months: list[str] | None = None,
                   full: bool = False, sectors: dict[int, str] | None = None) -> list[str]:
    """Bring the panel up to date with the staging tables, in one transaction (on any error the
    previous tables stay as they were). Returns the snapshot months rebuilt ('YYYY-MM').

    Only what changed is rebuilt: a file of month m (new, resent or removed, see
    `changed_since`) can change the history tables, cohort, features and audit attributes of
    months >= m only (every statement looks back, never forward), so those rows are replaced
    and the others kept (the cohort and the audit attributes are views over them). The
    features are built a few snapshot months per statement (`_batches`). `sectors`: the city's
    district number -> sector (abri.city.City.district_sectors; default Paris's). `months` adds
    snapshot months to rebuild (delete-then-insert); `full` rebuilds everything, and so does a
    panel built by an earlier version (`_outdated`: e.g. a new version adds a feature column).

    A warehouse kept in a file also gets the rebuilt months in its lake
    (lake/features/month=YYYY-MM/, features/lake.py), once the transaction has committed."""
    full = full or _outdated(con)
    since = EPOCH if full else changed_since(con)
    sectors = sectors if sectors is not None else load_city("paris").district_sectors
    by_district = {"districts": list(sectors), "sectors": list(sectors.values())}

    def work() -> list[str]:
        if since is not None:
            _number_households(con, since)
            _history_carry(con, since)
            for name in HISTORY_SOURCES:
                _rebuild_from(con, f"history_{name}", sql(f"history_{name}"), since,
                              by_district if name == COHORT_SOURCE else None)
            con.execute("DROP TABLE history_carry")
            con.execute(sql("judgments"))
            _view(con, "cohort")
            # the labels of these months follow the cohort's (build_labels)
            con.execute("CREATE TABLE IF NOT EXISTS labels_pending (since DATE)")
            con.execute("INSERT INTO labels_pending VALUES (?)", [since])
        elif not months:
            return []
        chosen = [date.fromisoformat(m + "-01") for m in months or []]
        counts = [(r[0], r[1]) for r in con.execute(
            "SELECT snapshot_month, count(*) FROM cohort WHERE list_contains($chosen::DATE[], snapshot_month) "
            + ("OR snapshot_month >= $since " if since is not None else "") + "GROUP BY 1 ORDER BY 1",
            {"chosen": chosen, **({"since": since} if since is not None else {})}).fetchall()]
        built = [m for m, _ in counts]
        if since == EPOCH:  # everything: a new table is cheaper than deleting every row
            con.execute("DROP TABLE IF EXISTS features")
        elif _table_exists(con, "features"):
            con.execute("DELETE FROM features WHERE list_contains($built::DATE[], snapshot_month)", {"built": built})
        # no month at all: one empty batch, so that a first build still creates the table
        for batch in _batches(counts) or [[]]:
            # months as date literals (parsed dates, so safe to inline): the scan filters on them
            listed = ", ".join(f"DATE '{m.isoformat()}'" for m in batch) or "NULL"
            con.execute("CREATE OR REPLACE TEMP TABLE c AS SELECT row_number() OVER () AS rid, * FROM cohort "
                        f"WHERE snapshot_month IN ({listed})")
            query = features_sql(snapshots=(batch[0], batch[-1]) if batch else None)
            con.execute(f"CREATE TABLE IF NOT EXISTS features AS SELECT * FROM ({query}) LIMIT 0")
            con.execute(f"INSERT INTO features BY NAME {query}")
        con.execute("DROP TABLE IF EXISTS c")
        _view(con, "audit_attributes")
        if _table_exists(con, "ingest_log"):
            con.execute(f"CREATE OR REPLACE TABLE panel_inputs AS SELECT {_INPUTS} FROM ingest_log")
        return [m.strftime("%Y-%m") for m in built]

    built = _in_transaction(con, work)
    lake = lake_of(con)
    if lake is not None and built:  # after the commit: the lake copies what the warehouse holds
        gone = lake_months(lake, "features") if since == EPOCH else []  # a full rebuild drops vanished months
        write_months(con, lake=lake, table="features", months=sorted(set(built) | set(gone)))
    return built


def build_labels(con: duckdb.DuckDBPyConnection, *, horizon: int = DEFAULT_HORIZON,
                 court_delay: int = COURT_REPORTING_DELAY, full: bool = False) -> None:
    """Bring `labels` up to date with the cohort and the court events, in one transaction.

    Only what can have changed is rebuilt (a Paris month: 6.8 s whole, the 14.5 M rows): the
    snapshot months from the first one whose cohort `build_features` rebuilt since the last
    labels (`labels_pending`), or after the last labelled month when a new court file came
    (`label_inputs`); and, in earlier months, the households whose judgment changed (against
    `label_judgments`, the judgments the labels were built from). Another horizon or delay, a
    court file withdrawn (the last one moves back), `full`, or a warehouse without these records
    rebuilds the whole table."""
    params = {"horizon": horizon, "court_delay": court_delay}
    query = sql("labels")

    def work() -> None:
        last = con.execute("SELECT max(extract_month) FROM stg_justice").fetchall()[0][0]
        since = None if full else _labels_since(con, last=last, horizon=horizon, court_delay=court_delay)
        if since is None:
            con.execute(f"CREATE OR REPLACE TABLE labels AS {query}", params)
        else:
            con.execute("CREATE OR REPLACE TEMP TABLE label_changed AS SELECT DISTINCT household_key FROM ("
                        "(SELECT * FROM judgments EXCEPT SELECT * FROM label_judgments) UNION ALL "
                        "(SELECT * FROM label_judgments EXCEPT SELECT * FROM judgments))")
            con.execute("DELETE FROM labels WHERE snapshot_month >= ? "
                        "OR household_key IN (SELECT household_key FROM label_changed)", [since])
            # two inserts: the month filter alone reaches the cohort's scan, an OR would not
            con.execute(f"INSERT INTO labels SELECT * FROM ({query}) WHERE snapshot_month >= $since",
                        {**params, "since": since})
            con.execute(f"INSERT INTO labels SELECT * FROM ({query}) WHERE snapshot_month < $since "
                        "AND household_key IN (SELECT household_key FROM label_changed)", {**params, "since": since})
            con.execute("DROP TABLE label_changed")
        con.execute("CREATE OR REPLACE TABLE label_judgments AS SELECT * FROM judgments")
        con.execute("CREATE OR REPLACE TABLE label_inputs AS SELECT ?::INTEGER AS horizon, ?::INTEGER AS court_delay, "
                    "?::DATE AS last_court", [horizon, court_delay, last])
        con.execute("CREATE OR REPLACE TABLE labels_pending (since DATE)")

    _in_transaction(con, work)


def _labels_since(con: duckdb.DuckDBPyConnection, *, last: date | None, horizon: int, court_delay: int) -> date | None:
    """The first snapshot month whose labels may have changed for every household (NO_MONTH:
    none did, only some households' may have), or None when the whole table must be rebuilt.
    Which snapshots are labelled is labels.sql's rule alone: a new court file can only label
    months after the last labelled one."""
    if not all(_table_exists(con, t) for t in ("labels", "label_inputs", "label_judgments", "labels_pending")):
        return None
    rows = con.execute("SELECT horizon, court_delay, last_court FROM label_inputs").fetchall()
    if len(rows) != 1 or rows[0][:2] != (horizon, court_delay) or rows[0][2] is None or last is None:
        return None
    if last < rows[0][2]:  # a court file withdrawn: labelled months may lose their label
        return None
    pending = con.execute("SELECT min(since) FROM labels_pending").fetchall()[0][0]
    after = None
    if last > rows[0][2]:
        after = con.execute("SELECT CAST(max(snapshot_month) + INTERVAL 1 MONTH AS DATE) FROM labels").fetchall()[0][0]
        if after is None:  # nothing labelled yet
            return None
    firsts = [d for d in (pending, after) if d is not None]
    since = min(firsts) if firsts else NO_MONTH
    return None if since == EPOCH else since


def build_panel(con: duckdb.DuckDBPyConnection, *, months: list[str] | None = None,
                horizon: int = DEFAULT_HORIZON, full: bool = False,
                sectors: dict[int, str] | None = None) -> PanelSummary:
    """Features then labels; returns their counts."""
    build_features(con, months=months, full=full, sectors=sectors)
    build_labels(con, horizon=horizon)
    return summarize(con)


@dataclass(frozen=True)
class PanelUpdate:
    """What one incremental build did: the snapshot months rebuilt (empty: nothing changed)."""

    months: list[str]
    seconds: float


def update_panel(con: duckdb.DuckDBPyConnection, *, horizon: int = DEFAULT_HORIZON,
                 sectors: dict[int, str] | None = None) -> PanelUpdate:
    """The monthly run's feature step, for callers without Dagster (the closed loop, the bench):
    rebuild only what the files ingested since the last build change, then the labels if
    anything changed. After `ingest.ingest_month(paths, month)`."""
    t0 = time.perf_counter()
    built = build_features(con, sectors=sectors)
    if built or not _table_exists(con, "labels"):
        build_labels(con, horizon=horizon)
    return PanelUpdate(months=built, seconds=time.perf_counter() - t0)


def summarize(con: duckdb.DuckDBPyConnection) -> PanelSummary:
    snapshots, feature_rows = con.execute(
        "SELECT count(DISTINCT snapshot_month), count(*) FROM features").fetchall()[0]
    label_rows, positives = con.execute(
        "SELECT count(*), coalesce(sum(judgment_within_horizon::INTEGER), 0) FROM labels").fetchall()[0]
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


__all__ = ["AUDIT_ATTRIBUTES", "EPOCH", "FEATURE_NAMES", "PanelSummary", "PanelUpdate", "build_features",
           "build_labels", "build_panel", "changed_since", "features_sql", "pending_months", "sql", "summarize",
           "training_frame", "update_panel"]
