"""The values of the model card's section on the randomised design and its measured impact.

The sentences are in the model card's templates (reports/templates/model_card.<lang>.md.j2,
section "Plan d'évaluation et impact"); `design_view` gives them the committee's design in
words (no parameter dictionary) and impact.json's figures, formatted in `lang`.
"""

from __future__ import annotations

from reports import fmt


def design_view(*, design: dict | None, impact: dict | None, lang: str = "fr") -> dict:
    """design: {"name", "params"} (Casework.current_design().to_dict()); impact: impact.json's
    content. Returns {"name", "lottery", "low", "high", "tiers", "impact"} where impact is None
    until a randomised household's 12 months have passed."""
    from governance.model_card import integer
    from models.design import DEFAULT_PARAMS

    design = design or {"name": "none", "params": {}}
    name = design.get("name") or "none"
    params = {**DEFAULT_PARAMS.get(name, {}), **(design.get("params") or {})}
    itt = (impact or {}).get("itt_averted_per_100") or {}
    return {
        "name": name, "lottery": name != "none",
        "low": fmt.number(params.get("low"), lang, 1) if "low" in params else None,
        "high": fmt.number(params.get("high"), lang, 1) if "high" in params else None,
        "tiers": [{"upto": fmt.number(m, lang, 0 if float(m).is_integer() else 1), "rate": fmt.percent(rate, lang, 0)}
                  for m, rate in params.get("tiers") or []],
        "impact": None if itt.get("estimate") is None else {
            "itt": fmt.number(itt["estimate"], lang), "low": fmt.number(itt.get("ci_low"), lang),
            "high": fmt.number(itt.get("ci_high"), lang), "n": integer((impact or {}).get("n"), lang)},
    }
