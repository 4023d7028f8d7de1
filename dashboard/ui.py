"""Small pieces every page shares: the page header, the signed-in scope and number formatting.

Every figure a page shows goes through `fmt_int`, `fmt_number`, `fmt_pct` or `fmt_months` (Babel,
in the reader's locale: "19 676", "4,5 %", "3,2 mois"), so one place can later point them at the
reports' shared formatter."""

from __future__ import annotations

import math

import streamlit as st
from babel.numbers import format_decimal, format_percent

from dashboard import auth, data
from dashboard.i18n import t


def page(title_key: str, roles: tuple[str, ...]) -> tuple[data.Scope, dict]:
    """Title, publication line and demo banner; returns (scope, published meta). Stops the page
    when nobody is signed in, when the role may not open it, or when nothing is published."""
    scope = auth.current_scope()
    if scope is None or scope.role not in roles:
        st.error(t("app.denied_role"))
        st.stop()
    st.title(t(title_key))
    try:
        meta = data.published(scope)
    except data.NotPublished:
        st.info(t("app.not_published", home=str(data.home())))
        st.stop()
    if meta.get("demonstration"):
        st.warning(t("app.demo_banner"), icon=":material/science:")
    st.caption(t("app.published", month=meta.get("snapshot_month") or "—", version=meta.get("model_version") or "—",
                 published=str(meta.get("published_at") or "—")[:10]))
    return scope, meta


def column_labels(columns, **overrides) -> dict:
    """st.dataframe column_config: each column's catalogue label ("colname.<column>") when it has
    one, else its name; `overrides` (column -> column config) win."""
    from dashboard.i18n import CATALOGUE

    labels = {c: t(f"colname.{c}") for c in columns if f"colname.{c}" in CATALOGUE}
    return {**labels, **overrides}


LOCALES = {"fr": "fr_FR", "en": "en_GB"}
MISSING = "—"


def _lang(lang: str | None) -> str:
    from dashboard.i18n import current_lang

    return lang or current_lang()


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_int(x, lang: str | None = None) -> str:
    """19675.67 -> "19 676" (rounded to a whole count); missing -> "—"."""
    if _missing(x):
        return MISSING
    return format_decimal(round(float(x)), locale=LOCALES[_lang(lang)])


def fmt_number(x, lang: str | None = None, *, digits: int = 2) -> str:
    """0.9504 -> "0,95" (at most `digits` decimals, trailing zeros kept off)."""
    if _missing(x):
        return MISSING
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(float(x), format=pattern, locale=LOCALES[_lang(lang)])


def fmt_pct(x, lang: str | None = None, *, digits: int = 1) -> str:
    """0.045 -> "4,5 %" in French, "4.5%" in English (`digits` decimals)."""
    if _missing(x):
        return MISSING
    lang = _lang(lang)
    decimals = "." + "0" * digits if digits else ""
    pattern = f"#,##0{decimals}\u00a0%" if lang == "fr" else f"#,##0{decimals}%"
    return format_percent(float(x), format=pattern, locale=LOCALES[lang])


def fmt_months(x, lang: str | None = None) -> str:
    """3.2 -> "3,2 mois" ("3.2 months")."""
    if _missing(x):
        return MISSING
    from dashboard.i18n_pages import tp

    return tp("mdl.months", lang=lang, n=fmt_number(x, lang, digits=1))


def interval(low, high, fmt) -> str:
    """"[3,1 % ; 5,0 %]" (";" between the ends: a French decimal comma would read ambiguously)."""
    if _missing(low) or _missing(high):
        return MISSING
    return f"[{fmt(low)} ; {fmt(high)}]"
