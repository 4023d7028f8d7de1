"""The training rows as training reads them: the features as one float32 matrix, rows sorted by
month then household, and the few columns beside them.

Why not a DataFrame: at Paris scale (~15 M labelled household-months x 58 features) a DataFrame
with text keys weighs 5 GB and every fold copied it twice more (window, then fitting rows, then
the float matrix LightGBM wants). Here a month window is a contiguous slice of the matrix, so a
fold's fitting rows, its stopping month and its test months are views LightGBM reads without a
copy; household keys are a categorical (one int32 per row); the matrix is filled month by month
from DuckDB, so loading never holds the whole result twice.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from abri.settings import size_bytes
from features.build import COURT_REPORTING_DELAY as DELAY
from features.build import DEFAULT_HORIZON as HORIZON
from features.declare import FEATURE_NAMES
from models.windows import NEVER, judged_within, last_observed, observed_months

LABEL = "judgment_within_horizon"
FEATURE_INDEX = {name: j for j, name in enumerate(FEATURE_NAMES)}


def month_index(months) -> np.ndarray:
    """Months as integers (year * 12 + month - 1): cheap to compare, unlike strings."""
    m = pd.to_datetime(pd.Series(np.asarray(months)).astype(str).str[:7] + "-01")
    return (m.dt.year * 12 + m.dt.month - 1).to_numpy()


def month_label(index: int) -> str:
    """'YYYY-MM' of a month_index value."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class TrainingSet:
    """X: (rows, len(FEATURE_NAMES)) float32, C-contiguous. meta: one row per row of X, with
    household_key, snapshot_month, sector, LABEL, judgment_date, weight and _month (month_index),
    sorted by _month then household_key.

    With open label windows (models/windows.py) the rows go on past the labelled months:
    `labelled_until` is the last month whose label is known, `observed_until` the month of the
    last court file, meta's _judged and _known the month of the household's judgment and of the
    file that reported it (windows.NEVER when none), and LABEL of a later row says whether a
    judgment came within the months of its window observed by then. None for rows that are all
    labelled (from_frame)."""

    X: np.ndarray
    meta: pd.DataFrame
    labelled_until: int | None = None
    observed_until: int | None = None

    def __len__(self) -> int:
        return len(self.meta)

    @property
    def y(self) -> np.ndarray:
        return self.meta[LABEL].to_numpy(dtype=np.int8)

    @property
    def weight(self) -> np.ndarray | None:
        """Row weights, None when every row weighs 1 (LightGBM then skips them)."""
        w = self.meta["weight"].to_numpy(dtype=np.float64)
        return None if bool((w == 1.0).all()) else w

    @property
    def offset(self) -> np.ndarray | None:
        """Each row's offset to the booster's raw score (open windows: models/windows.py), None
        when there is none."""
        return self.meta["offset"].to_numpy(dtype=np.float64) if "offset" in self.meta else None

    @property
    def month(self) -> np.ndarray:
        return self.meta["_month"].to_numpy()

    def months(self) -> list[str]:
        """The distinct snapshot months, 'YYYY-MM', oldest first."""
        return [month_label(int(m)) for m in np.unique(self.month)]

    def labelled_months(self) -> list[str]:
        """The months whose label is known (all of them without open windows)."""
        return [m for m in self.months()
                if self.labelled_until is None or month_index([m])[0] <= self.labelled_until]

    @property
    def has_open_windows(self) -> bool:
        return self.observed_until is not None and bool((self.month > self.labelled_until).any())

    def rows_of(self, months) -> slice:
        """The rows of these months ('YYYY-MM' or Periods), which must follow each other: a slice,
        so that X[rows] is a view."""
        wanted = np.unique(month_index([str(m) for m in months]))
        if len(wanted) and wanted[-1] - wanted[0] + 1 != len(wanted):
            raise ValueError("mois non consécutifs : " + ", ".join(month_label(int(m)) for m in wanted))
        month = self.month
        if not len(wanted):
            return slice(0, 0)
        return slice(int(np.searchsorted(month, wanted[0], "left")), int(np.searchsorted(month, wanted[-1], "right")))

    def take(self, rows) -> TrainingSet:
        """These rows (a slice: views; a mask or indices: a copy)."""
        if isinstance(rows, slice):
            return self.with_meta(self.X[rows], self.meta.iloc[rows])
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        return self.with_meta(self.X[rows], self.meta.iloc[rows].reset_index(drop=True))

    def with_meta(self, X: np.ndarray, meta: pd.DataFrame) -> TrainingSet:
        """Other rows of the same set (its windows' bounds kept)."""
        return TrainingSet(X, meta, self.labelled_until, self.observed_until)

    def column(self, name: str) -> np.ndarray:
        return self.X[:, FEATURE_INDEX[name]]

    def digest(self) -> str:
        """A content hash of the rows (features, keys, months, labels, weights)."""
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.X).data)
        cols = ["household_key", "snapshot_month", LABEL, "weight"]
        h.update(pd.util.hash_pandas_object(self.meta[cols], index=False).to_numpy().tobytes())
        return h.hexdigest()

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> TrainingSet:
        """From a training_frame-shaped DataFrame (features by name, household_key,
        snapshot_month, LABEL; optional sector, judgment_date, weight), sorted as required."""
        month = month_index(frame["snapshot_month"])
        order = np.lexsort((frame["household_key"].astype(str).to_numpy(), month))
        f = frame.iloc[order]
        meta = pd.DataFrame({
            "household_key": pd.Categorical(f["household_key"].astype(str).to_numpy()),
            "snapshot_month": pd.to_datetime(f["snapshot_month"].to_numpy()),
            "sector": pd.Categorical(f["sector"].to_numpy()) if "sector" in f else None,
            LABEL: f[LABEL].to_numpy(dtype=bool),
            "judgment_date": pd.to_datetime(f["judgment_date"].to_numpy()) if "judgment_date" in f else pd.NaT,
            "weight": f["weight"].to_numpy(dtype=np.float64) if "weight" in f else 1.0,
            "_month": month[order].astype(np.int32),
        })
        X = np.ascontiguousarray(f[list(FEATURE_NAMES)].to_numpy(dtype=np.float32))
        return cls(X, meta)


