"""The monthly run does the month's work: an incremental build equals a full rebuild, after a
new month and after a resent one, and rebuilds only the months a file can change."""

from __future__ import annotations

import itertools
import shutil
from datetime import date

import duckdb
import pytest

from abri.config import Paths
from features.build import build_panel, changed_since, pending_months, update_panel
from ingest import ingest_month, landing_months
from synthetic.simulate import simulate

PANEL = ("features", "cohort", "audit_attributes", "history_bailleurs", "history_caf", "history_menages",
         "labels", "judgments")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("incremental_city")
    simulate(home, households=600, months=16, seed=5, progress=False)
    return home


def dump(path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PANEL}


def full_rebuild_of(path, tmp_path) -> dict[str, list]:
    copy = tmp_path / "full.duckdb"
    shutil.copy(path, copy)
    with duckdb.connect(str(copy)) as con:
        build_panel(con, full=True)
    return dump(copy)


@pytest.fixture(scope="module")
def monthly(city, tmp_path_factory):
    """A home that ingested and built month by month up to the last but one."""
    home = tmp_path_factory.mktemp("monthly")
    shutil.copytree(city / "landing", home / "landing")
    paths = Paths(home)
    months = landing_months(paths)
    for m in months[:-1]:
        ingest_month(paths, m)
    with duckdb.connect(str(paths.warehouse)) as con:
        assert update_panel(con).months == months[:-1]
    return paths, months


@pytest.mark.slow
def test_a_new_month_rebuilds_that_month_only_and_equals_a_full_rebuild(monthly, tmp_path):
    paths, months = monthly
    before = dump(paths.warehouse)
    assert all(not r.skipped for r in ingest_month(paths, months[-1]))
    with duckdb.connect(str(paths.warehouse)) as con:
        assert pending_months(con) == [months[-1]]
        assert update_panel(con).months == [months[-1]]
        assert changed_since(con) is None and update_panel(con).months == []  # nothing more to do
    after = dump(paths.warehouse)
    assert after == full_rebuild_of(paths.warehouse, tmp_path)
    old = [r for r in after["features"] if r[1].strftime("%Y-%m") != months[-1]]
    assert old == before["features"]  # the earlier months are kept as they were


@pytest.mark.slow
def test_a_resent_month_rebuilds_from_that_month_and_equals_a_full_rebuild(monthly, tmp_path):
    paths, months = monthly
    ingest_month(paths, months[-1])
    with duckdb.connect(str(paths.warehouse)) as con:
        update_panel(con)
    before = dump(paths.warehouse)
    resent = months[13]  # past the 12-month look-back: the arrears runs carry over
    # the landlords resend a month with 250 EUR more arrears on every tenth account
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = paths.landing / "bailleurs" / f"{resent}.parquet"
    table = pq.read_table(path)
    i = table.schema.get_field_index("solde_debiteur")
    solde = table["solde_debiteur"].to_numpy(zero_copy_only=False).astype(float)
    solde[::10] += 250.0
    table = table.set_column(i, "solde_debiteur", pa.array(solde).cast(table.schema.field(i).type))
    pq.write_table(table, path)
    results = {r.source: r for r in ingest_month(paths, resent)}
    assert not results["bailleurs"].skipped and all(r.skipped for s, r in results.items() if s != "bailleurs")
    with duckdb.connect(str(paths.warehouse)) as con:
        assert update_panel(con).months == [m for m in months if m >= resent]
    after = dump(paths.warehouse)
    assert after == full_rebuild_of(paths.warehouse, tmp_path)
    assert after["history_bailleurs"] != before["history_bailleurs"]  # the resend did change something
    kept = [r for r in after["features"] if r[1].strftime("%Y-%m") < resent]
    assert kept == [r for r in before["features"] if r[1].strftime("%Y-%m") < resent]


def test_a_staging_table_without_ingest_log_is_always_rebuilt_whole():
    from ingest.store import warehouse_ddl

    con = duckdb.connect()
    for stmt in warehouse_ddl():
        con.execute(stmt)
    con.execute("INSERT INTO stg_menages (extract_month, source_row, household_key, arrondissement) VALUES "
                "('2025-01-01', 1, 'A', 19), ('2025-02-01', 1, 'A', 19)")
    assert update_panel(con).months == ["2025-01", "2025-02"]
    assert update_panel(con).months == ["2025-01", "2025-02"]  # nothing says what changed: all again



