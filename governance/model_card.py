"""The values of the model card and the datasheet, formatted in the reader's language.

Their text is one Markdown template per language and document (reports/templates/
model_card.{fr,en}.md.j2, datasheet.{fr,en}.md.j2), for a jurist to review in one file; the
HTML pages are derived from the same Markdown (reports.render.markdown_page). Every figure is
formatted here; a missing one reads "–", never "None".
"""

from __future__ import annotations

from dataclasses import fields

from abri.city import City, load_city
from fairness.groups import group_label, spec_label
from features.declare import FEATURES, REASON_GROUPS
from ingest.contract import SOURCES
from reports import fmt
from reports.i18n import t

SCORERS = ("model", "logistic", "rule")
METRICS = ("k", "precision_at_k", "recall_at_k", "lift_at_k", "roc_auc", "pr_auc")
MISSING = fmt.MISSING


def text(value: object) -> str:
    """A metadata value as shown: missing -> "–"."""
    return MISSING if value in (None, "") else str(value)


def integer(value: object, lang: str) -> str:
    """A count in the reader's locale ("150 000" in French); missing -> "–"."""
    if value is None or isinstance(value, str) and not value.strip():
        return MISSING
    try:
        return fmt.integer(float(value), lang)  # type: ignore[arg-type]  # anything float() takes; else below
    except (TypeError, ValueError):
        return text(value)


def metric(key: str, value, lang: str) -> str:
    """One backtest measure as the committee reads it (k a count, precision and recall in %)."""
    if value is None:
        return MISSING
    if key == "k":
        return integer(value, lang)
    if key in ("precision_at_k", "recall_at_k"):
        return fmt.percent(float(value), lang)
    return fmt.number(float(value), lang, 3 if key != "lift_at_k" else 1)


def metrics_by_scorer(metadata: dict) -> dict[str, dict]:
    return {str(m.get("scorer")): m for m in metadata.get("metrics") or [] if isinstance(m, dict)}


def reason_group_label(group: str, lang: str) -> str:
    """A reason group's name (features.declare.REASON_GROUPS); an audit group's is
    fairness.groups.group_label."""
    return REASON_GROUPS[group][0 if lang == "fr" else 1]


def lead_time_table(rows: list[dict], lang: str = "fr") -> dict | None:
    """The lead time (metadata `lead_time`, one row per scorer) as a table in `lang`, or None."""
    body = []
    for s in SCORERS:
        r = next((x for x in rows or [] if x.get("scorer") == s), None)
        if r is not None:
            body.append([t(f"doc.scorer.{s}", lang), integer(r.get("judged"), lang),
                         fmt.percent(r.get("reached"), lang), fmt.percent(r.get("reached_3m_before"), lang),
                         fmt.number(r.get("median_lead_months"), lang, 1)])
    header = [t("doc.metric.scorer", lang), t("doc.lead.judged", lang), t("doc.lead.reached", lang),
              t("doc.lead.reached_3m", lang), t("doc.lead.median", lang)]
    return {"header": header, "rows": body} if body else None


def lists_table(rows: list[dict], lang: str = "fr") -> dict | None:
    """The per-sector lists beside the city-wide ones (metadata `sector_lists`), or None."""
    body = []
    for s in SCORERS:
        for kind in ("sector", "city"):
            r = next((x for x in rows or [] if x.get("scorer") == s and x.get("lists") == kind), None)
            if r is not None:
                body.append([t(f"doc.scorer.{s}", lang), t(f"doc.lists.{kind}", lang),
                             metric("precision_at_k", r.get("precision_at_k"), lang),
                             metric("recall_at_k", r.get("recall_at_k"), lang),
                             fmt.percent(r.get("reached_3m_before"), lang)])
    header = [t("doc.metric.scorer", lang), t("doc.lists.kind", lang), t("doc.metric.precision_at_k", lang),
              t("doc.metric.recall_at_k", lang), t("doc.lead.reached_3m", lang)]
    return {"header": header, "rows": body} if body else None


