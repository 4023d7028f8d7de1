"""Ethics committee: model versions and their status, fairness summary, audit report, decision.
Aggregates only: no household key, name or address is read for this page."""

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from casework import CaseworkError
from dashboard import charts, data
from dashboard.labels import group_label, label, spec_label, verdict_label
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, t

CHART_METRICS = ("false_negative_rate", "false_positive_rate")  # misses and over-flagging

scope, meta = page("page.committee", data.MODEL_READ_ROLES)
lang = current_lang()
st.write(t("com.intro"))
versions = data.model_versions(scope)
if versions.empty:
    st.info(t("com.no_versions"))
    st.stop()

st.markdown(f"#### {t('com.versions')}")
st.dataframe(pd.DataFrame({
    t("com.lbl_version"): versions["version"],
    t("com.versions_status"): [label("vstatus", s) for s in versions["status"]],
    t("com.lbl_created"): [fmt.date(c) for c in versions["created_at"]],
    t("com.lbl_as_of"): [fmt.month(m) for m in versions["as_of"]],
    **{t(f"com.col_{name}"): [fmt.percent(x) for x in versions.get(f"{scorer}_precision_at_k", [None] * len(versions))]
       for name, scorer in (("precision", "model"), ("rule", "rule"), ("logistic", "logistic"))},
}), hide_index=True, width="stretch")
version = st.selectbox(t("com.version"), list(versions["version"]))

st.markdown(f"#### {t('com.fairness')}")
fairness = data.fairness_summary(scope, version)
if fairness is None:
    st.info(t("com.no_audit"))
else:
    tolerance = data.audit_tolerance(scope, version)
    specs = list(dict.fromkeys(fairness["spec"]))
    spec = st.selectbox(t("com.attribute"), specs, format_func=lambda s: spec_label(s, lang=lang))
    chosen = fairness[fairness["spec"] == spec]
    scope_metrics = st.selectbox(t("com.metrics_shown"), ["main", "all"],
                                 format_func=lambda m: t(f"com.{m}_metrics", lang=lang))
    if scope_metrics == "main":
        chosen = chosen[chosen["metric"].isin(CHART_METRICS)]
    chosen = chosen.assign(
        group_label=[group_label(spec, g, lang=lang) for g in chosen["group"]],
        metric_label=[label("metric", m, lang=lang) for m in chosen["metric"]],
        verdict_label=[verdict_label(v, suppressed=h, lang=lang)
                       for v, h in zip(chosen["verdict"], chosen["suppressed"], strict=True)],
        rate_text=[fmt.percent(v) for v in chosen["value"]],
        interval_text=[fmt.interval(lo, hi, format_one=fmt.percent) for lo, hi in zip(chosen["ci_low"], chosen["ci_high"], strict=True)],
        ratio_text=[fmt.number(r) for r in chosen["ratio"]],
        ratio_interval_text=["—" if v == "reference" else fmt.interval(lo, hi, format_one=fmt.number) for v, lo, hi in
                             zip(chosen["verdict"], chosen["ratio_ci_low"], chosen["ratio_ci_high"], strict=True)])
    table = pd.DataFrame({t("com.col_group"): chosen["group_label"],
                          t("com.col_n"): [fmt.integer(n) for n in chosen["n"]],
                          t("com.col_metric"): chosen["metric_label"], t("com.col_value"): chosen["rate_text"],
                          t("com.col_ci"): chosen["interval_text"], t("com.col_ratio"): chosen["ratio_text"],
                          t("com.col_ratio_ci"): chosen["ratio_interval_text"],
                          t("com.col_verdict"): chosen["verdict_label"]})
    st.dataframe(table, hide_index=True, width="stretch")
    if chosen["suppressed"].any():
        st.caption(t("com.suppressed"))

    st.markdown(f"#### {t('com.chart')}")
    drawn = fairness[fairness["spec"] == spec]
    reference = drawn[drawn["verdict"] == "reference"]["group"].unique()
    drawn = drawn[drawn["metric"].isin(CHART_METRICS) & ~drawn["suppressed"]].dropna(
        subset=["ratio", "ratio_ci_low", "ratio_ci_high"])
    if drawn.empty:
        st.info(t("com.chart_empty"))
    else:
        drawn = drawn.assign(
            group_label=[group_label(spec, g, lang=lang) for g in drawn["group"]],
            metric_label=[label("metric", m, lang=lang) for m in drawn["metric"]],
            verdict_label=[verdict_label(v, lang=lang) for v in drawn["verdict"]],
            rate_text=[f"{fmt.percent(v)} {fmt.interval(lo, hi, format_one=fmt.percent)}" for v, lo, hi in
                       zip(drawn["value"], drawn["ci_low"], drawn["ci_high"], strict=True)],
            ratio_text=[fmt.number(r) for r in drawn["ratio"]],
            interval_text=[fmt.interval(lo, hi, format_one=fmt.number) for lo, hi in
                           zip(drawn["ratio_ci_low"], drawn["ratio_ci_high"], strict=True)])
        titles = {"group": t("com.col_group"), "metric": t("com.col_metric"), "rate": t("com.chart_rate"),
                  "ratio": t("com.chart_ratio"), "interval": t("com.chart_interval"),
                  "verdict": t("com.col_verdict")}
        st.altair_chart(charts.fairness_ratios(drawn, tolerance=tolerance, x_title=t("com.chart_axis"),
                                               tooltip_titles=titles, lang=lang), width="stretch")
        st.caption(t("com.chart_note", low=fmt.number(tolerance[0]), high=fmt.number(tolerance[1]),
                      reference=", ".join(group_label(spec, g, lang=lang) for g in reference)
                      or t("com.no_reference")))

