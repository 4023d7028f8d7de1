"""Data scientist: drift, evaluation (model vs rule vs logistic), energy per training run."""

import streamlit as st

from dashboard import charts, data, documents
from dashboard.ui import column_labels, page
from reports import fmt
from reports.i18n import current_lang, t

scope, meta = page("page.model", data.DATA_ROLES)
lang = current_lang()

st.markdown(f"#### {t('mdl.evaluation')}")
ev = data.evaluation(scope)
if ev.empty:
    st.info(t("mdl.empty"))
else:
    ev = ev.assign(scorer=[t(f"scorer.{s}") for s in ev["scorer"]])
    metric = st.selectbox(t("mdl.metric"), ["precision_at_k", "recall_at_k", "lift_at_k", "roc_auc", "pr_auc"],
                          format_func=lambda m: t(f"colname.{m}", lang=lang))
    monthly = ev[ev["month"] != "all"]
    st.altair_chart(charts.lines(monthly, x="month", y=metric, color="scorer", x_title=None,
                                 y_title=t(f"colname.{metric}")), width="stretch")
    st.caption(t("mdl.mean"))
    mean = ev[ev["month"] == "all"].drop(columns=["month"])
    # counts averaged over months are still counts: whole numbers, in the reader's locale
    mean = mean.assign(**{c: [fmt.integer(x, lang) for x in mean[c]] for c in ("n", "positives", "k") if c in mean})
    st.dataframe(mean, hide_index=True, width="stretch", column_config=column_labels(mean.columns))

st.markdown(f"#### {t('mdl.lead')}")
if meta.get("rule_lists"):
    st.warning(t("mdl.rule_lists"))
lead = data.lead_time(scope)
if lead.empty:
    st.info(t("mdl.empty"))
else:
    st.caption(t("mdl.lead_note"))
    lead = lead.assign(scorer=[t(f"scorer.{s}") for s in lead["scorer"]],
                       reached=[documents.share(x, lang) for x in lead["reached"]],
                       reached_3m_before=[documents.share(x, lang) for x in lead["reached_3m_before"]],
                       median_lead_months=[documents.months(x, lang) for x in lead["median_lead_months"]])
    st.dataframe(lead, hide_index=True, width="stretch", column_config=column_labels(lead.columns))

st.markdown(f"#### {t('mdl.drift')}")
dr = data.drift(scope)
if dr.empty:
    st.info(t("mdl.empty"))
else:
    st.caption(t("mdl.drift_alerts", n=int((dr["status"] == "alerte").sum())))
    st.dataframe(dr, hide_index=True, width="stretch", column_config=column_labels(dr.columns))

st.markdown(f"#### {t('mdl.energy')}")
versions = data.model_versions(scope)
if versions.empty:
    st.info(t("mdl.empty"))
else:
    energy = versions[["version", "status", "created_at", "training_seconds", "energy_kwh", "kg_co2e"]]
    st.dataframe(energy, hide_index=True, width="stretch",
                 column_config=column_labels(
                     energy.columns, status=t("colname.status"),
                     energy_kwh=st.column_config.NumberColumn(t("colname.energy_kwh"), format="%.6f"),
                     kg_co2e=st.column_config.NumberColumn(t("colname.kg_co2e"), format="%.6f")))
    st.caption(t("mdl.energy_total", kwh=fmt.number(energy["energy_kwh"].sum(), lang, 4),
                 co2=fmt.number(energy["kg_co2e"].sum(), lang, 5)))
