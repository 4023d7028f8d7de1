"""Social worker: this month's outreach list for their sectors, filters, sort, export."""

import streamlit as st

from dashboard import data, documents
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, t, tn

scope, meta = page("page.outreach", data.CASE_ROLES)
lang = current_lang()
st.write(t("list.intro"))
if meta.get("rule_lists"):
    st.warning(t("list.rule_lists"), icon=":material/rule:")
df = data.outreach_list(scope)

sort_options = {"rank": ["sector", "rank_in_sector"], "probability": ["probability"],
                "stage": ["procedure_stage"], "updated": ["updated_at"]}
c1, c2, c3, c4 = st.columns(4)
sectors = c1.multiselect(t("list.filter_sector"), list(scope.sectors), default=list(scope.sectors),
                         placeholder=t("app.all"))
bands = c2.multiselect(t("list.filter_band"), ["tres_eleve", "eleve", "modere", "faible"],
                       format_func=lambda b: t(f"band.{b}", lang=lang), placeholder=t("app.all"))
statuses = c3.multiselect(t("list.filter_status"), ["none", *data.casework_statuses()],
                          format_func=lambda s: t(f"status.{s}", lang=lang), placeholder=t("app.all"))
sort = c4.selectbox(t("list.sort", lang=lang), list(sort_options), format_func=lambda s: t(f"list.sort_{s}", lang=lang))
private_only = st.checkbox(t("list.filter_private"))

shown = df[df["sector"].isin(sectors or scope.sectors)]
if bands:
    shown = shown[shown["risk_band"].isin(bands)]
if statuses:
    shown = shown[shown["status"].fillna("none").isin(statuses)]
if private_only:
    shown = shown[shown["no_landlord_data"].astype(bool)]
descending = sort in ("probability", "stage")
shown = shown.sort_values(sort_options[sort], ascending=not descending, na_position="first").reset_index(drop=True)

# every view of a different set of rows is logged (not every rerun of the same view)
seen = hash((meta.get("snapshot_month"), tuple(shown["household_key"])))
if st.session_state.get("abri_list_logged") != seen:
    data.log_list_view(scope, rows=len(shown))
    st.session_state["abri_list_logged"] = seen
st.caption(tn("list.count", len(shown), total=fmt.integer(len(df))))
if shown.empty:
    st.info(t("list.empty"))
    st.stop()
show_names = st.toggle(t("list.show_names"))
people = data.list_identities(scope, list(shown["household_key"])) if show_names else None  # read and logged
if show_names:
    st.caption(t("list.names_note"))
st.dataframe(documents.list_table(shown, lang=lang, identities=people), hide_index=True, width="stretch",
             height=min(36 * (len(shown) + 1) + 3, 36 * 26),
             column_config={t("col.reasons"): st.column_config.TextColumn(t("col.reasons"), width="large")})

with st.expander(t("list.reasons_full"), icon=":material/notes:", expanded=True):
    reasons = shown["reasons_en" if lang == "en" else "reasons_fr"].fillna("")
    for key, rank, sector, text in zip(shown["household_key"], shown["rank_in_sector"], shown["sector"], reasons,
                                       strict=True):
        who = f" · {people[key]['prenom']} {people[key]['nom']}" if people and key in people else ""
        items = "\n".join(f"- {r}" for r in text.split(" | ") if r)
        st.markdown(f"**{int(rank)} · {sector} · {key[:8]}{who}**\n\n{items}")

labels = {k: f"{r} · {s} · {k[:8]}" for k, r, s in zip(shown["household_key"], shown["rank_in_sector"],
                                                         shown["sector"], strict=True)}
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
chosen = c1.selectbox(t("list.choose"), list(labels), format_func=lambda k: labels[k])
if c2.button(t("list.open"), type="primary", icon=":material/folder_open:") and chosen is not None:
    st.switch_page("app_pages/household.py", query_params={"menage": chosen})

month, sector_text = meta.get("snapshot_month") or "", ", ".join(sectors or scope.sectors)
c1, c2 = st.columns(2)
c1.download_button(t("list.export_csv"), documents.list_csv(shown, lang=lang), file_name=f"liste-{month}.csv",
                   mime="text/csv", on_click=data.log_export, args=(scope,), kwargs={"kind": "csv", "rows": len(shown)},
                   icon=":material/download:")
c2.download_button(t("list.export_html"), documents.list_html(shown, lang=lang, sectors=sector_text, month=month),
                   file_name=f"liste-{month}.html", mime="text/html", on_click=data.log_export, args=(scope,),
                   kwargs={"kind": "html", "rows": len(shown)}, icon=":material/print:")
st.caption(t("list.export_note"))

st.markdown(f"#### {t('list.visits')}")
own = df[df["sector"].isin(scope.sectors)]  # the worker's own sectors, whatever the filters say


def _visit_list() -> bytes:
    """Built only when the worker clicks (Streamlit's deferred download), never cached: the
    identities are read afresh and each household's inclusion is logged (`export_visits`)."""
    people = data.list_identities(scope, list(own["household_key"]), purpose="visits")
    return documents.list_html(own, lang=lang, sectors=", ".join(scope.sectors), month=month, identities=people)


st.download_button(t("list.visits_download"), _visit_list, file_name=f"visites-{month}.html", mime="text/html",
                   on_click="ignore", icon=":material/print:", type="primary")
st.caption(t("list.visits_note"))
