"""Data protection officer (and administrator): read the access log and verify its hash chain."""

import streamlit as st

from dashboard import data
from dashboard.ui import column_labels, page
from reports.i18n import t, tn

scope, meta = page("page.audit_log", data.DPO_ROLES)
st.write(t("log.intro"))
c1, c2, c3, c4 = st.columns(4)
days = c1.number_input(t("log.days"), min_value=1, max_value=3650, value=30, step=1)
username = c2.text_input(t("log.user"))
action = c3.text_input(t("log.action"))
prefix = c4.text_input(t("log.household"))
df = data.access_log(scope, days=int(days), username=username.strip(), action=action.strip(), key_prefix=prefix)
st.caption(tn("log.count", len(df)))
if df.empty:
    st.info(t("log.empty"))
else:
    st.dataframe(df.drop(columns=["id"]), hide_index=True, width="stretch", column_config=column_labels(df.columns))
if st.button(t("log.verify"), icon=":material/verified:"):
    check = data.verify_access_log(scope)
    if check.ok:
        st.success(t("log.chain_ok", n=sum(check.checked.values())))
    else:
        st.error(t("log.chain_broken", problems=" ; ".join(check.problems)))
