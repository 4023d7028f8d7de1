"""Documents the dashboard hands out: the outreach list (CSV, printable HTML) and the household's
CRPA L311-3-1 notice (governance/notice.py: Markdown for the page, printable HTML for the
household). Pure functions of data frames and the catalogue; every value is HTML-escaped; no
external font, script or style."""

from __future__ import annotations

import html

import pandas as pd

from abri.city import City
from governance import notice
from models.score import RULE_VERSION  # noqa: F401  (the household page asks documents.RULE_VERSION)
from reports import fmt
from reports.i18n import t

_PRINT_CSS = ("body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}"
              "th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top;font-size:11pt}"
              "th{background:#eee}footer{margin-top:2em;font-size:10pt}"
              "@media print{button{display:none}}")


def percent(p: float | None, lang: str | None = None) -> str:
    """A whole percentage in the reader's locale ("37 %", "37%"); missing -> empty."""
    return "" if fmt.missing(p) else fmt.percent(p, lang, 0)


# what a calibrated probability can honestly claim at the ends of the scale (issue 10 section 5)
DISPLAY_CEILING, DISPLAY_FLOOR = 0.95, 0.01


def probability(p: float | None, lang: str | None = None) -> str:
    """A probability as a worker reads it: '37 %', never '100 %' nor '0 %' ('> 95 %', '< 1 %')."""
    if p is None or fmt.missing(p):
        return ""
    if p > DISPLAY_CEILING:
        return f"> {percent(DISPLAY_CEILING, lang)}"
    if p < DISPLAY_FLOOR:
        return f"< {percent(DISPLAY_FLOOR, lang)}"
    return percent(p, lang)


def list_table(df: pd.DataFrame, *, lang: str, identities: dict[str, dict] | None = None,
               full_reasons: bool = False) -> pd.DataFrame:
    """The outreach list as the worker reads it: labelled columns, labels in `lang`, main reasons
    (the first two, or all of them with `full_reasons`) as text, figures in the reader's locale.
    Household shown by the first 8 characters of its pseudonymous key; with `identities` (key ->
    nom, prenom, adresse, telephone, read by dashboard.data.list_identities), its name and address
    follow it."""

    reasons = df["reasons_en" if lang == "en" else "reasons_fr"].fillna("")
    columns = {
        t("col.rank", lang=lang): df["rank_in_sector"].astype(int),
        t("col.household", lang=lang): df["household_key"].str[:8],
    }
    if identities is not None:
        people = [identities.get(k) for k in df["household_key"]]
        columns[t("col.name", lang=lang)] = [f"{p['prenom']} {p['nom']}" if p else t("value.not_found", lang=lang)
                                              for p in people]
        columns[t("col.address", lang=lang)] = [p["adresse"] if p else "" for p in people]
    columns.update({
        t("col.sector", lang=lang): df["sector"],
        t("col.band", lang=lang): [t(f"band.{b}", lang=lang) for b in df["risk_band"]],
        t("col.probability", lang=lang): [probability(p, lang) for p in df["probability"]],
        t("col.stage", lang=lang): [t(f"stage.{int(s)}", lang=lang) for s in df["procedure_stage"].fillna(0)],
        t("col.arrears", lang=lang): [t("value.unknown", lang=lang) if pd.isna(a) else fmt.number(a, lang, digits=1)
                                      for a in df["arrears_months"]],
        t("col.reasons", lang=lang): [" | ".join(r.split(" | ") if full_reasons else r.split(" | ")[:2])
                                      for r in reasons],
        t("col.status", lang=lang): [t(f"status.{s}" if isinstance(s, str) else "status.none", lang=lang)
                                     for s in df["status"]],
        t("col.updated", lang=lang): [str(u)[:10] if isinstance(u, str) else "" for u in df["updated_at"]],
    })
    return pd.DataFrame(columns)


def list_csv(df: pd.DataFrame, *, lang: str) -> bytes:
    """CSV for a spreadsheet: ';' separated, UTF-8 with BOM (Excel in French reads it as is)."""
    table = list_table(df, lang=lang)
    table[t("col.household", lang=lang)] = df["household_key"].to_numpy()  # the full key, to find it again
    return table.to_csv(index=False, sep=";").encode("utf-8-sig")


def list_html(df: pd.DataFrame, *, lang: str, sectors: str, month: str,
              identities: dict[str, dict] | None = None) -> bytes:
    """The printable list (no name). With `identities`, the home visit list: names, addresses,
    phones, every reason in full and a box to tick per visit (a nominative document: the page
    builds it only when the worker asks, and logs it)."""

    table = list_table(df, lang=lang, identities=identities, full_reasons=True)
    if identities is None:
        title, footer = t("export.title", lang=lang, sectors=sectors, month=month), t("export.footer", lang=lang)
    else:
        title = t("visits.title", lang=lang, sectors=sectors, month=month)
        footer = t("visits.footer", lang=lang)
        people = [identities.get(k) for k in df["household_key"]]
        table.insert(4, t("visits.phone", lang=lang), [(p or {}).get("telephone") or "" for p in people])
        table[t("visits.done", lang=lang)] = "☐"
    body = table.to_html(index=False, escape=True, border=0)
    page = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_PRINT_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<button onclick='window.print()'>{html.escape(t('export.print', lang=lang))}</button>{body}"
            f"<footer>{html.escape(footer)}</footer></body></html>")
    return page.encode("utf-8")


def notice_markdown(*, row: pd.Series, reasons: pd.DataFrame, lang: str, city: City) -> str:
    """The household's CRPA L311-3-1 notice for the page: governance/notice.py, the one notice."""
    return notice.notice_markdown(row=row, reasons=reasons, lang=lang, city=city)


def notice_html(*, row: pd.Series, reasons: pd.DataFrame, lang: str, city: City) -> bytes:
    """The same notice as a printable, self-contained HTML page, for the household."""
    return notice.notice_html(row=row, reasons=reasons, lang=lang, city=city).encode("utf-8")
