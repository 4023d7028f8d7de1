"""Altair charts (rendered by Streamlit's bundled Vega: no external fetch)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reports.i18n import t


def _labels(lang: str) -> str:
    """A Vega axis labelExpr: Vega formats numbers the English way, a French reader reads "0,8"
    and "40 %"."""
    return ("replace(replace(datum.label, '.', ','), '%', '\u00a0%')" if lang == "fr" else "datum.label")



def percent_axis(lang: str, **kwargs) -> alt.Axis:
    """A share axis read the reader's way: "95 %" in French, "95%" in English."""
    return alt.Axis(format="%", labelExpr=_labels(lang), **kwargs)

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
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=".4~r", tickCount=3, labelExpr=_labels(lang))),
        tooltip=[alt.Tooltip("snapshot_month:T", title=t("tl.month", lang=lang), format="%m/%Y"),
                 alt.Tooltip("indicator:N", title=t("tl.indicator", lang=lang)),
                 alt.Tooltip("value:Q", title=t("tl.value", lang=lang), format=".2~f")],
    ).properties(height=55, width=560)
    return base.facet(row=alt.Row("indicator:N", sort=order, title=None,
                                  header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
                      spacing=6).resolve_scale(y="independent")


def rate_by_sector(df: pd.DataFrame, *, value: str, title: str, lang: str = "fr") -> alt.Chart:
    return alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format="%", labelExpr=_labels(lang)),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("sector:N", title=None, sort=list(df["sector"])),
        tooltip=[alt.Tooltip("sector:N", title=t("col.sector")), alt.Tooltip(f"{value}:Q", title=title, format=".0%")],
    ).properties(height=alt.Step(18))


def lines(df: pd.DataFrame, *, x: str, y: str, color: str, x_title: str | None, y_title: str,
          x_tooltip: str = "", color_tooltip: str = "", lang: str = "fr") -> alt.Chart:
    """One line per `color` over `x`; the tooltips are titled (a bare field name is code)."""
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(labelExpr=_labels(lang))),
        color=alt.Color(f"{color}:N", title=None),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_tooltip or x_title or ""),
                 alt.Tooltip(f"{color}:N", title=color_tooltip), alt.Tooltip(f"{y}:Q", title=y_title, format=".3f")])


def intervals(df: pd.DataFrame, *, label: str, x_title: str, zero: bool = True) -> alt.LayerChart | alt.FacetChart:
    """A point per row (`estimate`) with its 95% interval (`ci_low`, `ci_high`), one row per `label`,
    and a rule at zero (no effect)."""
    base = alt.Chart(df).encode(y=alt.Y(f"{label}:N", title=None, sort=list(df[label])))
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q")
    points = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q", tooltip=[alt.Tooltip(f"{label}:N", title=""),
                                 alt.Tooltip("estimate:Q", title=x_title, format=".1f"),
                                 alt.Tooltip("ci_low:Q", title=t("colname.ci_low"), format=".1f"),
                                 alt.Tooltip("ci_high:Q", title=t("colname.ci_high"), format=".1f")])
    layers = [bars, points]
    if zero:
        layers.insert(0, alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(strokeDash=[4, 4], color="gray")
                      .encode(x="x:Q"))
    return alt.layer(*layers).properties(height=alt.Step(28))


RATIO_FLOOR, RATIO_CEILING = 0.1, 10.0  # the log axis' ends (a ratio of 0 or infinity is clipped)


def fairness_ratios(df: pd.DataFrame, *, tolerance: tuple[float, float], x_title: str,
                    tooltip_titles: dict[str, str], lang: str = "fr") -> alt.LayerChart | alt.FacetChart:
    """One row per group and metric: the ratio of the group's rate to the reference group's
    (`ratio`, point) with its 95% interval (`ratio_ci_low`, `ratio_ci_high`, error bar), on a log
    axis, the tolerance band shaded and a rule at 1. Expects the labelled columns `group_label`,
    `metric_label`, `verdict_label`, and preformatted `rate_text`, `ratio_text`, `interval_text`."""
    data = df.assign(**{c: df[c].clip(RATIO_FLOOR, RATIO_CEILING) for c in ("ratio", "ratio_ci_low", "ratio_ci_high")})
    lows = [RATIO_FLOOR, *data["ratio_ci_low"].dropna(), *data["ratio"].dropna(), tolerance[0]]
    highs = [*data["ratio_ci_high"].dropna(), *data["ratio"].dropna(), tolerance[1]]
    domain = [max(RATIO_FLOOR, min(lows[1:]) * 0.9), min(RATIO_CEILING, max(highs) * 1.1)]
    x = alt.X("ratio:Q", title=x_title, scale=alt.Scale(type="log", domain=domain),
              axis=alt.Axis(values=[v for v in (0.1, 0.25, 0.5, tolerance[0], 1, tolerance[1], 2, 4, 10)
                                    if domain[0] <= v <= domain[1]], format="~r", labelExpr=_labels(lang)))
    groups = list(dict.fromkeys(data["group_label"]))
    y = alt.Y("group_label:N", title=None, sort=groups, axis=alt.Axis(labelLimit=320))
    color = alt.Color("metric_label:N", title=None, legend=alt.Legend(orient="top"))
    tooltip = [alt.Tooltip("group_label:N", title=tooltip_titles["group"]),
               alt.Tooltip("metric_label:N", title=tooltip_titles["metric"]),
               alt.Tooltip("rate_text:N", title=tooltip_titles["rate"]),
               alt.Tooltip("ratio_text:N", title=tooltip_titles["ratio"]),
               alt.Tooltip("interval_text:N", title=tooltip_titles["interval"]),
               alt.Tooltip("verdict_label:N", title=tooltip_titles["verdict"])]
    band = alt.Chart(pd.DataFrame({"low": [tolerance[0]], "high": [tolerance[1]]})).mark_rect(
        color="#bbbbbb", opacity=0.35).encode(x=alt.X("low:Q", scale=alt.Scale(type="log", domain=domain)),
                                               x2="high:Q")
    one = alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color="#555555", strokeDash=[4, 4]).encode(
        x=alt.X("one:Q", scale=alt.Scale(type="log", domain=domain)))
    base = alt.Chart(data).encode(y=y, yOffset=alt.YOffset("metric_label:N"), color=color, tooltip=tooltip)
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ratio_ci_low:Q", scale=alt.Scale(type="log", domain=domain)),
                                                x2="ratio_ci_high:Q")
    points = base.mark_point(filled=True, size=70).encode(x=x)
    return alt.layer(band, one, bars, points).properties(height=alt.Step(16))
