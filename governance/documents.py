"""The documents the law asks for, per model version, and the notice to a household.

`write_documents` writes, from the version's metadata.json and the audit record (audit.json):
model_card.html and .md, datasheet.html, etalab.json and etalab.html (the entry of Etalab's
public algorithm inventory, CRPA art. L312-1-3) and annex_iv.html (the EU AI Act Annex IV
checklist, each item pointing to its evidence files with a present/missing status).
`crpa_notice` returns the page a household receives on request (CRPA art. L311-3-1 and
R311-3-1-2): the algorithm's part, the data and sources, the weights as applied to it, the
operations, its rights.

Every document is one self-contained HTML page (Jinja2 autoescape, inline CSS, no script, no
external resource) built from a list of sections, so the Markdown model card reads the same
content; every sentence comes from the one catalogue (reports/i18n.py), French first.
"""

from __future__ import annotations

import json
from pathlib import Path

from features.declare import FEATURES, REASON_GROUPS
from ingest.contract import SOURCES
from reports import fmt
from reports.i18n import LANGS, t
from reports.render import render

_REPO = Path(__file__).resolve().parents[1]
SCORERS = ("model", "logistic", "rule")
METRICS = ("k", "precision_at_k", "recall_at_k", "lift_at_k", "roc_auc", "pr_auc")
ETALAB_FIELDS = ("administration", "contact", "nom", "objectif", "moment_intervention",
                 "niveau_automatisation", "base_legale", "decisions_par_an", "public_concerne",
                 "donnees_et_sources", "type_algorithme", "operations")
LOG_MIN_DAYS = 183  # EU AI Act art. 19 / 26: automatic logs kept at least six months


