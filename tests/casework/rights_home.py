"""A tiny Abri home holding one household in every store (identity, warehouse, serving,
casework), for the data-subject rights and retention tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from abri.config import Paths
from casework import Casework
from ingest.load import connect_warehouse
from ingest.pseudonym import Pseudonymiser
from ingest.store import IDENTITY_DDL

KEY = b"cle-de-test-" + b"0" * 52
PZ = Pseudonymiser(KEY)
ALICE = PZ.household_key("M-0001")   # the household the tests act on
BOB = PZ.household_key("M-0002")     # a neighbour who must stay untouched
NAMES = ("Ouvrard", "Zéphirine", "12 rue des Lilas")


def build(home: Path, monkeypatch) -> Paths:
    monkeypatch.setenv("ABRI_PSEUDONYM_KEY", KEY.decode())
    paths = Paths(home)
    home.mkdir(parents=True, exist_ok=True)
    ident = duckdb.connect(str(paths.identity_store))
    ident.execute(IDENTITY_DDL)
    for month in (date(2024, 6, 1), date(2026, 10, 1)):
        ident.execute("INSERT INTO identity VALUES (?, ?, 19, 'Ouvrard', 'Zéphirine', '12 rue des Lilas', "
                      "'0600000000', DATE '1970-03-04')", [month, ALICE])
        ident.execute("INSERT INTO identity VALUES (?, ?, 20, 'Fanchon', 'Théodule', '3 rue Haxo', NULL, "
                      "DATE '1980-01-01')", [month, BOB])
    ident.close()
    con = connect_warehouse(paths)
    for key, caf in ((ALICE, "CAF-111"), (BOB, "CAF-222")):
        con.execute("INSERT INTO crosswalk (extract_month, link_type, link_hash, household_key) VALUES (DATE '2026-10-01', 'allocataire', ?, ?)",
                    [PZ.hash("allocataire:" + caf), key])
    con.execute("INSERT INTO stg_france_travail (extract_month, source_row, household_key, identifiant_ft_hash) "
                "VALUES (DATE '2026-09-01', 4, ?, ?)", [ALICE, PZ.hash("france_travail.identifiant_ft:FT-9")])
    con.execute("CREATE TABLE features AS SELECT * FROM (VALUES (?, DATE '2026-10-01', '19e', 3.0), "
                "(?, DATE '2026-10-01', '20e', 0.0)) t(household_key, snapshot_month, sector, arrears_months)",
                [ALICE, BOB])
    # a view with the key, as the panel's audit_attributes: read by an export, never deleted from
    con.execute("CREATE VIEW audit_attributes AS SELECT household_key, snapshot_month, sector FROM features")
    con.close()
    serving = duckdb.connect(str(paths.serving))
    serving.execute("CREATE TABLE outreach_list AS SELECT * FROM (VALUES (?, '19e', 1, 0.3, 'Impayés de loyer')) "
                    "t(household_key, sector, rank_in_sector, probability, reasons_fr)", [ALICE])
    serving.close()
    store = Casework(paths.casework)
    store.set_status(ALICE, "contacte", by="ts19", expected_revision=0, listed_month="2026-10")
    store.add_note(ALICE, by="ts19", body="Rendez-vous fixé")
    store.add_note(BOB, by="ts20", body="Message laissé")
    store.log_access("ts19", "view_identity", ALICE)
    for source, months in (("caf", ("2025-01", "2026-10")), ("menages", ("2024-12", "2026-10"))):
        (paths.landing / source).mkdir(parents=True, exist_ok=True)
        for m in months:
            (paths.landing / source / f"{m}.csv").write_text("x\n", encoding="utf-8")
    return paths


def count(path: Path, sql: str, params=()) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()[0]
    finally:
        con.close()
