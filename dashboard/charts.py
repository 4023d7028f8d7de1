"""Altair charts (rendered by Streamlit's bundled Vega: no external fetch)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reports.i18n import t

TIMELINE_INDICATORS = ("probability", "arrears_months", "procedure_stage", "caf_unpaid_report",
                       "housing_allowance_suspended", "energy_unpaid_12m", "social_contacts_3m",
                       "fsl_requests_12m", "unemployment_registrations_12m", "income")


def timeline(df: pd.DataFrame, *, lang: str) -> alt.FacetChart:
    """One small line chart per indicator over the household's months, each with its own scale.
    Indicators never observed (e.g. arrears of a private tenant) are left out, not drawn as zero."""
    wide = df.copy()
    wide["probability"] = wide["probability"] * 100
    present = [c for c in TIMELINE_INDICATORS if c in wide and wide[c].notna().any()]
    long = wide.melt(id_vars=["snapshot_month"], value_vars=present, var_name="code", value_name="value").dropna()
    order = [t(f"tl.{c}", lang=lang) for c in present]
    long["indicator"] = [t(f"tl.{c}", lang=lang) for c in long["code"]]
    base = alt.Chart(long).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("snapshot_month:T", title=t("tl.month", lang=lang), axis=alt.Axis(format="%m/%Y")),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=".4~r", tickCount=3)),
        tooltip=[alt.Tooltip("snapshot_month:T", title=t("tl.month", lang=lang), format="%m/%Y"),
                 alt.Tooltip("indicator:N", title=t("tl.indicator", lang=lang)),
                 alt.Tooltip("value:Q", title=t("tl.value", lang=lang), format=".2~f")],
    ).properties(height=55, width=560)
    return base.facet(row=alt.Row("indicator:N", sort=order, title=None,
                                  header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
                      spacing=6).resolve_scale(y="independent")


def rate_by_sector(df: pd.DataFrame, *, value: str, title: str) -> alt.Chart:
    return alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("sector:N", title=None, sort=list(df["sector"])),
        tooltip=["sector", alt.Tooltip(f"{value}:Q", format=".0%")],
    ).properties(height=alt.Step(18))


def lines(df: pd.DataFrame, *, x: str, y: str, color: str, x_title: str, y_title: str) -> alt.Chart:
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{color}:N", title=None), tooltip=[x, color, alt.Tooltip(f"{y}:Q", format=".3f")])


def intervals(df: pd.DataFrame, *, label: str, x_title: str, zero: bool = True) -> alt.LayerChart:
    """A point per row (`estimate`) with its 95% interval (`ci_low`, `ci_high`), one row per `label`,
    and a rule at zero (no effect)."""
    base = alt.Chart(df).encode(y=alt.Y(f"{label}:N", title=None, sort=list(df[label])))
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q")
    points = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q", tooltip=[label, alt.Tooltip("estimate:Q", format=".1f"),
                                 alt.Tooltip("ci_low:Q", format=".1f"), alt.Tooltip("ci_high:Q", format=".1f")])
    layers = [bars, points]
    if zero:
        layers.insert(0, alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(strokeDash=[4, 4], color="gray")
                      .encode(x="x:Q"))
    return alt.layer(*layers).properties(height=alt.Step(28))
