"""The catalogue is the only home of user-facing text; charts and documents read it."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from abri_fixture import key_of
from apptest_helpers import app_as, scope_of

from dashboard import charts, data, documents
from reports.i18n import t

PAGES = sorted((Path(__file__).resolve().parents[2] / "dashboard" / "app_pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_hard_code_no_french_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, ast.Module | ast.FunctionDef) and n.body and isinstance(n.body[0], ast.Expr)}
    accented = set("éèêàâçôûîùÉÈ")
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and id(n) not in docstrings and accented & set(n.value)]
    assert literals == []



@pytest.mark.parametrize("path", [*PAGES, PAGES[0].parent.parent / "ui.py"], ids=lambda p: p.name)
def test_a_missing_figure_is_the_formatters_dash_not_a_page_own(path):
    """reports.fmt.MISSING is the one "nothing to show"; a page spelling its own dash is a second."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dashes = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in ("—", "–")]
    allowed = {"committee.py": 1}  # the reference group's ratio interval: not missing, not applicable
    assert len(dashes) == allowed.get(path.name, 0), dashes

def test_signing_out_forgets_everything_but_the_language(home):
    at = app_as("ts19", lang="en")
    assert at.session_state["abri_list_logged"]
    next(b for b in at.button if b.label == t("app.sign_out", lang="en")).click().run()
    assert "abri_user" not in at.session_state and "abri_list_logged" not in at.session_state
    assert at.session_state["lang"] == "en"
    assert [e["action"] for e in home.casework.access_log()][-1] == "sign_out"


def test_the_timeline_leaves_out_what_was_never_observed(home):
    hh = data.household(scope_of("ts19"), key_of("b19"))  # private tenant: no landlord data
    spec = charts.timeline(hh.timeline, lang="fr").to_dict()
    shown = {row["indicator"] for row in next(iter(spec["datasets"].values()))}
    assert t("tl.arrears_months") not in shown
    assert t("tl.procedure_stage") in shown and t("tl.probability") in shown


def test_the_notice_gives_each_reason_a_relative_weight(home):
    hh = data.household(scope_of("ts19"), key_of("b19"))
    text = documents.notice_markdown(row=hh.row, reasons=hh.reasons, lang="fr", city=data.city())
    params = text.split("## 3. ")[1].split("## 4. ")[0]
    weighted = [line[2:] for line in params.splitlines() if line.startswith("- ")]
    assert weighted == ["Procédure d'expulsion engagée : commandement de payer il y a 3 mois (55\u00a0%)",
                        "Impayés de loyer : 4 mois d'impayés (36\u00a0%)",
                        "Situation du ménage et du logement : ancienneté 120 mois (9\u00a0%)"]
    assert "les bailleurs privés ne transmettent rien" in text.split("## 2. ")[1].split("## 3. ")[0]
    page = documents.notice_html(row=hh.row, reasons=pd.DataFrame(hh.reasons), lang="en", city=data.city()).decode()
    assert ">5. Your rights</h2>" in page and "<script" not in page


def test_no_displayed_probability_is_a_certainty():
    from dashboard.documents import probability

    shown = [probability(p) for p in (0.0, 0.004, 0.37, 0.951, 0.999, 1.0)]
    assert not any(s.startswith(("100", "0\u00a0%")) for s in shown)
    assert shown[3] == shown[4] == shown[5] == "> 95\u00a0%"
    assert shown[0] == "< 1\u00a0%" and shown[2] == "37\u00a0%"
