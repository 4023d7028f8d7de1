"""Why a household is on the list: its largest SHAP contributions, grouped and in plain words.

Contributions come from LightGBM's own TreeSHAP (`pred_contrib=True`), run once per group of
rows that take the same sides in a tree (`contributions`): exact SHAP values of the raw score,
summing with the expected value to the raw score (tested). Related features
are one reason (every arrears feature is "Impayés de loyer"); a reason's sentence uses the
household's own values, its sentence declared next to the feature's label
(features/declare.py). Protected attributes are not features, so they can never appear.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
from babel import Locale

from features.declare import FEATURE_NAMES, FEATURES, REASON_GROUPS
from reports import fmt
from reports.i18n import t

BY_NAME = {f.name: f for f in FEATURES}

def contributions(booster: lgb.Booster, X: pd.DataFrame, *, batch: int = 100_000) -> np.ndarray:
    """SHAP values [n, features + 1] of the raw score; the last column is the expected value.

    Exact TreeSHAP, memoised: a tree's SHAP values depend on a row only through the side it takes
    at each of the tree's splits, so rows are grouped by that pattern and LightGBM's own TreeSHAP
    (`pred_contrib`) runs once per group and tree (a few hundred groups per tree, whatever the
    number of rows). Equal to `booster.predict(X, pred_contrib=True)` up to float rounding
    (tested); models this does not cover (categorical splits, several trees per iteration) and
    small inputs use `pred_contrib` directly."""
    values = np.ascontiguousarray(X[list(FEATURE_NAMES)].to_numpy(dtype=np.float64))
    if not len(values):
        return np.zeros((0, values.shape[1] + 1))
    trees = _numeric_splits(booster) if len(values) >= MEMO_MIN_ROWS else None
    if trees is None:
        return np.asarray(booster.predict(values, pred_contrib=True))
    return np.concatenate([_memoised(booster, trees, values[i:i + batch]) for i in range(0, len(values), batch)])


MEMO_MIN_ROWS = 2_000  # below, one pred_contrib call is cheaper than one call per tree
_ZERO = 1e-35  # LightGBM's kZeroThreshold


def _numeric_splits(booster: lgb.Booster) -> list[list[tuple]] | None:
    """Per tree, its splits (feature, threshold, default_left, missing_type); None when a tree
    has a split the memo does not reproduce (categorical) or an iteration has several trees."""
    model = booster.dump_model()
    if model.get("num_tree_per_iteration", 1) != 1:
        return None
    trees = []
    for info in model["tree_info"]:
        splits, stack = [], [info["tree_structure"]]
        while stack:
            node = stack.pop()
            if "split_feature" not in node:
                continue
            if node["decision_type"] != "<=":
                return None
            splits.append((node["split_feature"], float(node["threshold"]), bool(node["default_left"]),
                           node["missing_type"]))
            stack += [node["left_child"], node["right_child"]]
        trees.append(splits)
    return trees


def _memoised(booster: lgb.Booster, trees: list[list[tuple]], values: np.ndarray) -> np.ndarray:
    out = np.zeros((len(values), values.shape[1] + 1))
    nan = np.isnan(values)
    for i, splits in enumerate(trees):
        # the side each row takes at each split, as LightGBM decides it (NumericalDecision)
        sides = []
        for f, threshold, default_left, missing in splits:
            x = values[:, f]
            if missing == "NaN":
                sides.append(np.where(nan[:, f], default_left, x <= threshold))
            else:
                x = np.where(nan[:, f], 0.0, x)
                sides.append(np.where(np.abs(x) <= _ZERO, default_left, x <= threshold) if missing == "Zero"
                             else x <= threshold)
        pattern: np.ndarray
        if not sides:
            pattern = np.zeros(len(values), dtype=np.int64)
        elif len(sides) < 63:
            pattern = (np.stack(sides, axis=1).astype(np.int64) << np.arange(len(sides))).sum(axis=1)
        else:
            packed = np.packbits(np.stack(sides, axis=1), axis=1)
            pattern = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        _, first, group = np.unique(pattern, return_index=True, return_inverse=True)
        shap = booster.predict(values[first], pred_contrib=True, start_iteration=i, num_iteration=1, num_threads=1)
        out += shap[group.ravel()]
    return out


def phrase(name: str, value, lang: str = "fr") -> str:
    """A short sentence for one feature with the household's value: the feature's declared
    reason sentence (features/declare.py) when it has one, else "label : value unit"; every
    figure in the reader's locale ("3,2 mois de loyer impayés")."""
    f = BY_NAME[name]
    label = f.label_fr if lang == "fr" else f.label_en
    if fmt.missing(value):
        return t("reason.unknown", lang, label=label)
    v = float(value)
    sentence = f.reason_fr if lang == "fr" else f.reason_en
    one = f.reason_fr_one if lang == "fr" else f.reason_en_one
    if one and v == int(v) and Locale.parse(lang).plural_form(abs(int(v))) == "one":
        sentence = one
    if sentence:
        stage = int(v) if int(v) in (1, 2, 3) else 0
        return sentence.format(months=fmt.number(v, lang, 1), n=fmt.integer(v, lang),
                               pct=fmt.percent(abs(v), lang, 0), stage=t(f"reason.stage.{stage}", lang))
    shown = fmt.number(v, lang, 0 if abs(v) >= 10 or v == int(v) else 2)
    return t("reason.value", lang, label=label, value=shown, unit=f.unit).strip()


