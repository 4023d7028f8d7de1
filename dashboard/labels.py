"""Words for the codes the pages show: audited attributes and their groups, fairness metrics and
verdicts, model statuses, features. An unknown code is shown as it is (never a blank)."""

from __future__ import annotations

from fairness.groups import group_label, label, spec_label
from reports.i18n import t

# the audit's attributes and groups in words: one implementation, fairness/groups.py
__all__ = ["feature_label", "group_label", "label", "spec_label", "verdict_label"]


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
