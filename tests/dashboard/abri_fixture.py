"""A tiny Abri home for dashboard tests: serving.duckdb and identity.duckdb with the published
schema (pipelines/serving.py, ingest/store.py), a casework store with one account per
role. Shared by the AppTests and the browser tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from casework import Casework
from casework.users import add_user

MONTH = "2026-10-01"
VERSION = "2026-10-test0001"
# household_key -> (sector, arrondissement, rank, probability, band, stage, arrears, prenom, nom)
HOUSEHOLDS = {
    "a19" + "0" * 61: ("19e", 19, 1, 0.31, "tres_eleve", 2, 4.0, "Zéphirine", "Ouvrard"),
    "b19" + "0" * 61: ("19e", 19, 2, 0.12, "eleve", 0, None, "Théodule", "Fanchon"),
    "c19" + "0" * 61: ("19e", 19, 3, 0.05, "modere", 1, 2.0, "Ermengarde", "Polycarpe"),
    "a20" + "0" * 61: ("20e", 20, 1, 0.40, "tres_eleve", 3, 6.0, "Anatole", "Brisebarre"),
    "b20" + "0" * 61: ("20e", 20, 2, 0.09, "eleve", 0, 1.0, "Philomène", "Courtecuisse"),
    "pc1" + "0" * 61: ("Paris Centre", 3, 1, 0.22, "tres_eleve", 1, 3.0, "Barnabé", "Quillebeuf"),
}
NAMES = [w for h in HOUSEHOLDS.values() for w in h[7:9]]
PASSWORD = "correct-horse-battery"
ACCOUNTS = {  # username -> (role, sectors)
    "ts19": ("travailleur_social", ["19e"]),
    "ts20": ("travailleur_social", ["20e"]),
    "encadrant": ("encadrant", []),
    "comite": ("comite", []),
    "ds": ("data_scientist", []),
    "admin": ("admin", []),
    "dpo": ("dpo", []),
}
REASONS = [("procedure", "hausse", 1.2, "Procédure d'expulsion engagée : commandement de payer il y a 3 mois",
            "Eviction procedure under way: formal demand 3 months ago"),
           ("arrears", "hausse", 0.8, "Impayés de loyer : 4 mois d'impayés", "Rent arrears: 4 months in arrears"),
           ("household", "baisse", -0.2, "Situation du ménage et du logement : ancienneté 120 mois",
            "Household and dwelling: 120 months since move-in")]


@dataclass(frozen=True)
class FixtureHome:
    home: Path

    @property
    def casework(self) -> Casework:
        return Casework(self.home / "casework.sqlite")


def key_of(prefix: str) -> str:
    return prefix + "0" * 61


def build_home(home: Path, *, with_audit: bool = False, accounts: bool = True) -> FixtureHome:
    home.mkdir(parents=True, exist_ok=True)
    _serving(home / "serving.duckdb", with_audit=with_audit)
    _identity(home / "identity.duckdb")
    if with_audit:
        report = home / "reports" / VERSION / "audit.html"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text("<!doctype html><html><body><h1>Rapport d'audit</h1></body></html>", encoding="utf-8")
        for name, title in (("explanations", "Rapport d'explication"), ("mitigation", "Rapport de correction")):
            (report.parent / f"{name}.html").write_text(f"<!doctype html><html><body><h1>{title}</h1></body></html>",
                                                        encoding="utf-8")
        (report.parent / "audit.json").write_text(json.dumps({"config": {"tolerance": [0.8, 1.25]}}),
                                                  encoding="utf-8")
    fixture = FixtureHome(home)
    if accounts:
        for name, (role, sectors) in ACCOUNTS.items():
            add_user(fixture.casework, name, role=role, sectors=sectors, password=PASSWORD)
    return fixture


def _serving(path: Path, *, with_audit: bool) -> None:
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE outreach_list (household_key VARCHAR, snapshot_month TIMESTAMP, sector VARCHAR,
        rank_in_sector BIGINT, score DOUBLE, probability DOUBLE, risk_band VARCHAR, model_version VARCHAR,
        procedure_stage INTEGER, arrears_months DOUBLE, caf_known INTEGER, no_landlord_data BOOLEAN,
        reasons_fr VARCHAR, reasons_en VARCHAR)""")
    con.execute("""CREATE TABLE reasons (household_key VARCHAR, snapshot_month TIMESTAMP, rank BIGINT,
        reason_group VARCHAR, direction VARCHAR, contribution DOUBLE, text_fr VARCHAR, text_en VARCHAR,
        model_version VARCHAR)""")
    con.execute("""CREATE TABLE household_timeline (household_key VARCHAR, snapshot_month DATE,
        arrears_months DOUBLE, caf_unpaid_report INTEGER, housing_allowance_suspended INTEGER,
        procedure_stage INTEGER, energy_unpaid_12m BIGINT, social_contacts_3m BIGINT, income DOUBLE,
        unemployment_registrations_12m BIGINT, fsl_requests_12m BIGINT, probability DOUBLE)""")
    for key, (sector, _arr, rank, p, band, stage, arrears, *_names) in HOUSEHOLDS.items():
        con.execute("INSERT INTO outreach_list VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [key, MONTH, sector, rank, p * 2, p, band, VERSION, stage, arrears,
                     None if arrears is None else 1, arrears is None,  # b19: in no CAF file (NULL)
                     " | ".join(r[3] for r in REASONS), " | ".join(r[4] for r in REASONS)])
        for i, (group, direction, contribution, fr, en) in enumerate(REASONS, start=1):
            con.execute("INSERT INTO reasons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [key, MONTH, i, group, direction, contribution, fr, en, VERSION])
        con.execute("""INSERT INTO household_timeline SELECT ?, m::DATE, CASE WHEN ? IS NULL THEN NULL
            ELSE least(i / 4, ?) END, (i > 12)::INT, 0, CASE WHEN i > 20 THEN ? ELSE 0 END, i % 3, i % 2,
            900 - i * 10, 0, (i > 18)::INT, CASE WHEN i < 12 THEN NULL ELSE ? * i / 24 END
            FROM (SELECT range AS i, DATE '2024-11-01' + INTERVAL (range) MONTH AS m FROM range(24))""",
                    [key, arrears, arrears, stage, p])
    con.execute("""CREATE TABLE sector_summary AS SELECT * FROM (VALUES ('19e', 2086, 32, 28, 3),
        ('20e', 1892, 35, 27, 2), ('Paris Centre', 835, 9, 2, 1)) t(sector, households, tres_eleve, eleve, listed)""")
    con.execute("""CREATE TABLE drift AS SELECT * FROM (VALUES ('arrears_months', 0.31, 'alerte', 0.3, 0.31,
        'v', TIMESTAMP '2026-10-01'), ('income', 0.02, 'stable', 0.0, 0.0, 'v', TIMESTAMP '2026-10-01'))
        t(feature, psi, status, missing_reference, missing_current, model_version, snapshot_month)""")
    con.execute("""CREATE TABLE model_evaluation AS SELECT scorer, month,
        CASE WHEN month = 'all' THEN 19675.6667 ELSE 19676.0 END AS n, 220.0 AS positives,
        p AS precision_at_k, p * 0.9 AS recall_at_k, p * 90 AS lift_at_k, 197.0 AS k, 0.9 AS roc_auc,
        0.25 AS pr_auc, ? AS model_version FROM (VALUES ('model', '2025-05', 0.38), ('rule', '2025-05', 0.35),
        ('logistic', '2025-05', 0.28), ('model', 'all', 0.36), ('rule', 'all', 0.35), ('logistic', 'all', 0.27))
        t(scorer, month, p)""", [VERSION])
    con.execute("""CREATE TABLE model_versions AS SELECT ? AS version, 'candidate' AS status,
        '2026-11-30T19:41:52+00:00' AS created_at, '2026-10' AS as_of, 0.00046 AS energy_kwh,
        0.000024 AS kg_co2e, 136.5 AS training_seconds, 0.35 AS model_precision_at_k, 0.31 AS model_recall_at_k,
        0.92 AS model_roc_auc, 0.35 AS rule_precision_at_k, 0.31 AS rule_recall_at_k, 0.93 AS rule_roc_auc,
        0.27 AS logistic_precision_at_k, 0.24 AS logistic_recall_at_k, 0.82 AS logistic_roc_auc,
        0.62 AS model_reached, 0.413 AS model_reached_3m_before, 4.5 AS model_median_lead_months,
        0.5 AS rule_reached, 0.2 AS rule_reached_3m_before, 2.0 AS rule_median_lead_months""", [VERSION])
    con.execute("""CREATE TABLE data_quality AS SELECT * FROM (VALUES
        ('bailleurs', DATE '2026-09-01', 5423, 5410, 13, 0.991), ('caf', DATE '2026-09-01', 9000, 8990, 10, 0.998))
        t(source, extract_month, rows_in, rows_loaded, rows_quarantined, linkage_rate)""")
    con.execute("""CREATE TABLE quarantine_summary AS SELECT * FROM (VALUES
        ('bailleurs', DATE '2026-09-01', 'quittance', 'out_of_range', 13),
        ('caf', DATE '2026-09-01', NULL, 'duplicate', 10), ('services_sociaux', DATE '2026-09-01', 'date_contact',
        'bad_date', 2)) t(source, extract_month, column_name, reason_code, cells)""")
    if with_audit:  # the schema of pipelines/model_assets.fairness_rows; one suppressed group
        rows = [("tenure", "prive", 5000, "false_negative_rate", 0.41, 0.33, 0.50, 1.32, 1.1, 1.6, "outside", "outside"),
                ("tenure", "prive", 5000, "false_positive_rate", 0.012, 0.010, 0.014, 0.9, 0.7, 1.1, "uncertain",
                 "outside"),
                ("tenure", "prive", 5000, "mean_score", 0.04, 0.038, 0.042, 1.1, 1.0, 1.2, None, "outside"),
                ("tenure", "social", 9000, "false_negative_rate", 0.31, 0.27, 0.36, 1.0, 1.0, 1.0, "reference",
                 "reference"),
                ("tenure", "social", 9000, "false_positive_rate", 0.013, 0.011, 0.015, 1.0, 1.0, 1.0, "reference",
                 "reference"),
                ("nationalite", "FR", 8000, "false_negative_rate", 0.30, 0.25, 0.35, 1.0, 1.0, 1.0, "reference",
                 "reference"),
                ("nationalite", "HORS_UE", 900, "false_negative_rate", 0.33, 0.26, 0.40, 1.1, 0.9, 1.2, "within",
                 "within"),
                ("nationalite", "UE", 40, "false_negative_rate", None, None, None, None, None, None, "not_estimable",
                 "not_estimable"),
                ("nationalite × tenure", "HORS_UE × prive", 400, "false_positive_rate", 0.02, 0.01, 0.03, 1.5,
                 0.9, 2.4, "uncertain", "uncertain"),
                ("age_band", "18-24", 700, "false_negative_rate", 0.35, 0.3, 0.4, 1.12, 0.95, 1.3, "uncertain",
                 "uncertain")]
        con.execute("""CREATE TABLE fairness_summary (model_version VARCHAR, spec VARCHAR, "group" VARCHAR,
            n BIGINT, metric VARCHAR, value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, ratio DOUBLE, ratio_ci_low DOUBLE,
            ratio_ci_high DOUBLE, verdict VARCHAR, headline_verdict VARCHAR)""")
        con.executemany("INSERT INTO fairness_summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[VERSION, *r] for r in rows])
    meta = {"published_at": "2026-11-01T06:00:00+00:00", "snapshot_month": "2026-10", "model_version": VERSION,
            "demonstration": True}
    con.execute("CREATE TABLE meta AS SELECT 'published' AS key, ? AS value", [json.dumps(meta)])
    con.close()


def _identity(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE identity (extract_month DATE, household_key VARCHAR, arrondissement BIGINT,
        nom VARCHAR, prenom VARCHAR, adresse VARCHAR, telephone VARCHAR, date_naissance DATE)""")
    for i, (key, (_s, arr, *_rest, prenom, nom)) in enumerate(HOUSEHOLDS.items()):
        con.execute("INSERT INTO identity VALUES ('2026-09-01', ?, ?, ?, ?, ?, ?, DATE '1980-01-01')",
                    [key, arr, nom, prenom, f"{i + 1} rue Ancienne", "01 00 00 00 00"])
        con.execute("INSERT INTO identity VALUES ('2026-10-01', ?, ?, ?, ?, ?, ?, DATE '1980-01-01')",
                    [key, arr, nom, prenom, f"{i + 1} rue des Lilas", f"06 00 00 00 0{i}"])
    con.close()
