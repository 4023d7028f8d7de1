"""Committee and supervisors: the design in force, judgments averted with their intervals (overall,
by risk tier, by audited group), and the risk-vs-benefit report. Aggregates only: reads
reports/impact/*.json and the committee's design decisions; no household key, name or address."""

import json

import pandas as pd
import streamlit as st

from casework import CaseworkError
from dashboard import charts, data
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, has, t

scope, meta = page("page.impact", data.IMPACT_ROLES)
lang = current_lang()
st.write(t("imp.intro"))


def _fmt(v) -> str:
    return fmt.number(v, lang, 1)


def _label(prefix: str, value) -> str:
    key = f"{prefix}.{value}"
    return t(key) if has(key) else str(value)


# -- the design ---------------------------------------------------------------------------------
st.markdown(f"#### {t('imp.design')}")
decisions = data.design_decisions(scope)
current = decisions[-1] if decisions else {"design": "none", "params": {}}
st.write(t("imp.design_line", name=current["design"], params=json.dumps(current["params"], ensure_ascii=False)))
if current["design"] == "none":
    st.caption(t("imp.design_none"))
if decisions:
    with st.expander(t("imp.decisions")):
        st.dataframe([{t("com.lbl_decided_at"): d["decided_at"], t("imp.form_name"): d["design"],
                       t("imp.form_params"): json.dumps(d["params"], ensure_ascii=False),
                       t("com.lbl_decided_by"): d["decided_by"], t("com.lbl_comment"): d["comment"]}
                      for d in decisions], hide_index=True, width="stretch")
if scope.role in data.COMMITTEE_ROLES:
    with st.form("design", clear_on_submit=True):
        st.markdown(f"**{t('imp.form')}**")
        name = st.radio(t("imp.form_name"), ["none", "margin", "tiered"], horizontal=True)
        raw = st.text_input(t("imp.form_params"))
        comment = st.text_area(t("imp.form_comment"))
        if st.form_submit_button(t("imp.form_submit"), type="primary"):
            try:
                params = json.loads(raw) if raw.strip() else {}
                if not isinstance(params, dict):
                    raise ValueError
            except ValueError:
                st.error(t("imp.form_params_bad", example='{"low": 0.5, "high": 2.0}'))
            else:
                if not comment.strip():
                    st.error(t("com.comment_required"))
                else:
                    try:
                        data.record_design(scope, name, params=params, comment=comment)
                        st.success(t("imp.form_saved"))
                    except CaseworkError as e:
                        st.error(str(e))

# -- judgments averted --------------------------------------------------------------------------
report = data.impact(scope)
if report is None:
    st.info(t("imp.no_report"))
    st.stop()
itt = report.get("itt_averted_per_100") or {}
if itt.get("estimate") is None:
    st.info(t("imp.not_yet"))
else:
    months = report.get("months") or [fmt.MISSING]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("imp.headline"), _fmt(itt["estimate"]))
    c1.caption(t("imp.ci", low=_fmt(itt["ci_low"]), high=_fmt(itt["ci_high"])))
    rate = report.get("contact_rate")
    c2.metric(t("imp.contact_rate"), fmt.percent(rate, lang, 0))
    per = report.get("per_contacted_averted_per_100") or {}
    c3.metric(t("imp.per_contacted"), _fmt(per.get("estimate")))
    if per.get("estimate") is not None:
        c3.caption(t("imp.ci", low=_fmt(per["ci_low"]), high=_fmt(per["ci_high"])))
    st.caption(t("imp.counts", n=report["n"], n_out=report["n_outreach"], n_hold=report["n_holdout"],
                 first=months[0], last=months[-1]))

    min_cell = report.get("min_cell", 11)

    def cells_chart(cells: list[dict], prefix: str) -> None:
        shown = [{"label": _label(prefix, c["group"]), **c["itt_averted_per_100"]}
                 for c in cells if not c.get("suppressed") and c["itt_averted_per_100"]["estimate"] is not None]
        hidden = [_label(prefix, c["group"]) for c in cells if c.get("suppressed")]
        if shown:
            st.altair_chart(charts.intervals(pd.DataFrame(shown), label="label", x_title=t("imp.axis")),
                            width="stretch")
        if hidden:
            st.caption(t("imp.suppressed", n=min_cell, groups=", ".join(hidden)))

    st.markdown(f"#### {t('imp.by_tier')}")
    cells_chart(report.get("by_tier") or [], "tier")
    groups = report.get("by_group") or {}
    if groups:
        st.markdown(f"#### {t('imp.by_group')}")
        attr = st.selectbox(t("imp.group_attr"), list(groups))
        cells_chart(groups[attr], "group")

# -- risk or benefit ----------------------------------------------------------------------------
st.markdown(f"#### {t('imp.uplift')}")
up = data.uplift(scope)
if not up or up.get("status") != "ok":
    st.caption(t("imp.uplift_none"))
else:
    st.write(t("imp.uplift_intro"))
    rows = []
    for r in up["comparison"]:
        share = t("imp.share", share=fmt.percent(r["share"], lang, 0))
        rows.append({"label": f"{share} · {t('imp.risk')}", **r["risk_targeting_averted_per_100"]})
        rows.append({"label": f"{share} · {t('imp.benefit')}", **r["benefit_targeting_averted_per_100"]})
    st.altair_chart(charts.intervals(pd.DataFrame(rows), label="label", x_title=t("imp.axis")), width="stretch")
