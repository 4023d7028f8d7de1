"""Abri's dashboard: a router. Signs the user in, then offers only the pages their role may open
(`st.navigation`); each page lives in app_pages/ and reads through dashboard/data.py.

Run with `abri dashboard --home DIR` (usage statistics off, toolbar in viewer mode)."""

import streamlit as st

from dashboard import auth
from dashboard.access import ROLE_PAGES
from reports.i18n import t

st.set_page_config(page_title="Abri", page_icon=":material/home:", layout="wide")

with st.sidebar:
    st.radio(t("app.language"), ("fr", "en"), key="lang", horizontal=True,
             format_func=lambda code: {"fr": "Français", "en": "English"}[code])

PAGES = {
    "outreach": st.Page("app_pages/outreach.py", title=t("page.outreach"), icon=":material/list:",
                        url_path="liste", default=True),
    "household": st.Page("app_pages/household.py", title=t("page.household"), icon=":material/folder_open:",
                         url_path="menage"),
    "capacity": st.Page("app_pages/capacity.py", title=t("page.capacity"), icon=":material/groups:",
                        url_path="capacite"),
    "committee": st.Page("app_pages/committee.py", title=t("page.committee"), icon=":material/gavel:",
                         url_path="comite"),
    "impact": st.Page("app_pages/impact.py", title=t("page.impact"), icon=":material/insights:",
                      url_path="impact"),
    "quality": st.Page("app_pages/quality.py", title=t("page.quality"), icon=":material/fact_check:",
                       url_path="qualite"),
    "model": st.Page("app_pages/model.py", title=t("page.model"), icon=":material/monitoring:",
                     url_path="modele"),
    "accounts": st.Page("app_pages/accounts.py", title=t("page.accounts"), icon=":material/badge:",
                        url_path="comptes"),
    "audit_log": st.Page("app_pages/audit_log.py", title=t("page.audit_log"), icon=":material/policy:",
                         url_path="journal"),
}
scope = auth.current_scope()  # re-checked on every run: server-side session, account still active
if scope is None:
    if "menage" in st.query_params:  # a household link opened before signing in: go there afterwards
        st.session_state["abri_pending_menage"] = st.query_params["menage"]
    # every page's address leads to the sign-in form (instead of "page not found"), so a link to a
    # household opens it once signed in
    signin = [st.Page("app_pages/signin.py", title=t("page.signin"), icon=":material/login:",
                      url_path="connexion", default=True)]
    signin += [st.Page("app_pages/signin.py", title=t("page.signin"), url_path=path, visibility="hidden")
               for path in ("liste", "menage", "capacite", "comite", "impact", "qualite", "modele", "comptes",
                            "journal")]
    pg = st.navigation(signin)
else:
    sections = ROLE_PAGES.get(scope.role, {})
    pg = st.navigation({t(section): [PAGES[name] for name in names] for section, names in sections.items()})
    auth.sidebar(scope)
    pending = st.session_state.pop("abri_pending_menage", None)
    if pending and scope.role == "travailleur_social":
        st.switch_page(PAGES["household"], query_params={"menage": pending})
pg.run()
