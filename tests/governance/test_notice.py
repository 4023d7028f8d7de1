"""The one CRPA notice (governance/notice.py, text in reports/templates/notice.<lang>.md.j2):
both languages, the legal mentions of CRPA art. L311-3-1 and R311-3-1-2, the reasons in order
with their weight, today's rule said as such, every value escaped, no attribute, no code."""

import re

import pandas as pd
import pytest

from abri.city import load_city
from governance.notice import NoticeInputError, notice_html, notice_markdown

PARIS = load_city("paris")

ROW = {"household_key": "9f3a0c1d2e4b5a6c", "snapshot_month": "2025-03", "model_version": "2025-03-abcdef12",
       "risk_band": "tres_eleve", "no_landlord_data": True}
REASONS = pd.DataFrame({
    "text_fr": ["Impayés de loyer : 3,2 mois de loyer impayés", "Procédure d'expulsion engagée : commandement de payer reçu",
                "Impayés d'énergie : 2 impayés d'énergie en 12 mois"],
    "text_en": ["Rent arrears: 3.2 months of rent owed", "Eviction procedure under way: formal demand received",
                "Energy arrears: 2 unpaid energy bills in 12 months"],
    "contribution": [0.6, -0.3, 0.1]})
RULE_ROW = {**ROW, "model_version": "rule", "risk_band": "regle", "no_landlord_data": False}
# CRPA R311-3-1-2: what a notice must state, then the rights, in each language
LEGAL = {"fr": ["L311-3-1", "R311-3-1-2", "Degré et mode de contribution", "Données utilisées et leurs sources",
                "Paramètres appliqués à votre situation et leur poids", "Opérations effectuées", "Vos droits",
                "aide à la décision", "article 22", "CNIL", "CADA", "délégué à la protection des données",
                "Ne sont jamais utilisés pour vous classer"],
         "en": ["L311-3-1", "R311-3-1-2", "Degree and mode of the algorithm's contribution", "Data used and their sources",
                "Parameters as applied to your situation and their weight", "Operations performed", "Your rights",
                "decision support", "article 22", "CNIL", "CADA", "data protection officer", "Never used to rank you"]}