def write_documents(*, metadata: dict, audit_record: dict | None, out_dir: Path,
                    lang: str = "fr", retention=None, design: dict | None = None,
                    impact: dict | None = None) -> dict[str, Path]:
    """Write the version's documents into out_dir; return {file name: path}.

    metadata: the version's metadata.json (models/workflow.py train_candidate).
    audit_record: the audit.json dictionary (fairness.audit.Audit.to_dict), or None when the
    audit has not been run (the model card and Annex IV then say so).
    retention: abri.config.Retention, the periods the datasheet states (default: the defaults).
    design, impact: the committee's randomised design ({"name", "params"}) and impact.json's
    content, for the model card's section on the design, its ethics and what it measured.
    Annex IV is written last: it checks which evidence files exist in out_dir (audit.html and
    explanations.html are written there by the audit step) and in the repository's docs/.
    """
    _check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        (out / name).write_text(text, encoding="utf-8")
        paths[name] = out / name

    card = _model_card(metadata, audit_record, lang, design=design, impact=impact)
    write("model_card.html", _render("document.html.j2", card, lang))
    write("model_card.md", _render("document.md.j2", card, lang, markdown=True))
    write("datasheet.html", _render("document.html.j2", _datasheet(metadata, lang, retention), lang))
    entry = etalab_entry(metadata)
    write("etalab.json", json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    write("etalab.html", _render("document.html.j2", _etalab_view(entry, metadata, lang), lang))
    write("annex_iv.html", _render("document.html.j2", _annex_iv(metadata, audit_record, out, lang), lang))
    return paths


def crpa_notice(*, household_key: str, reasons: list[str], snapshot_month: str, metadata: dict,
                lang: str = "fr") -> str:
    """The self-contained HTML notice for one household: the algorithm's part (decision
    support, a social worker decides), its reasons in order of weight (`reasons`: the plain
    sentences of models/reasons.py, e.g. the `text_fr` column), the data and their sources,
    the operations, its rights. Takes no audit attribute, so it cannot show one."""
    _check_lang(lang)
    version = metadata.get("version", "?")
    sources = []
    for name, src in SOURCES.items():
        groups = sorted({f.reason_group for f in FEATURES if f.source == name})
        if not groups:
            continue
        sources.append(f"{src.partner} — {t('source.' + name, lang)} : "
                       f"{', '.join(_group(g, lang) for g in groups)}"
                       if lang == "fr" else
                       f"{src.partner} — {t('source.' + name, lang)}: "
                       f"{', '.join(_group(g, lang) for g in groups)}")
    view = {
        "title": t("notice.title", lang),
        "header": [t("notice.ref", lang, ref=household_key, month=str(snapshot_month)[:7], version=version),
                   t("notice.law", lang)],
        "sections": [
            _section("role", t("notice.s1", lang), [t("notice.s1.text", lang)]),
            _section("reasons", t("notice.s2", lang),
                     [t("notice.s2.text", lang) if reasons else t("notice.no_reasons", lang)],
                     items=list(reasons), ordered=True, notes=[t("notice.weights", lang)]),
            _section("data", t("notice.s3", lang), [t("notice.s3.text", lang)], items=sources,
                     notes=[t("notice.protected", lang)]),
            _section("operations", t("notice.s4", lang), [],
                     items=[t(f"notice.op.{i}", lang) for i in range(1, 6)], ordered=True),
            _section("rights", t("notice.s5", lang), [t("notice.rights", lang)]),
        ],
    }
    return _render("document.html.j2", view, lang)


def etalab_entry(metadata: dict) -> dict:
    """The inventory entry (always in French: it is published in the French register).
    `metadata["governance"]` may override administration, contact and legal basis."""
    gov = metadata.get("governance") or {}
    model = _metrics(metadata).get("model", {})
    k = model.get("k")
    sources = [f"{s.partner} ({t('source.' + n)}, {t('common.lag', lag=s.lag_months)})"
               for n, s in SOURCES.items() if any(f.source == n for f in FEATURES)]
    entry = {
        "administration": gov.get("administration") or t("doc.et.v.administration"),
        "contact": gov.get("contact") or t("value.to_complete"),
        "nom": t("doc.et.v.nom"),
        "objectif": t("doc.card.purpose"),
        "moment_intervention": t("doc.et.v.moment"),
        "niveau_automatisation": t("doc.et.v.automatisation"),
        "base_legale": gov.get("legal_basis") or t("doc.et.v.base_legale"),
        "decisions_par_an": (t("doc.et.v.decisions", per_year=int(round(12 * k)), k=int(round(k)))
                             if k else t("value.to_complete")),
        "public_concerne": t("doc.et.v.public"),
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


def _group(g: str, lang: str) -> str:
    return REASON_GROUPS[g][0 if lang == "fr" else 1]


def _metrics(metadata: dict) -> dict[str, dict]:
    return {m.get("scorer"): m for m in metadata.get("metrics") or [] if isinstance(m, dict)}


def _identity_rows(metadata: dict, lang: str) -> list[list[str]]:
    libs = metadata.get("library_versions") or {}
    return [[t(k, lang), str(v)] for k, v in (
        ("doc.card.version", metadata.get("version", "?")),
        ("doc.card.created", metadata.get("created_at", "?")),
        ("doc.card.as_of", metadata.get("as_of", "?")),
        ("doc.card.code", metadata.get("code_version", "?")),
        ("doc.card.model_hash", metadata.get("model_sha256", "?")),
        ("doc.card.data_hash", metadata.get("data_snapshot_sha256", "?")),
        ("doc.card.seed", metadata.get("seed", "?")),
        ("doc.card.libraries", ", ".join(f"{k} {v}" for k, v in libs.items() if v) or "?"))]


def _model_card(metadata: dict, audit_record: dict | None, lang: str, *, design: dict | None = None,
                impact: dict | None = None) -> dict:
    from governance.impact_card import design_card_section

    window = metadata.get("training_window") or {}
    rows = metadata.get("rows") or {}
    span = lambda ms: f"{ms[0]} → {ms[-1]} ({len(ms)})" if ms else "?"  # noqa: E731
    n_sources = len({f.source for f in FEATURES})
    training = _section("training", t("doc.card.training", lang),
                        [t("doc.card.label", lang),
                         t("doc.card.features", lang, n=len(metadata.get("features") or FEATURES),
                           sources=n_sources)],
                        table={"header": ["", ""], "rows": [
                            [t("doc.card.train_months", lang), span(window.get("train") or [])],
                            [t("doc.card.calibration_months", lang), span(window.get("calibration") or [])],
                            [t("doc.card.labelled_months", lang),
                             " → ".join(window.get("labelled_months") or []) or "?"],
                            [t("doc.card.rows", lang), f"{rows.get('train', '?')} / {rows.get('positives', '?')}"]]})
    by = _metrics(metadata)
    metric_rows = []
    for s in SCORERS:
        if s in by:
            m = by[s]
            metric_rows.append([t(f"doc.scorer.{s}", lang), *[_metric(k, m.get(k), lang) for k in METRICS]])
    metrics = _section("metrics", t("doc.card.metrics", lang), [t("doc.card.metrics_text", lang)],
                       table={"header": [t("doc.metric.scorer", lang), *[t(f"doc.metric.{k}", lang) for k in METRICS]],
                              "rows": metric_rows} if metric_rows else None,
                       notes=[] if metric_rows else [t("doc.metrics_missing", lang)])
    lead = lead_time_table(metadata.get("lead_time") or [], lang)
    lists = lists_table(metadata.get("sector_lists") or [], lang)
    return {
        "title": f"{t('doc.card.title', lang)} — {metadata.get('version', '?')}",
        "header": [t("common.generated", lang)],
        "sections": [
            _section("identity", t("doc.card.identity", lang), [],
                     table={"header": ["", ""], "rows": _identity_rows(metadata, lang)}),
            _section("use", t("doc.card.use", lang), [t("doc.card.purpose", lang), t("doc.card.users", lang)]),
            _section("not-intended", t("doc.card.not_intended", lang), [],
                     items=[t(f"doc.card.not_intended.{i}", lang) for i in range(1, 6)]),
            training, metrics, _gate_section(metadata, lang),
            _section("lists", t("doc.card.lists", lang), [t("doc.card.lists_text", lang)], table=lists,
                     notes=[] if lists else [t("doc.metrics_missing", lang)]),
            _section("lead-time", t("doc.card.lead", lang), [t("doc.card.lead_text", lang)], table=lead,
                     notes=[] if lead else [t("doc.lead_missing", lang)]),
            _fairness_section(audit_record, lang),
            design_card_section(design=design, impact=impact, lang=lang),
            _energy_section(metadata, lang),
            _section("limitations", t("doc.card.limitations", lang), [],
                     items=[t(f"doc.card.limit.{i}", lang) for i in range(1, 6)]),
            _section("oversight", t("doc.card.oversight", lang), [t("doc.card.oversight_text", lang)]),
        ],
    }


def _gate_section(metadata: dict, lang: str) -> dict:
    """Does this version beat today's rule (models.registry.gate)? Said plainly, with what
    happens when it does not: the lists are the rule's."""
    from models.registry import gate

    passed, why = gate(metadata)
    by = _metrics(metadata)
    text = (t("doc.card.gate_pass", lang, model=_metric("precision_at_k", by.get("model", {}).get("precision_at_k"), lang),
              rule=_metric("precision_at_k", by.get("rule", {}).get("precision_at_k"), lang))
            if passed else t("doc.card.gate_fail", lang, why="; ".join(why)))
    return _section("gate", t("doc.card.gate", lang), [text, t("doc.card.gate_rule", lang)])


def lead_time_table(rows: list[dict], lang: str = "fr") -> dict | None:
    """The lead time (metadata `lead_time`, one row per scorer) as a table in `lang`, or None."""
    if not rows:
        return None
    body = []
    for s in SCORERS:
        r = next((x for x in rows if x.get("scorer") == s), None)
        if r is None:
            continue
        body.append([t(f"doc.scorer.{s}", lang), fmt.number(r.get("judged"), lang, 0),
                     fmt.percent(r.get("reached"), lang), fmt.percent(r.get("reached_3m_before"), lang),
                     fmt.number(r.get("median_lead_months"), lang, 1)])
    header = [t("doc.metric.scorer", lang), t("doc.lead.judged", lang), t("doc.lead.reached", lang),
              t("doc.lead.reached_3m", lang), t("doc.lead.median", lang)]
    return {"header": header, "rows": body} if body else None


def lists_table(rows: list[dict], lang: str = "fr") -> dict | None:
    """The per-sector lists beside the city-wide ones (metadata `sector_lists`), or None."""
    if not rows:
        return None
    body = []
    for s in SCORERS:
        for kind in ("sector", "city"):
            r = next((x for x in rows if x.get("scorer") == s and x.get("lists") == kind), None)
            if r is None:
                continue
            body.append([t(f"doc.scorer.{s}", lang), t(f"doc.lists.{kind}", lang),
                         _metric("precision_at_k", r.get("precision_at_k"), lang),
                         _metric("recall_at_k", r.get("recall_at_k"), lang),
                         fmt.percent(r.get("reached_3m_before"), lang)])
    header = [t("doc.metric.scorer", lang), t("doc.lists.kind", lang), t("doc.metric.precision_at_k", lang),
              t("doc.metric.recall_at_k", lang), t("doc.lead.reached_3m", lang)]
    return {"header": header, "rows": body} if body else None


def _metric(key: str, value, lang: str) -> str:
    if value is None:
        return "–"
    if key == "k":
        return fmt.number(float(value), lang, 0)
    if key in ("precision_at_k", "recall_at_k"):
        return fmt.percent(float(value), lang)
    return fmt.number(float(value), lang, 3 if key != "lift_at_k" else 1)


def _fairness_section(record: dict | None, lang: str) -> dict:
    heading = t("doc.card.fairness", lang)
    if not record:
        return _section("fairness", heading, [], notes=[t("doc.card.fairness_missing", lang)])
    point, cfg = record.get("operating_point") or {}, record.get("config") or {}
    lo, hi = (cfg.get("tolerance") or [0.8, 1.25])[:2]
    paragraphs = [t("doc.card.fairness_point", lang, selected=point.get("selected", "?"),
                    rows=(record.get("data") or {}).get("rows", "?"),
                    capacity=fmt.percent(point.get("capacity"), lang, 2),
                    lo=fmt.number(lo, lang), hi=fmt.number(hi, lang))]
    items, flagged = [], []
    for spec in record.get("group_specs") or []:
        counts = {v: 0 for v in ("within", "outside", "uncertain", "not_estimable")}
        for g in spec.get("groups") or []:
            if g.get("verdict") in counts:
                counts[g["verdict"]] += 1
            if g.get("verdict") in ("outside", "uncertain"):
                flagged.append(f"{spec['name']} = {g['group']} ({t('verdict.' + g['verdict'], lang).lower()})")
        items.append(t("doc.card.fairness_row", lang, spec=spec.get("name"), reference=spec.get("reference"),
                       suppressed=spec.get("suppressed_groups", 0), **counts))
    notes = [t("doc.card.fairness_flag", lang, groups="; ".join(flagged))] if flagged else []
    return _section("fairness", heading, paragraphs, items=items, notes=notes)


def _energy_section(metadata: dict, lang: str) -> dict:
    e = metadata.get("energy")
    heading = t("doc.card.energy", lang)
    if not e:
        return _section("energy", heading, [t("doc.card.energy_missing", lang)])
    return _section("energy", heading, [t(
        "doc.card.energy_text", lang, seconds=fmt.number(metadata.get("training_seconds"), lang, 1),
        cpu=fmt.number(e.get("cpu_seconds"), lang, 1), kwh=fmt.number(e.get("kwh"), lang, 6),
        co2=fmt.number(1000 * e["kg_co2e"] if e.get("kg_co2e") is not None else None, lang, 3),
        method=e.get("method", "?"))])


def _retention_section(retention, lang: str) -> dict:
    from dataclasses import fields

    from abri.config import Retention

    retention = retention or Retention()
    rows = []
    for f in fields(retention):
        n = getattr(retention, f.name)
        period = t("doc.ds.ret.days", lang, n=n) if f.name.endswith("_days") else t("doc.ds.ret.months", lang, n=n)
        rows.append([t(f"doc.ds.ret.{f.name}", lang), period, t(f"doc.ds.ret.{f.name}.basis", lang)])
    return _section("retention", t("doc.ds.retention", lang), [], table={"header": [
        t("doc.ds.ret.data", lang), t("doc.ds.ret.period", lang), t("doc.ds.ret.basis", lang)], "rows": rows},
        notes=[t("doc.ds.ret.note", lang)])


def _datasheet(metadata: dict, lang: str, retention=None) -> dict:
    rows = []
    for name, s in SOURCES.items():
        feats = [f for f in FEATURES if f.source == name]
        rows.append([s.partner, t(f"source.{name}", lang), t(f"doc.ds.kind.{s.kind}", lang), str(s.lag_months),
                     str(len(feats)), ", ".join(sorted({_group(f.reason_group, lang) for f in feats})) or "–"])
    r = metadata.get("rows") or {}
    return {
        "title": f"{t('doc.ds.title', lang)} — {metadata.get('version', '?')}",
        "header": [t("common.generated", lang)],
        "sections": [
            _section("sources", t("doc.ds.sources", lang), [], table={"header": [
                t("doc.ds.partner", lang), t("doc.ds.source", lang), t("doc.ds.kind", lang), t("doc.ds.lag", lang),
                t("doc.ds.features", lang), t("doc.ds.reasons", lang)], "rows": rows}),
            _section("invisible", t("doc.ds.invisible", lang), [],
                     items=[t(f"doc.ds.invisible.{i}", lang) for i in range(1, 5)]),
            _section("linkage", t("doc.ds.linkage", lang), [t("doc.ds.linkage_text", lang)]),
            _section("quarantine", t("doc.ds.quarantine", lang), [t("doc.ds.quarantine_text", lang)]),
            _section("timing", t("doc.ds.timing", lang), [t("doc.ds.timing_text", lang)]),
            _section("biases", t("doc.ds.biases", lang), [], items=[t(f"doc.ds.bias.{i}", lang) for i in range(1, 5)]),
            _section("snapshot", t("doc.ds.snapshot", lang), [t(
                "doc.ds.snapshot_text", lang, hash=metadata.get("data_snapshot_sha256", "?"),
                rows=r.get("train", "?"), positives=r.get("positives", "?"))]),
            _retention_section(retention, lang),
        ],
    }


def _etalab_view(entry: dict, metadata: dict, lang: str) -> dict:
    rows = []
    for key in (*ETALAB_FIELDS, "version", "code_source"):
        value = entry[key]
        if key == "donnees_et_sources":
            value = "; ".join(value)
        if lang != "fr" and key not in ("contact", "version", "code_source", "donnees_et_sources",
                                        "administration", "base_legale"):
            value = _etalab_en(key, metadata, value)
        rows.append([t(f"doc.et.{key}", lang), value])
    return {"title": t("doc.et.title", lang), "header": [t("doc.et.intro", lang)],
            "sections": [_section("entry", t("doc.et.title", lang), [],
                                  table={"header": [t("doc.et.field", lang), t("doc.et.value", lang)], "rows": rows})]}


def _etalab_en(key: str, metadata: dict, value: str) -> str:
    """English reading of a French entry field (the JSON stays French)."""
    k = _metrics(metadata).get("model", {}).get("k")
    return {"nom": t("doc.et.v.nom", "en"), "objectif": t("doc.card.purpose", "en"),
            "moment_intervention": t("doc.et.v.moment", "en"),
            "niveau_automatisation": t("doc.et.v.automatisation", "en"),
            "decisions_par_an": (t("doc.et.v.decisions", "en", per_year=int(round(12 * k)), k=int(round(k)))
                                 if k else value),
            "public_concerne": t("doc.et.v.public", "en"), "type_algorithme": t("doc.et.v.type", "en"),
            "operations": t("doc.et.v.operations", "en")}.get(key, value)


# --------------------------------------------------------------------------- Annex IV

def _log_retention_days() -> int | None:
    try:
        from casework.store import LOG_RETENTION_DAYS
    except ImportError:
        return None
    return int(LOG_RETENTION_DAYS)


def annex_iv_items(metadata: dict, audit_record: dict | None, out_dir: Path, lang: str = "fr") -> list[dict]:
    """Each checklist item with its evidence: [{item, evidence: [{label, present}], status}]."""
    out = Path(out_dir)

    def file(name: str) -> dict:
        return {"label": name, "present": (out / name).is_file()}

    def doc(rel: str) -> dict:
        return {"label": rel, "present": (_REPO / rel).is_file()}

    def meta(*keys: str) -> dict:
        return {"label": t("doc.ax.ev.metadata", lang, keys=", ".join(keys)),
                "present": all(metadata.get(k) not in (None, "", [], {}) for k in keys)}

    audit_html = {"label": "audit.html", "present": audit_record is not None and (out / "audit.html").is_file()}
    days = _log_retention_days()
    logs = {"label": t("doc.ax.ev.logs", lang, days=days if days is not None else "?"),
            "present": days is not None and days >= LOG_MIN_DAYS}
    notice = {"label": t("doc.ax.ev.notice", lang), "present": True}
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
        ("doc.ax.transparency", [file("etalab.html"), file("etalab.json"), notice]),
        ("doc.ax.fria", [doc("docs/fria.md")]),
    ]
    return [{"item": t(key, lang), "key": key, "evidence": ev,
             "status": "present" if all(e["present"] for e in ev) else "missing"} for key, ev in items]


def _annex_iv(metadata: dict, audit_record: dict | None, out: Path, lang: str) -> dict:
    items = annex_iv_items(metadata, audit_record, out, lang)
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


def _render(template: str, view: dict, lang: str, *, markdown: bool = False) -> str:
    return render(template, lang=lang, t=t, markdown=markdown, **view)
