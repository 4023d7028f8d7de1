"""The features added for issue 10 (traces of the shock, of the debt's course and of the procedure),
each checked against a hand computation on a small table, with the point-in-time rule: a file of
month m with lag L counts only from the snapshot m + L."""

import duckdb
import pytest
from staging_rows import insert

from features.build import build_panel
from ingest.contract import SOURCES
from ingest.store import warehouse_ddl

MONTHS = [f"2025-{m:02d}-01" for m in range(1, 8)]  # January to July 2025



def _household(con, key, month, *, loyer=600.0, tenure="social"):
    insert(con, "menages", household_key=key, extract_month=month, id_menage=key, mois=month, code_postal="75019",
            arrondissement=19, iris="751190101", qpv=False, statut_occupation=tenure, loyer=loyer, surface=40.0,
            nb_personnes=2, nb_enfants=1, composition="famille_monoparentale", sexe="F", nationalite="FR",
            handicap=False, date_entree="2015-01-01", age=34)


@pytest.fixture
def con():
    con = duckdb.connect()
    for stmt in warehouse_ddl():
        con.execute(stmt)
    # A: a social tenant, CAF allocataire; owes 0, 0, 1, 2, 1, 2, 3 months of rent (January-July)
    owed = [0, 0, 1, 2, 1, 2, 3]
    # CAF: income 1,500 then 900 in April and May (a job lost), back to 1,500 in June; the
    # allowance (200) suspended in March and April
    income = [1500, 1500, 1500, 900, 900, 1500, 1500]
    for i, m in enumerate(MONTHS):
        _household(con, "A", m)
        # C: a private tenant whose rent rises by 8 % in April; D: by 2.5 % (a yearly indexation)
        _household(con, "C", m, loyer=600.0 if i < 3 else 648.0, tenure="prive")
        _household(con, "D", m, loyer=600.0 if i < 3 else 615.0, tenure="prive")
        insert(con, "bailleurs", household_key="A", extract_month=m, code_bailleur="RIVP", ref_bail="x", mois=m,
                quittance=600.0, encaissement=0.0, solde_debiteur=600.0 * owed[i], plan_apurement=False)
        suspended = m in ("2025-03-01", "2025-04-01")
        insert(con, "caf", household_key="A", extract_month=m, numero_allocataire="1", mois_reference=m,
                montant_al=0.0 if suspended else 200.0, suspension_al=suspended, montant_rsa=0.0,
                ressources_mensuelles=float(income[i]), impaye_signale=owed[i] > 0, tranche_qf="QF2")
    # France Travail (lag 1): A registers in February (usable from March), back to work in May
    # (usable from June)
    insert(con, "france_travail", household_key="A", extract_month="2025-02-01", identifiant_ft="F1",
            type_evenement="inscription", date_evenement="2025-02-10")
    insert(con, "france_travail", household_key="A", extract_month="2025-05-01", identifiant_ft="F1",
            type_evenement="reprise_emploi", date_evenement="2025-05-05")
    # social services (lag 0): a social and financial diagnosis dated in March, delivered in the
    # April file
    insert(con, "services_sociaux", household_key="A", extract_month="2025-04-01", id_contact="C1",
            date_contact="2025-03-10", type_contact="diagnostic_social_financier", motif="logement")
    for name in SOURCES:  # every event source delivered something from January
        if SOURCES[name].kind == "events":
            insert(con, name, extract_month="2025-01-01")
    build_panel(con)
    return con


def _value(con, key, month, feature):
    rows = con.execute(f"SELECT {feature} FROM features WHERE household_key = ? AND snapshot_month = ?",
                       [key, month]).fetchall()
    assert len(rows) == 1
    return rows[0][0]


