"""Every figure in the reader's locale: French decimal commas, grouped thousands, "%" after a
no-break space; counts as whole numbers; reasons read the same way."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest

from models.reasons import phrase
from models.score import rule_reasons
from reports import fmt

NNBSP, NBSP = "\u202f", "\u00a0"  # French thousands separator; space before "%"


def test_french_figures():
    assert fmt.months(3.2, "fr") == "3,2 mois"
    assert fmt.count(19676, "households", "fr") == f"19{NNBSP}676 ménages"
    assert fmt.percent(0.045, "fr") == f"4,5{NBSP}%"
    assert fmt.number(1234.5, "fr") == f"1{NNBSP}234,50"
    assert fmt.date(dt.date(2026, 3, 5), "fr") == "5 mars 2026"
    assert fmt.month("2026-03", "fr") == "mars 2026"


def test_english_figures():
    assert fmt.months(3.2, "en") == "3.2 months"
    assert fmt.count(19676, "households", "en") == "19,676 households"
    assert fmt.percent(0.045, "en") == "4.5%"
    assert fmt.number(1234.5, "en") == "1,234.50"
    assert fmt.date("2026-03-05", "en") == "March 5, 2026"


def test_counts_are_whole_numbers():
    # a mean over folds is not a number of households: "19675.6667 ménages" never shows
    assert fmt.integer(19675.6667, "fr") == f"19{NNBSP}676"
    assert fmt.count(19675.6667, "households", "fr") == f"19{NNBSP}676 ménages"
    assert fmt.count(1, "households", "fr") == "1 ménage"


@pytest.mark.parametrize("missing", [None, float("nan"), math.inf, pd.NA, pd.NaT])
def test_a_missing_value_is_a_dash_never_nan_or_none(missing):
    shown = {fmt.number(missing), fmt.integer(missing), fmt.percent(missing), fmt.months(missing),
             fmt.count(missing, "households"), fmt.date(missing)}
    assert shown == {fmt.MISSING}


def test_digits_are_exact():
    assert fmt.percent(0.0123, "fr", 2) == f"1,23{NBSP}%"
    assert fmt.percent(0.37, "fr", 0) == f"37{NBSP}%"
    assert fmt.number(0.5, "fr", 0) in ("0", "1")  # rounding, never "0,5"
    assert fmt.number(2.0, "en", 1) == "2.0"


def test_reasons_read_in_french_numbers():
    assert phrase("arrears_months", 3.24, "fr") == "3,2 mois de loyer impayés"
    assert phrase("arrears_months", 3.24, "en") == "3.2 months of rent owed"
    assert phrase("rent_burden", 0.353, "fr") == f"taux d'effort de 35{NBSP}%"
    assert phrase("months_in_arrears", 5.0, "fr") == "en impayé depuis 5 mois"
    assert phrase("procedure_stage", 2, "fr") == "procédure au stade de l'assignation"
    assert phrase("income", 1234.5, "fr") == f"ressources mensuelles : 1{NNBSP}234 EUR"  # no sentence: label
    assert phrase("arrears_months", None, "fr") == "mois de loyer impayés : inconnu"


def test_reasons_agree_with_their_count_by_each_languages_plural_rule():
    assert phrase("months_in_arrears", 1, "en") == "in arrears for 1 month"
    assert phrase("months_in_arrears", 2, "en") == "in arrears for 2 months"
    assert phrase("months_since_caf_report", 1, "en") == "CAF report 1 month ago"
    assert phrase("energy_unpaid_6m", 1, "fr") == "1 impayé d'énergie en 6 mois"
    assert phrase("energy_unpaid_6m", 0, "fr") == "0 impayé d'énergie en 6 mois"  # French: 0 is singular
    assert phrase("energy_unpaid_6m", 0, "en") == "0 unpaid energy bills in 6 months"
    assert phrase("energy_unpaid_12m", 3, "fr") == "3 impayés d'énergie en 12 mois"
    assert phrase("arrears_months", 1.0, "en") == "1.0 months of rent owed"  # a decimal is plural in English


def test_every_counted_reason_has_its_singular_and_no_parenthesised_plural():
    """A sentence counting something ({n}) says "1 month", not "1 months" or "bill(s)"."""
    from features.declare import FEATURES

    for f in FEATURES:
        assert "(s)" not in f.reason_fr + f.reason_en + f.reason_fr_one + f.reason_en_one, f.name
        if "{n}" in f.reason_en:
            assert f.reason_en_one and f.reason_en_one != f.reason_en, f.name

def test_the_rules_reasons_agree_with_their_count():
    frame = pd.DataFrame({"household_key": ["a", "b"], "snapshot_month": ["2026-01-01"] * 2,
                          "procedure_stage": [2, 0], "commandements_24m": [1, 0],
                          "arrears_months": [1.2, 3.0], "caf_unpaid_report": [0, 1]})
    out = rule_reasons(frame)
    a, b = out[out.household_key == "a"], out[out.household_key == "b"]
    assert a.text_fr.tolist() == ["procédure engagée : assignation au tribunal", "commandement de payer reçu",
                                  "1 mois d'impayés"]
    assert a.text_en.tolist()[-1] == "1 month of rent arrears"
    assert b.text_en.tolist() == ["3 months of rent arrears", "unpaid rent reported to the CAF"]


def test_the_dashboards_figures_use_the_one_formatter():
    from dashboard import documents, ui

    assert documents.probability(0.999, "fr") == f"> 95{NBSP}%" and documents.probability(0.004, "en") == "< 1%"
    assert documents.probability(0.371, "fr") == f"37{NBSP}%" and documents.probability(None, "fr") == ""
    assert fmt.interval(0.031, 0.05, "fr", format_one=fmt.percent) == f"[3,1{NBSP}% ; 5,0{NBSP}%]"
    assert fmt.interval(0.031, 0.05, "en", format_one=fmt.percent) == "[3.1%, 5.0%]"
    assert fmt.interval(None, 0.05, format_one=fmt.percent) == fmt.MISSING == ui.MISSING


def test_ingestion_messages_use_the_one_formatter():
    from ingest.errors import IngestError
    from ingest.load import IngestResult

    err = IngestError("wrong_type", file="caf/2025-03.csv", row=12345, column="montant", detail="illisible")
    assert str(err) == f'caf/2025-03.csv, ligne 12{NNBSP}345, colonne "montant" : illisible'
    line = IngestResult(source="caf", month="2025-03", file="caf/2025-03.csv", file_hash="0" * 64, rows_in=20345,
                        rows_loaded=20000, rows_quarantined=345, rows_linked=19500).line()
    assert line == (f"caf 2025-03 : 20{NNBSP}345 lignes, 20{NNBSP}000 chargées, 345 en quarantaine, "
                    f"liaison 97,5{NBSP}%")

def test_report_charts_are_stamp_free_pngs_with_locale_ticks():
    import base64

    from reports.charts import locale_axis, plt, png

    def draw():
        fig, ax = plt.subplots()
        ax.plot([0.0, 0.25, 0.5], [1, 2, 3])
        locale_axis(ax.xaxis, "fr", digits=2)
        labels = [ax.xaxis.get_major_formatter()(v, 0) for v in (0.25, 1234.5)]
        return png(fig), labels

    (a, labels), (b, _) = draw(), draw()
    assert base64.b64decode(a)[:8] == b"\x89PNG\r\n\x1a\n" and a == b  # no timestamp: same bytes
    assert labels == ["0,25", f"1{NNBSP}234,50"] or labels == ["0,25", f"1{NBSP}234,50"]


def test_the_demo_citys_summary_reads_in_french_figures():
    from synthetic.simulate import SimulationSummary

    lines = SimulationSummary(
        households=20345, households_ever=23456, months=["2023-01", "2026-12"], judgments_per_year=203.4,
        judgment_rate=0.0095, funnel={"commandement": 2400, "jugement": 406}, social_in_arrears=0.143,
        private_in_arrears=0.052, files_written=384, rows_written=1234567, seconds=1234.5,
        peak_memory_mb=2048.4).lines()
    text = "\n".join(lines)
    assert f"actifs (moyenne) : 20{NNBSP}345" in text and f"({percent_fr(0.0095)} des ménages" in text
    assert f"jugement 2{NNBSP}436" in text and f"social 14,3{NBSP}%" in text and f"1{NNBSP}234{NNBSP}567 lignes" in text
    assert f"Durée : 1{NNBSP}234,5 s" in text and not re.search(r"\d[.,]\d{3}\b|\d\.\d", text)


def percent_fr(x: float) -> str:
    return fmt.percent(x, "fr", 2)


def test_moments_read_the_readers_way_in_utc():
    import datetime as dt

    assert fmt.moment("2026-11-30T14:05:09", "fr") == "30/11/2026 14:05"
    assert fmt.moment("2026-11-30T14:05:09+00:00", "en") == "11/30/26, 2:05\u202fPM" or \
        fmt.moment("2026-11-30T14:05:09+00:00", "en") == "11/30/26, 2:05 PM"
    assert fmt.moment(dt.datetime(2026, 11, 30, 14, 5, 9), "fr", style="medium") == "30 nov. 2026, 14:05:09"
    assert fmt.moment("2026-11-30T15:05:09+01:00", "fr") == "30/11/2026 14:05"  # shown in UTC
    assert fmt.moment(None, "fr") == fmt.MISSING
