"""The one CRPA notice to a household (code des relations entre le public et l'administration,
art. L311-3-1 and R311-3-1-2): the algorithm's degree and mode of contribution, the data and
their sources, the parameters as applied to the household and their weight, the operations,
its rights.

Its text is reports/templates/notice.fr.md.j2 and notice.en.md.j2 (one file per language, for
a jurist to review); this module only gathers the values. `notice_markdown` is the dashboard's
page, `notice_html` the printable page handed to the household, derived from the same Markdown
(every value escaped, inline CSS, no script, no external resource). The notice takes no audit
attribute, so it cannot show one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import pandas as pd

from abri.city import City
from features.declare import FEATURES, REASON_GROUPS
from ingest.contract import SOURCES, source
from models.score import RULE_VERSION  # the household was listed by today's rule
from reports import fmt
from reports.i18n import LANGS, t
from reports.render import markdown_page, render_localised

ROW_FIELDS = ("household_key", "snapshot_month", "model_version", "risk_band", "no_landlord_data")
REASON_FIELDS = ("text_fr", "text_en", "contribution")


class NoticeInputError(ValueError):
    """The list row or the reasons lack what the notice must state."""


def notice_view(*, row: Mapping, reasons, lang: str, city: City) -> dict:
    """The values of the notice: `row` is the household's outreach-list row (ROW_FIELDS),
    `reasons` its reasons in rank order (a frame or records with REASON_FIELDS), `city` the city
    served (abri/cities/<city>.toml): its name, the service responsible and where to ask."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    missing = [f for f in ROW_FIELDS if f not in row]
    if missing:
        raise NoticeInputError(f"notice: the list row lacks column(s) {', '.join(missing)}")
    frame = pd.DataFrame(reasons, columns=None if len(reasons) else list(REASON_FIELDS))
    absent = [f for f in REASON_FIELDS if f not in frame.columns]
    if absent:
        raise NoticeInputError(f"notice: the reasons lack column(s) {', '.join(absent)}")
    by_rule = row["model_version"] == RULE_VERSION
    texts = frame["text_en" if lang == "en" else "text_fr"].fillna("").astype(str).tolist()
    weights = [] if by_rule else _weights(frame["contribution"].tolist(), lang)
    return {
        "household_key": str(row["household_key"]),
        "month": _month(row["snapshot_month"], lang),
        "version": str(row["model_version"]),
        "by_rule": bool(by_rule),
        "band": str(row["risk_band"]),
        "reasons": [{"text": text, "weight": w} for text, w in zip(texts, weights or [""] * len(texts),
                                                                   strict=True)],
        "sources": _sources(lang, no_landlord=bool(row["no_landlord_data"]), city=city),
        "city": city.name,
        "service": city.service,
        "contact": city.contact,
    }


def notice_markdown(*, row: Mapping, reasons, lang: str, city: City) -> str:
    """The notice as Markdown (the dashboard's household page)."""
    return render_localised("notice", lang, **notice_view(row=row, reasons=reasons, lang=lang, city=city))


def notice_html(*, row: Mapping, reasons, lang: str, city: City) -> str:
    """The notice as one printable, self-contained HTML page (the household's copy)."""
    return markdown_page(notice_markdown(row=row, reasons=reasons, lang=lang, city=city), lang=lang)


def _month(value: object, lang: str) -> str:
    """"2025-03" -> "mars 2025" ("March 2025" in English)."""
    text = str(value)[:7]
    try:
        year, month = (int(x) for x in text.split("-"))
        return fmt.month(date(year, month, 1), lang)
    except ValueError as exc:
        raise NoticeInputError(f"notice: snapshot_month {text!r} is not a month (YYYY-MM)") from exc


def _weights(contributions: list, lang: str) -> list[str]:
    """Each reason's share of the absolute contributions shown ("55 %"); empty when unknown."""
    values = [abs(float(c)) if c is not None and not math.isnan(float(c)) else None for c in contributions]
    total = sum(v for v in values if v is not None)
    return [fmt.percent(v / total, lang, 0) if v is not None and total else "" for v in values]


def _sources(lang: str, *, no_landlord: bool, city: City) -> list[dict]:
    """Each partner source that feeds a feature: its partner (as `city` names it), its name and
    the reasons it feeds (from the data contract and the feature declarations, so a new source
    is named at once)."""
    out = []
    for name in SOURCES:
        groups = sorted({f.reason_group for f in FEATURES if f.source == name})
        if groups:
            out.append({"partner": source(name, city=city).partner, "source": t(f"source.{name}", lang),
                        "feeds": ", ".join(REASON_GROUPS[g][0 if lang == "fr" else 1] for g in groups),
                        "none_for_you": no_landlord and name == "bailleurs"})
    return out
