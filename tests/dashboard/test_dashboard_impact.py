"""The Impact page: committee and supervisors only, intervals charted, no household key, the
committee records the design there."""

import json

import numpy as np
import pandas as pd
import pytest
from abri_fixture import HOUSEHOLDS, NAMES
from apptest_helpers import app_as, rendered_text, scope_of

from dashboard import data
from models.impact import impact_report
from reports.i18n import t

PAGE = "app_pages/impact.py"


def _write_reports(home) -> dict:
    rng = np.random.default_rng(0)
    n = 2000
    arm = np.where(rng.random(n) < 0.4, "outreach", "holdout")
    frame = pd.DataFrame({
        "household_key": [f"k{i:05d}" for i in range(n)], "list_month": pd.Timestamp("2025-03-01"),
        "arm": arm, "assignment_probability": 0.4, "design": "margin",
        "tier": np.where(rng.random(n) < 0.5, "margin", "t2"),
        "contacted": (arm == "outreach") & (rng.random(n) < 0.7),
        "judgment_within_horizon": (rng.random(n) < np.where(arm == "outreach", 0.15, 0.2)).astype(int),
        "sexe": np.where(rng.random(n) < 0.995, "F", "M"),  # M: a tiny cell, suppressed
    })
    report = {"min_cell": 11, **impact_report(frame)}
    out = home.home / "reports" / "impact"
    out.mkdir(parents=True)
    (out / "impact.json").write_text(json.dumps(report, default=str), encoding="utf-8")
    (out / "uplift.json").write_text(json.dumps({"status": "ok", "deployed": False, "comparison": [
        {"share": 0.3, "households": 600,
         "risk_targeting_averted_per_100": {"estimate": 1.0, "ci_low": -2.0, "ci_high": 4.0},
         "benefit_targeting_averted_per_100": {"estimate": 7.0, "ci_low": 3.0, "ci_high": 11.0}}]}),
        encoding="utf-8")
    return report


@pytest.mark.parametrize("user", ["comite", "encadrant"])
def test_the_impact_page_charts_the_intervals_without_any_key(home, user):
    report = _write_reports(home)
    at = app_as(user, page=PAGE)
    assert not at.exception
    text = rendered_text(at)
    assert t("imp.headline") in text
    assert "vega" in text.lower()  # altair charts, rendered by Streamlit's bundled Vega
    assert not any(k in text for k in HOUSEHOLDS) and not any(name in text for name in NAMES)
    assert "k00001" not in text
    assert report["by_group"]["sexe"][1] == {"group": "M", "suppressed": True}
    assert t("imp.suppressed", n=11, groups="F, M").split(":")[0] in text


def test_other_roles_cannot_read_the_impact(home):
    _write_reports(home)
    for user in ("ts19", "ds"):
        with pytest.raises(data.AccessDenied):
            data.impact(scope_of(user))
        with pytest.raises(data.AccessDenied):
            data.uplift(scope_of(user))
    assert data.impact(scope_of("encadrant"))["itt_averted_per_100"]["estimate"] is not None
    with pytest.raises(data.AccessDenied):
        data.record_design(scope_of("encadrant"), "margin", params={}, comment="x")


def test_without_a_report_the_page_says_so(home):
    at = app_as("comite", page=PAGE)
    assert not at.exception
    assert t("imp.no_report") in [i.value for i in at.info]


def test_the_committee_records_a_design_on_the_page(home):
    at = app_as("comite", page=PAGE)
    at.radio[0].set_value("margin")
    at.text_input[0].set_value('{"low": 0.4}')
    at.text_area[0].set_value("loterie autour du seuil, un an")
    next(b for b in at.button if b.label == t("imp.form_submit")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [t("imp.form_saved")]
    design = home.casework.current_design()
    assert design.name == "margin" and design.params["low"] == 0.4


def test_a_design_with_unreadable_parameters_is_refused(home):
    at = app_as("comite", page=PAGE)
    at.radio[0].set_value("margin")
    at.text_input[0].set_value("low=0.4")
    at.text_area[0].set_value("x")
    next(b for b in at.button if b.label == t("imp.form_submit")).click().run()
    assert at.error and home.casework.current_design().name == "none"


def test_a_worker_records_the_outcome_on_the_household_page(home):
    from abri_fixture import key_of

    at = app_as("ts19", page="app_pages/household.py", query={"menage": key_of("a19")})
    at.selectbox[0].set_value("aide_acceptee")
    at.selectbox[1].set_value("demande_fsl")
    next(b for b in at.button if b.label == t("hh.status_save")).click().run()
    assert not at.exception
    case = home.casework.case(key_of("a19"), "2026-10")
    assert (case["status"], case["outcome"]) == ("aide_acceptee", "demande_fsl")
    assert case["contacted_date"]  # a request filed means the household was reached
