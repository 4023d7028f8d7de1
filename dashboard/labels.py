"""Words for the codes the pages show: audited attributes and their groups, fairness metrics and
verdicts, model statuses, features. An unknown code is shown as it is (never a blank)."""

from __future__ import annotations

from reports.i18n import has, t

JOIN = " × "  # fairness.audit.JOIN: how the audit names an intersection of attributes


def label(prefix: str, code, *, lang: str | None = None) -> str:
    """t(f"{prefix}.{code}") when the catalogue has it, else the code itself."""
    key = f"{prefix}.{code}"
    return t(key, lang=lang) if has(key) else str(code)


def spec_label(spec: str, *, lang: str | None = None) -> str:
    """"nationalite × tenure" -> "nationalité × parc de logement"."""
    return JOIN.join(label("attr", a, lang=lang) for a in str(spec).split(JOIN))


def group_label(spec: str, group: str, *, lang: str | None = None) -> str:
    """("nationalite × tenure", "HORS_UE × prive") -> "hors Union européenne × parc privé";
    an arrondissement "4" -> "4e"."""
    attrs, values = str(spec).split(JOIN), str(group).split(JOIN)
    if len(attrs) != len(values):
        return str(group)
    out = []
    for attr, value in zip(attrs, values, strict=True):
        if attr == "arrondissement" and value.isdigit():
            out.append(t("gval.arrondissement_1", lang=lang) if value == "1"
                       else t("gval.arrondissement", lang=lang, n=value))
        else:
            out.append(label("gval", value, lang=lang))
    return JOIN.join(out)


def verdict_label(verdict, *, suppressed: bool = False, lang: str | None = None) -> str:
    if suppressed:
        return t("verdict.suppressed", lang=lang)
    if verdict is None or (isinstance(verdict, float) and verdict != verdict):
        return t("verdict.none", lang=lang)
    return label("verdict", verdict, lang=lang)


def feature_label(name: str, *, lang: str | None = None) -> str:
    """A feature's label from its declaration (features/declare.py), else its name."""
    from features.declare import FEATURE_NAMES, feature
    from reports.i18n import current_lang

    if name not in FEATURE_NAMES:
        return str(name)
    f = feature(name)
    return f.label_en if (lang or current_lang()) == "en" else f.label_fr
