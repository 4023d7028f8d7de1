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

import duckdb
import numpy as np
import pandas as pd

from abri.settings import size_bytes
from features.declare import FEATURE_NAMES

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
    sorted by _month then household_key."""

    X: np.ndarray
    meta: pd.DataFrame

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
    def month(self) -> np.ndarray:
        return self.meta["_month"].to_numpy()

    def months(self) -> list[str]:
        """The distinct snapshot months, 'YYYY-MM', oldest first."""
        return [month_label(int(m)) for m in np.unique(self.month)]

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
            return TrainingSet(self.X[rows], self.meta.iloc[rows])
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        return TrainingSet(self.X[rows], self.meta.iloc[rows].reset_index(drop=True))

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


def load_training_set(con: duckdb.DuckDBPyConnection, *, features: str = "features",
                      progress=None) -> TrainingSet:
    """Every mature labelled snapshot (features joined with labels), read month by month into
    one float32 matrix. `features`: the relation to read them from (the warehouse's table, or the
    lake's Parquet: models/dask_train.py). progress(i, n) after each month."""
    with _memory_capped(con, LOAD_MEMORY_LIMIT):
        return _load(con, features, progress)


def _load(con: duckdb.DuckDBPyConnection, features: str, progress) -> TrainingSet:
    source = f"{features} f JOIN labels l USING (household_key, snapshot_month)"
    counts = con.execute(f"SELECT snapshot_month, count(*) FROM {source} GROUP BY 1 ORDER BY 1").fetchall()
    n = sum(c for _, c in counts)
    # the categories come from one table each, not the join: a category no row uses costs nothing
    keys = pd.Index(np.asarray(con.execute("SELECT DISTINCT household_key FROM labels ORDER BY 1")
                               .fetchnumpy()["household_key"], dtype=object))
    sectors = pd.Index(np.asarray(con.execute(f"SELECT DISTINCT sector FROM {features} WHERE sector IS NOT NULL "
                                              "ORDER BY 1").fetchnumpy()["sector"], dtype=object))
    X = np.empty((n, len(FEATURE_NAMES)), dtype=np.float32)
    key_code = np.empty(n, dtype=np.int32)
    sector_code = np.empty(n, dtype=np.int32)
    label = np.empty(n, dtype=bool)
    judged = np.empty(n, dtype="datetime64[us]")
    snapshot = np.empty(n, dtype="datetime64[us]")
    month_code = np.empty(n, dtype=np.int32)
    cols = ", ".join(f"f.{name}::FLOAT AS {name}" for name in FEATURE_NAMES)
    start = 0
    for i, (month, count) in enumerate(counts):
        part = con.execute(f"SELECT f.household_key, f.sector, {cols}, l.{LABEL}, l.judgment_date FROM {source} "
                           "WHERE f.snapshot_month = ? ORDER BY f.household_key", [month]).fetchnumpy()
        rows = slice(start, start + count)
        for j, name in enumerate(FEATURE_NAMES):
            X[rows, j] = np.ma.filled(part[name].astype(np.float32), np.nan)
        key_code[rows] = keys.get_indexer(np.asarray(part["household_key"], dtype=object))
        sector_code[rows] = sectors.get_indexer(np.asarray(part["sector"], dtype=object))  # NULL: -1
        label[rows] = np.ma.filled(part[LABEL], False)
        judged[rows] = np.ma.filled(part["judgment_date"].astype("datetime64[us]"), np.datetime64("NaT"))
        snapshot[rows] = np.datetime64(pd.Timestamp(month).to_datetime64(), "us")
        month_code[rows] = month_index([str(month)])[0]
        start += count
        if progress:
            progress(i + 1, len(counts))
    meta = pd.DataFrame({
        "household_key": pd.Categorical.from_codes(key_code, categories=keys),
        "snapshot_month": snapshot,
        "sector": pd.Categorical.from_codes(sector_code, categories=sectors),
        LABEL: label,
        "judgment_date": judged,
        "weight": np.ones(n, dtype=np.float64),
        "_month": month_code,
    })
    return TrainingSet(X, meta)
