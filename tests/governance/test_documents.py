"""The governance documents: every file written, every Etalab field, the three scorers and the
energy in the model card, missing evidence marked missing (the household notice: test_notice.py)."""

import json
import re

import pytest
from markupsafe import escape

from fairness.audit import audit
from governance.documents import ETALAB_FIELDS, annex_iv_items, write_documents
from reports.i18n import t

FILES = ("model_card.html", "model_card.md", "datasheet.html", "etalab.json", "etalab.html", "annex_iv.html")

META = {
    "version": "2025-03-abcdef12", "as_of": "2025-03", "created_at": "2025-04-01T10:00:00+00:00",
    "training_window": {"train": ["2023-10", "2023-11", "2023-12"], "calibration": ["2024-01"],
                        "labelled_months": ["2023-01", "2024-03"]},
    "data_snapshot_sha256": "ab" * 32, "model_sha256": "cd" * 32, "features": ["f"] * 53,
    "metrics": [
        {"scorer": "model", "month": "all", "n": 20000, "k": 200, "precision_at_k": 0.313,
         "recall_at_k": 0.22, "lift_at_k": 14.2, "roc_auc": 0.913, "pr_auc": 0.251},
        {"scorer": "logistic", "month": "all", "n": 20000, "k": 200, "precision_at_k": 0.208,
         "recall_at_k": 0.15, "lift_at_k": 9.5, "roc_auc": 0.852, "pr_auc": 0.151},
        {"scorer": "rule", "month": "all", "n": 20000, "k": 200, "precision_at_k": 0.118,
         "recall_at_k": 0.08, "lift_at_k": 5.5, "roc_auc": 0.704, "pr_auc": 0.052}],
    "seed": 0, "library_versions": {"python": "3.11.9", "lightgbm": "4.7.0"}, "code_version": "1b57876",
    "training_seconds": 42.5,
    "energy": {"cpu_seconds": 80.1, "kwh": 0.000267, "kg_co2e": 0.0000139,
               "method": "CPU time x 12 W per core; 52 gCO2e/kWh (French mix, ADEME)"},
    "rows": {"train": 150000, "positives": 900},
}


@pytest.fixture(scope="module")
def audit_record():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    n = 800
    df = pd.DataFrame({"tenure": rng.choice(["social", "prive"], n), "p": rng.beta(1, 6, n)})
    df["y"] = (rng.random(n) < df.p).astype(int)
    return audit(df, label="y", score="p", groups=["tenure"], top_k=80, n_boot=50, seed=0).to_dict()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_document_is_written_and_self_contained(tmp_path, audit_record, lang):
    paths = write_documents(metadata=META, audit_record=audit_record, out_dir=tmp_path, lang=lang)
    assert sorted(paths) == sorted(FILES)
    for name in FILES:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert paths[name] == tmp_path / name and len(text) > 200
        if name.endswith(".html"):
            assert f'<html lang="{lang}">' in text
            assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", text, re.I)
            assert "<script" not in text and "url(" not in text


def test_etalab_entry_has_every_field_filled(tmp_path):
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path)
    entry = json.loads((tmp_path / "etalab.json").read_text(encoding="utf-8"))
    assert len(ETALAB_FIELDS) == 12
    for field in ETALAB_FIELDS:
        assert entry[field], field
    assert "2400" in entry["decisions_par_an"]  # 200 a month at capacity
    assert any("Caisse d'allocations familiales" in s for s in entry["donnees_et_sources"])
    assert "Aide à la décision" in entry["niveau_automatisation"]
    page = (tmp_path / "etalab.html").read_text(encoding="utf-8")
    for field in ETALAB_FIELDS:
        assert str(escape(t(f"doc.et.{field}", "fr"))) in page


def test_model_card_has_the_three_scorers_metrics_and_the_energy(tmp_path, audit_record):
    write_documents(metadata=META, audit_record=audit_record, out_dir=tmp_path)
    for name in ("model_card.html", "model_card.md"):
        card = (tmp_path / name).read_text(encoding="utf-8")
        for scorer in ("model", "logistic", "rule"):
            assert str(escape(t(f"doc.scorer.{scorer}", "fr"))) in card or t(f"doc.scorer.{scorer}", "fr") in card
        for value in ("31,3", "20,8", "11,8", "0,913", "0,852", "0,704"):
            assert value in card, value
        assert "0,000267 kWh" in card and "0,014 g de CO2e" in card and "ADEME" in card
        # the fairness summary from audit.json, the attribute by its plain name
        assert "Statut d'occupation" in card.replace("&#39;", "'") and "social" in card and "tenure" not in card
        assert "Jamais une décision automatique" in card


