"""The explanation report: sections in both languages, nothing external, exact additivity,
planted proxies and planted group gaps found, small groups suppressed, stability reported."""

import json
import re

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from features.declare import AUDIT_ATTRIBUTES, FEATURE_NAMES
from models.explain import ExplainInputError, explain_record, explanation_report
from reports.i18n import t

SECTIONS = ("global", "dependence", "gaps", "proxies", "stability", "additivity", "examples", "glossary")


def city(n=3000, seed=0):
    """Households with a few informative features (the rest unknown) and their attributes.

    Planted: single parents have more children (`children` is a proxy of the single-parent
    flag) and children raise the risk; QPV households have more unpaid energy bills, which
    raise the risk; private tenants have no landlord account (arrears unknown); five
    households form a nationality group of their own.
    """
    rng = np.random.default_rng(seed)
    single = rng.random(n) < 0.25
    qpv = rng.random(n) < 0.3
    private = rng.random(n) < 0.4
    X = pd.DataFrame(np.nan, index=range(n), columns=list(FEATURE_NAMES))
    arrears = np.where(rng.random(n) < 0.2, rng.gamma(1.5, 1.2, n), 0.0)
    X["arrears_months"] = np.where(private, np.nan, arrears)
    X["procedure_stage"] = np.where(arrears > 2, rng.integers(0, 3, n), 0)
    X["energy_unpaid_12m"] = rng.poisson(np.where(qpv, 2.0, 0.2))
    X["children"] = np.round(np.where(single, 2.5, 0.3) + rng.normal(0, 0.4, n)).clip(0)
    X["income"] = rng.lognormal(7.3, 0.5, n)
    logit = (-3.0 + 0.8 * arrears + 1.0 * X["procedure_stage"] + 0.7 * X["energy_unpaid_12m"]
             + 0.6 * X["children"])
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    keys = [f"{i:08x}{'ab' * 28}" for i in range(n)]
    frame = X.assign(household_key=keys, snapshot_month=pd.Timestamp("2025-03-01"))
    nationalite = rng.choice(["FR", "UE", "HORS_UE"], n, p=[0.7, 0.1, 0.2]).astype(object)
    nationalite[:5] = "APATRIDE"
    attributes = pd.DataFrame({
        "household_key": keys, "snapshot_month": pd.Timestamp("2025-03-01"),
        "sexe": rng.choice(["F", "M"], n), "age_band": rng.choice(["18-24", "25-39", "40-59", "60-74"], n),
        "nationalite": nationalite, "handicap": rng.random(n) < 0.08, "famille_monoparentale": single,
        "qpv": qpv, "tenure": np.where(private, "prive", "social"),
        "arrondissement": rng.integers(1, 21, n)})
    return frame, attributes, y


def fit(frame, y, seed=0, rounds=60):
    params = {"objective": "binary", "num_leaves": 15, "learning_rate": 0.1, "min_data_in_leaf": 20,
              "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "seed": seed,
              "deterministic": True, "num_threads": 2, "verbose": -1}
    data = lgb.Dataset(frame[list(FEATURE_NAMES)], label=y.astype(int), free_raw_data=False)
    return lgb.train(params, data, num_boost_round=rounds)


META = {"version": "2025-03-abcdef12", "as_of": "2025-03"}


@pytest.fixture(scope="module")
def model():
    frame, attributes, y = city()
    return frame, attributes, y, fit(frame, y)


