"""Small pieces every page shares: the page header, the signed-in scope and number formatting.

Every figure a page shows goes through reports/fmt.py (Babel, in the reader's locale: "19 676",
"4,5 %", "3,2 mois")."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from reports import fmt
from reports.i18n import has, t


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
    st.caption(t("app.published", month=fmt.month(meta.get("snapshot_month") or None),
                 version=meta.get("model_version") or MISSING, published=fmt.date(meta.get("published_at") or None)))
    return scope, meta


def column_labels(columns, **overrides) -> dict:
    """st.dataframe column_config: each column's catalogue label ("colname.<column>") when it has
    one, else its name; `overrides` (column -> column config) win."""
    labels = {c: t(f"colname.{c}") for c in columns if has(f"colname.{c}")}
    return {**labels, **overrides}


MISSING = fmt.MISSING