def test_model_card_says_when_the_audit_is_missing(tmp_path):
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path, lang="en")
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert t("doc.card.fairness_missing", "en") in card


def test_datasheet_names_who_is_invisible_and_the_sources(tmp_path):
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path)
    sheet = (tmp_path / "datasheet.html").read_text(encoding="utf-8")
    assert "Locataires du parc privé" in sheet and "sans dossier CAF" in sheet
    assert "France Travail" in sheet and "quarantaine" in sheet and "ab" * 32 in sheet


def test_annex_iv_marks_a_missing_evidence_file_as_missing(tmp_path, audit_record):
    write_documents(metadata=META, audit_record=audit_record, out_dir=tmp_path, log_days=183)
    items = {i["key"]: i for i in annex_iv_items(META, audit_record, tmp_path, log_days=183)}
    # audit.html and explanations.html were not written in tmp_path
    assert items["doc.ax.3"]["status"] == "missing"
    ev = {e["label"]: e["present"] for e in items["doc.ax.3"]["evidence"]}
    assert ev["audit.html"] is False and ev["explanations.html"] is False and ev["model_card.html"] is True
    assert items["doc.ax.8"]["status"] == "missing"  # no declaration of conformity yet
    assert items["doc.ax.logs"]["status"] == "present"  # the home keeps its access log >= 183 days
    page = (tmp_path / "annex_iv.html").read_text(encoding="utf-8")
    assert "audit.html (manquant)" in page and 'class="v v-missing"' in page

    (tmp_path / "audit.html").write_text("<html></html>")
    (tmp_path / "explanations.html").write_text("<html></html>")
    write_documents(metadata=META, audit_record=audit_record, out_dir=tmp_path)
    items = {i["key"]: i for i in annex_iv_items(META, audit_record, tmp_path)}
    assert items["doc.ax.3"]["status"] == "present"
    assert items["doc.ax.1"]["status"] == "present"


@pytest.mark.parametrize("days", [None, 90])
def test_annex_iv_marks_an_unknown_or_short_log_retention_missing(tmp_path, days):
    items = {i["key"]: i for i in annex_iv_items(META, None, tmp_path, log_days=days)}
    assert items["doc.ax.logs"]["status"] == "missing"


def test_annex_iv_without_audit_record_marks_the_audit_missing(tmp_path):
    (tmp_path / "audit.html").write_text("<html></html>")
    items = {i["key"]: i for i in annex_iv_items(META, None, tmp_path)}
    assert {e["label"]: e["present"] for e in items["doc.ax.3"]["evidence"]}["audit.html"] is False


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_documents(metadata=META, audit_record=None, out_dir=tmp_path, lang="de")


def test_datasheet_states_each_retention_period_with_its_basis(tmp_path):
    from abri.config import Retention

    write_documents(metadata=META, audit_record=None, out_dir=tmp_path, retention=Retention(notes_months=36))
    sheet = (tmp_path / "datasheet.html").read_text(encoding="utf-8")
    assert "8. Durées de conservation" in sheet
    assert "36 mois" in sheet and "365 jours" in sheet and "AI Act art. 19" in sheet
    assert "Registre d&#39;identité" in sheet or "Registre d'identité" in sheet


def test_the_model_card_states_the_randomised_design_and_its_measured_impact(tmp_path):
    impact = {"itt_averted_per_100": {"estimate": 0.48, "ci_low": 0.03, "ci_high": 0.93}, "n": 18775}
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path,
                    design={"name": "tiered", "params": {"tiers": [[1, 0.5], [4, 0.17]]}}, impact=impact)
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert "par paliers" in card and "50\u00a0%" in card and "0,48" in card and "0,93" in card
    assert "tiered" not in card and "{" not in card  # the design in words, not its parameters
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path / "none")
    assert "0,48" not in (tmp_path / "none" / "model_card.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_second_citys_documents_name_that_city_never_paris(tmp_path, lang):
    """The model card and the Etalab entry state the city file's name, service and partners."""
    from abri.city import load_city

    valmont = load_city("valmont")
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path, lang=lang, city=valmont)
    entry = json.loads((tmp_path / "etalab.json").read_text(encoding="utf-8"))
    assert entry["administration"].startswith(valmont.service)
    assert valmont.name in entry["objectif"] and valmont.name in entry["public_concerne"]
    assert any(valmont.partners["caf"] in s for s in entry["donnees_et_sources"])
    for name in ("model_card.md", "etalab.json", "etalab.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert valmont.name in text and "Paris" not in text and "parisien" not in text, name
