"""Pages people can read (issue 14): every page of every role, in French and in English, shows no
code identifier (`false_negative_rate`, `household_key`, `ratio_ci_low`), no `None` and no `nan`,
and French figures read the French way ("19 676 ménages", "4,5 %", "3,2 mois")."""

from __future__ import annotations

import json
import re

import pytest
from abri_fixture import NAMES, key_of
from apptest_helpers import app_as

from dashboard import data, documents
from reports.i18n import t

ROLE_PAGES = [  # (user, page, query): every page each role may open (dashboard/access.py ROLE_PAGES)
    (None, None, None),  # signed out: the sign-in page, the one page everyone sees
    ("ts19", "app_pages/outreach.py", None),
    ("ts19", "app_pages/household.py", None),
    ("ts19", "app_pages/household.py", {"menage": key_of("a19")}),
    ("encadrant", "app_pages/capacity.py", None),
    ("encadrant", "app_pages/impact.py", None),
    ("comite", "app_pages/committee.py", None),
    ("comite", "app_pages/impact.py", None),
    ("ds", "app_pages/quality.py", None),
    ("ds", "app_pages/model.py", None),
    ("admin", "app_pages/capacity.py", None),
    ("admin", "app_pages/impact.py", None),
    ("admin", "app_pages/quality.py", None),
    ("admin", "app_pages/model.py", None),
    ("admin", "app_pages/accounts.py", None),
    ("admin", "app_pages/audit_log.py", None),
    ("dpo", "app_pages/audit_log.py", None),
]
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # false_negative_rate, household_key, ratio_ci_low
EMPTY = re.compile(r"\b(?:None|nan|NaN|NaT)\b")
SPACE = "[\u00a0\u202f ]"  # Babel's French separators: no-break and narrow no-break spaces


def visible_text(at) -> list[str]:
    """What a reader sees: titles, text, messages, widget labels and options, table headers and
    cells, chart titles and tooltips (not the element protos: field names there are code)."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success", "exception"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            out += [w.label, *map(str, w.options)]
    for kind in ("checkbox", "toggle", "button", "text_input", "text_area", "number_input", "expander"):
        out += [str(w.label) for w in getattr(at, kind)]
    out += [b.proto.label for b in at.get("download_button")]
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for col in frame.value.columns:
            cfg = config.get(f"name:{col}", config.get(str(col), {}))
            if cfg.get("hidden"):
                continue
            out.append(str(cfg.get("label") or col))
            out += [str(v) for v in frame.value[col]]
    for chart in at.get("vega_lite_chart"):
        out += _chart_text(json.loads(chart.proto.spec))
    return out


def _chart_text(spec) -> list[str]:
    """Titles anywhere in a Vega-Lite spec, and the field of every tooltip without a title (the
    browser shows the field name then)."""
    out = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                out.append(value)
            elif key == "tooltip":
                for tip in value if isinstance(value, list) else [value]:
                    if isinstance(tip, dict) and tip.get("field") and "title" not in tip:
                        out.append(tip["field"])
                    elif isinstance(tip, str):
                        out.append(tip)
            else:
                out += _chart_text(value)
    elif isinstance(spec, list):
        for item in spec:
            out += _chart_text(item)
    return out


def code_in(texts: list[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    return sorted({m for text in texts for m in SNAKE.findall(text) + EMPTY.findall(text)} - allowed)


def _file_columns() -> frozenset[str]:
    """The partners' column headers (ingest/contract.py): the data quality page names a
    quarantined column as the partner's file spells it, so the data scientist can find it."""
    from ingest.contract import SOURCES

    return frozenset(c.name for s in SOURCES.values() for c in s.columns)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("user", "page", "query"), ROLE_PAGES,
                         ids=[f"{u}-{p.split('/')[1][:-3]}{'-hh' if q else ''}" if p else "signin"
                              for u, p, q in ROLE_PAGES])