def explain(booster: lgb.Booster, X: pd.DataFrame, *, top: int = 4) -> pd.DataFrame:
    """Top reasons per row of X (which keeps household_key and snapshot_month).

    Returns one row per (household, reason): rank, reason_group, direction ('hausse' raises the
    risk, 'baisse' lowers it), contribution (raw-score units), text_fr, text_en. Only reasons
    that raise the risk are kept; a household whose risk comes from many small signals may
    have fewer than `top` reasons.
    """
    contrib = contributions(booster, X)[:, :-1]
    groups = sorted(REASON_GROUPS)
    gidx = {g: [j for j, n in enumerate(FEATURE_NAMES) if BY_NAME[n].reason_group == g] for g in groups}
    G = np.stack([contrib[:, idx].sum(axis=1) for idx in gidx.values()], axis=1)  # [n, groups]
    order = np.argsort(-G, axis=1, kind="stable")[:, :top + 2]  # spare groups if one has no known value
    values = X[list(FEATURE_NAMES)].to_numpy(dtype=float)
    rows = []
    keys, months = X["household_key"].to_numpy(), X["snapshot_month"].to_numpy()
    for r in range(len(X)):
        rank = 0
        for gpos in order[r]:
            c = G[r, gpos]
            if c <= 0:
                break
            g = groups[gpos]
            idx = gidx[g]
            # the one or two known features of the group that weigh most for this household;
            # a missing value can raise the risk, but "unknown" is no reason to read out
            best = [idx[j] for j in np.argsort(-contrib[r, idx])[:3]
                    if contrib[r, idx[j]] > 0 and not np.isnan(values[r, idx[j]])][:2]
            if not best or rank == top:
                continue
            rank += 1
            fr = "; ".join(phrase(FEATURE_NAMES[j], values[r, j], "fr") for j in best)
            en = "; ".join(phrase(FEATURE_NAMES[j], values[r, j], "en") for j in best)
            rows.append((keys[r], months[r], rank, g, "hausse", float(c),
                         t("reason.line", "fr", group=REASON_GROUPS[g][0], details=fr),
                         t("reason.line", "en", group=REASON_GROUPS[g][1], details=en)))
    return pd.DataFrame(rows, columns=["household_key", "snapshot_month", "rank", "reason_group", "direction",
                                       "contribution", "text_fr", "text_en"])
