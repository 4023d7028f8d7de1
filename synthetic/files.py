"""How a partner's file arrives: written exactly as the contract says (CSV with the partner's
separator, decimal mark, date format and encoding, or Parquet), after the configured defects were
injected (nulls, duplicates, malformed values that break the contract), each recorded so that the
ingestion tests can prove it is caught. The Observer (synthetic/extracts.py) decides what each
partner records; this module decides how it looks on disk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.contract import Source


def degrade(src: Source, df: pd.DataFrame, *, month: pd.Period, rel: str, rng: np.random.Generator,
            imperfections, defects: list[dict]) -> pd.DataFrame:
    """Nulls, duplicates and malformed values (rates from `imperfections`, an
    synthetic.extracts.Imperfections), each appended to `defects` with its row number in `rel`."""
    r, imp = rng, imperfections
    if not len(df):
        return df
    df = df.copy()
    for col in src.columns:
        if not col.required and col.role != "key":
            m = r.random(len(df)) < imp.missing_rate
            if m.any():
                df.loc[m, col.name] = None
    dup = np.nonzero(r.random(len(df)) < imp.duplicate_rate)[0]
    if len(dup):
        order = np.sort(np.concatenate([np.arange(len(df)), dup]), kind="stable")
        df = df.iloc[order].reset_index(drop=True)
    bad = np.nonzero(r.random(len(df)) < imp.malformed_rate)[0]
    # a defect must break the contract: a null in an optional text column would not
    candidates = [c for c in src.columns if c.role != "identity" and (c.required or c.dtype != "string")]
    for i in bad:
        col = candidates[int(r.integers(0, len(candidates)))]
        kind, value = _malformed_value(src, col, r)
        if df[col.name].dtype != object:
            df[col.name] = _as_objects(df[col.name])
        df.at[i, col.name] = value
        defects.append({"source": src.name, "month": str(month), "file": rel,
                        "row": int(i) + 1, "column": col.name, "kind": kind, "value": str(value)})
    return df


def _as_objects(v: pd.Series) -> pd.Series:
    """The column as Python objects, so that a raw value can be put in it. Dates through numpy
    (datetime.datetime, NaT as None): pandas' own astype(object) builds a Timestamp per cell, a
    fifth of a Paris simulation's time."""
    if pd.api.types.is_datetime64_any_dtype(v.dtype) and v.dt.tz is None:
        return pd.Series(v.to_numpy(dtype="datetime64[us]").astype(object), index=v.index, name=v.name, dtype=object)
    return v.astype(object)


def _malformed_value(src: Source, col, r: np.random.Generator):
    """A value a partner's system really produces, that breaks the contract."""
    csv = src.format == "csv"
    if col.role == "key" or col.name == src.month_column:
        return "missing_required", None
    if col.dtype in ("float", "int"):
        if csv:
            return "not_a_number", "12,5O" if col.dtype == "float" else "douze"
        # the district column: the city's last district + 1 (Paris: 21)
        return "out_of_range", (col.max or 100) * 10 + 1 if col.name != "arrondissement" else int(col.max) + 1
    if col.dtype == "date":
        if csv:
            return "bad_date", "31/02/2025" if src.date_format.startswith("%d") else "2025-02-31"
        return "future_date", pd.Timestamp("2099-01-01")
    if col.dtype == "category":
        # a postcode just past the city's last (Paris: 75021)
        return "unknown_value", f"{int(max(col.allowed)) + 1:05d}" if col.name == "code_postal" else "INCONNU"
    if col.dtype == "bool":
        return "unknown_value", "peut-être" if csv else None
    return "missing_required", None


def write_extract(src: Source, df: pd.DataFrame, path: Path) -> None:
    """Write one extract exactly as the contract says the partner delivers it.

    Cells holding a raw string in a typed column are injected defects: written as they are.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if src.format == "parquet":
        table = pa.Table.from_pandas(df, preserve_index=False)
        for c in src.columns:
            if c.dtype in ("date", "month"):
                col = pa.array(pd.to_datetime(df[c.name], errors="coerce").astype("datetime64[s]"))
                table = table.set_column(table.schema.get_field_index(c.name), c.name,
                                         col.cast(pa.date32(), safe=False))
        pq.write_table(table, path)
        return
    out = pd.DataFrame(index=df.index)
    for c in src.columns:
        v = df[c.name]
        raw = None
        if v.dtype == object and c.dtype != "string":
            is_raw = np.fromiter((isinstance(x, str) for x in v.to_numpy(dtype=object)), dtype=bool, count=len(v))
            if is_raw.any():
                raw, v = v[is_raw], v.mask(is_raw, None)
        if c.dtype in ("date", "month"):
            fmt = src.month_format if c.dtype == "month" else src.date_format
            col = pd.to_datetime(v, errors="coerce").dt.strftime(fmt).to_numpy(dtype=object)
        elif c.dtype == "bool":
            col = np.where(v.isna(), None, np.where(v.fillna(False).astype(bool), "O", "N"))  # type: ignore[call-overload]  # None: numpy makes an object array
        elif c.dtype == "float":
            col = _format_floats(pd.to_numeric(v, errors="coerce").to_numpy(dtype=float), src.decimal)
        elif c.dtype == "int":
            col = pd.to_numeric(v, errors="coerce").astype("Int64").astype(str).replace("<NA>", None).to_numpy(dtype=object)
        else:
            col = v.to_numpy(dtype=object)
        col = np.array(col, dtype=object)  # a writable copy
        if raw is not None:
            col[is_raw] = raw.to_numpy(dtype=object)
        out[c.name] = col
    with open(path, "w", encoding=src.encoding, newline="") as f:
        out.to_csv(f, sep=src.separator, index=False, lineterminator="\n")


def _format_floats(x: np.ndarray, decimal: str) -> np.ndarray:
    """Two-decimal strings with the partner's decimal mark, vectorised; NaN -> None."""
    if not len(x):
        return np.empty(0, dtype=object)
    cents = np.round(np.abs(np.nan_to_num(x)) * 100).astype(np.int64)
    whole = (cents // 100).astype(str).astype(object)
    frac = np.char.zfill((cents % 100).astype(str), 2).astype(object)
    sign = np.where(x < 0, "-", "").astype(object)
    out = sign + whole + decimal + frac
    out[np.isnan(x)] = None
    return out
