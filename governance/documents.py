"""The documents the law asks for, per model version.

`write_documents` writes, from the version's metadata.json and the audit record (audit.json):
model_card.html and .md, datasheet.html, etalab.json and etalab.html (the entry of Etalab's
public algorithm inventory, CRPA art. L312-1-3) and annex_iv.html (the EU AI Act Annex IV
checklist, each item pointing to its evidence files with a present/missing status). The notice
to a household (CRPA art. L311-3-1) is governance/notice.py.

Where the text lives: the model card and the datasheet are one Markdown template per language
(reports/templates/model_card.<lang>.md.j2, datasheet.<lang>.md.j2; values from
governance/model_card.py), their HTML derived from the same Markdown. The Etalab entry and the
Annex IV checklist are tables of short fields: their labels and values stay in the catalogue
(reports/locales, `doc.et.*`, `doc.ax.*`), because etalab.json must carry the French
values whatever the page's language. Every page is self-contained (inline CSS, no script, no
external resource).
"""

from __future__ import annotations

import json
from pathlib import Path

from abri.city import City, load_city
from features.declare import FEATURES
from governance.model_card import (
    SCORERS,
    datasheet_view,
    lead_time_table,
    lists_table,
    metrics_by_scorer,
    model_card_view,
)
from ingest.contract import SOURCES, source
from reports.i18n import LANGS, t, tn
from reports.render import markdown_page, render, render_localised

__all__ = ["ETALAB_FIELDS", "SCORERS", "annex_iv_items", "etalab_entry", "lead_time_table", "lists_table",
           "write_documents"]

_REPO = Path(__file__).resolve().parents[1]
ETALAB_FIELDS = ("administration", "contact", "nom", "objectif", "moment_intervention",
                 "niveau_automatisation", "base_legale", "decisions_par_an", "public_concerne",
                 "donnees_et_sources", "type_algorithme", "operations")
LOG_MIN_DAYS = 183  # EU AI Act art. 19 / 26: automatic logs kept at least six months


