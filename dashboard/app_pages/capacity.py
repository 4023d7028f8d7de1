"""Supervisor: capacity per sector, follow-up and contact rates, time from list to contact."""

import streamlit as st

from dashboard import charts, data
from dashboard.ui import page
from reports import fmt
from reports.i18n import current_lang, t

scope, meta = page("page.capacity", data.SUPERVISION_ROLES)
st.write(t("cap.intro"))
df = data.capacity(scope)
listed, followed = int(df["listed"].sum()), int(df["followed"].sum())
st.markdown(t("cap.totals", listed=listed, followed=followed,
              rate=fmt.percent(followed / listed, digits=0) if listed else fmt.MISSING))
shown = df.assign(days_to_contact=[fmt.number(d, digits=1) for d in df["days_to_contact"]])
st.dataframe(
    shown[["sector", "households", "listed", "tres_eleve", "eleve", "uncovered_tres_eleve", "followed", "followup_rate",
        "contact_rate", "days_to_contact"]],
    hide_index=True, width="stretch",
    column_config={
        "sector": st.column_config.TextColumn(t("col.sector")),
        "households": st.column_config.NumberColumn(t("cap.households")),
        "listed": st.column_config.NumberColumn(t("cap.listed")),
        "tres_eleve": st.column_config.NumberColumn(t("cap.tres_eleve")),
        "eleve": st.column_config.NumberColumn(t("cap.eleve")),
        "uncovered_tres_eleve": st.column_config.NumberColumn(t("cap.uncovered")),
        "followed": st.column_config.NumberColumn(t("cap.followed"), format="%d"),
        "followup_rate": st.column_config.ProgressColumn(t("cap.followup_rate"), format="percent",
                                                         min_value=0, max_value=1),
        "contact_rate": st.column_config.ProgressColumn(t("cap.contact_rate"), format="percent",
                                                        min_value=0, max_value=1),
        "days_to_contact": st.column_config.TextColumn(t("cap.days_to_contact")),
    })
st.caption(t("cap.definitions"))
st.markdown(f"#### {t('cap.chart')}")
st.altair_chart(charts.rate_by_sector(df.fillna({"followup_rate": 0}), value="followup_rate",
                                      title=t("cap.followup_rate"), lang=current_lang()), width="stretch")
