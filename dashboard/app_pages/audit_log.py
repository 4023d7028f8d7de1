"""Data protection officer (and administrator): read the access log and verify its hash chain."""

import json

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.labels import label
from dashboard.ui import MISSING, page
from reports import fmt
from reports.i18n import current_lang, keys, t

ACTIONS = sorted(k.split(".", 1)[1] for k in keys() if k.startswith("action."))


def _value(value, prefix: str = "status") -> str:
    if isinstance(value, list):
        return ", ".join(_value(v, prefix) for v in value)
    if isinstance(value, bool):
        return t("gval.oui") if value else t("gval.non")
    if isinstance(value, dict):
        return "; ".join(f"{label('detail', k)} : {_value(v, 'role' if k == 'role' else 'status')}"
                         for k, v in value.items())
    return label(prefix, value) if isinstance(value, str) else str(value)


def _detail(text) -> str:
    """The JSON detail of a log entry in words ("lignes : 3; secteurs : 19e")."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        return _value(json.loads(text))
    except ValueError:
        return text


scope, meta = page("page.audit_log", data.DPO_ROLES)
lang = current_lang()  # the format functions below run outside the script too
st.write(t("log.intro"))
c1, c2, c3, c4 = st.columns(4)
days = c1.number_input(t("log.days"), min_value=1, max_value=3650, value=30, step=1)
username = c2.text_input(t("log.user"))
action = c3.selectbox(t("log.action"), ["", *ACTIONS],
                      format_func=lambda a: label("action", a, lang=lang) if a else t("log.all_actions", lang=lang))
prefix = c4.text_input(t("log.household"))
df = data.access_log(scope, days=int(days), username=username.strip(), action=action, key_prefix=prefix)
st.caption(t("log.count", n=len(df)))
if df.empty:
    st.info(t("log.empty"))
else:
    st.dataframe(pd.DataFrame({
        t("colname.at"): [fmt.moment(a, style="medium") for a in df["at"]],
        t("colname.username"): df["username"],
        t("colname.action"): [label("action", a) for a in df["action"]],
        t("colname.household_key"): [k if isinstance(k, str) else MISSING for k in df["household_key"]],
        t("colname.detail"): [_detail(d) for d in df["detail"]],
    }), hide_index=True, width="stretch")
if st.button(t("log.verify"), icon=":material/verified:"):
    check = data.verify_access_log(scope)
    if check.ok:
        st.success(t("log.chain_ok", n=sum(check.checked.values())))
    else:
        st.error(t("log.chain_broken", problems=" ; ".join(check.problems)))