def test_arrears_trajectory_from_the_usable_rent_accounts(con):
    # June's snapshot reads the accounts up to May (lag 1): owed 0, 0, 1, 2, 1
    assert _value(con, "A", "2025-06-01", "arrears_rises_6m") == 2  # March and April
    # June's own account (a rise) is usable only in July
    assert _value(con, "A", "2025-07-01", "arrears_rises_6m") == 3
    # no rise in the accounts usable in March (January and February: nothing owed); March's own
    # rise counts from April
    assert _value(con, "A", "2025-03-01", "arrears_rises_6m") == 0
    assert _value(con, "A", "2025-04-01", "arrears_rises_6m") == 1
    # a private tenant has no rent account: unknown, not zero
    assert _value(con, "C", "2025-06-01", "arrears_rises_6m") is None


def test_income_against_its_high_from_the_usable_caf_files(con):
    # April's snapshot reads March's file (lag 1): income still at its high
    assert _value(con, "A", "2025-04-01", "income_vs_max_12m") == pytest.approx(0.0)
    # May's reads April's: 900 against a high of 1,500
    assert _value(con, "A", "2025-05-01", "income_vs_max_12m") == pytest.approx(900 / 1500 - 1)
    assert _value(con, "A", "2025-06-01", "income_vs_max_12m") == pytest.approx(900 / 1500 - 1)
    assert _value(con, "A", "2025-07-01", "income_vs_max_12m") == pytest.approx(0.0)  # June's: back to 1,500


def test_allowance_against_its_high_and_restored(con):
    assert _value(con, "A", "2025-04-01", "allowance_vs_max_12m") == pytest.approx(-1.0)  # March's: suspended
    assert _value(con, "A", "2025-06-01", "allowance_vs_max_12m") == pytest.approx(0.0)  # May's: 200 again
    # restored: May's file (usable in June) unsuspended after March and April
    assert _value(con, "A", "2025-05-01", "allowance_restored_6m") == 0  # April's file: still suspended
    assert _value(con, "A", "2025-06-01", "allowance_restored_6m") == 1
    assert _value(con, "A", "2025-03-01", "allowance_restored_6m") == 0  # February's: never suspended


def test_rent_rise_counts_from_the_household_file_of_its_month(con):
    assert _value(con, "C", "2025-03-01", "months_since_rent_rise") is None
    assert _value(con, "C", "2025-04-01", "months_since_rent_rise") == 0  # lag 0: April's file in April
    assert _value(con, "C", "2025-06-01", "months_since_rent_rise") == 2
    # a rise of 2.5 % (a yearly indexation) is not a rise
    assert _value(con, "D", "2025-06-01", "months_since_rent_rise") is None


def test_registered_unemployed_until_a_usable_back_to_work(con):
    assert _value(con, "A", "2025-01-01", "registered_unemployed") is None  # no France Travail file usable yet
    assert _value(con, "A", "2025-02-01", "registered_unemployed") == 0  # February's file is usable in March
    assert _value(con, "A", "2025-03-01", "registered_unemployed") == 1
    assert _value(con, "A", "2025-05-01", "registered_unemployed") == 1  # May's back to work: usable in June
    assert _value(con, "A", "2025-06-01", "registered_unemployed") == 0
    assert _value(con, "C", "2025-06-01", "registered_unemployed") == 0


def test_time_since_the_social_diagnosis_counts_from_its_file(con):
    # dated in March but delivered in April's file: unknown in March
    assert _value(con, "A", "2025-03-01", "months_since_social_diagnosis") is None
    assert _value(con, "A", "2025-04-01", "months_since_social_diagnosis") == 1
    assert _value(con, "A", "2025-06-01", "months_since_social_diagnosis") == 3


def test_shock_signs_count_the_traces(con):
    # May (files usable in May): income 40 % below its high (April's CAF file), registered as
    # unemployed (February), 2 rents missed over 6 months (March and April, April's account);
    # the allowance is below its high but suspended, which is the procedure's trace, not the shock's
    assert _value(con, "A", "2025-05-01", "shock_signs") == 3
    # July: income back, back to work, the rents missed in March, April and June
    assert _value(con, "A", "2025-07-01", "shock_signs") == 1
    assert _value(con, "C", "2025-04-01", "shock_signs") == 1  # the rent rise
    assert _value(con, "D", "2025-04-01", "shock_signs") == 0
