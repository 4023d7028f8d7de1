"""Ingestion library on a small simulated city: accounting, defects, pseudonyms, idempotency."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import stat

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from abri.config import Paths
from ingest import ingest_month, ingest_source, landing_months, quality
from ingest.store import IDENTITY_COLUMNS
from synthetic.simulate import simulate

IDENTITY = {"nom", "prenom", "adresse", "telephone", "date_naissance"}


@pytest.fixture(scope="session")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("ingest_city")
    simulate(home, households=1500, months=3, seed=1, progress=False)
    return home


def fresh(city, tmp_path) -> Paths:
    home = tmp_path / "home"
    shutil.copytree(city / "landing", home / "landing")
    shutil.copytree(city / "resend", home / "resend")
    return Paths(home)


@pytest.fixture(scope="session")
def loaded(city, tmp_path_factory):
    paths = fresh(city, tmp_path_factory.mktemp("loaded"))
    for m in landing_months(paths):
        ingest_month(paths, m)
    return paths


def tables(paths: Paths) -> dict[str, list]:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        out = {}
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall():
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [name]).fetchall() if c != "loaded_at"]
            out[name] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {name}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def sql(paths: Paths, query: str, params=None):
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def test_every_injected_defect_is_quarantined_in_its_column(city, loaded):
    defects = pd.read_parquet(city / "truth" / "defects.parquet")
    defects = defects[defects["file"].str.startswith("landing/")]
    assert len(defects) > 0
    found = set(sql(loaded, "SELECT source, strftime(extract_month, '%Y-%m'), source_row, column_name FROM quarantine"))
    missing = [d for d in defects.itertuples() if (d.source, d.month, d.row, d.column) not in found]
    assert missing == []


def test_rows_in_equals_loaded_plus_quarantined_and_matches_the_file(loaded):
    log = sql(loaded, "SELECT source, strftime(extract_month, '%Y-%m'), file, rows_in, rows_loaded, rows_quarantined FROM ingest_log")
    assert len(log) == 8 * 3
    for source, _month, file, rows_in, rows_loaded, rows_q in log:
        assert rows_in == rows_loaded + rows_q
        path = loaded.landing / file
        n = pq.read_metadata(path).num_rows if file.endswith(".parquet") else \
            len(path.read_bytes().rstrip(b"\n").split(b"\n")) - 1
        assert rows_in == n, file
        assert quality.row_accounting(duckdb.connect(str(loaded.warehouse), read_only=True), source)[0]


def test_exact_duplicate_rows_keep_one_copy(loaded):
    dups = sql(loaded, "SELECT count(*) FROM quarantine WHERE reason_code = 'duplicate'")[0][0]
    assert dups > 0
    for source in ("menages", "caf", "bailleurs"):
        assert quality.duplicate_keys(duckdb.connect(str(loaded.warehouse), read_only=True), source)[0]


def test_ingesting_a_month_twice_gives_identical_tables(city, tmp_path):
    paths = fresh(city, tmp_path)
    month = landing_months(paths)[0]
    ingest_month(paths, month)
    first = tables(paths)
    ingest_month(paths, month, force=True)
    assert tables(paths) == first


def test_an_unchanged_file_is_skipped_and_reported(city, tmp_path):
    paths = fresh(city, tmp_path)
    month = landing_months(paths)[0]
    loaded = ingest_month(paths, month)
    logged = sql(paths, "SELECT source, loaded_at FROM ingest_log ORDER BY 1")
    again = ingest_month(paths, month)
    assert [r.skipped for r in loaded] == [False] * 8 and [r.skipped for r in again] == [True] * 8
    assert [(r.rows_in, r.rows_loaded, r.rows_linked) for r in again] == \
        [(r.rows_in, r.rows_loaded, r.rows_linked) for r in loaded]
    assert "inchangé" in again[1].line() and month in again[1].line()
    assert sql(paths, "SELECT source, loaded_at FROM ingest_log ORDER BY 1") == logged  # nothing rewritten
    # a changed file is loaded again, the others still skipped
    target = paths.landing / "caf" / f"{month}.csv"
    target.write_bytes(target.read_bytes().rstrip(b"\n").rsplit(b"\n", 5)[0] + b"\n")
    third = {r.source: r for r in ingest_month(paths, month)}
    assert not third["caf"].skipped and third["caf"].rows_in == loaded[1].rows_in - 5
    assert all(r.skipped for s, r in third.items() if s != "caf")


def test_a_file_loaded_under_another_key_is_not_skipped(city, tmp_path, monkeypatch):
    paths = fresh(city, tmp_path)
    month = landing_months(paths)[0]
    ingest_source(paths, source_name="menages", month=month)
    monkeypatch.setenv("ABRI_PSEUDONYM_KEY", "une-autre-cle-de-plus-de-32-octets-pour-le-test")
    assert not ingest_source(paths, source_name="menages", month=month).skipped
    assert ingest_source(paths, source_name="menages", month=month).skipped


def test_household_key_is_a_stable_keyed_hash_across_months_and_sources(loaded):
    key = loaded.key_file.read_bytes().strip()
    months = landing_months(loaded)
    ids = pd.read_parquet(loaded.landing / "menages" / f"{months[0]}.parquet")["id_menage"].dropna()
    expected = {hmac.new(key, f"menage:{i}".encode(), hashlib.sha256).hexdigest() for i in ids}
    got = {k for (k,) in sql(loaded, "SELECT household_key FROM stg_menages WHERE extract_month = ?",
                             [pd.Timestamp(months[0]).date()])}
    assert got and got <= expected
    by_month = [{k for (k,) in sql(loaded, "SELECT household_key FROM stg_menages WHERE extract_month = ?",
                                    [pd.Timestamp(m).date()])} for m in months]
    assert len(by_month[0] & by_month[1]) > 0.9 * len(by_month[0])
    # other sources point at the same keys
    fsl = {k for (k,) in sql(loaded, "SELECT household_key FROM stg_fsl WHERE household_key IS NOT NULL")}
    caf = {k for (k,) in sql(loaded, "SELECT household_key FROM stg_caf WHERE household_key IS NOT NULL")}
    allk = set().union(*by_month)
    assert fsl and fsl <= allk and caf and caf <= allk
    rates = sql(loaded, "SELECT source, linkage_rate FROM linkage WHERE source IN ('caf', 'bailleurs', 'menages')")
    assert all(r > 0.9 for _, r in rates)


def test_another_key_gives_other_pseudonyms(city, tmp_path, monkeypatch):
    monkeypatch.setenv("ABRI_PSEUDONYM_KEY", "une-autre-cle-assez-longue-pour-etre-acceptee")
    paths = fresh(city, tmp_path)
    month = landing_months(paths)[0]
    ingest_source(paths, source_name="menages", month=month)
    other = {k for (k,) in sql(paths, "SELECT household_key FROM stg_menages")}
    assert not paths.key_file.exists()
    ids = pd.read_parquet(paths.landing / "menages" / f"{month}.parquet")["id_menage"].dropna()
    with_env = {hmac.new(b"une-autre-cle-assez-longue-pour-etre-acceptee", f"menage:{i}".encode(), hashlib.sha256).hexdigest() for i in ids}
    assert other <= with_env


def test_key_file_is_created_private_and_never_in_the_warehouse(loaded):
    mode = stat.S_IMODE(loaded.key_file.stat().st_mode)
    assert mode == 0o600
    key = loaded.key_file.read_bytes().strip().decode()
    raw = loaded.warehouse.read_bytes()
    assert key.encode() not in raw


def test_no_identity_column_or_value_in_the_warehouse(loaded):
    cols = {c for (c,) in sql(loaded, "SELECT DISTINCT column_name FROM information_schema.columns")}
    assert not cols & IDENTITY
    assert not cols & {"id_menage", "numero_allocataire", "ref_bail"}
    df = pd.read_parquet(loaded.landing / "menages" / f"{landing_months(loaded)[0]}.parquet")
    raw = loaded.warehouse.read_bytes()
    for value in list(df["nom"].head(20)) + list(df["id_menage"].dropna().head(20)):
        assert value.encode() not in raw


def test_identity_store_holds_names_by_household_key(loaded):
    con = duckdb.connect(str(loaded.identity_store), read_only=True)
    cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'identity' "
                                      "ORDER BY ordinal_position").fetchall()]
    assert cols == ["extract_month", *IDENTITY_COLUMNS]
    n, named = con.execute("SELECT count(*), count(nom) FROM identity").fetchone()
    staged = sql(loaded, "SELECT count(*) FROM stg_menages")[0][0]
    assert n == staged and named == n


def test_a_resend_replaces_the_month_cleanly(city, tmp_path):
    """A partner first delivers an incomplete CAF file, then resends the complete one."""
    paths = fresh(city, tmp_path)
    month = landing_months(paths)[0]
    target = paths.landing / "caf" / f"{month}.csv"
    complete = target.read_bytes()
    lines = complete.rstrip(b"\n").split(b"\n")
    target.write_bytes(b"\n".join(lines[:-100]) + b"\n")
    ingest_source(paths, source_name="menages", month=month)  # the household reference
    ingest_source(paths, source_name="caf", month=month)
    before = sql(paths, "SELECT rows_in FROM ingest_log WHERE source = 'caf'")[0][0]
    assert before == len(lines) - 101
    target.write_bytes(complete)
    ingest_source(paths, source_name="caf", month=month)
    (rows_in, rows_loaded, file_hash), = sql(
        paths, "SELECT rows_in, rows_loaded, file_hash FROM ingest_log WHERE source = 'caf'")
    assert rows_in == len(lines) - 1
    assert file_hash == hashlib.sha256(complete).hexdigest()
    assert sql(paths, "SELECT count(*) FROM stg_caf")[0][0] == rows_loaded
    assert sql(paths, "SELECT count(DISTINCT source_row) FROM quarantine WHERE source = 'caf'")[0][0] \
        == rows_in - rows_loaded


def test_volume_change_check_fails_on_a_collapse(loaded, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(loaded.warehouse, copy)
    con = duckdb.connect(str(copy))
    assert quality.volume_change(con, "menages")[0]
    con.execute("UPDATE ingest_log SET rows_in = 10 WHERE source = 'menages' "
                "AND extract_month = (SELECT max(extract_month) FROM ingest_log)")
    assert not quality.volume_change(con, "menages")[0]
    assert not quality.row_accounting(con, "menages")[0]


def test_duplicate_key_and_range_checks_fail_on_a_corrupted_staging_table(loaded, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(loaded.warehouse, copy)
    con = duckdb.connect(str(copy))
    assert quality.values_in_range(con, "caf")[0] and quality.null_rates(con, "caf")[0]
    con.execute("INSERT INTO stg_caf SELECT * FROM stg_caf LIMIT 1")
    con.execute("UPDATE stg_caf SET montant_al = -5 WHERE source_row = 3")
    assert not quality.duplicate_keys(con, "caf")[0]
    assert not quality.values_in_range(con, "caf")[0]


def test_names_are_normalised_the_same_in_sql_and_in_python():
    import duckdb

    from ingest.load import _register_macros
    from ingest.pseudonym import normalise

    con = duckdb.connect()
    _register_macros(con, b"k")
    for text in ["Élodie  Le-Gall", "d'Aubigné", "12 rue de l'Église", "Straße", "  ", "Zoé Müller", "Œuvre"]:
        assert con.execute("SELECT abri_norm(?)", [text]).fetchone()[0] == normalise(text), text


def test_the_crosswalk_kept_up_to_date_equals_one_built_from_scratch(loaded):
    kept = sql(loaded, "SELECT * FROM crosswalk_unique ORDER BY ALL")
    scratch = sql(loaded, "SELECT link_type, link_hash, any_value(household_key) FROM crosswalk "
                          "GROUP BY link_type, link_hash HAVING count(DISTINCT household_key) = 1 ORDER BY ALL")
    assert kept == scratch and len(kept) > 1000


@pytest.mark.parametrize("key", [b"cle-de-test", b"0123456789abcdef" * 4, b"k" * 100],
                         ids=["short", "one-block", "longer-than-a-block"])
def test_the_pseudonyms_in_sql_and_in_python_equal_one_hmac_per_value(key):
    import duckdb

    from ingest import Pseudonymiser
    from ingest.load import _forget_key, _register_macros

    pz = Pseudonymiser(key)
    messages = ["menage:1", None, "menage:2", "menage:1", "adresse:É Ü", "", "bail:" + "x" * 200]
    expected = [None if m is None else hmac.new(key, m.encode(), hashlib.sha256).hexdigest() for m in messages]
    assert [pz.hash(m) for m in messages] == expected
    con = duckdb.connect()
    _register_macros(con, key)
    got = con.execute("SELECT abri_hmac(m) FROM unnest(?) WITH ORDINALITY t(m, i) ORDER BY i", [messages]).fetchall()
    assert [r[0] for r in got] == expected
    _forget_key(con)  # the pads (the key) leave the connection with the file
    assert con.execute("SELECT count(*) FROM duckdb_variables() WHERE name LIKE 'abri%'").fetchone()[0] == 0
    with pytest.raises(duckdb.Error, match="aucune clé"):  # and the macro fails rather than give NULLs
        con.execute("SELECT abri_hmac('menage:1')").fetchall()


def test_null_rate_check_fails_on_nulls_in_a_required_column_or_a_lost_linkage(loaded, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(loaded.warehouse, copy)
    con = duckdb.connect(str(copy))
    latest = "(SELECT max(extract_month) FROM ingest_log WHERE source = 'caf')"
    assert quality.null_rates(con, "caf")[0]
    con.execute(f"UPDATE stg_caf SET montant_al = NULL WHERE source_row = 3 AND extract_month = {latest}")
    passed, meta = quality.null_rates(con, "caf")
    assert not passed and list(meta["required_with_nulls"]) == ["montant_al"]
    con.execute("UPDATE stg_caf SET montant_al = 0 WHERE montant_al IS NULL")
    assert quality.null_rates(con, "caf")[0]
    con.execute(f"UPDATE stg_caf SET household_key = NULL WHERE extract_month = {latest}")
    passed, meta = quality.null_rates(con, "caf")
    assert not passed and meta["household_key_null_rate"] == 1.0


def _hold_lock(path, seconds):
    """Another process holding the DuckDB file's lock for `seconds`; returns once it holds it."""
    import subprocess
    import sys

    code = (f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); "
            f"time.sleep({seconds}); c.close()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_the_warehouse_waits_for_another_process_to_let_go_of_it(tmp_path):
    import time

    from abri.config import Paths
    from ingest.load import connect_warehouse

    paths = Paths(tmp_path)
    connect_warehouse(paths).close()
    holder = _hold_lock(paths.warehouse, 2)
    t0 = time.monotonic()
    con = connect_warehouse(paths)  # waits for the holder to close, then opens
    assert time.monotonic() - t0 > 0.5 and holder.wait(timeout=30) == 0
    con.close()


def test_the_warehouse_lock_error_comes_after_the_wait(tmp_path, monkeypatch):
    import duckdb

    from abri.config import Paths
    from abri.lock import LockedError
    from ingest import load

    paths = Paths(tmp_path)
    load.connect_warehouse(paths).close()
    monkeypatch.setattr(load, "LOCK_WAIT_S", 0.5)
    holder = _hold_lock(paths.warehouse, 5)
    try:
        with pytest.raises(LockedError, match="ouvert par un autre processus depuis plus de 0 s") as caught:
            load.connect_warehouse(paths)
        assert isinstance(caught.value.__cause__, duckdb.IOException)  # DuckDB's own message kept as the cause
    finally:
        holder.kill()
        holder.wait()
