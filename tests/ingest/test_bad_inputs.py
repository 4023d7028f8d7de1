"""Each bad input gives quarantined rows or a clear IngestError naming the file, and the
warehouse's previous good state is intact."""

from __future__ import annotations

import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abri.config import Paths
from ingest import IngestError, ingest_source
from ingest import errors as E
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


# -- the bad-input corpus of issue 12: each kind is a named file error or a counted quarantine --

def _caf(paths, month=MONTH):
    f = paths.landing / "caf" / f"{month}.csv"
    lines = csv_lines(f)
    return f, lines, {name: i for i, name in enumerate(lines[0].split(";"))}


def _accounted(r):
    assert r.rows_in == r.rows_loaded + r.rows_quarantined
    return {(c, code): n for c, code, n in r.quarantine_summary}


def test_a_ragged_line_is_quarantined_as_its_row_and_the_others_load(paths):
    f, lines, _ = _caf(paths)
    n = len(lines) - 1
    lines[3] += ";en trop"
    lines[7] = ";".join(lines[7].split(";")[:5])
    write_lines(f, lines)
    r = ingest_source(paths, source_name="caf", month=MONTH)
    assert r.rows_in == n and _accounted(r)[(None, E.WRONG_FIELD_COUNT)] == 2
    rows = {(row, reason) for row, _, reason, _, _ in _quarantine(paths, "caf")}
    assert {(3, E.WRONG_FIELD_COUNT), (7, E.WRONG_FIELD_COUNT)} <= rows
    assert not any(row in (3, 7) and reason != E.WRONG_FIELD_COUNT for row, reason in rows)


def test_a_file_cut_in_the_middle_of_a_line_quarantines_that_line(paths):
    f, lines, _ = _caf(paths)
    f.write_bytes(("\n".join(lines[:-1]) + "\n" + lines[-1][:9]).encode("latin-1"))
    r = ingest_source(paths, source_name="caf", month=MONTH)
    assert _accounted(r)[(None, E.WRONG_FIELD_COUNT)] == 1 and r.rows_in == len(lines) - 1


def test_too_many_ragged_lines_refuse_the_file_naming_the_first(paths):
    from ingest.read import MAX_RAGGED_SHARE

    f, lines, _ = _caf(paths)
    bad = range(5, len(lines), int(1 / (2 * MAX_RAGGED_SHARE)))  # twice the share allowed
    for i in bad:
        lines[i] += ";x"
    write_lines(f, lines)
    err = fails(paths, "caf", E.UNREADABLE)
    assert err.row == 5 and f"plus de {round(MAX_RAGGED_SHARE * 100)}\u00a0%" in str(err)


@pytest.mark.parametrize("kind, code, words", [
    ("bom", E.WRONG_ENCODING, "BOM"), ("utf16", E.WRONG_ENCODING, "UTF-16"),
    ("gzip", E.COMPRESSED, "gzip"), ("zip", E.COMPRESSED, "zip")])
def test_bom_utf16_and_compressed_files_are_named(paths, kind, code, words):
    import gzip
    import io
    import zipfile

    f = paths.landing / "caf" / f"{MONTH}.csv"
    raw = f.read_bytes()
    if kind == "bom":
        data = b"\xef\xbb\xbf" + raw
    elif kind == "utf16":
        data = raw.decode("latin-1").encode("utf-16")
    elif kind == "gzip":
        data = gzip.compress(raw)
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("caf.csv", raw)
        data = buf.getvalue()
    f.write_bytes(data)
    err = fails(paths, "caf", code)
    assert words in str(err) and "colonne" not in str(err)


def test_a_gzipped_parquet_file_is_named(paths):
    import gzip

    f = paths.landing / "menages" / f"{MONTH}.parquet"
    f.write_bytes(gzip.compress(f.read_bytes()))
    assert "gzip" in str(fails(paths, "menages", E.COMPRESSED))


