"""Documents the dashboard hands out: the outreach list (CSV, printable HTML) and the household's
CRPA L311-3-1 notice (Markdown for the page, printable HTML for the household). Pure functions of
data frames and the catalogue; every value is HTML-escaped; no external font, script or style."""

from __future__ import annotations

import html

import pandas as pd

from models.score import RULE_VERSION
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
    if fmt.missing(p):
        return ""
    if p > DISPLAY_CEILING:
        return f"> {percent(DISPLAY_CEILING, lang)}"
    if p < DISPLAY_FLOOR:
        return f"< {percent(DISPLAY_FLOOR, lang)}"
    return percent(p, lang)


def share(x: float | None, lang: str) -> str:
    """0.413 -> "41,3 %" in French, "41.3%" in English; missing -> empty."""
    return "" if fmt.missing(x) else fmt.percent(x, lang, 1)


def months(x: float | None, lang: str) -> str:
    """4.5 -> "4,5 mois" in French, "4.5 months" in English; missing -> empty."""
    return "" if fmt.missing(x) else fmt.months(x, lang)


def list_table(df: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The outreach list as the worker reads it: labelled columns, labels in `lang`, main reasons
    (the first two) as text. Household shown by the first 8 characters of its pseudonymous key."""
    reasons = df["reasons_en" if lang == "en" else "reasons_fr"].fillna("")
    return pd.DataFrame({
        t("col.rank", lang=lang): df["rank_in_sector"].astype(int),
        t("col.household", lang=lang): df["household_key"].str[:8],
        t("col.sector", lang=lang): df["sector"],
        t("col.band", lang=lang): [t(f"band.{b}", lang=lang) for b in df["risk_band"]],
        t("col.probability", lang=lang): [probability(p, lang) for p in df["probability"]],
        t("col.stage", lang=lang): [t(f"stage.{int(s)}", lang=lang) for s in df["procedure_stage"].fillna(0)],
        t("col.arrears", lang=lang): [t("value.unknown", lang=lang) if pd.isna(a) else fmt.integer(a, lang)
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


def _weights(reasons: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(reason text, relative weight) in rank order; the weight is the reason's share of the
    absolute contributions shown."""
    total = reasons["contribution"].abs().sum()
    return [(text, percent(abs(c) / total, lang) if total else "")
            for text, c in zip(reasons["text"], reasons["contribution"], strict=True)]


def notice_sections(*, row: pd.Series, reasons: pd.DataFrame, lang: str) -> list[tuple[str, list[str]]]:
    """The CRPA L311-3-1 notice as (heading, paragraphs or list items) sections."""
    r = reasons.assign(text=reasons["text_en" if lang == "en" else "text_fr"])
    by_rule = row.get("model_version") == RULE_VERSION  # today's rule listed it: no model, no weights
    landlord = "notice_hh.src_no_landlord" if bool(row["no_landlord_data"]) else "notice_hh.src_landlord"
    sources = [t(k, lang=lang) for k in ("notice_hh.src_caf", landlord, "notice_hh.src_courts", "notice_hh.src_fsl",
                                         "notice_hh.src_energy", "notice_hh.src_social", "notice_hh.src_work",
                                         "notice_hh.src_ref")]
    return [
        (t("notice_hh.degree_h", lang=lang), [t("notice_hh.degree", lang=lang)]),
        (t("notice_hh.data_h", lang=lang), [t("notice_hh.data", lang=lang, month=row["snapshot_month"]), *sources]),
        (t("notice_hh.params_h", lang=lang),
         [t("notice_hh.params_rule", lang=lang), *r["text"]] if by_rule else
         [t("notice_hh.params", lang=lang, band=t(f"band.{row['risk_band']}", lang=lang)),
          *[f"{text} ({w})" for text, w in _weights(r, lang)]]),
        (t("notice_hh.ops_h", lang=lang), [t("notice_hh.ops_rule", lang=lang)] if by_rule else
         [t("notice_hh.ops", lang=lang, version=row["model_version"])]),
        (t("notice_hh.rights_h", lang=lang), [t("notice_hh.rights", lang=lang)]),
    ]


def notice_markdown(*, row: pd.Series, reasons: pd.DataFrame, lang: str) -> str:
    out = [f"**{t('notice_hh.title', lang=lang)}** — _{t('notice_hh.legal', lang=lang)}_"]
    for heading, items in notice_sections(row=row, reasons=reasons, lang=lang):
        out.append(f"\n**{heading}**\n\n{items[0]}")
        out.extend(f"- {i}" for i in items[1:])
    return "\n".join(out)


def notice_html(*, row: pd.Series, reasons: pd.DataFrame, lang: str) -> bytes:
    title = html.escape(t("notice_hh.title", lang=lang))
    body = [f"<h1>{title}</h1><p><em>{html.escape(t('notice_hh.legal', lang=lang))}</em></p>"]
    for heading, items in notice_sections(row=row, reasons=reasons, lang=lang):
        body.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(items[0])}</p>")
        if items[1:]:
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items[1:]) + "</ul>")
    page = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_PRINT_CSS}</style></head><body>{''.join(body)}</body></html>")
    return page.encode("utf-8")
