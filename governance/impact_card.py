"""The model card's section on the randomised design and the impact (French first, English).

governance/documents.py builds the model card; it adds this section with
`design_card_section(design=..., impact=..., lang=...)`, which returns the same shape as its
`_section` helper: {"id", "heading", "paragraphs", "items", "ordered", "table", "notes"}.
"""

from __future__ import annotations

import json

TEXT = {
    "heading": {"fr": "Plan d'évaluation et impact", "en": "Evaluation design and impact"},
    "design": {
        "fr": "Les listes suivent le plan décidé par le comité d'éthique (« {design} », paramètres {params}).",
        "en": "The lists follow the design decided by the ethics committee (\"{design}\", parameters {params}).",
    },
    "none": {
        "fr": "Aucun tirage au sort : chaque secteur reçoit ses premiers rangs ; l'impact des listes n'est pas "
              "mesuré.",
        "en": "No lottery: each sector gets its top ranks; the lists' impact is not measured.",
    },
    "lottery": {
        "fr": "Autour du seuil de capacité, où le classement du modèle est le moins sûr, un tirage au sort désigne "
              "les ménages contactés ; les autres forment le groupe témoin, qui garde tous ses droits et recours. "
              "Le plan dit qui peut être mis en attente, pourquoi et jusqu'à quand (docs/impact.md).",
        "en": "Around the capacity cut, where the model's ranking is least certain, a lottery decides which "
              "households are contacted; the others form the holdout, who keep every right and remedy. The "
              "design says who may be held out, why and until when (docs/impact.md).",
    },
    "impact": {
        "fr": "Impact mesuré sur le tirage : {itt} jugements évités pour 100 ménages orientés vers le contact "
              "(intervalle à 95 % : {low} à {high} ; {n} ménages aux étiquettes mûres).",
        "en": "Impact measured on the lottery: {itt} judgments averted per 100 households assigned to outreach "
              "(95% interval: {low} to {high}; {n} households with matured labels).",
    },
    "not_yet": {
        "fr": "Impact : pas encore de ménage tiré au sort dont les 12 mois sont écoulés.",
        "en": "Impact: no randomised household whose 12 months have passed yet.",
    },
    "uplift": {
        "fr": "Le modèle de bénéfice (qui profiterait le plus d'un contact) est un rapport pour le comité, "
              "jamais appliqué sans sa décision.",
        "en": "The benefit model (who would gain most from contact) is a report for the committee, never "
              "applied without its decision.",
    },
}


def _t(key: str, lang: str, **values) -> str:
    text = TEXT[key]["en" if lang == "en" else "fr"]
    return text.format(**values) if values else text


def design_card_section(*, design: dict | None, impact: dict | None, lang: str = "fr") -> dict:
    """design: {"name", "params"} (Casework.current_design().to_dict()); impact: impact.json's content."""
    from fairness.i18n import fmt_number  # the reports' one number format ("0,48"; missing: "–")

    design = design or {"name": "none", "params": {}}
    paragraphs = [_t("design", lang, design=design["name"],
                     params=json.dumps(design.get("params") or {}, ensure_ascii=False))]
    paragraphs.append(_t("none" if design["name"] == "none" else "lottery", lang))
    itt = (impact or {}).get("itt_averted_per_100") or {}
    if itt.get("estimate") is not None:
        paragraphs.append(_t("impact", lang, itt=fmt_number(itt["estimate"], lang), low=fmt_number(itt.get("ci_low"), lang),
                             high=fmt_number(itt.get("ci_high"), lang), n=impact.get("n", "?")))
    elif design["name"] != "none":
        paragraphs.append(_t("not_yet", lang))
    paragraphs.append(_t("uplift", lang))
    return {"id": "impact", "heading": _t("heading", lang), "paragraphs": paragraphs, "items": [],
            "ordered": False, "table": None, "notes": []}