# A month's read needs little of DuckDB's memory; its buffer cache would otherwise keep up to
# ABRI_MEMORY_LIMIT of the features table beside the matrix for the whole training.
LOAD_MEMORY_LIMIT = "1GB"


@contextlib.contextmanager
def _memory_capped(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    previous = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    if size_bytes(previous) <= size_bytes(limit):  # never raise a lower cap
        yield
        return
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{previous}'")


def load_training_set(con: duckdb.DuckDBPyConnection, *, features: str = "features", open_windows: bool = False,
                      horizon: int = HORIZON, delay: int = DELAY, max_open_negatives: int | None = None,
                      progress=None) -> TrainingSet:
    """Every mature labelled snapshot (features joined with labels), read month by month into
    one float32 matrix; with `open_windows`, also the later snapshots with at least one month of
    their window reported (court files arrive `delay` months late: models/windows.py). Those of
    households never judged, negatives in every fit, are sampled down to `max_open_negatives`
    (a fixed hash of household and month, so the same rows each time) and weighted back
    (models.train.open_negatives_cap: at Paris 7.6 M such rows would add 2 GB to the matrix, and
    a fit keeps at most TrainConfig.max_negatives negatives of every kind). `features`: the
    relation to read them from (the warehouse's table, or the lake's Parquet:
    models/dask_train.py). progress(i, n) after each month."""
    with _memory_capped(con, LOAD_MEMORY_LIMIT):
        return _load(con, features, open_windows, horizon, delay, max_open_negatives, progress)


def month_of(dates: np.ndarray) -> np.ndarray:
    """month_index of datetime64 values, vectorised; NaT -> windows.NEVER."""
    d = np.asarray(dates, dtype="datetime64[us]")
    out = d.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    return np.where(np.isnat(d), NEVER, out).astype(np.int32)


LABELS = "__labels__"
KEYS, SECTORS = "_abri_household_codes", "_abri_sector_codes"  # _load's numbering (temporary tables)


def of_month(source: str, month=None) -> str:
    """`source` reading the labels of `month` only (all when None): DuckDB does not carry a
    month's filter across a LEFT JOIN into the labels' scan, which read them whole each month."""
    return source.replace(LABELS, "labels" if month is None else
                          f"(SELECT * FROM labels WHERE snapshot_month = DATE '{str(month)[:10]}')")


class _Rows(NamedTuple):
    """What _load reads: FROM `relation` WHERE `where` (LABELS standing for the labels' relation:
    of_month), with the `judgment` columns (each household's judgment and when it was reported);
    no month after `last` ('YYYY-MM-DD', None when nothing is labelled); the last labelled month and the
    last court file's month (None without open windows, or without the court's tables to open
    them from); the share of the never-judged households' open rows kept."""
    relation: str
    where: str
    judgment: str
    last: str | None
    labelled_until: int | None = None
    observed_until: int | None = None
    keep: float = 1.0


def _rows(con: duckdb.DuckDBPyConnection, features: str, open_windows: bool, delay: int,
          max_open_negatives: int | None) -> _Rows:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    labelled, court = con.execute(
        "SELECT (SELECT max(snapshot_month) FROM labels), "
        + ("(SELECT max(extract_month) FROM stg_justice)" if "stg_justice" in tables else "NULL")).fetchall()[0]
    mature = _Rows(f"{features} f JOIN {LABELS} l USING (household_key, snapshot_month)", "true",
                   "l.judgment_date::TIMESTAMP AS judgment_date, NULL::TIMESTAMP AS known_from",
                   None if labelled is None else str(labelled))
    if not open_windows or "judgments" not in tables or labelled is None or court is None:
        return mature
    joined = (f"{features} f LEFT JOIN {LABELS} l USING (household_key, snapshot_month) "
              "LEFT JOIN judgments j USING (household_key)")
    # a later snapshot: not judged before it, its window's first month reported by the last file
    observed_until = int(month_index([str(court)])[0])
    last = month_label(last_observed(observed_until, delay=delay)) + "-01"
    later = (f"f.snapshot_month > DATE '{labelled}' AND f.snapshot_month <= DATE '{last}' "
             "AND (j.judgment_date IS NULL OR j.judgment_date >= f.snapshot_month + INTERVAL 1 MONTH)")
    keep = 1.0
    if max_open_negatives is not None:
        never = con.execute(f"SELECT count(*) FROM {of_month(joined)} WHERE l.household_key IS NULL AND {later} "
                            "AND j.judgment_date IS NULL").fetchall()[0][0]
        keep = min(1.0, max_open_negatives / never) if never else 1.0
    if keep < 1.0:
        later += (f" AND (j.judgment_date IS NOT NULL OR "
                  f"hash(f.household_key, f.snapshot_month) % 1000000 < {round(keep * 1_000_000)})")
    return _Rows(joined, f"l.household_key IS NOT NULL OR ({later})",
                 "j.judgment_date::TIMESTAMP AS judgment_date, j.known_from::TIMESTAMP AS known_from", last,
                 int(month_index([str(labelled)])[0]), observed_until, keep)


def _load(con: duckdb.DuckDBPyConnection, features: str, open_windows: bool, horizon: int, delay: int,
          max_open_negatives: int | None, progress) -> TrainingSet:
    try:
        # households and sectors numbered once, in DuckDB: each month then reads integers, not
        # text (Python strings and pandas' lookups cost a third of a Paris load); the categories
        # come from the features table, not the join: a category no row uses costs nothing
        con.execute(f"CREATE OR REPLACE TEMP TABLE {KEYS} AS SELECT household_key, "
                    f"(row_number() OVER (ORDER BY household_key) - 1)::INTEGER AS code "
                    f"FROM (SELECT DISTINCT household_key FROM {features})")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {SECTORS} AS SELECT sector, "
                    f"(row_number() OVER (ORDER BY sector) - 1)::INTEGER AS code "
                    f"FROM (SELECT DISTINCT sector FROM {features} WHERE sector IS NOT NULL)")
        keys, sectors = (pd.Index(np.asarray(con.execute(f"SELECT {col} FROM {table} ORDER BY code")
                                             .fetchnumpy()[col], dtype=object))
                         for table, col in ((KEYS, "household_key"), (SECTORS, "sector")))
        src = _rows(con, features, open_windows, delay, max_open_negatives)
        # each month's rows are at most its features' rows: the arrays are sized for those and cut
        # to the rows read at the end (pages never written are never resident), which spares a
        # count of the join (9 s at Paris)
        bounds = [] if src.last is None else con.execute(
            f"SELECT snapshot_month, count(*) FROM {features} WHERE snapshot_month <= ? GROUP BY 1 ORDER BY 1",
            [src.last]).fetchall()
        bound = sum(c for _, c in bounds)
        X = np.empty((bound, len(FEATURE_NAMES)), dtype=np.float32)
        columns = {name: np.empty(bound, dtype=dtype) for name, dtype in (
            ("key_code", np.int32), ("sector_code", np.int32), ("label", bool), ("judgment_date", "datetime64[us]"),
            ("known_from", "datetime64[us]"), ("snapshot", "datetime64[us]"), ("month_code", np.int32))}
        # one fixed-size array per row: Arrow hands it over as the rows of X, already row-major
        row = ", ".join(f"coalesce(f.{name}::FLOAT, 'NaN'::FLOAT)" for name in FEATURE_NAMES)
        n = 0
        for i, (month, _) in enumerate(bounds):
            part = con.sql(f"SELECT k.code AS key_code, coalesce(s.code, -1) AS sector_code, "
                           f"[{row}]::FLOAT[{len(FEATURE_NAMES)}] AS x, coalesce(l.{LABEL}, false) AS label, "
                           f"{src.judgment} FROM {of_month(src.relation, month)} "
                           f"JOIN {KEYS} k USING (household_key) LEFT JOIN {SECTORS} s USING (sector) "
                           f"WHERE ({src.where}) AND f.snapshot_month = $month",
                           params={"month": month}).to_arrow_table()
            # sorted by household here, not in DuckDB, which would sort the wide rows
            order = np.argsort(part.column("key_code").to_numpy(), kind="stable")
            rows = slice(n, n + len(order))
            X[rows] = part.column("x").combine_chunks().flatten().to_numpy().reshape(-1, len(FEATURE_NAMES))[order]
            for name in ("key_code", "sector_code", "label", "judgment_date", "known_from"):
                columns[name][rows] = part.column(name).to_numpy()[order]
            columns["snapshot"][rows] = np.datetime64(pd.Timestamp(month).to_datetime64(), "us")
            columns["month_code"][rows] = month_index([str(month)])[0]
            n += len(order)
            if progress:
                progress(i + 1, len(bounds))
    finally:
        con.execute(f"DROP TABLE IF EXISTS {KEYS}; DROP TABLE IF EXISTS {SECTORS}")
    X.resize((n, len(FEATURE_NAMES)), refcheck=False)  # in place: the unused tail is released, not copied
    key_code, sector_code, label, judged, known, snapshot, month_code = (
        columns[name][:n].copy() for name in ("key_code", "sector_code", "label", "judgment_date", "known_from",
                                              "snapshot", "month_code"))
    judged_month, known_month = month_of(judged), month_of(known)
    weight = np.ones(n, dtype=np.float64)
    if src.observed_until is not None:  # a later row's label: judged within the months observed so far
        later = month_code > src.labelled_until
        weight[later & (judged_month == NEVER)] = 1.0 / src.keep
        observed = observed_months(month_code[later], src.observed_until, horizon=horizon, delay=delay)
        label[later] = judged_within(month_code[later], judged_month[later], known_month[later], observed,
                                     src.observed_until)
    meta = pd.DataFrame({
        "household_key": pd.Categorical.from_codes(key_code, categories=keys),
        "snapshot_month": snapshot,
        "sector": pd.Categorical.from_codes(sector_code, categories=sectors),
        LABEL: label,
        "judgment_date": judged,
        "weight": weight,
        "_month": month_code,
        "_judged": judged_month,
        "_known": known_month,
    })
    return TrainingSet(X, meta, src.labelled_until, src.observed_until)
