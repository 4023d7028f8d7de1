"""Sign-in: a local account form, or the City's OIDC provider when configured in secrets."""

import streamlit as st

from dashboard import auth
from reports.i18n import t

st.title(t("app.title"))
ended = auth.ended_reason()
if ended == "idle":
    st.warning(t("signin.timeout", minutes=auth.IDLE_MINUTES))
elif ended in ("disabled", "binding"):
    st.warning(t(f"signin.ended_{ended}"))

if auth.oidc_configured():
    if getattr(st.user, "is_logged_in", False):
        st.error(t("signin.oidc_unknown"))
    elif st.button(t("signin.oidc"), type="primary"):
        st.login()

st.write(t("signin.intro"))
with st.form("signin"):
    username = st.text_input(t("signin.username"), autocomplete="username")
    password = st.text_input(t("signin.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(t("signin.submit"), type="primary")
if submitted:
    if auth.sign_in(username, password) is not None:
        st.rerun()
    minutes = auth.locked_minutes(username)
    st.error(t("signin.locked", minutes=minutes) if minutes else t("signin.failed"))
