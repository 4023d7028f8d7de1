"""The interventions table (point-in-time) and the impact estimator (coverage, suppression)."""

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from models.design import Design, assign
from models.impact import (
    build_interventions,
    by_cell,
    estimate,
    interventions_as_of,
    write_assignments,
    write_impact,
)


def simulated(rng, *, n=3000, effect=(0.06, 0.02), base=(0.30, 0.10), p=(1 / 3, 0.1), contact=0.7):
    """Two strata drawn at different rates with different base risks and effects; contact
    happens with probability `contact` in the outreach arm and the effect acts through it.
    Returns the frame and the true ITT (judgments averted per 100 randomised households)."""
    half = n // 2
    stratum = np.r_[np.zeros(half, int), np.ones(n - half, int)]
    prob = np.asarray(p)[stratum]
    arm = np.empty(n, dtype=object)
    for s in (0, 1):
        idx = np.flatnonzero(stratum == s)
        m = int(round(p[s] * len(idx)))
        chosen = rng.choice(idx, size=m, replace=False)
        arm[idx] = "holdout"
        arm[chosen] = "outreach"
    contacted = (arm == "outreach") & (rng.random(n) < contact)
    risk = np.asarray(base)[stratum] - np.asarray(effect)[stratum] / contact * contacted
    y = (rng.random(n) < risk).astype(int)
    frame = pd.DataFrame({"arm": arm, "assignment_probability": prob, "contacted": contacted,
                          "judgment_within_horizon": y, "tier": np.where(stratum == 0, "t1", "t2")})
    return frame, 100 * float(np.mean(np.asarray(effect)[stratum]))


def test_worked_example():
    frame = pd.DataFrame({"arm": ["outreach"] * 100 + ["holdout"] * 200, "assignment_probability": 1 / 3,
                          "judgment_within_horizon": [1] * 12 + [0] * 88 + [1] * 40 + [0] * 160,
                          "contacted": [True] * 50 + [False] * 250})
    r = estimate(frame)
    assert r["itt_averted_per_100"]["estimate"] == pytest.approx(8.0)
    assert r["itt_averted_per_100"]["ci_low"] < 8.0 < r["itt_averted_per_100"]["ci_high"]
    assert r["contact_rate"] == pytest.approx(0.5)
    assert r["per_contacted_averted_per_100"]["estimate"] == pytest.approx(16.0)
    assert (r["n_outreach"], r["n_holdout"]) == (100, 200)


def test_rows_outside_the_lottery_are_ignored():
    frame = pd.DataFrame({"arm": ["outreach", "outreach", "holdout"], "assignment_probability": [1.0, 0.5, 0.5],
                          "judgment_within_horizon": [1, 0, 1]})
    assert estimate(frame, contacted=None)["n"] == 2


def test_weights_matter_when_strata_are_drawn_at_different_rates():
    """An unweighted difference is biased here (the high-risk stratum is drawn more often);
    the weighted one recovers the truth on a large sample."""
    rng = np.random.default_rng(0)
    frame, truth = simulated(rng, n=200_000, effect=(0.0, 0.0))
    r = estimate(frame)
    naive = 100 * (frame.loc[frame.arm == "holdout", "judgment_within_horizon"].mean()
                   - frame.loc[frame.arm == "outreach", "judgment_within_horizon"].mean())
    assert abs(naive) > 3  # the design's confounding, visible without weights
    assert abs(r["itt_averted_per_100"]["estimate"] - truth) < 0.6


@pytest.mark.slow
def test_the_interval_covers_a_known_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    draws, covered, covered_wald = 400, 0, 0
    for _ in range(draws):
        frame, truth = simulated(rng)
        r = estimate(frame)
        itt = r["itt_averted_per_100"]
        covered += itt["ci_low"] <= truth <= itt["ci_high"]
        w = r["per_contacted_averted_per_100"]
        covered_wald += w["ci_low"] <= truth / 0.7 <= w["ci_high"]
    # binomial sd of a 95% coverage over 400 draws: 1.1 points
    assert 0.92 <= covered / draws <= 0.985
    assert 0.92 <= covered_wald / draws <= 0.985


def test_small_cells_are_suppressed_with_their_complement():
    rng = np.random.default_rng(3)
    frame, _ = simulated(rng, n=3000)
    frame["group"] = "a"
    frame.loc[:1499, "group"] = "b"
    frame.loc[frame.index[:20], "group"] = "tiny"  # few outreach rows: suppressed
    cells = {c["group"]: c for c in by_cell(frame, column="group")}
    assert cells["tiny"] == {"group": "tiny", "suppressed": True}
    # exactly one primary suppression: the smallest shown cell goes too
    assert sum(c["suppressed"] for c in cells.values()) == 2
    shown = [c for c in cells.values() if not c["suppressed"]]
    assert shown and all(c["n_outreach"] >= 11 and c["n_holdout"] >= 11 for c in shown)


def test_bad_inputs():
    with pytest.raises(ValueError, match="colonne"):
        estimate(pd.DataFrame({"arm": ["outreach"]}))
    with pytest.raises(ValueError, match="bras inconnu"):
        estimate(pd.DataFrame({"arm": ["treated"], "assignment_probability": [0.5], "judgment_within_horizon": [1]}))
    empty = estimate(pd.DataFrame({"arm": ["holdout"], "assignment_probability": [0.5],
                                   "judgment_within_horizon": [1]}))
    assert empty["itt_averted_per_100"]["estimate"] is None


# -- the warehouse tables -----------------------------------------------------------------------
def _scores(month):
    return pd.DataFrame({"household_key": [f"h{i:03d}" for i in range(60)], "snapshot_month": pd.Timestamp(month),
                         "sector": "19e", "score": -np.arange(60), "rank_in_sector": np.arange(1, 61)})