@pytest.mark.slow
def test_a_corrected_court_file_relabels_the_households_it_changes_in_every_month(monthly, tmp_path):
    """The courts resend a month: its eviction judgments were payment delays. The labels are
    rebuilt from that month on, and, before it, for the households whose judgment changed only
    (a label looks 12 months ahead, so earlier snapshots change too)."""
    import csv

    paths, months = monthly
    ingest_month(paths, months[-1])
    with duckdb.connect(str(paths.warehouse)) as con:
        update_panel(con)
    before = dump(paths.warehouse)

    def read(month: str) -> list[dict]:
        with (paths.landing / "justice" / f"{month}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    # the file with the most judgments among those a labelled snapshot looks ahead to
    resent = max(months[2:12], key=lambda m: sum(r["decision"] == "expulsion" for r in read(m)))
    path = paths.landing / "justice" / f"{resent}.csv"
    rows = read(resent)
    judged = [r for r in rows if r["decision"] == "expulsion"]
    assert judged
    for r in judged:
        r["decision"] = "delais_paiement"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert not {r.source: r for r in ingest_month(paths, resent)}["justice"].skipped
    with duckdb.connect(str(paths.warehouse)) as con:
        update_panel(con)
        assert con.execute("SELECT count(*) FROM labels_pending").fetchone()[0] == 0  # done
    after = dump(paths.warehouse)
    assert after == full_rebuild_of(paths.warehouse, tmp_path)
    earlier = [r for r in after["labels"] if r[1].strftime("%Y-%m") < resent]
    assert earlier != [r for r in before["labels"] if r[1].strftime("%Y-%m") < resent]  # relabelled before it


def test_a_withdrawn_court_file_unlabels_the_snapshots_it_had_made_mature(monthly, tmp_path):
    from features.build import build_labels, sql

    paths, _ = monthly
    copy = tmp_path / "w.duckdb"
    shutil.copy(paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        build_labels(con)  # the records of an incremental build
        before = con.execute("SELECT count(DISTINCT snapshot_month) FROM labels").fetchone()[0]
        con.execute("DELETE FROM stg_justice WHERE extract_month = (SELECT max(extract_month) FROM stg_justice)")
        con.execute(sql("judgments"))
        build_labels(con)
        kept = con.execute("SELECT * FROM labels ORDER BY ALL").fetchall()
        build_labels(con, full=True)
        assert kept == con.execute("SELECT * FROM labels ORDER BY ALL").fetchall()
        assert con.execute("SELECT count(DISTINCT snapshot_month) FROM labels").fetchone()[0] < before


def test_labels_are_rebuilt_whole_for_another_horizon(monthly, tmp_path):
    from features.build import build_labels

    paths, _ = monthly
    copy = tmp_path / "w.duckdb"
    shutil.copy(paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        build_labels(con, horizon=6)
        six = con.execute("SELECT * FROM labels ORDER BY ALL").fetchall()
        build_labels(con, horizon=6, full=True)
        assert six == con.execute("SELECT * FROM labels ORDER BY ALL").fetchall()
        build_labels(con, horizon=12)
        assert six != con.execute("SELECT * FROM labels ORDER BY ALL").fetchall()


@pytest.mark.slow
def test_a_change_of_the_declared_features_rebuilds_the_table_instead_of_failing(monthly, tmp_path):
    from features.declare import FEATURE_NAMES

    paths, _ = monthly
    copy = tmp_path / "older_version.duckdb"
    shutil.copy(paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        # a warehouse built by an older version: one feature fewer, one that no longer exists
        con.execute(f"ALTER TABLE features DROP COLUMN {FEATURE_NAMES[-1]}")
        con.execute("ALTER TABLE features ADD COLUMN a_retired_feature DOUBLE")
        assert update_panel(con).months  # rebuilt, not refused
        cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'features'").fetchall()]
    assert FEATURE_NAMES[-1] in cols and "a_retired_feature" not in cols


def test_a_panel_with_a_cohort_table_is_rebuilt_with_the_cohort_view(monthly, tmp_path):
    paths, _ = monthly
    expected = full_rebuild_of(paths.warehouse, tmp_path)
    copy = tmp_path / "cohort_table.duckdb"
    shutil.copy(paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        # a warehouse built by an older version: a cohort table, and history_menages without
        # the file row and the sector the view reads
        con.execute("CREATE TABLE old_cohort AS SELECT household_key, hid, snapshot_month, source_row, sector FROM cohort")
        con.execute("DROP VIEW audit_attributes")
        con.execute("DROP VIEW cohort")
        con.execute("ALTER TABLE old_cohort RENAME TO cohort")
        con.execute("ALTER TABLE history_menages DROP COLUMN sector")
        con.execute("ALTER TABLE history_menages DROP COLUMN source_row")
        loaded = [r[0] for r in con.execute("SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM stg_menages "
                                            "ORDER BY 1").fetchall()]
        assert update_panel(con).months == loaded  # rebuilt whole, though no file changed
        kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'cohort'").fetchall()
    assert kind == [("VIEW",)]
    assert dump(copy) == expected


def test_a_full_rebuild_stores_each_batch_of_months_together(monthly, tmp_path, monkeypatch):
    import features.build as fb

    paths, _ = monthly
    copy = tmp_path / "batches.duckdb"
    shutil.copy(paths.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        counts = con.execute("SELECT snapshot_month, count(*) FROM cohort GROUP BY 1 ORDER BY 1").fetchall()
        # batches of about two months of this small city, as three Paris months
        monkeypatch.setattr(fb, "BATCH_ROWS", 2 * min(n for _, n in counts))
        build_panel(con, full=True)
        spans = con.execute("SELECT snapshot_month, min(rowid), max(rowid) FROM features "
                            "GROUP BY 1 ORDER BY 1").fetchall()
    assert [m for m, _, _ in spans] == [m for m, _ in counts]
    span = {m: (lo, hi) for m, lo, hi in spans}
    batches = [[span[m] for m in batch] for batch in fb._batches(counts)]
    assert len(batches) > 2 and all(len(b) <= 2 for b in batches)
    for earlier, later in itertools.pairwise(batches):
        # every row of a batch of months was written before any row of the next batch
        assert max(hi for _, hi in earlier) < min(lo for lo, _ in later)


def test_months_are_batched_by_their_rows():
    from features.build import _batches

    months = [date(2024, m, 1) for m in range(1, 13)]
    # Paris: three months of 690,000 rows per statement
    assert _batches([(m, 690_000) for m in months], 2_000_000) == [months[i:i + 3] for i in range(0, 12, 3)]
    # a small city: every month in one statement
    assert _batches([(m, 20_000) for m in months], 2_000_000) == [months]
    # a month larger than a batch is a batch of its own; the last batch may be short
    assert _batches([(months[0], 5), (months[1], 1), (months[2], 1)], 2) == [[months[0]], months[1:3]]
    assert _batches([(months[0], 1)], 2) == [[months[0]]]
    assert _batches([], 2) == []