def test_thousands_dots_and_fractional_integers_are_quarantined_not_misread(paths):
    f, lines, c = _caf(paths)
    lines[1] = _set(lines[1], c["montant_al"], "1.645")
    lines[2] = _set(lines[2], c["ressources_mensuelles"], "1.645,50")
    lines[3] = _set(lines[3], c["nb_enfants"], "2,5")
    lines[4] = _set(lines[4], c["nb_enfants"], "1.5")
    lines[5] = _set(lines[5], c["montant_al"], "16,45")  # the contract's own format still loads
    write_lines(f, lines)
    r = ingest_source(paths, source_name="caf", month=MONTH)
    q = {(row, col, reason): value for row, col, reason, _, value in _quarantine(paths, "caf")}
    assert q[(1, "montant_al", E.DECIMAL_POINT)] == "1.645"
    assert (2, "ressources_mensuelles", E.DECIMAL_POINT) in q
    assert (3, "nb_enfants", E.NOT_AN_INTEGER) in q and (4, "nb_enfants", E.NOT_AN_INTEGER) in q
    assert not any(row == 5 for row, _, _ in q)
    assert r.rows_in == r.rows_loaded + r.rows_quarantined


def test_a_whole_column_with_decimal_points_is_a_file_error(paths):
    f, lines, c = _caf(paths)
    write_lines(f, [lines[0]] + [_set(line, c["montant_al"], line.split(";")[c["montant_al"]].replace(",", "."))
                                 for line in lines[1:]])
    assert fails(paths, "caf", E.WRONG_TYPE).column == "montant_al"


def test_a_fractional_child_count_in_parquet_is_not_rounded(paths):
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    t = pq.read_table(f)
    kids = [float(v) for v in t["nb_enfants"].to_pylist()]
    kids[0] = 2.5
    t = t.set_column(t.schema.get_field_index("nb_enfants"), "nb_enfants", pa.array(kids, pa.float64()))
    pq.write_table(t, f)
    ingest_source(paths, source_name="menages", month=MONTH)
    q = {(r[0], r[1], r[2]) for r in _quarantine(paths, "menages")}
    assert (1, "nb_enfants", E.NOT_AN_INTEGER) in q
    assert not any(row == 2 and col == "nb_enfants" for row, col, _ in q)  # 1.0 is an integer


def _with_dates(paths, dates: list[str]):
    f, lines, c = _caf(paths)
    for i, d in enumerate(dates, start=1):
        lines[i] = _set(_set(lines[i], c["date_signalement"], d), c["impaye_signale"], "O")
    for i in range(len(dates) + 1, len(lines)):
        lines[i] = _set(lines[i], c["date_signalement"], "")
    write_lines(f, lines)


def test_us_dates_refuse_the_file_naming_the_column_and_the_format(paths):
    _with_dates(paths, ["07/25/2026", "07/05/2026", "06/30/2026", "08/01/2026", "05/14/2026"])
    err = fails(paths, "caf", E.WRONG_DATE_FORMAT)
    assert err.column == "date_signalement" and "américain" in str(err)


def test_one_stray_date_in_another_format_is_quarantined_only(paths):
    _with_dates(paths, ["25/07/2026"] * 9 + ["07/25/2026"])
    r = ingest_source(paths, source_name="caf", month=MONTH)
    assert _accounted(r)[("date_signalement", E.BAD_DATE)] == 1


def test_nul_bytes_are_quarantined_in_their_column_and_never_reach_a_key(paths):
    f, lines, c = _caf(paths)
    lines[4] = _set(lines[4], c["numero_allocataire"], lines[4].split(";")[0][:3] + "\x00" + lines[4].split(";")[0][3:])
    lines[6] = _set(lines[6], c["tranche_qf"], "QF\x002")
    write_lines(f, lines)
    r = ingest_source(paths, source_name="caf", month=MONTH)
    q = {(row, col, reason): value for row, col, reason, _, value in _quarantine(paths, "caf")}
    assert q[(4, "numero_allocataire", E.CONTROL_CHARACTER)] is None  # a key column: no value
    assert q[(6, "tranche_qf", E.CONTROL_CHARACTER)] == "QF\ufffd2"
    assert _accounted(r)
    m = paths.landing / "menages" / f"{MONTH}.parquet"
    t = pq.read_table(m)
    names = t["nom"].to_pylist()
    names[2] = names[2] + "\x00"
    pq.write_table(t.set_column(t.schema.get_field_index("nom"), "nom", pa.array(names, pa.string())), m)
    ingest_source(paths, source_name="menages", month=MONTH)
    assert (3, "nom", E.CONTROL_CHARACTER, None) in {(r[0], r[1], r[2], r[4]) for r in _quarantine(paths, "menages")}


