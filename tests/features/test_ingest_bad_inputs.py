"""Each bad input gives quarantined rows or a clear IngestError naming the file, and the
warehouse's previous good state is intact."""

from __future__ import annotations

import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abri.config import Paths
from features.ingest import IngestError, ingest_source
from features.ingest import errors as E
from synthetic.simulate import simulate

MONTH, NEXT = "2026-08", "2026-09"


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("bad_inputs_city")
    simulate(home, households=1500, months=3, seed=1, progress=False)
    return home


@pytest.fixture(scope="session")
def good(city, tmp_path_factory):
    """A warehouse with the first month loaded for every source (the previous good state)."""
    home = tmp_path_factory.mktemp("good")
    shutil.copytree(city / "landing", home / "landing")
    paths = Paths(home)
    for s in ("menages", "caf", "bailleurs", "fsl", "energie"):
        ingest_source(paths, source_name=s, month=MONTH)
    return paths


@pytest.fixture
def paths(good, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(good.home, home)
    return Paths(home)


def state(paths: Paths) -> dict:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * EXCLUDE (loaded_at) FROM {t}" if t == "ingest_log"
                                      else f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("stg_menages", "stg_caf", "stg_bailleurs", "stg_fsl", "quarantine", "ingest_log")}
    finally:
        con.close()


def csv_lines(path):
    return path.read_bytes().decode("latin-1").rstrip("\n").split("\n")


