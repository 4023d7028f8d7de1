"""Social worker: one household of their sector: why it is listed, what the model cannot see, its
24-month timeline, identity on request (logged), case status, notes, disagreement, CRPA notice."""

import pandas as pd
import streamlit as st

from casework import CaseworkError, ConflictError
from dashboard import charts, data, documents
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, t

scope, meta = page("page.household", data.CASE_ROLES)
lang = current_lang()
st.page_link("app_pages/outreach.py", label=t("hh.back"), icon=":material/arrow_back:")
key = st.query_params.get("menage")
if not key:
    st.info(t("hh.none"))
    st.stop()
try:
    hh = data.household(scope, key)
except data.AccessDenied:
    st.error(t("hh.denied"))
    st.stop()
row = hh.row

st.subheader(t("hh.title", short=key[:8], sector=row["sector"], rank=int(row["rank_in_sector"])))
if row["model_version"] == documents.RULE_VERSION:
    st.markdown(t("hh.summary_rule", stage=t(f"stage.{int(row['procedure_stage'] or 0)}")))
else:
    st.markdown(t("hh.summary", band=t(f"band.{row['risk_band']}"), probability=documents.probability(row["probability"]),
                  stage=t(f"stage.{int(row['procedure_stage'] or 0)}")))

left, right = st.columns([3, 2])
with left:
    st.markdown(f"#### {t('hh.reasons')}")
    for r in hh.reasons.itertuples():
        arrow = t("hh.reason_up") if r.direction == "hausse" else t("hh.reason_down")
        st.markdown(f"{r.rank}. {r.text_en if lang == 'en' else r.text_fr} — _{arrow}_")
    st.markdown(f"#### {t('hh.cannot_see')}")
    if bool(row["no_landlord_data"]):
        st.warning(t("hh.cannot_private"), icon=":material/visibility_off:")
    if pd.isna(row["caf_known"]) or not row["caf_known"]:  # NULL: in no CAF file this month
        st.warning(t("hh.cannot_caf"), icon=":material/visibility_off:")
    st.info(t("hh.cannot_always"), icon=":material/info:")
with right:
    st.markdown(f"#### {t('hh.identity')}")
    if st.toggle(t("hh.identity_toggle"), key=f"identity_{key}"):
        person = data.identity(scope, key)
        if person is None:
            st.info(t("hh.identity_missing"))
        else:
            st.markdown(f"**{t('hh.name')}** : {person['prenom']} {person['nom']}  \n"
                        f"**{t('hh.address')}** : {person['adresse']}, {data.district_name(person['arrondissement'])}  \n"
                        f"**{t('hh.phone')}** : {person['telephone']}  \n"
                        f"**{t('hh.birth')}** : {person['date_naissance']}")

st.markdown(f"#### {t('hh.timeline')}")
if hh.timeline.empty:
    st.info(t("hh.timeline_empty"))
else:
    st.altair_chart(charts.timeline(hh.timeline, lang=lang), width="stretch")

st.markdown(f"#### {t('hh.case')}")
case, rev_key = hh.case, f"case_revision_{key}"
with st.form(f"status_{key}"):
    current = case["status"] if case else "a_contacter"
    choice = st.selectbox(t("hh.status_new"), data.casework_statuses(),
                          index=data.casework_statuses().index(current), format_func=lambda s: t(f"status.{s}", lang=lang))
    outcomes = ["none", *data.case_outcomes()]
    outcome = st.selectbox(t("hh.outcome"), outcomes,
                           index=outcomes.index(case["outcome"]) if case and case.get("outcome") in outcomes else 0,
                           format_func=lambda o: t(f"outcome.{o}", lang=lang))
    save = st.form_submit_button(t("hh.status_save"), type="primary")
if save:
    # the revision the user saw when the form was drawn, not the one read in this run
    seen = st.session_state.get(rev_key, case["revision"] if case else 0)
    try:
        data.set_status(scope, key, choice, expected_revision=seen, outcome=None if outcome == "none" else outcome)
        st.success(t("hh.status_saved"))
    except ConflictError:
        st.error(t("hh.conflict"))
    case = data.case(scope, key)
st.session_state[rev_key] = case["revision"] if case else 0
status_line = t("hh.status_now", status=t(f"status.{case['status']}" if case else "status.none"))
if case:
    status_line += t("hh.status_by", by=case["updated_by"], at=fmt.moment(case["updated_at"]))
st.markdown(status_line)

notes_col, override_col = st.columns(2)
with notes_col:
    st.markdown(f"#### {t('hh.notes')}")
    with st.form(f"note_{key}", clear_on_submit=True):
        body = st.text_area(t("hh.note_body"))
        if st.form_submit_button(t("hh.note_save")):
            try:
                data.add_note(scope, key, body)
                st.success(t("hh.note_saved"))
            except CaseworkError:
                st.error(t("hh.note_empty"))
    notes = data.notes(scope, key)
    for n in reversed(notes):
        st.caption(f"{n['author']} · {fmt.moment(n['written_at'])}")
        st.text(n["body"])
    if not notes:
        st.caption(t("hh.no_notes"))
with override_col:
    st.markdown(f"#### {t('hh.override')}")
    st.caption(t("hh.override_help"))
    with st.form(f"override_{key}", clear_on_submit=True):
        reason = st.text_area(t("hh.override_reason"))
        if st.form_submit_button(t("hh.override_save")):
            try:
                data.add_override(scope, key, reason)
                st.success(t("hh.override_saved"))
            except CaseworkError:
                st.error(t("hh.override_empty"))

with st.expander(t("hh.notice")):
    st.markdown(documents.notice_markdown(row=row, reasons=hh.reasons, lang=lang, city=data.city()))
    st.download_button(t("hh.notice_download"), documents.notice_html(row=row, reasons=hh.reasons, lang=lang, city=data.city()),
                       file_name=f"notice-{key[:8]}.html", mime="text/html", on_click=data.log_notice,
                       args=(scope, key),
                       icon=":material/download:")
