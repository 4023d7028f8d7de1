"""The model card and the datasheet as one Markdown template per language: both languages
render, no code identifier, "None" or "nan" reaches the reader, a missing value fails the render
(StrictUndefined) instead of printing a blank, every retention period is stated, every value is
escaped, and the HTML pages say what the Markdown says."""

import re
from dataclasses import fields

import jinja2
import pytest
from test_documents import META

from abri.config import Retention
from governance.documents import write_documents
from governance.model_card import datasheet_view, model_card_view
from reports.render import TEMPLATES, markdown_page, render_localised

DOCUMENTS = ("notice", "model_card", "datasheet")
AUDIT = {"operating_point": {"selected": 80, "capacity": 0.1}, "config": {"tolerance": [0.8, 1.25]},
         "data": {"rows": 800},
         "group_specs": [{"name": "tenure", "reference": "social", "suppressed_groups": 1,
                          "groups": [{"group": "social", "verdict": "reference"},
                                     {"group": "prive", "verdict": "outside"}]},
                         {"name": "sexe × famille_monoparentale", "reference": "M × non", "suppressed_groups": 0,
                          "groups": [{"group": "F × oui", "verdict": "uncertain"}]}]}
CODE = re.compile(r"\b(None|nan|NaN|null)\b|\b[a-z]+_[a-z_]+\b")


def visible(page: str) -> str:
    """What a reader sees of an HTML page: the body without tags or code spans."""
    page = re.sub(r"<code>.*?</code>", " ", page.split("<body>", 1)[-1], flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#39;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_long_document_has_one_template_per_language(name):
    for lang in ("fr", "en"):
        assert (TEMPLATES / f"{name}.{lang}.md.j2").is_file()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("audit", [AUDIT, None], ids=["audited", "no-audit"])
def test_model_card_and_datasheet_render_without_code_or_none(tmp_path, lang, audit):
    meta = {**META, "seed": None, "as_of": None}  # missing values read "–", never "None"
    write_documents(metadata=meta, audit_record=audit, out_dir=tmp_path, lang=lang,
                    design={"name": "margin", "params": {"low": 0.5, "high": 2.0}})
    for name in ("model_card.html", "datasheet.html"):
        text = visible((tmp_path / name).read_text(encoding="utf-8"))
        assert not CODE.search(text), (name, CODE.findall(text))
        assert "–" in text or name == "datasheet.html"
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert not CODE.search(re.sub(r"`[^`]*`", "", card).replace("\\_", "_")), CODE.findall(card)
    if lang == "fr":
        assert "tenure" not in card and "outside" not in card and "margin" not in card


def test_the_french_model_card_names_the_attribute_verdict_and_design_in_french(tmp_path):
    write_documents(metadata=META, audit_record=AUDIT, out_dir=tmp_path, lang="fr",
                    design={"name": "margin", "params": {"low": 0.5, "high": 2.0}})
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert "Statut d'occupation (social / privé) (référence « parc social ») : 0 dans la tolérance, 1 hors tolérance" in card
    assert "1 masqué." in card and "Statut d'occupation (social / privé) : parc privé (hors tolérance)" in card
    # a crossed spec is named part by part, each group value in the catalogue's words
    # (fairness.groups.group_label: the same as audit.html and the dashboard)
    assert "Sexe de la personne de référence × Famille monoparentale (référence « homme × non »)" in card
    assert "× Famille monoparentale : femme × oui (incertain)" in card
    assert "rangs de 0,5 à 2,0 fois la capacité" in card
    assert "Impact : pas encore de ménage tiré au sort" in card
    assert "150\u202f000 / 900" in card  # counts in the French locale


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_pages_say_what_the_markdown_says(tmp_path, lang):
    write_documents(metadata=META, audit_record=AUDIT, out_dir=tmp_path, lang=lang)
    md = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    page = visible((tmp_path / "model_card.html").read_text(encoding="utf-8"))
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert len(headings) == 13
    for heading in headings:
        assert heading in page
    assert ("Sommaire" if lang == "fr" else "Contents") in page  # the table of contents


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_retention_period_is_stated(tmp_path, lang):
    values = {f.name: 400 + i for i, f in enumerate(fields(Retention))}
    write_documents(metadata=META, audit_record=None, out_dir=tmp_path, lang=lang, retention=Retention(**values))
    sheet = (tmp_path / "datasheet.html").read_text(encoding="utf-8")
    for name, n in values.items():
        unit = ("jours" if lang == "fr" else "days") if name.endswith("_days") else ("mois" if lang == "fr" else "months")
        assert f"{n} {unit}" in sheet, name


@pytest.mark.parametrize("name,view", [("model_card", lambda: model_card_view(META, AUDIT, "fr")),
                                       ("datasheet", lambda: datasheet_view(META, "fr"))])
def test_a_missing_value_fails_the_render_instead_of_printing_a_blank(name, view):
    values = view()
    render_localised(name, "fr", **values)  # complete: renders
    for key in ("version", "data_hash"):
        incomplete = {k: v for k, v in values.items() if k != key}
        with pytest.raises(jinja2.UndefinedError, match=key):
            render_localised(name, "fr", **incomplete)
    with pytest.raises(jinja2.UndefinedError):
        render_localised(name, "en", **{**values, "retention": {}, "fairness": {"specs": [{}]}, "metrics": [{}],
                                        "sources": [{}]})


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        render_localised("model_card", "de", **model_card_view(META, None, "fr"))


def test_metadata_values_are_escaped_in_both_formats(tmp_path):
    meta = {**META, "version": "<script>x</script>", "code_version": "[lien](https://exemple.org)",
            "library_versions": {"a|b": "*1*"}}
    write_documents(metadata=meta, audit_record=None, out_dir=tmp_path)
    for name in ("model_card.html", "datasheet.html"):
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert "<script" not in page and "&lt;script&gt;" in page and 'href="http' not in page and "<em>1" not in page
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert r"\[lien\](https://exemple.org)" in card and r"| a\|b \*1\* |" in card


def test_markdown_page_is_self_contained_and_shows_raw_html_as_text():
    page = markdown_page("# Titre\n\nPremier <img src='https://x/y.png'> texte\n\n## A\n\n## B\n\n## C\n",
                         lang="fr", toc="Sommaire :")
    assert '<html lang="fr">' in page and "<title>Titre</title>" in page and "<img" not in page
    assert '<h2 id="a">A</h2>' in page and '<a href="#c">C</a>' in page
