"""Ethics committee: model versions and their status, fairness summary, audit report, decision.
Aggregates only: no household key, name or address is read for this page."""

import streamlit as st
import streamlit.components.v1 as components

from casework import CaseworkError
from dashboard import data
from dashboard.ui import column_labels, page
from reports.i18n import current_lang, t

scope, meta = page("page.committee", data.MODEL_READ_ROLES)
lang = current_lang()
st.write(t("com.intro"))
versions = data.model_versions(scope)
if versions.empty:
    st.info(t("com.no_versions"))
    st.stop()

st.markdown(f"#### {t('com.versions')}")
st.dataframe(versions[["version", "status", "created_at", "as_of", "model_precision_at_k", "rule_precision_at_k",
                       "logistic_precision_at_k"]],
             hide_index=True, width="stretch",
             column_config={"version": t("com.lbl_version"), "status": t("com.lbl_status"),
                            "created_at": t("com.lbl_created"), "as_of": t("com.lbl_as_of"),
                            "model_precision_at_k": st.column_config.NumberColumn(t("com.lbl_precision"), format="%.3f"),
                            "rule_precision_at_k": st.column_config.NumberColumn(t("com.lbl_rule"), format="%.3f"),
                            "logistic_precision_at_k": st.column_config.NumberColumn(t("com.lbl_logistic"),
                                                                                     format="%.3f")})
version = st.selectbox(t("com.version"), list(versions["version"]))

st.markdown(f"#### {t('com.fairness')}")
fairness = data.fairness_summary(scope, version)
if fairness is None:
    st.info(t("com.no_audit"))
else:
    st.dataframe(fairness, hide_index=True, width="stretch", column_config=column_labels(fairness.columns))
    if "suppressed" in fairness and fairness["suppressed"].fillna(False).astype(bool).any():
        st.caption(t("com.suppressed"))

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
