"""The household-month panel: point-in-time features, honest missing values, labels."""

import duckdb
import pytest
from staging_rows import insert

from features.build import build_panel, features_sql
from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES
from ingest.contract import SOURCES
from ingest.store import warehouse_ddl


def _household(con, key, month, arr=19, tenure="social", **kw):
    row = dict(household_key=key, extract_month=month, id_menage=key, mois=month, code_postal=f"750{arr:02d}",
               arrondissement=arr, iris=f"751{arr:02d}0101", qpv=False, statut_occupation=tenure, loyer=600.0,
               surface=40.0, nb_personnes=2, nb_enfants=1, composition="famille_monoparentale", sexe="F",
               nationalite="FR", handicap=False, date_entree="2015-01-01", age=34)
    row.update(kw)
    insert(con, "menages", **row)


@pytest.fixture
def con():
    con = duckdb.connect()
    for stmt in warehouse_ddl():
        con.execute(stmt)
    months = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"]
    for m in months:
        _household(con, "A", m)                      # social tenant with rising arrears
        _household(con, "B", m, arr=7, tenure="prive")  # private tenant: no landlord data
    for i, m in enumerate(months):
        insert(con, "bailleurs", household_key="A", extract_month=m, code_bailleur="RIVP", ref_bail="x",
                mois=m, quittance=600.0, encaissement=600.0 if i < 2 else 0.0,
                solde_debiteur=0.0 if i < 2 else 600.0 * (i - 1), plan_apurement=False)
    # a commandement dated in March, reported in the April court file
    insert(con, "justice", household_key="A", extract_month="2025-04-01", numero_procedure="P1",
            type_evenement="commandement_payer", date_evenement="2025-03-20", montant_dette=1200.0,
            type_bailleur="social", code_postal="75019")
    for name in SOURCES:  # every event source delivered something from January
        if SOURCES[name].kind == "events":
            insert(con, name, extract_month="2025-01-01")
    return con


def _row(con, key, month):
    return con.execute("SELECT * FROM features WHERE household_key = ? AND snapshot_month = ?",
                       [key, month]).df().iloc[0]


def test_features_table_has_one_row_per_household_month(con):
    summary = build_panel(con)
    assert summary.feature_rows == 12
    cols = con.execute("SELECT * FROM features LIMIT 0").df().columns
    assert list(cols) == ["household_key", "snapshot_month", "sector", *FEATURE_NAMES]


def test_landlord_data_arrive_one_month_late(con):
    build_panel(con)
    # at the end of May the latest usable rent account is April's: 2 months owed
    assert _row(con, "A", "2025-05-01")["arrears_months"] == pytest.approx(2.0)
    assert _row(con, "A", "2025-05-01")["arrears_change_1m"] == pytest.approx(1.0)
    assert _row(con, "A", "2025-05-01")["months_in_arrears"] == 2


def test_a_private_tenant_has_unknown_arrears_not_zero(con):
    build_panel(con)
    row = _row(con, "B", "2025-05-01")
    assert row.isna()["arrears_months"] and row.isna()["repayment_plan"]


def test_court_acts_count_from_the_month_they_are_reported(con):
    build_panel(con)
    assert _row(con, "A", "2025-03-01")["commandements_24m"] == 0  # dated March, not yet known
    assert _row(con, "A", "2025-04-01")["commandements_24m"] == 1
    assert _row(con, "A", "2025-04-01")["months_since_commandement"] == 1


def test_event_counts_are_unknown_until_the_partners_first_file_is_usable(con):
    build_panel(con)
    # energy files start in January with a 2-month lag: usable from March
    assert _row(con, "A", "2025-02-01").isna()["energy_unpaid_6m"]
    assert _row(con, "A", "2025-03-01")["energy_unpaid_6m"] == 0