def test_a_snapshot_whose_volume_collapses_is_blocked_unless_accepted(paths, monkeypatch):
    from ingest.guards import ACCEPT_VOLUME_ENV

    f, lines, _ = _caf(paths, NEXT)
    keep = len(lines) // 3
    write_lines(f, lines[:keep])
    err = fails(paths, "caf", E.VOLUME_COLLAPSE, month=NEXT)
    assert f"{keep - 1} lignes contre" in str(err) and MONTH in str(err)
    monkeypatch.setenv(ACCEPT_VOLUME_ENV, f"caf/{NEXT}.csv")
    assert ingest_source(paths, source_name="caf", month=NEXT).rows_in == keep - 1


FSL_HEADER = "numero_dossier;id_menage;type_evenement;date_evenement;montant_demande;decision;montant_accorde;forme_aide"


def _fsl(paths, month, rows):
    write_lines(paths.landing / "fsl" / f"{month}.csv", [FSL_HEADER] + rows, encoding="utf-8")


def test_an_fsl_file_resent_under_the_next_months_name_is_refused(paths):
    rows = [f"FSL-9{i};M{i};demande;1{i}/08/2026;800.00;;;" for i in range(4)]
    _fsl(paths, MONTH, rows)
    ingest_source(paths, source_name="fsl", month=MONTH)
    _fsl(paths, NEXT, rows)
    err = fails(paths, "fsl", E.ALREADY_DELIVERED_FILE, month=NEXT)
    assert "4 des 4" in str(err) and MONTH in str(err)
    # one event repeated among new ones: only that row is quarantined
    _fsl(paths, NEXT, [rows[0]] + [f"FSL-8{i};M{i};demande;0{i + 1}/09/2026;500.00;;;" for i in range(3)])
    r = ingest_source(paths, source_name="fsl", month=NEXT)
    assert r.rows_loaded == 3 and _accounted(r)[("numero_dossier, type_evenement", E.ALREADY_DELIVERED)] == 1


def _crosswalk(paths):
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return (sorted(con.execute("SELECT * FROM crosswalk").fetchall(), key=repr),
                sorted(con.execute("SELECT * FROM crosswalk_unique").fetchall(), key=repr))
    finally:
        con.close()


def test_a_corrected_household_file_withdraws_the_wrong_link(paths):
    before = _crosswalk(paths)
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    good_bytes = f.read_bytes()
    t = pq.read_table(f)
    caf = t["numero_allocataire"].to_pylist()
    i, j = [k for k, v in enumerate(caf) if v][:2]
    caf[i] = caf[j]  # household i given household j's CAF number by mistake
    pq.write_table(t.set_column(t.schema.get_field_index("numero_allocataire"), "numero_allocataire",
                                pa.array(caf, pa.string())), f)
    ingest_source(paths, source_name="menages", month=MONTH)
    wrong = _crosswalk(paths)
    assert len(wrong[1]) < len(before[1])  # the CAF number now points at two households: unusable
    f.write_bytes(good_bytes)  # the partner resends the corrected file
    ingest_source(paths, source_name="menages", month=MONTH)
    assert _crosswalk(paths) == before


def test_a_link_seen_in_a_later_month_survives_a_correction_of_an_earlier_one(paths):
    ingest_source(paths, source_name="menages", month=NEXT)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    n_both = con.execute("SELECT count(*) FROM crosswalk WHERE seen_again").fetchone()[0]
    con.close()
    assert n_both > 0
    f = paths.landing / "menages" / f"{MONTH}.parquet"
    t = pq.read_table(f)
    pq.write_table(t.slice(1), f)  # the first household withdrawn from the earlier month
    ingest_source(paths, source_name="menages", month=MONTH)
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    moved = con.execute("SELECT count(*) FROM crosswalk WHERE extract_month = ?", [pd_month(NEXT)]).fetchone()[0]
    unique = con.execute("SELECT count(*) FROM crosswalk_unique").fetchone()[0]
    con.close()
    assert moved > 0 and unique == len(_crosswalk(paths)[1])


def pd_month(month: str):
    from datetime import date

    return date(int(month[:4]), int(month[5:]), 1)
