"""Documents the dashboard hands out: the outreach list (CSV, printable HTML) and the household's
CRPA L311-3-1 notice (governance/notice.py: Markdown for the page, printable HTML for the
household). Pure functions of data frames and the catalogue; every value is HTML-escaped; no
external font, script or style."""

from __future__ import annotations

import html

import pandas as pd

from dashboard.i18n import t
from governance import notice
from models.score import RULE_VERSION  # noqa: F401  (the household page asks documents.RULE_VERSION)

_PRINT_CSS = ("body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}"
              "th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top;font-size:11pt}"
              "th{background:#eee}footer{margin-top:2em;font-size:10pt}"
              "@media print{button{display:none}}")


def percent(p: float | None) -> str:
    return "" if p is None or pd.isna(p) else f"{100 * float(p):.0f} %"


# what a calibrated probability can honestly claim at the ends of the scale (issue 10 section 5)
DISPLAY_CEILING, DISPLAY_FLOOR = 0.95, 0.01


def probability(p: float | None) -> str:
    """A probability as a worker reads it: '37 %', never '100 %' nor '0 %' ('> 95 %', '< 1 %')."""
    if p is None or pd.isna(p):
        return ""
    if p > DISPLAY_CEILING:
        return "> 95 %"
    if p < DISPLAY_FLOOR:
        return "< 1 %"
    return percent(p)


def share(x: float | None, lang: str) -> str:
    """0.413 -> "41,3 %" in French, "41.3%" in English; missing -> empty."""
    if x is None or pd.isna(x):
        return ""
    text = f"{100 * float(x):.1f}"
    return f"{text.replace('.', ',')}\u00a0%" if lang == "fr" else f"{text}%"


def months(x: float | None, lang: str) -> str:
    """4.5 -> "4,5" in French."""
    if x is None or pd.isna(x):
        return ""
    text = f"{float(x):.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def list_table(df: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The outreach list as the worker reads it: labelled columns, labels in `lang`, main reasons
    (the first two) as text. Household shown by the first 8 characters of its pseudonymous key."""
    reasons = df["reasons_en" if lang == "en" else "reasons_fr"].fillna("")
    return pd.DataFrame({
        t("col.rank", lang=lang): df["rank_in_sector"].astype(int),
        t("col.household", lang=lang): df["household_key"].str[:8],
        t("col.sector", lang=lang): df["sector"],
        t("col.band", lang=lang): [t(f"band.{b}", lang=lang) for b in df["risk_band"]],
        t("col.probability", lang=lang): [probability(p) for p in df["probability"]],
        t("col.stage", lang=lang): [t(f"stage.{int(s)}", lang=lang) for s in df["procedure_stage"].fillna(0)],
        t("col.arrears", lang=lang): [t("value.unknown", lang=lang) if pd.isna(a) else f"{a:.0f}"
                                      for a in df["arrears_months"]],
        t("col.reasons", lang=lang): [" | ".join(r.split(" | ")[:2]) for r in reasons],
        t("col.status", lang=lang): [t(f"status.{s}" if isinstance(s, str) else "status.none", lang=lang)
                                     for s in df["status"]],
        t("col.updated", lang=lang): [str(u)[:10] if isinstance(u, str) else "" for u in df["updated_at"]],
    })


def list_csv(df: pd.DataFrame, *, lang: str) -> bytes:
    """CSV for a spreadsheet: ';' separated, UTF-8 with BOM (Excel in French reads it as is)."""
    table = list_table(df, lang=lang)
    table[t("col.household", lang=lang)] = df["household_key"].to_numpy()  # the full key, to find it again
    return table.to_csv(index=False, sep=";").encode("utf-8-sig")


def list_html(df: pd.DataFrame, *, lang: str, sectors: str, month: str) -> bytes:
    title = t("export.title", lang=lang, sectors=sectors, month=month)
    table = list_table(df, lang=lang).to_html(index=False, escape=True, border=0)
    page = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_PRINT_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<button onclick='window.print()'>{html.escape(t('export.print', lang=lang))}</button>{table}"
            f"<footer>{html.escape(t('export.footer', lang=lang))}</footer></body></html>")
    return page.encode("utf-8")


def notice_markdown(*, row: pd.Series, reasons: pd.DataFrame, lang: str) -> str:
    """The household's CRPA L311-3-1 notice for the page: governance/notice.py, the one notice."""
    return notice.notice_markdown(row=row, reasons=reasons, lang=lang)


def notice_html(*, row: pd.Series, reasons: pd.DataFrame, lang: str) -> bytes:
    """The same notice as a printable, self-contained HTML page, for the household."""
    return notice.notice_html(row=row, reasons=reasons, lang=lang).encode("utf-8")