st.markdown(f"#### {t('com.report')}")
report = data.audit_report(scope, version)
if report is None:
    st.info(t("com.no_audit"))
else:
    body, sha = report
    st.download_button(t("com.report_download"), body, file_name=f"audit-{version}.html", mime="text/html",
                       on_click="ignore", icon=":material/download:")
    st.markdown(t("com.report_hash", sha=sha))
    if st.toggle(t("com.report_show")):
        components.html(body.decode("utf-8"), height=900, scrolling=True)

st.markdown(f"#### {t('com.other_reports')}")
for name in data.REPORTS:
    title = t(f"com.report_{name}")
    other = data.version_report(scope, version, name, lang=lang)
    if other is None:
        st.caption(t("com.report_missing", name=title))
        continue
    st.download_button(t("com.report_download_named", name=title), other, file_name=f"{name}-{version}.html",
                       mime="text/html", on_click="ignore", icon=":material/download:", key=f"download_{name}")
    if st.toggle(t("com.report_show_named", name=title), key=f"show_{name}"):
        components.html(other.decode("utf-8"), height=900, scrolling=True)

st.markdown(f"#### {t('com.decisions')}")
past = data.decisions(scope, version)
if past:
    st.dataframe([{t("com.lbl_decided_at"): d["decided_at"], t("com.decision"): t(f"decision.{d['decision']}"),
                   t("com.lbl_decided_by"): d["decided_by"], t("com.lbl_comment"): d["comment"]} for d in past],
                 hide_index=True, width="stretch")
else:
    st.caption(t("com.no_decisions"))

if scope.role in data.COMMITTEE_ROLES:
    options = ["approve", "conditions", "reject", "suspend"] if report else ["reject"]
    if report is None:
        st.caption(t("com.reject_only"))
    with st.form("decision", clear_on_submit=True):
        st.markdown(f"**{t('com.form')}** — {version}")
        decision = st.radio(t("com.decision", lang=lang), options, format_func=lambda d: t(f"decision.{d}", lang=lang), horizontal=True)
        comment = st.text_area(t("com.comment"))
        submitted = st.form_submit_button(t("com.submit"), type="primary")
    if submitted and not comment.strip():
        st.error(t("com.comment_required"))
    elif submitted:
        try:
            data.record_decision(scope, version, decision=decision, comment=comment)
            st.session_state["abri_decision_saved"] = True
            st.rerun()
        except CaseworkError as exc:
            st.error(str(exc))
    if st.session_state.pop("abri_decision_saved", False):
        st.success(t("com.saved"))
