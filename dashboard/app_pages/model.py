"""Data scientist: drift, evaluation (model vs rule vs logistic), energy per training run.
Every figure is formatted in the reader's locale (dashboard.ui), counts as whole numbers."""

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.labels import feature_label, label
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, t, tn

scope, meta = page("page.model", data.DATA_ROLES)
lang = current_lang()
# how each evaluation column reads: counts whole, shares as percentages, the rest as decimals
COUNTS, SHARES = ("n", "positives", "k"), ("precision_at_k", "recall_at_k")


def _cell(column: str, value) -> str:
    if column in COUNTS:
        return fmt.integer(value)
    if column in SHARES:
        return fmt.percent(value)
    return fmt.number(value, digits=1 if column == "lift_at_k" else 3)


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
                                 y_title=t(f"colname.{metric}"), x_tooltip=t("tl.month"),
                                 color_tooltip=t("colname.scorer"), lang=lang), width="stretch")
    mean = ev[ev["month"] == "all"].drop(columns=["month", "model_version"], errors="ignore")
    first = mean.iloc[0] if len(mean) else None
    st.caption(t("mdl.mean") + (" · " + t("mdl.households", n=fmt.integer(first["n"])) if first is not None else ""))
    shown = [c for c in mean.columns if c == "scorer" or c in COUNTS or c in SHARES
             or c in ("lift_at_k", "roc_auc", "pr_auc", "brier", "ece")]
    st.dataframe(pd.DataFrame({label("colname", c): mean[c] if c == "scorer" else [_cell(c, v) for v in mean[c]]
                               for c in shown}), hide_index=True, width="stretch")

st.markdown(f"#### {t('mdl.lead')}")
if meta.get("rule_lists"):
    st.warning(t("mdl.rule_lists"))
lead = data.lead_time(scope)
if lead.empty:
    st.info(t("mdl.empty"))
else:
    st.caption(t("mdl.lead_note"))
    st.dataframe(pd.DataFrame({
        t("colname.version"): lead["version"],
        t("colname.scorer"): [t(f"scorer.{s}") for s in lead["scorer"]],
        t("colname.reached"): [fmt.percent(x) for x in lead["reached"]],
        t("colname.reached_3m_before"): [fmt.percent(x) for x in lead["reached_3m_before"]],
        t("colname.median_lead_months"): [fmt.months(x) for x in lead["median_lead_months"]],
    }), hide_index=True, width="stretch")

st.markdown(f"#### {t('mdl.drift')}")
dr = data.drift(scope)
if dr.empty:
    st.info(t("mdl.empty"))
else:
    st.caption(tn("mdl.drift_alerts", int((dr["status"] == "alerte").sum())))
    st.dataframe(pd.DataFrame({
        t("colname.feature"): [feature_label(f) for f in dr["feature"]],
        t("colname.psi"): [fmt.number(x, digits=3) for x in dr["psi"]],
        t("colname.status"): [label("drift", s) for s in dr["status"]],
        t("colname.missing_reference"): [fmt.percent(x) for x in dr["missing_reference"]],
        t("colname.missing_current"): [fmt.percent(x) for x in dr["missing_current"]],
        t("colname.model_version"): dr["model_version"],
    }), hide_index=True, width="stretch")

st.markdown(f"#### {t('mdl.energy')}")
versions = data.model_versions(scope)
if versions.empty:
    st.info(t("mdl.empty"))
else:
    st.dataframe(pd.DataFrame({
        t("colname.version"): versions["version"],
        t("colname.status"): [label("vstatus", s) for s in versions["status"]],
        t("colname.created_at"): [fmt.date(c) for c in versions["created_at"]],
        t("colname.training_seconds"): [fmt.integer(x) for x in versions["training_seconds"]],
        t("colname.energy_kwh"): [fmt.number(x, digits=6) for x in versions["energy_kwh"]],
        t("colname.kg_co2e"): [fmt.number(x, digits=6) for x in versions["kg_co2e"]],
    }), hide_index=True, width="stretch")
    st.caption(t("mdl.energy_total", kwh=fmt.number(versions["energy_kwh"].sum(), digits=4),
                 co2=fmt.number(versions["kg_co2e"].sum(), digits=5)))