def write_documents(*, metadata: dict, audit_record: dict | None, out_dir: Path,
                    lang: str = "fr", retention=None, design: dict | None = None,
                    impact: dict | None = None, city: City | None = None,
                    log_days: int | None = None) -> dict[str, Path]:
    """Write the version's documents into out_dir; return {file name: path}.

    metadata: the version's metadata.json (models/workflow.py train_candidate).
    audit_record: the audit.json dictionary (fairness.audit.Audit.to_dict), or None when the
    audit has not been run (the model card and Annex IV then say so).
    retention: abri.config.Retention, the periods the datasheet states (default: the defaults).
    design, impact: the committee's randomised design ({"name", "params"}) and impact.json's
    content, for the model card's section on the design, its ethics and what it measured.
    city: the city served (abri/cities/<city>.toml; default Paris's): its name, service, partners.
    Annex IV is written last: it checks which evidence files exist in out_dir (audit.html and
    explanations.html are written there by the audit step) and in the repository's docs/.
    """
    _check_lang(lang)
    city = city or load_city("paris")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        (out / name).write_text(text, encoding="utf-8")
        paths[name] = out / name

    card = render_localised("model_card", lang, **model_card_view(metadata, audit_record, lang, design=design,
                                                                   impact=impact, city=city))
    write("model_card.html", markdown_page(card, lang=lang, toc=t("common.toc", lang)))
    write("model_card.md", card)
    write("datasheet.html", markdown_page(render_localised("datasheet", lang, **datasheet_view(metadata, lang, retention)),
                                          lang=lang, toc=t("common.toc", lang)))
    entry = etalab_entry(metadata, city=city)
    write("etalab.json", json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    write("etalab.html", _render("document.html.j2", _etalab_view(entry, metadata, lang, city=city), lang))
    write("annex_iv.html", _render("document.html.j2", _annex_iv(metadata, audit_record, out, lang, log_days=log_days),
                                   lang))
    return paths


def etalab_entry(metadata: dict, *, city: City | None = None) -> dict:
    """The inventory entry (always in French: it is published in the French register), for `city`
    (default Paris's). `metadata["governance"]` may override administration, contact and legal basis."""
    city = city or load_city("paris")
    gov = metadata.get("governance") or {}
    model = metrics_by_scorer(metadata).get("model", {})
    k = model.get("k")
    sources = [f"{source(n, city=city).partner} ({t('source.' + n)}, {tn('common.lag', s.lag_months)})"
               for n, s in SOURCES.items() if any(f.source == n for f in FEATURES)]
    entry = {
        "administration": gov.get("administration") or t("doc.et.v.administration", service=city.service),
        "contact": gov.get("contact") or t("value.to_complete"),
        "nom": t("doc.et.v.nom"),
        "objectif": t("doc.card.purpose", city=city.name),
        "moment_intervention": t("doc.et.v.moment"),
        "niveau_automatisation": t("doc.et.v.automatisation"),
        "base_legale": gov.get("legal_basis") or t("doc.et.v.base_legale"),
        "decisions_par_an": (t("doc.et.v.decisions", per_year=int(round(12 * k)), k=int(round(k)))
                             if k else t("value.to_complete")),
        "public_concerne": t("doc.et.v.public", city=city.name),
        "donnees_et_sources": sources,
        "type_algorithme": t("doc.et.v.type"),
        "operations": t("doc.et.v.operations"),
        "version": metadata.get("version", "?"),
        "code_source": gov.get("source_code") or t("value.to_complete"),
    }
    return entry


# --------------------------------------------------------------------------- views

def _section(id_: str, heading: str, paragraphs: list[str], *, items: list[str] | None = None,
             ordered: bool = False, table: dict | None = None, notes: list[str] | None = None) -> dict:
    return {"id": id_, "heading": heading, "paragraphs": paragraphs, "items": items or [],
            "ordered": ordered, "table": table, "notes": notes or []}


def _etalab_view(entry: dict, metadata: dict, lang: str, *, city: City) -> dict:
    rows = []
    for key in (*ETALAB_FIELDS, "version", "code_source"):
        value = entry[key]
        if key == "donnees_et_sources":
            value = "; ".join(value)
        if lang != "fr" and key not in ("contact", "version", "code_source", "donnees_et_sources",
                                        "administration", "base_legale"):
            value = _etalab_en(key, metadata, value, city=city)
        rows.append([t(f"doc.et.{key}", lang), value])
    return {"title": t("doc.et.title", lang), "header": [t("doc.et.intro", lang)],
            "sections": [_section("entry", t("doc.et.title", lang), [],
                                  table={"header": [t("doc.et.field", lang), t("doc.et.value", lang)], "rows": rows})]}


def _etalab_en(key: str, metadata: dict, value: str, *, city: City) -> str:
    """English reading of a French entry field (the JSON stays French)."""
    k = metrics_by_scorer(metadata).get("model", {}).get("k")
    return {"nom": t("doc.et.v.nom", "en"), "objectif": t("doc.card.purpose", "en", city=city.name),
            "moment_intervention": t("doc.et.v.moment", "en"),
            "niveau_automatisation": t("doc.et.v.automatisation", "en"),
            "decisions_par_an": (t("doc.et.v.decisions", "en", per_year=int(round(12 * k)), k=int(round(k)))
                                 if k else value),
            "public_concerne": t("doc.et.v.public", "en", city=city.name), "type_algorithme": t("doc.et.v.type", "en"),
            "operations": t("doc.et.v.operations", "en")}.get(key, value)


# --------------------------------------------------------------------------- Annex IV

def annex_iv_items(metadata: dict, audit_record: dict | None, out_dir: Path, lang: str = "fr", *,
                   log_days: int | None = None) -> list[dict]:
    """Each checklist item with its evidence: [{item, evidence: [{label, present}], status}].
    `log_days`: how long the home keeps its access log (abri.config.Retention.access_log_days),
    given by the caller; None (unknown) marks the logging item missing."""
    out = Path(out_dir)

    def file(name: str) -> dict:
        return {"label": name, "present": (out / name).is_file()}

    def doc(rel: str) -> dict:
        return {"label": rel, "present": (_REPO / rel).is_file()}

    def meta(*keys: str) -> dict:
        return {"label": t("doc.ax.ev.metadata", lang, keys=", ".join(keys)),
                "present": all(metadata.get(k) not in (None, "", [], {}) for k in keys)}

    audit_html = {"label": "audit.html", "present": audit_record is not None and (out / "audit.html").is_file()}
    days = log_days
    logs = {"label": t("doc.ax.ev.logs", lang, days=days if days is not None else "?"),
            "present": days is not None and days >= LOG_MIN_DAYS}
    items = [
        ("doc.ax.1", [file("model_card.html"), meta("version", "library_versions", "code_version")]),
        ("doc.ax.2a", [file("model_card.html"), file("explanations.html"), doc("docs/governance.md")]),
        ("doc.ax.2d", [file("datasheet.html"), doc("docs/data-contract.md"), doc("docs/feature-dictionary.md"),
                       doc("docs/ingestion.md"), meta("data_snapshot_sha256")]),
        ("doc.ax.2e", [doc("docs/governance.md"), file("model_card.html")]),
        ("doc.ax.2g", [file("model_card.html"), meta("metrics")]),
        ("doc.ax.2h", [doc("docs/security.md")]),
        ("doc.ax.3", [audit_html, file("explanations.html"), file("model_card.html")]),
        ("doc.ax.4", [file("model_card.html"), doc("docs/fairness.md")]),
        ("doc.ax.5", [doc("docs/governance.md")]),
        ("doc.ax.6", [meta("version", "created_at"), doc("docs/governance.md")]),
        ("doc.ax.7", [doc("docs/governance.md")]),
        ("doc.ax.8", [doc("docs/declaration-of-conformity.md")]),
        ("doc.ax.9", [doc("models/monitoring.py"), doc("docs/governance.md")]),
        ("doc.ax.logs", [logs]),
        ("doc.ax.transparency", [file("etalab.html"), file("etalab.json"), doc("governance/notice.py"),
                                 doc("reports/templates/notice.fr.md.j2")]),
        ("doc.ax.fria", [doc("docs/fria.md")]),
    ]
    return [{"item": t(key, lang), "key": key, "evidence": ev,
             "status": "present" if all(e["present"] for e in ev) else "missing"} for key, ev in items]


def _annex_iv(metadata: dict, audit_record: dict | None, out: Path, lang: str, *, log_days: int | None) -> dict:
    items = annex_iv_items(metadata, audit_record, out, lang, log_days=log_days)
    rows = [[i["item"],
             "; ".join(f"{e['label']} ({t('value.present' if e['present'] else 'value.missing', lang)})"
                       for e in i["evidence"]),
             {"text": t(f"value.{i['status']}", lang), "status": i["status"]}] for i in items]
    present = sum(i["status"] == "present" for i in items)
    return {"title": f"{t('doc.ax.title', lang)} — {metadata.get('version', '?')}",
            "header": [t("doc.ax.intro", lang, present=present, total=len(items))],
            "sections": [_section("checklist", t("doc.ax.title", lang), [], table={
                "header": [t("doc.ax.item", lang), t("doc.ax.evidence", lang), t("doc.ax.status", lang)],
                "rows": rows})]}


# --------------------------------------------------------------------------- rendering

def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")


def _render(template: str, view: dict, lang: str) -> str:
    return render(template, lang=lang, t=t, **view)