def test_every_page_of_every_role_reads_without_code(audited_home, user, page, query, lang):
    at = app_as(user, page=page, query=query, lang=lang)
    assert not at.exception
    texts = visible_text(at)
    assert len(texts) > 5  # the page did render
    assert code_in(texts, _file_columns() if page and page.endswith("quality.py") else frozenset()) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_committee_page_reads_without_code_with_every_measure_and_report_shown(audited_home, lang):
    at = app_as("comite", page="app_pages/committee.py", lang=lang)
    at.selectbox[2].set_value("all").run()
    for toggle in at.toggle:
        toggle.set_value(True)
    at.run()
    assert not at.exception
    assert code_in(visible_text(at)) == []


def test_the_check_sees_code_and_missing_values():
    """The assertion above can fail: it finds a code identifier, None and nan."""
    assert code_in(["ratio_ci_low: None", "taux nan", "household_key"]) == [
        "None", "household_key", "nan", "ratio_ci_low"]
    assert code_in(["taux de manqués 4,5 %", "Nominal", "nanometre"]) == []


def test_the_committee_page_names_metrics_and_verdicts_in_words_and_draws_the_chart(audited_home):
    at = app_as("comite", page="app_pages/committee.py")
    table = at.dataframe[1].value
    assert set(table[t("com.col_metric")]) == {t("metric.false_negative_rate"), t("metric.false_positive_rate")}
    assert t("verdict.outside") in set(table[t("com.col_verdict")])
    assert any(re.fullmatch(rf"41,0{SPACE}%", v) for v in table[t("com.col_value")])
    assert any(re.fullmatch(rf"5{SPACE}000", v) for v in table[t("com.col_n")])
    versions = at.dataframe[0].value  # dates and months in words, not ISO
    assert list(versions[t("com.lbl_as_of")]) == ["octobre 2026"]
    assert all(re.fullmatch(r"\d{1,2} \w+ \d{4}", d) for d in versions[t("com.lbl_created")])
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "rule", "rule", "point"]  # tolerance band, 1, intervals, ratios
    assert any(t("com.chart_axis") in s for s in _chart_text(spec))
    assert any(t("com.chart_note", low="0,80", high="1,25", reference=t("gval.social")) == c.value
               for c in at.caption)


def test_the_committee_reaches_the_explanation_and_mitigation_reports(audited_home):
    at = app_as("comite", page="app_pages/committee.py")
    labels = [b.proto.label for b in at.get("download_button")]
    for name in ("explanations", "mitigation"):
        assert t("com.report_download_named", name=t(f"com.report_{name}")) in labels
    toggle = next(x for x in at.toggle if x.label == t("com.report_show_named", name=t("com.report_mitigation")))
    toggle.set_value(True).run()
    assert any("Rapport de correction" in f.proto.srcdoc for f in at.get("iframe"))


def test_a_missing_report_is_said_not_hidden(audited_home):
    from abri_fixture import VERSION

    (audited_home.home / "reports" / VERSION / "mitigation.html").unlink()
    at = app_as("comite", page="app_pages/committee.py")
    assert t("com.report_missing", name=t("com.report_mitigation")) in [c.value for c in at.caption]


def test_a_report_name_or_version_cannot_walk_out_of_the_reports_folder(audited_home):
    from abri_fixture import VERSION
    from apptest_helpers import scope_of

    with pytest.raises(data.AccessDenied):
        data.version_report(scope_of("comite"), "../../etc", "mitigation")
    with pytest.raises(data.AccessDenied):
        data.version_report(scope_of("comite"), VERSION, "../casework")
    with pytest.raises(data.AccessDenied):
        data.version_report(scope_of("ts19"), VERSION, "mitigation")


# -- the model page and the list in French ----------------------------------------------------
def test_the_model_page_shows_whole_counts_and_french_figures(home):
    at = app_as("ds", page="app_pages/model.py")
    assert any(re.search(rf"19{SPACE}676 ménages", c.value) for c in at.caption)  # 19675.6667 on average
    mean = at.dataframe[0].value
    assert all(re.fullmatch(rf"\d+,\d{SPACE}%", v) for v in mean[t("colname.precision_at_k")])
    lead = at.dataframe[1].value
    assert list(lead[t("colname.reached_3m_before")])[:1] and re.fullmatch(
        rf"41,3{SPACE}%", lead[t("colname.reached_3m_before")].iloc[0])
    assert lead[t("colname.median_lead_months")].iloc[0] == "4,5 mois"
    text = " ".join(visible_text(at))
    assert "19675" not in text and "0.413" not in text and "4.5" not in text
    assert "1 indicateur en alerte." in text and "indicateur(s)" not in text  # the count agrees


