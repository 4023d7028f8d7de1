"""Data scientist: data quality per source and month (rows in, loaded, quarantined, linkage)."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.labels import label
from dashboard.ui import column_labels, page
from reports import fmt
from reports.i18n import current_lang, t, tn

scope, meta = page("page.quality", data.DATA_ROLES)
lang = current_lang()
st.write(t("dq.intro"))
dq = data.data_quality(scope)
if dq.empty:
    st.info(t("dq.empty"))
    st.stop()
sources = sorted(dq["source"].unique())
source = st.selectbox(t("dq.source", lang=lang), ["*", *sources],
                      format_func=lambda s: t("dq.all_sources", lang=lang) if s == "*" else label("source", s, lang=lang))
shown = dq if source == "*" else dq[dq["source"] == source]
shown = shown.assign(source=[label("source", s, lang=lang) for s in shown["source"]])
unbalanced = int((shown["rows_in"] != shown["rows_loaded"] + shown["rows_quarantined"]).sum())
if unbalanced:
    st.error(tn("dq.unbalanced", int(unbalanced)))
else:
    st.success(t("dq.balanced"))

st.markdown(f"#### {t('dq.per_month')}")
counts = ("rows_in", "rows_loaded", "rows_quarantined")
st.dataframe(shown.assign(**{c: [fmt.integer(n) for n in shown[c]] for c in counts}), hide_index=True, width="stretch",
             column_config=column_labels(shown.columns, linkage_rate=st.column_config.ProgressColumn(
                 t("dq.linkage"), format="percent", min_value=0, max_value=1)))
st.altair_chart(alt.Chart(shown).mark_line(point=True).encode(
    x=alt.X("extract_month:O", title=None), y=alt.Y("linkage_rate:Q", title=t("dq.linkage"),
                                                  scale=alt.Scale(zero=False), axis=charts.percent_axis(lang)),
    color=alt.Color("source:N", title=None),
    tooltip=[alt.Tooltip("source:N", title=t("colname.source")),
             alt.Tooltip("extract_month:O", title=t("colname.extract_month")),
             alt.Tooltip("rows_quarantined:Q", title=t("colname.rows_quarantined")),
             alt.Tooltip("linkage_rate:Q", title=t("dq.linkage"), format=".2%")]),
    width="stretch")

st.markdown(f"#### {t('dq.quarantine')}")
q = data.quarantine(scope)
if not q.empty:
    q = q if source == "*" else q[q["source"] == source]
    by_reason = (q.groupby(["source", "reason_code", "column_name"], dropna=False)["cells"].sum().reset_index()
                 .sort_values("cells", ascending=False))
    st.dataframe(pd.DataFrame({
        t("colname.source"): [label("source", s, lang=lang) for s in by_reason["source"]],
        t("colname.reason_code"): [label("qreason", r) for r in by_reason["reason_code"]],
        t("colname.column_name"): [c if isinstance(c, str) else t("dq.whole_row") for c in by_reason["column_name"]],
        t("colname.cells"): [fmt.integer(n) for n in by_reason["cells"]],
    }), hide_index=True, width="stretch")
    st.caption(t("dq.column_note"))
