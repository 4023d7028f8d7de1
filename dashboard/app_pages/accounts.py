"""Administrator: who has an account (read-only here; managed with `abri users`)."""

import streamlit as st

from dashboard import data
from dashboard.ui import page
from reports.i18n import t

scope, meta = page("page.accounts", ("admin",))
st.write(t("acc.intro"))
st.dataframe([{t("signin.username"): a.username, t("acc.role"): t(f"role.{a.role}"),
               t("col.sector"): ", ".join(a.sectors), t("acc.active"): a.active, t("com.lbl_created"): a.created_at}
              for a in data.accounts(scope)], hide_index=True, width="stretch")