def _records(rows):
    return pd.DataFrame(rows, columns=["household_key", "list_month", "status", "outcome", "contacted_date",
                                       "recorded_at"])


def test_interventions_are_point_in_time():
    con = duckdb.connect()
    a = assign(_scores("2025-03-01"), design=Design("margin"), capacity={"19e": 10}, month="2025-03", seed=1)
    write_assignments(con, a, month="2025-03")
    out = a[a.arm == "outreach"]["household_key"].tolist()
    held = a[a.arm == "holdout"]["household_key"].iloc[0]
    recs = _records([
        (out[0], "2025-03", "contacte", "contacte", "2025-03-20", "2025-03-20T10:00:00"),
        (out[1], "2025-03", "aide_acceptee", "plan_apurement", "2025-03-25", "2025-05-02T09:00:00"),
        (held, "2025-03", "contacte", "contacte", "2025-03-20", "2025-03-21T09:00:00"),  # must not leak
    ])
    assert build_interventions(con, recs) == len(a)
    i = con.execute("SELECT * FROM interventions").df().set_index("household_key")
    assert list(i.columns) == ["list_month", "sector", "tier", "arm", "assignment_probability", "design", "contacted",
                               "contacted_date", "outcome", "known_from"]
    assert str(i.loc[out[0], "known_from"])[:10] == "2025-03-01"
    assert str(i.loc[out[1], "known_from"])[:10] == "2025-05-01"
    assert str(i.loc[out[2], "known_from"])[:10] == "2025-03-01" and not i.loc[out[2], "contacted"]
    assert not i.loc[held, "contacted"] and pd.isna(i.loc[held, "outcome"])
    as_of_april = interventions_as_of(con, "2025-04").set_index("household_key")
    assert as_of_april.loc[out[0], "outcome"] == "contacte"
    assert pd.isna(as_of_april.loc[out[1], "outcome"])  # recorded in May: unknown in April
    assert interventions_as_of(con, "2025-02").empty
    assert interventions_as_of(con, "2025-05").set_index("household_key").loc[out[1], "outcome"] == "plan_apurement"


def test_assignments_replaced_per_month_and_rebuild():
    con = duckdb.connect()
    for m in ("2025-03", "2025-04"):
        write_assignments(con, assign(_scores(f"{m}-01"), design=Design(), capacity={"19e": 5}, month=m, seed=1),
                          month=m)
    write_assignments(con, assign(_scores("2025-04-01"), design=Design(), capacity={"19e": 3}, month="2025-04",
                                  seed=1), month="2025-04")
    assert con.execute("SELECT count(*) FROM assignments").fetchone()[0] == 8
    assert con.execute("SELECT typeof(list_month) FROM assignments LIMIT 1").fetchone()[0] == "DATE"
    assert build_interventions(con, _records([])) == 8
    with pytest.raises(ValueError, match="colonnes manquantes"):
        build_interventions(con, pd.DataFrame({"household_key": []}))


def test_write_impact_json(tmp_path):
    rng = np.random.default_rng(5)
    frame, _ = simulated(rng, n=2000)
    con = duckdb.connect()
    frame = frame.assign(household_key=[f"h{i}" for i in range(len(frame))], list_month=pd.Timestamp("2025-03-01"),
                         sector="19e", design="tiered", contacted_date=None, outcome=None,
                         known_from=pd.Timestamp("2025-03-01"))
    con.register("f", frame)
    con.execute("CREATE TABLE interventions AS SELECT household_key, list_month::DATE AS list_month, sector, tier, arm,"
                " assignment_probability, design, contacted, contacted_date, outcome, known_from::DATE AS known_from"
                " FROM f")
    con.execute("CREATE TABLE labels AS SELECT household_key, list_month::DATE AS snapshot_month, "
                "judgment_within_horizon::BOOLEAN AS judgment_within_horizon FROM f")
    path = write_impact(con, tmp_path / "reports")
    assert path == tmp_path / "reports" / "impact" / "impact.json"
    r = json.loads(path.read_text(encoding="utf-8"))
    assert set(r["itt_averted_per_100"]) >= {"estimate", "ci_low", "ci_high"}
    assert [t["group"] for t in r["by_tier"]] == ["t1", "t2"]
    assert r["months"] == ["2025-03"] and r["n"] == 2000
    assert write_impact(con, tmp_path / "x" / "impact") == tmp_path / "x" / "impact" / "impact.json"
    empty = json.loads(write_impact(duckdb.connect(), tmp_path / "empty").read_text(encoding="utf-8"))
    assert empty["status"] == "no_randomised_matured_rows" and empty["itt_averted_per_100"]["estimate"] is None


def test_the_model_card_section_states_the_design_and_the_impact():
    from governance.model_card import model_card_view
    from reports.render import render_localised

    impact = {"n": 900, "itt_averted_per_100": {"estimate": 3.14, "ci_low": 0.5, "ci_high": 5.8}}
    fr = render_localised("model_card", "fr", **model_card_view({"version": "v1"}, None, "fr", impact=impact,
                                                               design={"name": "margin", "params": {"low": 0.5}}))
    text = fr.split("## Plan d'évaluation et impact")[1].split("## 7.")[0]
    assert "3,14 jugements évités" in text and "0,50 à 5,80" in text and "rangs de 0,5 à 2,0 fois la capacité" in text
    assert "jamais appliqué sans sa décision" in text
    en = render_localised("model_card", "en", **model_card_view({"version": "v1"}, None, "en"))
    en = en.split("## Evaluation design and impact")[1].split("## 7.")[0]
    assert "no lottery" in en and "never applied" in en
