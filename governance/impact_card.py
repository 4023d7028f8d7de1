"""The model card's section on the randomised design and the impact (French first, English;
the sentences are the catalogue's impact_card.* entries).

governance/documents.py builds the model card; it adds this section with
`design_card_section(design=..., impact=..., lang=...)`, which returns the same shape as its
`_section` helper: {"id", "heading", "paragraphs", "items", "ordered", "table", "notes"}.
"""

from __future__ import annotations

import json

from reports import fmt
from reports.i18n import t


def design_card_section(*, design: dict | None, impact: dict | None, lang: str = "fr") -> dict:
    """design: {"name", "params"} (Casework.current_design().to_dict()); impact: impact.json's content."""
    design = design or {"name": "none", "params": {}}
    paragraphs = [t("impact_card.design", lang, design=design["name"],
                     params=json.dumps(design.get("params") or {}, ensure_ascii=False))]
    paragraphs.append(t("impact_card.none", lang) if design["name"] == "none" else t("impact_card.lottery", lang))
    itt = (impact or {}).get("itt_averted_per_100") or {}
    if itt.get("estimate") is not None:
        paragraphs.append(t("impact_card.impact", lang, itt=fmt.number(itt["estimate"], lang), low=fmt.number(itt.get("ci_low"), lang),
                             high=fmt.number(itt.get("ci_high"), lang), n=fmt.integer(impact.get("n"), lang)))
    elif design["name"] != "none":
        paragraphs.append(t("impact_card.not_yet", lang))
    paragraphs.append(t("impact_card.uplift", lang))
    return {"id": "impact", "heading": t("impact_card.heading", lang), "paragraphs": paragraphs, "items": [],
            "ordered": False, "table": None, "notes": []}