@pytest.mark.parametrize(("lang", "shown"), [("fr", "\u00a0%"), ("en", "datum.label")])
def test_every_share_axis_of_the_pages_reads_the_readers_way(home, lang, shown):
    """Vega writes "95%": every percent axis carries the French relabelling (dashboard.charts)."""
    for user, page in (("ds", "app_pages/quality.py"), ("encadrant", "app_pages/capacity.py")):
        at = app_as(user, page=page, lang=lang)
        axes = [a for c in at.get("vega_lite_chart") for a in _axes(json.loads(c.proto.spec))
                if a.get("format") == "%"]
        assert axes and all(shown in a.get("labelExpr", "") for a in axes), (page, axes)


def _axes(spec) -> list[dict]:
    if isinstance(spec, dict):
        return ([spec["axis"]] if isinstance(spec.get("axis"), dict) else []) + [
            a for v in spec.values() for a in _axes(v)]
    return [a for v in spec for a in _axes(v)] if isinstance(spec, list) else []

@pytest.mark.parametrize(("lang", "month"), [("fr", "octobre 2026"), ("en", "October 2026")])
def test_the_page_header_gives_months_and_dates_in_words(home, lang, month):
    at = app_as("ts19", lang=lang)
    header = next(c.value for c in at.caption if month in c.value)
    assert not re.search(r"\d{4}-\d{2}", header.replace(data.published(data.Scope("x", "admin", ()))
                                                          .get("model_version", ""), ""))

def test_the_list_page_shows_french_figures(home):
    at = app_as("ts19")
    table = at.dataframe[0].value
    assert list(table[t("col.probability")]) == ["31\u00a0%", "12\u00a0%", "5\u00a0%"]
    assert list(table[t("col.arrears")]) == ["4,0", t("value.unknown"), "2,0"]
    assert not any(re.search(r"\d\.\d", str(v)) for v in table.to_numpy().ravel())


# -- the social worker's names, reasons and visit list ----------------------------------------
def test_names_and_addresses_show_on_request_for_the_own_sector_only_and_each_view_is_logged(home):
    at = app_as("ts19")
    assert not any(n in " ".join(visible_text(at)) for n in NAMES)  # hidden until asked for
    at.toggle[0].set_value(True).run()
    table = at.dataframe[0].value
    assert list(table[t("col.name")]) == ["Zéphirine Ouvrard", "Théodule Fanchon", "Ermengarde Polycarpe"]
    assert list(table[t("col.address")]) == ["1 rue des Lilas", "2 rue des Lilas", "3 rue des Lilas"]
    text = " ".join(visible_text(at))
    assert "Anatole" not in text and "Brisebarre" not in text  # the 20e's households
    views = [e["household_key"] for e in home.casework.access_log() if e["action"] == "view_identity"]
    assert sorted(views) == sorted(key_of(p) for p in ("a19", "b19", "c19"))
    at.run()  # shown again: logged again
    views = [e for e in home.casework.access_log() if e["action"] == "view_identity"]
    assert len(views) == 6


def test_reasons_are_readable_in_full(home):
    at = app_as("ts19")
    full = [m.value for m in at.markdown if m.value.startswith("**1 · 19e")]
    assert full and "Situation du ménage et du logement : ancienneté 120 mois" in full[0]  # the third reason


def test_identities_of_another_sector_are_refused_and_logged(home):
    from apptest_helpers import scope_of

    with pytest.raises(data.AccessDenied):
        data.list_identities(scope_of("ts19"), [key_of("a19"), key_of("a20")])
    actions = [(e["action"], e["household_key"]) for e in home.casework.access_log()]
    assert ("denied_household", key_of("a20")) in actions
    assert ("view_identity", key_of("a19")) not in actions  # refused before anything is read
    with pytest.raises(data.AccessDenied):
        data.list_identities(scope_of("comite"), [key_of("a19")])