def model_card_view(metadata: dict, audit_record: dict | None, lang: str, *, design: dict | None = None,
                    impact: dict | None = None, city: City | None = None) -> dict:
    """Every value the model card states (templates model_card.<lang>.md.j2); `city`: the city
    served (abri/cities/<city>.toml; default Paris's, as the data contract)."""
    from governance.impact_card import design_view
    from models.registry import gate

    window = metadata.get("training_window") or {}
    rows = metadata.get("rows") or {}
    libs = metadata.get("library_versions") or {}
    by = metrics_by_scorer(metadata)
    passed, why = gate(metadata, lang=lang)
    lead, lists = lead_time_table(metadata.get("lead_time") or [], lang), \
        lists_table(metadata.get("sector_lists") or [], lang)
    return {
        "city": (city or load_city("paris")).name,
        "version": text(metadata.get("version")), "created": text(metadata.get("created_at")),
        "as_of": text(metadata.get("as_of")), "code": text(metadata.get("code_version")),
        "model_hash": text(metadata.get("model_sha256")), "data_hash": text(metadata.get("data_snapshot_sha256")),
        "seed": text(metadata.get("seed")),
        "libraries": ", ".join(f"{k} {v}" for k, v in libs.items() if v) or MISSING,
        "n_features": integer(len(metadata.get("features") or FEATURES), lang),
        "n_sources": integer(len({f.source for f in FEATURES}), lang),
        "train_months": _span(window.get("train") or [], lang),
        "calibration_months": _span(window.get("calibration") or [], lang),
        "labelled_months": " → ".join(window.get("labelled_months") or []) or MISSING,
        "train_rows": integer(rows.get("train"), lang), "positives": integer(rows.get("positives"), lang),
        "open_rows": integer(rows.get("open_windows"), lang),
        "metrics": [{"scorer": t(f"doc.scorer.{s}", lang), **{k: metric(k, by[s].get(k), lang) for k in METRICS}}
                    for s in SCORERS if s in by],
        "gate_passed": passed, "gate_why": "; ".join(why),
        "model_precision": metric("precision_at_k", by.get("model", {}).get("precision_at_k"), lang),
        "rule_precision": metric("precision_at_k", by.get("rule", {}).get("precision_at_k"), lang),
        "lists": lists["rows"] if lists else [], "lead": lead["rows"] if lead else [],
        "fairness": _fairness(audit_record, lang),
        "design": design_view(design=design, impact=impact, lang=lang),
        "energy": _energy(metadata, lang),
    }


def _span(months: list[str], lang: str) -> str:
    return f"{months[0]} → {months[-1]} ({integer(len(months), lang)})" if months else MISSING


def _fairness(record: dict | None, lang: str) -> dict | None:
    """The audit's summary: the operating point, verdict counts per attribute (its plain name,
    never the column name), the groups to examine."""
    if not record:
        return None
    point, cfg = record.get("operating_point") or {}, record.get("config") or {}
    lo, hi = (cfg.get("tolerance") or [0.8, 1.25])[:2]
    specs, flagged = [], []
    for spec in record.get("group_specs") or []:
        name = text(spec.get("name"))
        label = spec_label(name, lang)
        counts = {v: 0 for v in ("within", "outside", "uncertain", "not_estimable")}
        for g in spec.get("groups") or []:
            if g.get("verdict") in counts:
                counts[g["verdict"]] += 1
            if g.get("verdict") in ("outside", "uncertain"):
                flagged.append({"attribute": label, "group": _group(name, g.get("group"), lang),
                                "verdict": t(f"verdict.{g['verdict']}", lang).lower()})
        specs.append({"attribute": label, "reference": _group(name, spec.get("reference"), lang),
                      "suppressed": int(spec.get("suppressed_groups") or 0), **counts})
    return {"selected": integer(point.get("selected"), lang), "rows": integer((record.get("data") or {}).get("rows"), lang),
            "capacity": fmt.percent(point.get("capacity"), lang, 2), "lo": fmt.number(lo, lang),
            "hi": fmt.number(hi, lang), "specs": specs, "flagged": flagged}


def _group(spec: str, value: object, lang: str) -> str:
    """An audit group in words, as on audit.html and the dashboard (fairness.groups)."""
    return MISSING if value is None else group_label(spec, value, lang=lang)


def _energy(metadata: dict, lang: str) -> dict | None:
    e = metadata.get("energy")
    if not e:
        return None
    kg = e.get("kg_co2e")
    return {"seconds": fmt.number(metadata.get("training_seconds"), lang, 1),
            "cpu": fmt.number(e.get("cpu_seconds"), lang, 1), "kwh": fmt.number(e.get("kwh"), lang, 6),
            "co2": fmt.number(1000 * kg if kg is not None else None, lang, 3), "method": text(e.get("method"))}


def datasheet_view(metadata: dict, lang: str, retention=None) -> dict:
    """Every value the datasheet states (templates datasheet.<lang>.md.j2): the sources from the
    data contract, the snapshot, the retention periods of abri.toml."""
    from abri.config import Retention

    sources = []
    for name, s in SOURCES.items():
        feats = [f for f in FEATURES if f.source == name]
        sources.append({"partner": s.partner, "source": t(f"source.{name}", lang), "kind": s.kind,
                        "lag": integer(s.lag_months, lang), "features": integer(len(feats), lang),
                        "reasons": ", ".join(sorted({reason_group_label(f.reason_group, lang) for f in feats})) or MISSING})
    retention = retention or Retention()
    r = metadata.get("rows") or {}
    return {"version": text(metadata.get("version")), "sources": sources,
            "data_hash": text(metadata.get("data_snapshot_sha256")),
            "train_rows": integer(r.get("train"), lang), "positives": integer(r.get("positives"), lang),
            "retention": {f.name: integer(getattr(retention, f.name), lang) for f in fields(retention)}}