def test_features_at_t_do_not_change_when_everything_after_t_is_deleted(con):
    build_panel(con)
    full = con.execute("SELECT * FROM features WHERE snapshot_month = '2025-04-01' ORDER BY 1").df()
    for name in SOURCES:
        con.execute(f"DELETE FROM stg_{name} WHERE extract_month > '2025-04-01'")
    build_panel(con)
    cut = con.execute("SELECT * FROM features WHERE snapshot_month = '2025-04-01' ORDER BY 1").df()
    assert full.equals(cut)


def test_protected_attributes_never_reach_the_feature_table(con):
    build_panel(con)
    cols = set(con.execute("SELECT * FROM features LIMIT 0").df().columns)
    assert not cols & (set(AUDIT_ATTRIBUTES) | {"age", "aah", "composition", "statut_occupation"})
    assert "aah" not in features_sql() and "nationalite" not in features_sql()
    audit = con.execute("SELECT * FROM audit_attributes WHERE household_key = 'A' LIMIT 1").df().iloc[0]
    assert audit["age_band"] == "25-39" and bool(audit["famille_monoparentale"])


def test_labels_need_a_full_horizon_and_count_only_eviction_orders(con):
    # a judgment in August 2026 ordering eviction, and court files up to December 2026
    insert(con, "justice", household_key="A", extract_month="2026-08-01", numero_procedure="P1",
            type_evenement="jugement", date_evenement="2026-08-10", decision="expulsion",
            type_bailleur="social", code_postal="75019")
    insert(con, "justice", extract_month="2026-12-01")
    build_panel(con, horizon=12)
    labels = con.execute("SELECT household_key, strftime(snapshot_month, '%Y-%m') m, judgment_within_horizon "
                         "FROM labels ORDER BY 1, 2").fetchall()
    # snapshots up to 2025-09 would be mature (2025-09 + 15 <= 2026-12); only Jan-Jun exist
    assert ("A", "2025-06", False) in labels  # judgment 14 months later: outside the horizon
    assert all(k != "A" or not y for k, m, y in labels)
    insert(con, "justice", household_key="B", extract_month="2025-10-01", numero_procedure="P2",
            type_evenement="jugement", date_evenement="2025-09-15", decision="expulsion",
            type_bailleur="prive", code_postal="75007")
    build_panel(con, horizon=12)
    b = dict(con.execute("SELECT strftime(snapshot_month, '%Y-%m'), judgment_within_horizon FROM labels "
                         "WHERE household_key = 'B'").fetchall())
    assert b["2025-01"] is True and b["2025-06"] is True


def test_rebuilding_one_month_leaves_the_others_untouched(con):
    build_panel(con)
    before = con.execute("SELECT * FROM features WHERE snapshot_month <> '2025-06-01' ORDER BY 1, 2").df()
    build_panel(con, months=["2025-06"])
    after = con.execute("SELECT * FROM features WHERE snapshot_month <> '2025-06-01' ORDER BY 1, 2").df()
    assert before.equals(after)
    assert con.execute("SELECT count(*) FROM features").fetchone()[0] == 12


def test_training_frame_can_be_limited_to_months_and_a_sample(con):
    from features.build import training_frame

    insert(con, "justice", extract_month="2026-12-01")  # court files far enough for labels
    build_panel(con)
    full = training_frame(con)
    some = training_frame(con, months=["2025-01", "2025-02"])
    assert set(some["snapshot_month"].dt.strftime("%Y-%m")) == {"2025-01", "2025-02"}
    assert len(training_frame(con, sample=3, seed=1)) == 3 < len(full)


def test_money_is_summed_exactly_whatever_the_order(con):
    """Sums of euros are DECIMAL: ten unpaid bills of 0.10 EUR make 1.0, not the 0.9999999999999999
    of floating point, so a feature is the same bit for bit whatever order a plan adds rows in."""
    for day in range(1, 11):
        insert(con, "energie", household_key="A", extract_month="2025-04-01", fournisseur="EDF",
                ref_client="c", code_postal="75019", type_evenement="impaye_facture",
                date_evenement=f"2025-02-{day:02d}", montant_impaye=0.1)
    build_panel(con)
    assert _row(con, "A", "2025-06-01")["energy_debt_12m"] == 1.0
