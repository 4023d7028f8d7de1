"""Data scientist: data quality per source and month (rows in, loaded, quarantined, linkage)."""

import altair as alt
import streamlit as st

from dashboard import data
from dashboard.ui import column_labels, page
from reports.i18n import current_lang, t

scope, meta = page("page.quality", data.DATA_ROLES)
lang = current_lang()
st.write(t("dq.intro"))
dq = data.data_quality(scope)
if dq.empty:
    st.info(t("dq.empty"))
    st.stop()
sources = sorted(dq["source"].unique())
source = st.selectbox(t("dq.source", lang=lang), ["*", *sources], format_func=lambda s: t("dq.all_sources", lang=lang) if s == "*" else s)
shown = dq if source == "*" else dq[dq["source"] == source]
unbalanced = int((shown["rows_in"] != shown["rows_loaded"] + shown["rows_quarantined"]).sum())
if unbalanced:
    st.error(t("dq.unbalanced", n=unbalanced))
else:
    st.success(t("dq.balanced"))

st.markdown(f"#### {t('dq.per_month')}")
st.dataframe(shown, hide_index=True, width="stretch",
             column_config=column_labels(shown.columns, linkage_rate=st.column_config.ProgressColumn(
                 t("dq.linkage"), format="percent", min_value=0, max_value=1)))
st.altair_chart(alt.Chart(shown).mark_line(point=True).encode(
    x=alt.X("extract_month:O", title=None), y=alt.Y("linkage_rate:Q", title=t("dq.linkage"),
                                                  scale=alt.Scale(zero=False), axis=alt.Axis(format="%")),
    color=alt.Color("source:N", title=None), tooltip=["source", "extract_month", "rows_quarantined",
                                                      alt.Tooltip("linkage_rate:Q", format=".2%")]),
    width="stretch")

st.markdown(f"#### {t('dq.quarantine')}")
q = data.quarantine(scope)
if not q.empty:
    q = q if source == "*" else q[q["source"] == source]
    by_reason = q.groupby(["source", "reason_code", "column_name"], dropna=False)["cells"].sum().reset_index()
    st.dataframe(by_reason.sort_values("cells", ascending=False), hide_index=True, width="stretch",
                 column_config=column_labels(by_reason.columns))
