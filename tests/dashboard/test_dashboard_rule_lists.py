"""When the rule's lists serve, the list page says so; the model page shows the lead time of
model and rule; a committee rejection of the champion retires it."""

from __future__ import annotations

import json

import duckdb
from abri_fixture import VERSION
from apptest_helpers import app_as, rendered_text, scope_of

from dashboard import data
from reports.i18n import t


def _publish_rule_lists(home) -> None:
    with duckdb.connect(str(home.home / "serving.duckdb")) as con:
        con.execute("UPDATE outreach_list SET model_version = 'rule', risk_band = 'regle', probability = NULL")
        meta = json.loads(con.execute("SELECT value FROM meta").fetchone()[0])
        con.execute("UPDATE meta SET value = ?", [json.dumps({**meta, "model_version": "rule", "rule_lists": True})])


def test_the_list_page_says_plainly_that_the_lists_are_the_rules(home):
    assert t("list.rule_lists") not in [w.value for w in app_as("ts19").warning]
    _publish_rule_lists(home)
    at = app_as("ts19")
    assert not at.exception
    assert t("list.rule_lists") in [w.value for w in at.warning]
    assert set(at.dataframe[0].value[t("col.band")]) == {"règle actuelle"}


def test_the_model_page_shows_the_lead_time_of_model_and_rule_in_french(home):
    at = app_as("ds", page="app_pages/model.py")
    assert not at.exception
    text = rendered_text(at)
    cells = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())  # a wide repr is cut
    assert t("mdl.lead") in text and "41,3\u00a0%" in cells and "4,5 mois" in cells and "règle simple" in cells


def test_a_committee_suspension_of_the_champion_retires_it(audited_home):
    models = audited_home.home / "models"
    models.mkdir(parents=True, exist_ok=True)
    (models / "registry.json").write_text(json.dumps([{"version": VERSION, "status": "champion", "created_at": "x",
                                                       "history": [{"status": "champion", "at": "x"}]}]))
    data.record_decision(scope_of("comite"), VERSION, decision="suspend", comment="écart à vérifier")
    entry = json.loads((models / "registry.json").read_text())[0]
    assert entry["status"] == "retired" and "écart à vérifier" in entry["history"][-1]["reason"]


def test_a_household_listed_by_the_rule_gets_a_notice_that_names_the_rule_not_a_model(home):
    import pandas as pd

    from dashboard import documents

    row = pd.Series({"model_version": "rule", "risk_band": "regle", "no_landlord_data": False,
                     "snapshot_month": "2026-10", "household_key": "9f3a0c1d2e4b5a6c"})
    reasons = pd.DataFrame({"text_fr": ["commandement de payer reçu", "3 mois d'impayés"], "text_en": ["a", "b"],
                            "contribution": [float("nan")] * 2})
    text = documents.notice_markdown(row=row, reasons=reasons, lang="fr", city=data.city())
    assert "règle actuelle" in text and "Aucun modèle statistique" in text and "3 mois d'impayés" in text
    assert "arbres de décision" not in text and "nan" not in text


def test_the_household_page_of_a_rule_listed_household_shows_no_probability(home):
    from abri_fixture import key_of

    _publish_rule_lists(home)
    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    assert not at.exception and not at.error
    assert any("règle actuelle" in m.value and "aucune probabilité" in m.value for m in at.markdown)