def test_the_visit_list_has_the_own_sector_with_names_and_is_logged(home):
    from apptest_helpers import scope_of

    scope = scope_of("ts19")
    own = data.outreach_list(scope)
    people = data.list_identities(scope, list(own["household_key"]), purpose="visits")
    page = documents.list_html(own, lang="fr", sectors="19e", month="2026-10", identities=people).decode()
    assert "Zéphirine Ouvrard" in page and "1 rue des Lilas" in page and "06 00 00 00 00" in page
    assert "Anatole" not in page and "<script" not in page
    assert "Situation du ménage et du logement : ancienneté 120 mois" in page  # reasons in full
    assert t("visits.footer") in page.replace("&#x27;", "'")
    logged = [e["household_key"] for e in home.casework.access_log() if e["action"] == "export_visits"]
    assert sorted(logged) == sorted(own["household_key"])


def test_the_visit_list_is_built_on_click_only_and_never_cached():
    """The page hands Streamlit a function (deferred download) and no st.cache touches it."""
    import ast
    from pathlib import Path

    source = (Path(data.__file__).parent / "app_pages" / "outreach.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert "st.cache" not in source and "cache_data" not in source
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "download_button"]
    visits = next(c for c in calls if ast.unparse(c.args[0]) == "t('list.visits_download')")
    assert isinstance(visits.args[1], ast.Name) and visits.args[1].id == "_visit_list"
    from dashboard import households

    data_source = Path(households.__file__).read_text(encoding="utf-8")
    body = data_source[data_source.index("def list_identities"):data_source.index("def log_export")]
    assert "identity_path()" in body and "_cached(" not in body  # the identities are read afresh


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_household_page_with_its_identity_and_the_impact_page_with_its_report_read_without_code(home, lang):
    from test_dashboard_impact import _write_reports

    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")}, lang=lang)
    at.toggle[0].set_value(True).run()
    assert not at.exception and code_in(visible_text(at)) == []
    _write_reports(home)
    at = app_as("comite", page="app_pages/impact.py", lang=lang)
    assert not at.exception and at.get("vega_lite_chart")
    assert code_in(visible_text(at)) == []


def test_figures_read_the_readers_way_and_a_missing_figure_is_a_dash():
    from dashboard.ui import MISSING
    from reports import fmt

    assert re.fullmatch(rf"19{SPACE}676", fmt.integer(19675.6667, "fr")) and fmt.integer(19675.6667, "en") == "19,676"
    assert re.fullmatch(rf"4,5{SPACE}%", fmt.percent(0.045, "fr")) and fmt.percent(0.045, "en") == "4.5%"
    assert fmt.months(3.2, "fr") == "3,2 mois" and fmt.months(3.2, "en") == "3.2 months"
    assert fmt.number(0.95043, "fr") == "0,95" and fmt.number(2.0, "fr", digits=0) == "2"
    assert [fmt.integer(None), fmt.percent(float("nan")), fmt.number(None)] == [MISSING] * 3
    assert fmt.interval(0.1, None, format_one=fmt.percent) == MISSING
    assert fmt.interval(0.031, 0.05, "fr", format_one=fmt.percent).replace("\u00a0", " ") == "[3,1 % ; 5,0 %]"


def test_codes_become_words_and_an_unknown_code_stays_visible():
    from dashboard.labels import feature_label, group_label, spec_label, verdict_label

    assert spec_label("nationalite × tenure", lang="fr") == f"{t('attr.nationalite', 'fr')} × {t('attr.tenure', 'fr')}"
    assert group_label("nationalite × tenure", "HORS_UE × prive", lang="fr") == "hors Union européenne × parc privé"
    assert group_label("arrondissement", "1", lang="fr") == "1er" and group_label("arrondissement", "4", lang="fr") == "4e"
    assert group_label("sexe", "X", lang="fr") == "X"  # unknown value: shown as is, never blank
    assert group_label("sexe × tenure", "F", lang="fr") == "F"  # malformed: as is
    assert verdict_label(None, lang="fr") == t("verdict.none", lang="fr")
    assert verdict_label("outside", suppressed=True, lang="en") == t("verdict.suppressed", lang="en")
    assert feature_label("arrears_months", lang="fr") != "arrears_months"
    assert feature_label("not_a_feature", lang="fr") == "not_a_feature"
