"""fairness/groups.py: the one top-k tie rule (both forms), small-cell suppression, group labels."""

import numpy as np
import pandas as pd
import pytest

from fairness.groups import (
    group_label,
    group_values,
    ordered,
    spec_label,
    suppress,
    top_k_mask,
    top_k_order,
)
from reports.i18n import t


def hand_table():
    # scores a 0.9, b 0.9, c 0.5, d 0.9; keys k3, k1, k0, k2 -> order b, d, a, c
    return pd.DataFrame({"row": list("abcd"), "score": [0.9, 0.9, 0.5, 0.9],
                         "household_key": ["k3", "k1", "k0", "k2"]})


def test_ties_are_broken_by_the_key_then_by_row_order_without_one():
    df = hand_table()
    s, keys = df["score"].to_numpy(), df["household_key"].to_numpy()
    assert df["row"].to_numpy()[top_k_order(s, keys)].tolist() == ["b", "d", "a", "c"]
    assert top_k_mask(s, 2, keys).tolist() == [False, True, False, True]
    assert df["row"].to_numpy()[top_k_order(s)].tolist() == ["a", "b", "d", "c"]  # row order
    assert top_k_mask(s, 2).tolist() == [True, True, False, False]


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 9])
def test_the_mask_and_the_dataframe_ordering_are_the_same_rule(k):
    df = hand_table()
    mask = top_k_mask(df["score"].to_numpy(), k, df["household_key"].to_numpy())
    head = set(ordered(df).head(k)["row"])
    assert set(df.loc[mask, "row"]) == head
    assert ordered(df)["row"].tolist() == ["b", "d", "a", "c"]
    assert ordered(df, key=None)["row"].tolist() == ["a", "b", "d", "c"]


def test_ordering_within_groups_and_a_lexicographic_score():
    df = pd.DataFrame({"sector": ["B", "A", "A", "B"], "score": [0.2, 0.1, 0.1, 0.8],
                       "household_key": ["x", "b", "a", "y"]})
    assert ordered(df, by=("sector",))["household_key"].tolist() == ["a", "b", "y", "x"]
    # (primary, secondary) both descending, then row order: rows 1 and 2 tie on both
    primary, secondary = np.array([0.5, 0.9, 0.9, 0.9]), np.array([1.0, 0.2, 0.7, 0.7])
    assert top_k_order((primary, secondary)).tolist() == [2, 3, 1, 0]


def test_small_groups_are_suppressed_with_their_complement():
    sizes = pd.Series({"F": 40, "M": 30, "X": 5})
    # X alone could be recovered from the published total: the smallest shown (M) goes too
    assert suppress(sizes, min_cell=11) == {"X", "M"}
    assert suppress(sizes, min_cell=11, complementary=False) == {"X"}
    # two small groups that together reach min_cell protect each other
    assert suppress(pd.Series({"F": 40, "X": 5, "Y": 6}), min_cell=11) == {"X", "Y"}
    assert suppress(pd.Series({"F": 40, "M": 30}), min_cell=11) == set()


def test_complementary_suppression_holds_within_each_published_margin():
    # sexe x parent: F = F×non (495) + F×oui (5); M = M×non (300) + M×oui (200)
    sizes = pd.Series({"F × non": 495, "F × oui": 5, "M × non": 300, "M × oui": 200})
    values = pd.DataFrame({"sexe": ["F", "F", "M", "M"], "parent": ["non", "oui", "non", "oui"]},
                          index=sizes.index)
    hidden = suppress(sizes, min_cell=11, values=values, margins=[("sexe",), ("parent",)])
    assert {"F × oui", "F × non"} <= hidden
    for margin in ("sexe", "parent"):
        for _, members in values.groupby(margin).groups.items():
            pooled = sum(sizes[g] for g in members if g in hidden)
            assert pooled == 0 or pooled >= 11
    assert sum(sizes[g] for g in hidden) >= 11


def test_group_values_keep_missing_as_a_group():
    col = pd.Series([1.0, 4.0, np.nan, 20.0])
    assert group_values(col).tolist() == ["1", "4", "NA", "20"]
    assert group_values(pd.Series(["prive", " ", None])).tolist() == ["prive", "NA", "NA"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_labels_in_words_in_both_languages(lang):
    assert spec_label("nationalite × tenure", lang) == f"{t('attr.nationalite', lang)} × {t('attr.tenure', lang)}"
    assert spec_label(("sexe",), lang) == t("attr.sexe", lang)
    assert group_label("tenure", "prive", lang=lang) == t("gval.prive", lang) != "prive"
    assert group_label("nationalite × tenure", "HORS_UE × social", lang=lang) == \
        f"{t('gval.HORS_UE', lang)} × {t('gval.social', lang)}"


def test_labels_french_words_arrondissements_and_unknown_values():
    assert group_label("tenure", "prive", lang="fr") == "parc privé"
    assert group_label("arrondissement", "1", lang="fr") == "1er"
    assert group_label("arrondissement", "4", lang="fr") == "4e"
    assert group_label("sexe", "X", lang="fr") == "X"  # unknown: as it is, never blank
    assert group_label("sexe × tenure", "F", lang="fr") == "F"  # parts do not match: as it is
    assert spec_label("inconnu", "fr") == "inconnu"


def test_margins_without_their_values_are_refused():
    with pytest.raises(ValueError, match="margins"):
        suppress(pd.Series({"F × oui": 5, "F × non": 50}), min_cell=11, margins=[("sexe",)])


def test_the_audit_and_the_metrics_cut_the_same_top_k():
    from fairness.audit import audit
    from models.metrics import at_k

    s = np.array([0.9, 0.5, 0.9, 0.9, 0.1, 0.5])
    y = np.array([0, 1, 1, 0, 0, 1])
    df = pd.DataFrame({"p": s, "y": y, "g": ["a"] * 6})
    point = audit(df, label="y", score="p", groups="g", top_k=2, min_cell=1, n_boot=10, capacities=())
    # rows 0 and 2 (ties at 0.9 by row order): one positive, as at_k counts without a key
    assert point.results["g"].by_group.loc["a", "tp"] == 1 and at_k(y, s, 2)["precision_at_k"] == 0.5
