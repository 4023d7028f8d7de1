"""Contract validation in DuckDB SQL, generated from the source contract.

Why DuckDB-native rather than pandera: every value is first seen as text, then each column is
parsed with `try_cast`/`try_strptime`, so a failing cell gives NULL instead of stopping the
scan; one pass finds every failing cell of every column, at Paris scale, without a second
dataframe library. The generated SQL reads only the registered `raw` relation and binds the
file month as parameters ($month_start, $month_end); contract constants (allowed values, ranges,
formats) come from ingest/contract.py and are quoted as SQL literals.
"""

from __future__ import annotations

from ingest import errors as E
from ingest.contract import Column, Source
from ingest.read import PROBLEM, ROW

OLDEST = "DATE '1900-01-01'"
CONTROL = r"'[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]'"  # RE2 class: NUL and the other invisible bytes
CONTROL_IN_ROW = "control_in_row"


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal for a contract constant."""
    return "'" + value.replace("'", "''") + "'"


def reason_col(name: str) -> str:
    return q(f"r__{name}")


def parse_expr(src: Source, col: Column, v: str) -> str:
    """SQL parsing the text value `v` into the column's type (NULL when it does not parse)."""
    csv = src.format == "csv"
    if col.dtype in ("string", "category"):
        return v
    if col.dtype == "int":
        # DuckDB rounds '2.5' to 3 in a cast: only whole numbers are integers ('2.0' from Parquet)
        d = f"try_cast({v} AS DOUBLE)"
        return f"(CASE WHEN isfinite({d}) AND {d} = trunc({d}) THEN try_cast({d} AS BIGINT) END)"
    if col.dtype == "float":
        if csv and src.decimal == ",":
            # "1.645" is one thousand six hundred and forty-five, not 1.645: a point is refused
            text = f"replace({v}, ',', '.')"
            return (f"(CASE WHEN NOT contains({v}, '.') AND isfinite(try_cast({text} AS DOUBLE)) "
                    f"THEN try_cast({text} AS DOUBLE) END)")
        return f"(CASE WHEN isfinite(try_cast({v} AS DOUBLE)) THEN try_cast({v} AS DOUBLE) END)"
    if col.dtype in ("date", "month"):
        if csv:
            fmt = src.month_format if col.dtype == "month" else src.date_format
            return f"CAST(try_strptime({v}, {lit(fmt)}) AS DATE)"
        return f"try_cast({v} AS DATE)"
    if col.dtype == "bool":
        if csv:
            return f"(CASE {v} WHEN 'O' THEN true WHEN 'N' THEN false END)"
        return f"try_cast({v} AS BOOLEAN)"
    raise ValueError(f"{src.name}.{col.name}: unknown dtype {col.dtype!r}")


def reason_expr(src: Source, col: Column, v: str, parsed: str) -> str:
    """SQL giving the column's reason code for one row, NULL when the value is valid."""
    missing = f"'{E.MISSING_REQUIRED}'" if col.required or col.role == "key" else "NULL"
    bad = {"int": E.NOT_A_NUMBER, "float": E.NOT_A_NUMBER, "date": E.BAD_DATE,
           "month": E.BAD_DATE, "bool": E.UNKNOWN_VALUE}.get(col.dtype)
    whens = [f"WHEN {v} IS NULL THEN {missing}",
             f"WHEN t.{CONTROL_IN_ROW} AND regexp_matches({v}, {CONTROL}) THEN '{E.CONTROL_CHARACTER}'",
             f"WHEN length({v}) > {E.MAX_FIELD_CHARS} THEN '{E.TOO_LONG}'"]
    if col.dtype == "int":
        text = f"replace({v}, ',', '.')" if src.format == "csv" and src.decimal == "," else v
        d = f"try_cast({text} AS DOUBLE)"
        whens.append(f"WHEN {parsed} IS NULL AND isfinite({d}) THEN '{E.NOT_AN_INTEGER}'")
    if col.dtype == "float" and src.format == "csv" and src.decimal == ",":
        whens.append(f"WHEN {parsed} IS NULL AND contains({v}, '.') THEN '{E.DECIMAL_POINT}'")
    if bad:
        whens.append(f"WHEN {parsed} IS NULL THEN '{bad}'")
    if col.allowed:
        whens.append(f"WHEN {v} NOT IN ({', '.join(lit(a) for a in col.allowed)}) THEN '{E.UNKNOWN_VALUE}'")
    if col.dtype in ("int", "float"):
        if col.min is not None:
            whens.append(f"WHEN {parsed} < {col.min!r} THEN '{E.OUT_OF_RANGE}'")
        if col.max is not None:
            whens.append(f"WHEN {parsed} > {col.max!r} THEN '{E.OUT_OF_RANGE}'")
    if col.dtype == "month":
        whens.append(f"WHEN {parsed} <> $month_start THEN '{E.WRONG_MONTH_ROW}'")
    if col.dtype == "date":
        whens.append(f"WHEN {parsed} > $month_end THEN '{E.FUTURE_DATE}'")
        whens.append(f"WHEN {parsed} < {OLDEST} THEN '{E.OUT_OF_RANGE}'")
    return "CASE " + " ".join(whens) + " END"