def _text(page: str) -> str:
    """What a reader sees: the body without tags or code spans, entities decoded."""
    page = re.sub(r"<code>.*?</code>", " ", page.split("<body>", 1)[-1], flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_notice_renders_in_both_languages_with_every_legal_mention(lang):
    md = notice_markdown(row=ROW, reasons=REASONS, lang=lang, city=PARIS)
    page = notice_html(row=ROW, reasons=REASONS, lang=lang, city=PARIS)
    assert f'<html lang="{lang}">' in page
    for text in (md, _text(page)):
        for mention in LEGAL[lang]:
            assert mention in text, (lang, mention)
        assert "9f3a0c1d2e4b5a6c" in text and "2025-03-abcdef12" in text
        assert ("mois concerné : mars 2025" if lang == "fr" else "month concerned: March 2025") in text
        # purpose, data and sources from the contract, operations numbered
        assert "Caisse d'allocations familiales" in text and "France Travail" in text
    assert md.count("\n## ") == 5
    assert [h for h in re.findall(r"<h2[^>]*>([^<]+)</h2>", page)][0].startswith("1. ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_reasons_come_in_rank_order_with_their_relative_weight(lang):
    md = notice_markdown(row=ROW, reasons=REASONS, lang=lang, city=PARIS)
    texts = REASONS[f"text_{lang}"].tolist()
    positions = [md.index(t) for t in texts]
    assert positions == sorted(positions)
    pct = "\u00a0%" if lang == "fr" else "%"
    assert f"(60{pct})" in md and f"(30{pct})" in md and f"(10{pct})" in md  # share of |contributions|
    assert ("très élevé" if lang == "fr" else "very high") in md
    assert "private landlords send nothing" in md or "les bailleurs privés ne transmettent rien" in md


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_household_listed_by_the_rule_is_told_so_without_model_or_weight(lang):
    md = notice_markdown(row=RULE_ROW, reasons=REASONS.assign(contribution=float("nan")), lang=lang, city=PARIS)
    assert ("règle actuelle" if lang == "fr" else "current rule") in md
    assert ("Aucun modèle statistique" if lang == "fr" else "No statistical model") in md
    assert "arbres de décision" not in md and "decision trees" not in md and "%" not in md.split("## 3.")[1].split("## 4.")[0]
    if lang == "fr":
        assert "rule" not in md  # the version is said in words, not as its code


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("row", [ROW, RULE_ROW], ids=["model", "rule"])
def test_no_code_identifier_none_or_nan_reaches_the_household(lang, row):
    for out in (notice_markdown(row=row, reasons=REASONS, lang=lang, city=PARIS), _text(notice_html(row=row, reasons=REASONS, lang=lang, city=PARIS))):
        assert not re.search(r"\b(None|nan|NaN|tres_eleve|regle|no_landlord_data|model_version)\b", out)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", out), re.findall(r"\b[a-z]+_[a-z_]+\b", out)


def test_a_household_with_no_reason_is_told_none_was_retained():
    md = notice_markdown(row=ROW, reasons=REASONS.iloc[:0], lang="fr", city=PARIS)
    assert "Aucun élément particulier n'a été retenu" in md


def test_every_value_is_escaped_in_the_page_and_in_the_markdown():
    evil = REASONS.assign(text_fr=["<script>alert(1)</script>", "[lien](https://exemple.org) *gras*", "a | b\n\n# titre"])
    page = notice_html(row=ROW, reasons=evil, lang="fr", city=PARIS)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<a " not in page and "<strong>gras" not in page and "<em>gras" not in page and "<h1>titre" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I) and "url(" not in page
    md = notice_markdown(row=ROW, reasons=evil, lang="fr", city=PARIS)
    assert r"\[lien\](https://exemple.org) \*gras\*" in md and r"\<script\>" in md and "\n# titre" not in md


def test_the_notice_contains_no_audit_attribute_value():
    text = _text(notice_html(row=ROW, reasons=REASONS, lang="fr", city=PARIS))
    for value in ("HORS_UE", "hors UE", " UE ", "QPV", "famille_monoparentale", "40-59", "75+", "prive",
                  "Arrondissement :", "75019", "19e", "AAH", " F ", " M "):
        assert value not in text, value


@pytest.mark.parametrize("missing", ["household_key", "risk_band", "no_landlord_data"])
def test_a_row_without_a_required_column_fails_loudly(missing):
    row = {k: v for k, v in ROW.items() if k != missing}
    with pytest.raises(NoticeInputError, match=missing):
        notice_markdown(row=row, reasons=REASONS, lang="fr", city=PARIS)


def test_a_snapshot_month_that_is_not_a_month_fails_loudly():
    with pytest.raises(NoticeInputError, match="snapshot_month"):
        notice_markdown(row={**ROW, "snapshot_month": "mars"}, reasons=REASONS, lang="fr", city=PARIS)


def test_an_unknown_band_or_language_fails_loudly():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        notice_markdown(row={**ROW, "risk_band": "inconnu"}, reasons=REASONS, lang="fr", city=PARIS)
    with pytest.raises(ValueError, match="lang"):
        notice_markdown(row=ROW, reasons=REASONS, lang="de", city=PARIS)


@pytest.mark.parametrize(("city", "lang"), [("paris", "fr"), ("valmont", "fr"), ("valmont", "en")])
def test_the_notice_names_the_citys_service_and_where_to_ask(city, lang):
    """The city file's labels (abri/cities/<city>.toml), never Paris by default."""
    served = load_city(city)
    text = _text(notice_html(row=ROW, reasons=REASONS, lang=lang, city=served))
    assert served.service in text and served.contact in text and served.name in text
    if city != "paris":  # its partners too: the household's data came from its CAF, not Paris's
        assert "Paris" not in text and served.partners["caf"] in text


def test_the_city_names_only_partners_of_the_contract():
    from ingest.contract import SOURCES

    for city in ("paris", "valmont"):
        assert set(load_city(city).partners) <= set(SOURCES)