def write_lines(path, lines, encoding="latin-1"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def fails(paths, source, code, *, month=MONTH):
    before = state(paths)
    with pytest.raises(IngestError) as info:
        ingest_source(paths, source_name=source, month=month)
    assert info.value.reason_code == code
    assert f"{source}/{month}." in str(info.value)
    assert state(paths) == before
    return info.value


def test_missing_file_is_named_and_nothing_changes(paths):
    (paths.landing / "caf" / f"{MONTH}.csv").unlink()
    fails(paths, "caf", E.FILE_MISSING)


def test_empty_file_is_refused(paths):
    (paths.landing / "fsl" / f"{MONTH}.csv").write_bytes(b"")
    fails(paths, "fsl", E.EMPTY_FILE)


def test_utf8_file_where_latin1_is_expected_is_refused(paths):
    f = paths.landing / "caf" / f"{MONTH}.csv"
    write_lines(f, csv_lines(f), encoding="utf-8")
    err = fails(paths, "caf", E.WRONG_ENCODING)
    assert "latin-1" in str(err)


def test_wrong_separator_is_refused(paths):
    f = paths.landing / "caf" / f"{MONTH}.csv"
    write_lines(f, [line.replace(";", ",") for line in csv_lines(f)])
    err = fails(paths, "caf", E.WRONG_SEPARATOR)
    assert "point-virgule" in str(err)


def test_missing_column_is_named(paths):
    f = paths.landing / "fsl" / f"{MONTH}.csv"
    write_lines(f, [";".join(line.split(";")[:-1]) for line in csv_lines(f)])
    err = fails(paths, "fsl", E.MISSING_COLUMN)
    assert err.column == "forme_aide" and '"forme_aide"' in str(err)


def test_extra_column_is_named_by_position_never_by_its_text(paths):
    f = paths.landing / "fsl" / f"{MONTH}.csv"
    lines = csv_lines(f)
    write_lines(f, [lines[0] + ";commentaire"] + [line + ";x" for line in lines[1:]])
    err = fails(paths, "fsl", E.EXTRA_COLUMN)
    assert "position(s) 9" in str(err) and "commentaire" not in str(err)


def test_truncated_parquet_is_refused(paths):
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    err = fails(paths, "menages", E.UNREADABLE)
    assert "tronqué" in str(err)


def test_a_column_of_the_wrong_type_is_refused(paths):
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    t = pq.read_table(f)
    i = t.schema.get_field_index("loyer")
    as_text = pa.array([None if v is None else f"{v:.2f}".replace(".", ",") for v in t["loyer"].to_pylist()])
    pq.write_table(t.set_column(i, "loyer", as_text), f)
    err = fails(paths, "menages", E.WRONG_TYPE)
    assert err.column == "loyer"


def test_a_file_of_another_month_is_refused(paths):
    shutil.copy(paths.landing / "caf" / f"{NEXT}.csv", paths.landing / "caf" / f"{MONTH}.csv")
    err = fails(paths, "caf", E.WRONG_MONTH)
    assert NEXT in str(err)
    shutil.copy(paths.landing / "menages" / f"{NEXT}.parquet", paths.landing / "menages" / f"{MONTH}.parquet")
    fails(paths, "menages", E.WRONG_MONTH)


def test_a_caf_file_saved_as_energie_is_recognised(paths):
    shutil.copy(paths.landing / "caf" / f"{MONTH}.csv", paths.landing / "energie" / f"{MONTH}.csv")
    err = fails(paths, "energie", E.WRONG_SOURCE)
    assert "« caf »" in str(err)
    shutil.copy(paths.landing / "bailleurs" / f"{MONTH}.parquet", paths.landing / "menages" / f"{MONTH}.parquet")
    fails(paths, "menages", E.WRONG_SOURCE)


def _quarantine(paths, source):
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return con.execute("SELECT source_row, column_name, reason_code, description, value FROM quarantine "
                           "WHERE source = ? ORDER BY 1, 2", [source]).fetchall()
    finally:
        con.close()


def _set(fields_line: str, col: int, value: str) -> str:
    f = fields_line.split(";")
    f[col] = value
    return ";".join(f)


def test_bad_cells_duplicates_and_dates_are_quarantined_with_row_and_column(paths):
    f = paths.landing / "caf" / f"{MONTH}.csv"
    lines = csv_lines(f)
    header = lines[0].split(";")
    c = {name: header.index(name) for name in header}
    lines[1] = _set(lines[1], c["montant_al"], "12,5O")
    lines[2] = _set(lines[2], c["date_signalement"], "01/01/2099")
    lines[3] = _set(lines[3], c["date_signalement"], "01/01/1850")
    lines[4] = _set(lines[4], c["tranche_qf"], "QF9")
    lines[5] = _set(lines[5], c["numero_allocataire"], "")
    dup_exact = lines[6]
    dup_key = _set(lines[7], c["nb_enfants"], "11")
    lines += [dup_exact, dup_key]
    write_lines(f, lines)
    n = len(lines) - 1
    ingest_source(paths, source_name="caf", month=MONTH)
    q = {(r[0], r[1], r[2]) for r in _quarantine(paths, "caf")}
    assert {(1, "montant_al", E.NOT_A_NUMBER), (2, "date_signalement", E.FUTURE_DATE),
            (3, "date_signalement", E.OUT_OF_RANGE), (4, "tranche_qf", E.UNKNOWN_VALUE),
            (5, "numero_allocataire", E.MISSING_REQUIRED), (n - 1, None, E.DUPLICATE),
            (n, "numero_allocataire", E.DUPLICATE_KEY)} <= q
    rows = _quarantine(paths, "caf")
    # the CAF number is a link column: its value never reaches the quarantine
    assert all(r[4] is None for r in rows if r[1] == "numero_allocataire")
    assert any(r[4] == "12,5O" and "n'est pas un nombre" in r[3] for r in rows)


def test_unknown_arrondissement_and_postcode_are_quarantined(paths):
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    t = pq.read_table(f)
    arr = t["arrondissement"].to_pylist()
    cp = t["code_postal"].to_pylist()
    arr[9], cp[10] = 21, "75099"
    t = t.set_column(t.schema.get_field_index("arrondissement"), "arrondissement", pa.array(arr, pa.int64()))
    t = t.set_column(t.schema.get_field_index("code_postal"), "code_postal", pa.array(cp, pa.string()))
    pq.write_table(t, f)
    ingest_source(paths, source_name="menages", month=MONTH)
    q = {(r[0], r[1], r[2]) for r in _quarantine(paths, "menages")}
    assert (10, "arrondissement", E.OUT_OF_RANGE) in q
    assert (11, "code_postal", E.UNKNOWN_VALUE) in q