def typed_sql(src: Source) -> str:
    """SELECT over `raw`: source_row, each column parsed, and one r__<column> reason per column.
    Control characters are looked for once in the whole row, then in its cells only if found:
    one regular expression per row instead of one per cell (a third of the statement's time)."""
    texts = ", ".join(f"nullif(trim(CAST({q(c.name)} AS VARCHAR)), '') AS {q(c.name)}" for c in src.columns)
    row = f"regexp_matches(concat({', '.join(q(c.name) for c in src.columns)}), {CONTROL}) AS {CONTROL_IN_ROW}"
    parts = [q(ROW), q(PROBLEM)]
    for c in src.columns:
        v = f"t.{q(c.name)}"
        parsed = parse_expr(src, c, v)
        parts.append(f"{parsed} AS {q(c.name)}")
        parts.append(f"{reason_expr(src, c, v, parsed)} AS {reason_col(c.name)}")
        parts.append(f"{v} AS {q('txt__' + c.name)}")
    return (f"-- reads: raw (the partner file, registered from Arrow)\n"
            f"SELECT {', '.join(parts)} FROM (SELECT *, {row} FROM (SELECT {q(ROW)}, {q(PROBLEM)}, {texts} "
            "FROM raw)) AS t")


def quarantine_cells_sql(src: Source) -> str:
    """One row per failing cell of the `typed` table: source_row, column_name, reason_code; a
    malformed line (read_problem) is one row without a column."""
    return "\nUNION ALL\n".join(
        [f"SELECT {q(ROW)}, NULL AS column_name, {q(PROBLEM)} AS reason_code FROM typed "
         f"WHERE {q(PROBLEM)} IS NOT NULL"]
        + [f"SELECT {q(ROW)}, {lit(c.name)} AS column_name, {reason_col(c.name)} AS reason_code "
           f"FROM typed WHERE {reason_col(c.name)} IS NOT NULL AND {q(PROBLEM)} IS NULL"
           for c in src.columns])


def all_valid(src: Source) -> str:
    return " AND ".join([f"{q(PROBLEM)} IS NULL"] + [f"{reason_col(c.name)} IS NULL" for c in src.columns])


def shown_value_sql(col: Column, v: str) -> str:
    """The raw text kept in quarantine.value, or NULL. Only attribute/audit columns, and only a
    value that cannot be a name, an address, a phone or a partner id: two swapped headers would
    otherwise put surnames in a number column. A number, date or yes/no keeps at most one letter
    ("12,5O"), a category code has no space and a digit or an underscore ("QF9"), and neither
    holds ten digits or more (a phone number)."""
    if col.role not in ("attribute", "audit") or col.dtype == "string":
        return "NULL"
    visible = f"regexp_replace({v}, {CONTROL}, '\uFFFD', 'g')"  # a NUL shown as �
    short = f"length({v}) <= 12 AND length(regexp_replace({v}, '[^0-9]', '', 'g')) < 10"
    if col.dtype == "category":
        allowed = ", ".join(lit(a.upper()) for a in col.allowed or ())
        code = (f"(NOT regexp_matches({v}, '\\s') AND regexp_matches({v}, '[0-9_]'))"
                + (f" OR upper({v}) IN ({allowed})" if allowed else ""))
        return f"CASE WHEN {short} AND ({code}) THEN {visible} END"
    return f"CASE WHEN {short} AND length(regexp_replace({v}, '[^[:alpha:]]', '', 'g')) <= 1 THEN {visible} END"


def duplicates_sql(src: Source) -> str:
    """Among valid rows: exact copies of an earlier row (`duplicate`), then other rows repeating
    an earlier row's key (`duplicate_key`); the first occurrence is kept. Rows are numbered
    within their group only among the candidates, the rows whose hash is shared: a file has few
    duplicates, and the windows then sort a handful of rows instead of the whole file (0.78 s ->
    0.41 s on a Paris household file)."""
    texts = ", ".join(q("txt__" + c.name) for c in src.columns)
    keys = ", ".join(q(k) for k in src.keys)
    return f"""
-- reads: typed
WITH valid AS (SELECT *, hash({texts}) AS h_row, hash({keys}) AS h_key FROM typed WHERE {all_valid(src)}),
exact AS (
  SELECT {q(ROW)} FROM valid WHERE h_row IN (SELECT h_row FROM valid GROUP BY h_row HAVING count(*) > 1)
  QUALIFY row_number() OVER (PARTITION BY {texts} ORDER BY {q(ROW)}) > 1),
rest AS (SELECT * FROM valid ANTI JOIN exact USING ({q(ROW)})),
bykey AS (
  SELECT {q(ROW)} FROM rest WHERE h_key IN (SELECT h_key FROM rest GROUP BY h_key HAVING count(*) > 1)
  QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {q(ROW)}) > 1)
SELECT {q(ROW)}, NULL AS column_name, '{E.DUPLICATE}' AS reason_code FROM exact
UNION ALL
SELECT {q(ROW)}, {lit(', '.join(src.keys))} AS column_name, '{E.DUPLICATE_KEY}' AS reason_code FROM bykey
"""