@pytest.fixture(scope="module")
def report(model, tmp_path_factory):
    frame, attributes, y, booster = model
    seeds = [fit(frame, y, seed=s) for s in (1, 2)]
    out = {}
    for lang in ("fr", "en"):
        d = tmp_path_factory.mktemp(lang)
        path = explanation_report(booster=booster, frame=frame, attributes=attributes, metadata=META, out_dir=d,
                                  lang=lang, seed_boosters=seeds, sample=2500, seed=3)
        out[lang] = (path.read_text(encoding="utf-8"),
                     json.loads((d / "explanations.json").read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_renders_every_section_in_both_languages(report, lang):
    page, _ = report[lang]
    assert f'<html lang="{lang}">' in page
    positions = [page.index(f'<section id="{s}"') for s in SECTIONS]
    assert positions == sorted(positions)
    for key in ("x.section.global", "x.section.gaps", "x.section.proxies", "x.section.glossary",
                "x.beeswarm_caption", "x.gaps_text"):
        assert str(escape(t(key, lang)))[:40] in page
    assert page.count('src="data:image/png;base64,') >= 4  # importance, beeswarm, dependence, proxies


def test_report_is_french_by_default_and_english_on_request(report):
    assert "Ce qui pèse le plus" in report["fr"][0] and "What weighs most" not in report["fr"][0]
    assert "What weighs most" in report["en"][0] and "Ce qui pèse le plus" not in report["en"][0]


def test_report_loads_nothing_from_outside(report):
    for page, _ in report.values():
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
        assert "<script" not in page and "@import" not in page and "url(" not in page


def test_contributions_add_up_to_the_raw_score_and_the_check_is_reported(report):
    page, record = report["fr"]
    add = record["additivity"]
    assert add["max_abs_error"] < 1e-6 and add["passed"]
    assert add["shap"]["run"] and add["shap"]["agree"] and add["shap"]["speed_ratio"] > 0
    assert "Écart maximal constaté" in page and "shap.TreeExplainer" in page


def test_the_model_has_no_protected_attribute_and_the_report_says_so(report):
    page, record = report["fr"]
    assert record["protected_not_features"]["passed"]
    assert sorted(record["protected_not_features"]["checked"]) == sorted(AUDIT_ATTRIBUTES)
    assert "ne sont jamais des entrées du modèle" in page


def test_a_booster_using_a_protected_attribute_is_refused(model, tmp_path):
    frame, attributes, y, _ = model
    X = frame[["arrears_months", "income"]].assign(sexe=(attributes["sexe"] == "F").astype(float))
    leaky = lgb.train({"objective": "binary", "verbose": -1, "num_threads": 1}, lgb.Dataset(X, label=y.astype(int)),
                      num_boost_round=5)
    with pytest.raises(ExplainInputError) as e:
        explanation_report(booster=leaky, frame=frame.assign(sexe=X["sexe"]), attributes=attributes,
                           metadata=META, out_dir=tmp_path)
    assert e.value.reason_code == "protected_feature" and "sexe" in str(e.value)
    assert not (tmp_path / "explanations.html").exists()


def test_a_planted_proxy_is_named_as_a_proxy(report):
    page, record = report["fr"]
    named = {(c["feature"], c["attribute"]) for c in record["proxies"]["named"]}
    assert ("children", "famille_monoparentale") in named
    # income is drawn independently of every attribute: never a proxy
    assert not any(f == "income" for f, _ in named)
    assert "enfants" in page.split('id="proxies"')[1].split("</table>")[0]


@pytest.mark.parametrize(("attribute", "reason_group"), [("qpv", "energy"), ("famille_monoparentale", "household")])
def test_the_gap_decomposition_finds_the_planted_reason(report, attribute, reason_group):
    _, record = report["fr"]
    spec = next(s for s in record["gaps"] if s["attribute"] == attribute)
    assert spec["reference"] == "__no__"
    yes = next(g for g in spec["groups"] if g["group"] == "__yes__")
    assert yes["gap"] > 0
    assert yes["reason_gaps"][0]["reason_group"] == reason_group
    assert yes["decomposition_error"] < 1e-9


def test_single_parents_are_listed_first_with_a_plain_sentence(report):
    page, record = report["fr"]
    assert record["gaps"][0]["attribute"] == "famille_monoparentale"
    gaps = page.split('id="gaps"')[1]
    assert gaps.index("Famille monoparentale") < gaps.index("Sexe")
    assert "« oui »" in gaps and "Situation du ménage et du logement" in gaps


def test_a_group_of_five_never_appears(report):
    for page, record in report.values():
        assert "APATRIDE" not in page and "APATRIDE" not in json.dumps(record)
        nat = next(s for s in record["gaps"] if s["attribute"] == "nationalite")
        assert nat["suppressed_groups"] >= 1


def test_suppression_hides_a_second_group_when_the_first_could_be_recovered(model):
    frame, attributes, y, booster = model
    attributes = attributes.copy()
    attributes["sexe"] = np.where(np.arange(len(attributes)) < 5, "X", attributes["sexe"])
    record = explain_record(booster=booster, frame=frame, attributes=attributes, metadata=META, sample=3000)
    sexe = next(s for s in record["gaps"] if s["attribute"] == "sexe")
    # X (5 rows) alone could be recovered from the published sample size: F or M goes too
    assert sexe["suppressed_groups"] == 2 and sexe["suppressed_rows"] >= 11
    assert [g["group"] for g in sexe["groups"]] in (["F"], ["M"])


def test_stability_with_two_seed_boosters_reports_jaccard_in_unit_interval(report):
    page, record = report["en"]
    st = record["stability"]
    assert st["run"] and len(st["models"]) == 2
    for m in st["models"]:
        assert 0 <= m["jaccard_top10"] <= 1 and -1 <= m["spearman"] <= 1
    assert "Jaccard" in page


def test_without_seed_boosters_the_report_says_the_check_was_not_run(model, tmp_path):
    frame, attributes, _, booster = model
    path = explanation_report(booster=booster, frame=frame.iloc[:600], attributes=attributes, metadata=META,
                              out_dir=tmp_path, sample=600)
    assert str(escape(t("x.stability_not_run", "fr"))) in path.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "explanations.json").read_text())["stability"]["run"] is False


def test_examples_show_truncated_keys_and_reasons_but_no_attribute(model, report):
    frame, attributes, _, _ = model
    page, record = report["fr"]
    assert record["examples"] and all(len(e["key"]) == 8 for e in record["examples"])
    examples = page.split('id="examples"')[1].split("<table>")[1].split("</table>")[0]
    assert any(r["fr"] in examples.replace("&#39;", "'") for e in record["examples"] for r in e["reasons"])
    for full in frame["household_key"]:
        assert full not in page
    for word in ("HORS_UE", "prive", ">social", "Famille monoparentale", "QPV", "Sexe", "oui"):
        assert word not in examples
