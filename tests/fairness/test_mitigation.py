"""Mitigation comparison: the unmitigated row is the plain top-k, both FNR-parity methods close
the planted gap, the retrained model's list fits the capacity, small groups are suppressed,
the page carries the legal caveats in both languages and nothing external."""

import re

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from fairness.mitigation import (
    REDUCTION,
    THRESHOLD,
    THRESHOLD_CAPACITY,
    UNMITIGATED,
    MitigationInputError,
    _threshold_groups,
    compare_mitigations,
    mitigation_report,
)
from reports.i18n import t

CAPACITY = 0.1
FEATURES = ["arrears", "signal"]


def city(n, seed):
    """Households whose risk rises with arrears and is higher for private tenants (group B,
    seen through fewer sources); the existing score understates the private tenants' risk, so
    the plain top-k list misses them more. `signal` lets a retrained model see the gap (it is
    correlated with tenure, never tenure itself). Five households form a group of their own."""
    rng = np.random.default_rng(seed)
    private = rng.random(n) < 0.3
    arrears = rng.normal(0, 1, n)
    signal = private + rng.normal(0, 0.5, n)
    logit = -2.5 + 1.5 * arrears + 1.0 * private
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    score = 1 / (1 + np.exp(-(-2.5 + 1.5 * arrears - 0.5 * private + rng.normal(0, 0.3, n))))
    tenure = np.where(private, "prive", "social").astype(object)
    tenure[:5] = "autre"
    return pd.DataFrame({"arrears": arrears, "signal": signal, "jugement": y, "p": score,
                         "tenure": tenure})


@pytest.fixture(scope="module")
def data():
    return city(4000, 0), city(4000, 1)


@pytest.fixture(scope="module")
def comparison(data):
    train, test = data
    return compare_mitigations(train=train, test=test, features=FEATURES, label="jugement",
                               score="p", group="tenure", capacity=CAPACITY, seed=0)


@pytest.fixture(scope="module")
def pages(comparison, tmp_path_factory):
    out = {}
    for lang in ("fr", "en"):
        path = mitigation_report(comparison, group="tenure", lang=lang,
                                 out_dir=tmp_path_factory.mktemp(lang))
        out[lang] = path.read_text(encoding="utf-8")
    return out


def test_unmitigated_row_is_the_hand_computed_top_k(data, comparison):
    _, test = data
    k = round(CAPACITY * len(test))
    top = test.sort_values("p", ascending=False).head(k)
    row = comparison.loc[UNMITIGATED]
    assert row["selected"] == k == 400
    assert row["precision_at_k"] == pytest.approx(top["jugement"].mean())
    assert row["recall_at_k"] == pytest.approx(top["jugement"].sum() / test["jugement"].sum())
    for g in ("prive", "social"):
        pos = test[(test["tenure"] == g) & (test["jugement"] == 1)]
        missed = ~pos.index.isin(top.index)
        assert row[f"fnr[{g}]"] == pytest.approx(missed.mean())
    assert not row["needs_attribute_at_decision"]


def test_planted_gap_is_seen_without_correction(comparison):
    row = comparison.loc[UNMITIGATED]
    assert row["fnr[prive]"] > row["fnr[social]"]
    assert row["fnr_gap"] > 0.15


def test_threshold_optimizer_reduces_the_fnr_gap(comparison):
    before = comparison.loc[UNMITIGATED, "fnr_gap"]
    for method in (THRESHOLD, THRESHOLD_CAPACITY):
        assert comparison.loc[method, "fnr_gap"] < before / 3, method
        assert comparison.loc[method, "needs_attribute_at_decision"]


def test_threshold_variant_at_capacity_selects_exactly_capacity(data, comparison):
    row = comparison.loc[THRESHOLD_CAPACITY]
    assert row["selected"] == round(CAPACITY * len(data[1]))
    assert row["capacity_bound"]


def test_groups_threshold_optimizer_cannot_fit_share_a_threshold():
    y = np.array([1, 0, 1, 0, 0, 0, 0])
    g = np.array(["a", "a", "b", "b", "b", "c", "c"], dtype=object)  # c: no positive
    test_g = np.array(["a", "c", "d"], dtype=object)                  # d: never seen
    train_mapped, test_mapped, pooled = _threshold_groups(y, g, test_g)
    assert pooled == ["c", "d"]
    # pooled c alone has no positive either: it joins the largest fitted group, b
    assert list(train_mapped) == ["a", "a", "b", "b", "b", "b", "b"]
    assert list(test_mapped) == ["a", "b", "b"]


def test_threshold_optimizer_list_size_is_reported_not_trimmed(data, comparison):
    row = comparison.loc[THRESHOLD]
    assert not row["capacity_bound"]
    assert row["selected"] != round(CAPACITY * len(data[1]))
    assert row["selection_rate"] == pytest.approx(row["selected"] / len(data[1]))


def test_exponentiated_gradient_selects_exactly_capacity(data, comparison):
    row = comparison.loc[REDUCTION]
    assert row["selected"] == round(CAPACITY * len(data[1]))
    assert row["capacity_bound"]
    assert not row["needs_attribute_at_decision"]
    assert row["fnr_gap"] < comparison.loc[UNMITIGATED, "fnr_gap"]


def test_group_under_eleven_rows_has_its_fnr_suppressed(comparison, pages):
    assert comparison["fnr[autre]"].isna().all()
    assert comparison.attrs["suppressed"] == {"autre": "small_group"}
    # the gap is over the shown groups only
    row = comparison.loc[UNMITIGATED]
    assert row["fnr_gap"] == pytest.approx(abs(row["fnr[prive]"] - row["fnr[social]"]))
    note = t("m.suppressed.small_group", "fr", group="autre", min_cell=11)
    assert str(escape(note)) in pages["fr"]


def test_caveats_are_in_both_languages(pages):
    for lang, html in pages.items():
        tenure = t("attr.tenure", lang)  # the attribute's plain name, not the column
        for i in range(1, 6):
            assert str(escape(t(f"m.caveat.{i}", lang, group=tenure))) in html, (lang, i)
    for ref in ("2000/43", "225-1", "art. 9"):
        assert ref in pages["fr"] and ref in pages["en"]
    assert "discrimination directe" in pages["fr"]
    assert "direct discrimination" in pages["en"]


def test_page_has_no_external_url(pages):
    for html in pages.values():
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
        assert not re.search(r"https?:|//|www\.", text, re.I)
        assert not re.search(r"@import|url\(", text, re.I)
        for target in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert target.startswith(("#", "data:image/png;base64,")), target
        assert "<script" not in html
        assert "data:image/png;base64," in html  # the chart is inline


def test_missing_column_is_named(data):
    train, test = data
    with pytest.raises(MitigationInputError, match="revenu") as err:
        compare_mitigations(train=train, test=test, features=["revenu"], label="jugement",
                            score="p", group="tenure")
    assert err.value.reason_code == "column_missing"


def test_protected_group_as_a_feature_is_refused(data):
    train, test = data
    with pytest.raises(MitigationInputError) as err:
        compare_mitigations(train=train, test=test, features=["arrears", "tenure"],
                            label="jugement", score="p", group="tenure")
    assert err.value.reason_code == "group_is_feature"


def test_non_binary_label_names_the_row(data):
    train, test = data
    bad = test.copy()
    bad.loc[2, "jugement"] = 2
    with pytest.raises(MitigationInputError, match="ligne de données 3"):
        compare_mitigations(train=train, test=bad, features=FEATURES, label="jugement",
                            score="p", group="tenure")
