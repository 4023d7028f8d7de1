"""The demo city keeps the Paris figures it is calibrated on (shared/paris-figures.md)."""

import pandas as pd

from synthetic import paris
from synthetic.city import tenant_weights


def test_judgments_are_about_one_percent_of_tenant_households_a_year(demo_city):
    _, summary = demo_city
    assert 0.007 <= summary.judgment_rate <= 0.013, summary.judgment_rate


def test_court_funnel_keeps_the_national_ratios(demo_city):
    _, s = demo_city
    f = s.funnel
    assert f["commandement_payer"] > f["assignation"] > f["jugement_expulsion"] > f["commandement_quitter"]
    # national 2009: judgments / court cases = 0.77; police assistance granted / requested = 0.57
    assert 0.5 <= f["jugement_expulsion"] / f["assignation"] <= 0.9
    assert f["octroi_concours"] <= f["demande_concours"] and f["expulsion"] <= f["octroi_concours"]


def test_about_one_social_tenant_in_seven_owes_a_month_or_more(demo_city):
    _, s = demo_city
    assert 0.09 <= s.social_in_arrears <= 0.19, s.social_in_arrears


def _first_month(home):
    first = sorted((home / "landing" / "menages").iterdir())[0]
    return pd.read_parquet(first)


def test_tenure_and_arrondissement_shares_follow_the_reference_figures(demo_city):
    home, _ = demo_city
    m = _first_month(home)
    w = tenant_weights()
    expected_social = w["social"].sum() / (w["social"].sum() + w["private"].sum())
    assert abs((m["statut_occupation"] == "social").mean() - expected_social) < 0.02
    share = m["arrondissement"].value_counts(normalize=True)
    expected = (w["social"] + w["private"]) / (w["social"] + w["private"]).sum()
    for arr, exp in zip(w["arrondissement"], expected, strict=True):
        assert abs(share.get(arr, 0) - exp) < 0.01, arr
    # the east/west ranking of social housing holds: 13th, 19th, 20th above the 7th and 16th
    social = m.groupby("arrondissement")["statut_occupation"].apply(lambda s: (s == "social").mean())
    assert min(social[13], social[19], social[20]) > max(social[7], social[16])


def test_poverty_gradient_and_single_parents_are_exposed_not_decreed(demo_city):
    home, _ = demo_city
    h = pd.read_parquet(home / "truth" / "households.parquet")
    t = pd.read_parquet(home / "truth" / "household_months.parquet", columns=["id_menage", "p_judgment_12m"])
    t = t.merge(h[["id_menage", "arrondissement", "famille_monoparentale"]], on="id_menage")
    by_arr = t.groupby("arrondissement")["p_judgment_12m"].mean()
    assert by_arr[[18, 19, 20]].mean() > by_arr[[6, 7, 16]].mean()
    by_sp = t.groupby("famille_monoparentale")["p_judgment_12m"].mean()
    assert by_sp[True] > by_sp[False]
    assert abs(h["famille_monoparentale"].mean() - paris.COMPOSITION["famille_monoparentale"]) < 0.05
