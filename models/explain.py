"""The explanation report of one model version for the ethics committee.

`explanation_report` writes out_dir/explanations.json (every figure) and one self-contained
out_dir/explanations.html rendered from the same dictionary by models/explain_report.py (Jinja2
autoescape, matplotlib Agg charts as base64 PNG, no script, no external resource; sentences in the
one catalogue, reports/i18n.py). This module computes; that one renders.

Contributions are LightGBM's own TreeSHAP (`pred_contrib=True`), the same numbers that make
the social workers' reasons (models/reasons.py). Every view works on a seeded sample of
`sample` rows, so the cost does not grow with the city (700,000 rows -> 5,000).

Sections: (1) global importance by feature and reason group, (2) dependence of the score on
the top features, (3) decomposition of the mean-score gap between groups of each audit
attribute into reason groups, (4) proxy scan, (5) stability across seeds, (6) additivity
and a cross-check with shap.TreeExplainer, (7) pseudonymous example households, (8) glossary.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr

from fairness.groups import MIN_CELL, natural_key, suppress
from features.declare import AUDIT_ATTRIBUTES, FEATURES, REASON_GROUPS
from models import reasons as model_reasons
from models.explain_report import TOP_DEPENDENCE, beeswarm_png, dependence_png, render_html
from reports.i18n import LANGS, t

__all__ = ["ExplainInputError", "explain_record", "explanation_report", "render_html"]

BY_NAME = {f.name: f for f in FEATURES}

ADDITIVITY_TOLERANCE = 1e-6
PROXY_AUC = 0.65          # a feature is named a proxy at or above this one-feature AUC
PROXY_BINS = 10           # quantile bins of a feature for the one-feature classifier (+ unknown)
PROXY_MIN_CLASS = 50      # smaller guessed groups are skipped: chance alone gives high AUCs
TOP_STABILITY = 10
SHAP_CHECK_ROWS = 200
EXAMPLES = 3


class ExplainInputError(ValueError):
    """Bad input to the explanation report; `reason_code` is machine-readable."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


def explanation_report(*, booster: lgb.Booster, frame: pd.DataFrame, attributes: pd.DataFrame,
                       metadata: dict, out_dir: Path, lang: str = "fr",
                       seed_boosters: list[lgb.Booster] | None = None, min_cell: int = MIN_CELL,
                       sample: int = 5000, seed: int = 0) -> Path:
    """Write out_dir/explanations.json and out_dir/explanations.html; return the HTML path.

    frame: household_key, snapshot_month and the booster's feature columns (FEATURE_NAMES).
    attributes: household_key, snapshot_month and AUDIT_ATTRIBUTES (left-joined on both keys;
    a household without attributes counts as NA). metadata: the version's metadata.json.
    seed_boosters: the same model retrained with other seeds, for the stability check.
    Raises ExplainInputError (a ValueError) when the booster uses a protected attribute, when
    feature or attribute columns are missing, or when the frame is empty.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    record, (S, X, names) = _analyse(booster=booster, frame=frame, attributes=attributes, metadata=metadata,
                                     seed_boosters=seed_boosters, min_cell=min_cell, sample=sample, seed=seed)
    charts = {"beeswarm": beeswarm_png(S, X, names, lang, np.random.default_rng(seed)),
              "dependence": dependence_png(S, X, names, lang)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "explanations.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    html_path = out / "explanations.html"
    html_path.write_text(render_html(record, lang=lang, charts=charts), encoding="utf-8")
    return html_path


# --------------------------------------------------------------------------- the record

def explain_record(*, booster: lgb.Booster, frame: pd.DataFrame, attributes: pd.DataFrame,
                   metadata: dict, seed_boosters: list[lgb.Booster] | None = None,
                   min_cell: int = MIN_CELL, sample: int = 5000, seed: int = 0) -> dict:
    """Every figure of the report as a JSON-ready dictionary (what explanations.json holds)."""
    return _analyse(booster=booster, frame=frame, attributes=attributes, metadata=metadata,
                    seed_boosters=seed_boosters, min_cell=min_cell, sample=sample, seed=seed)[0]


def _analyse(*, booster, frame, attributes, metadata, seed_boosters, min_cell, sample, seed):
    """The record, and the sampled SHAP matrix and features the row-level charts need."""
    t0 = time.perf_counter()
    names = list(booster.feature_name())
    leaked = sorted(set(names) & set(AUDIT_ATTRIBUTES))
    if leaked:
        raise ExplainInputError("protected_feature", t("error.protected_feature", names=", ".join(leaked)))
    missing = [c for c in ("household_key", "snapshot_month", *names) if c not in frame.columns]
    if missing:
        raise ExplainInputError("features_missing", t("error.features_missing", names=", ".join(missing)))
    missing = [c for c in ("household_key", "snapshot_month", *AUDIT_ATTRIBUTES) if c not in attributes.columns]
    if missing:
        raise ExplainInputError("attributes_missing", t("error.attributes_missing", names=", ".join(missing)))
    if frame.empty:
        raise ExplainInputError("empty_frame", t("error.empty_frame"))

    rng = np.random.default_rng(seed)
    n_rows = len(frame)
    take = np.sort(rng.choice(n_rows, size=min(sample, n_rows), replace=False))
    rows = frame.iloc[take][["household_key", "snapshot_month", *names]].reset_index(drop=True)
    attrs = attributes[["household_key", "snapshot_month", *AUDIT_ATTRIBUTES]].drop_duplicates(
        ["household_key", "snapshot_month"])
    rows = rows.merge(attrs, on=["household_key", "snapshot_month"], how="left", validate="one_to_one")
    X = rows[names].astype(float)

    c0 = time.perf_counter()
    contrib = booster.predict(X, pred_contrib=True)
    lgb_seconds = time.perf_counter() - c0
    raw = booster.predict(X, raw_score=True)
    shap_values = contrib[:, :-1]
    groups = _group_of(names)
    G = _grouped(shap_values, names, groups)

    record = {
        "schema": "abri.fairness.explanations/1",
        "model": {"version": metadata.get("version", "?"), "features": len(names),
                  "as_of": metadata.get("as_of")},
        "config": {"sample": int(len(rows)), "rows": int(n_rows), "seed": seed, "min_cell": min_cell,
                   "proxy_auc_threshold": PROXY_AUC, "proxy_bins": PROXY_BINS,
                   "proxy_min_class": PROXY_MIN_CLASS, "additivity_tolerance": ADDITIVITY_TOLERANCE,
                   "top_stability": TOP_STABILITY},
        "protected_not_features": {"checked": list(AUDIT_ATTRIBUTES), "found": leaked, "passed": not leaked},
        "global": _global(shap_values, G, X, names, groups),
        "dependence": _dependence(shap_values, X, names),
        "gaps": _gaps(rows, shap_values, G, raw, groups, min_cell),
        "proxies": _proxies(rows, X, names, rng),
        "stability": _stability(booster, seed_boosters, X, shap_values, G, names, groups),
        "additivity": _additivity(booster, X, contrib, raw, lgb_seconds, rng),
        "examples": _examples(booster, rows, raw, names),
    }
    record["elapsed_seconds"] = round(time.perf_counter() - t0, 2)
    return _clean(record), (shap_values, X, names)


def _group_of(names: list[str]) -> list[str]:
    return [BY_NAME[n].reason_group if n in BY_NAME else "household" for n in names]


def _grouped(S: np.ndarray, names: list[str], groups: list[str]) -> dict[str, np.ndarray]:
    """Per reason group, the sum of its features' contributions (SHAP values are additive)."""
    out = {}
    for g in REASON_GROUPS:
        idx = [j for j, x in enumerate(groups) if x == g]
        if idx:
            out[g] = S[:, idx].sum(axis=1)
    return out


def _global(S, G, X, names, groups) -> dict:
    mean_abs = np.abs(S).mean(axis=0)
    total = mean_abs.sum() or 1.0
    order = np.argsort(-mean_abs, kind="stable")
    feats = [{"feature": names[j], "reason_group": groups[j], "mean_abs_shap": float(mean_abs[j]),
              "share": float(mean_abs[j] / total), "missing_share": float(X.iloc[:, j].isna().mean())}
             for j in order]
    gm = {g: float(np.abs(v).mean()) for g, v in G.items()}
    gtotal = sum(gm.values()) or 1.0
    grp = [{"reason_group": g, "mean_abs_shap": v, "share": v / gtotal}
           for g, v in sorted(gm.items(), key=lambda kv: -kv[1])]
    return {"features": feats, "reason_groups": grp}


def _dependence(S, X, names) -> list[dict]:
    """Value-versus-contribution points of the top features (the chart reads them back)."""
    order = np.argsort(-np.abs(S).mean(axis=0), kind="stable")[:TOP_DEPENDENCE]
    out = []
    for j in order:
        x = X.iloc[:, j].to_numpy(dtype=float)
        unknown = np.isnan(x)
        out.append({"feature": names[j], "unknown_share": float(unknown.mean()),
                    "unknown_mean_shap": float(S[unknown, j].mean()) if unknown.any() else None,
                    "known_points": int((~unknown).sum())})
    return out


# --------------------------------------------------------------------------- gaps by group

def _labels(values: pd.Series) -> pd.Series:
    """Attribute values as text; booleans become yes/no keys, missing becomes NA."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return "NA"
        if isinstance(v, bool | np.bool_):
            return "__yes__" if v else "__no__"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return values.astype(object).map(one)


def _gaps(rows: pd.DataFrame, S: np.ndarray, G: dict, raw: np.ndarray, groups: list[str],
          min_cell: int) -> list[dict]:
    """Mean contribution by group minus the reference group's (the largest shown), per reason
    group. The gaps of the reason groups sum exactly to the gap in mean raw score."""
    gnames = list(G)
    GM = np.stack([G[g] for g in gnames], axis=1)
    order = ["famille_monoparentale", *[a for a in AUDIT_ATTRIBUTES if a != "famille_monoparentale"]]
    out = []
    for attr in order:
        lab = _labels(rows[attr])
        counts = lab.value_counts()
        # the sample size is published: complementary suppression on the total
        hidden = suppress(counts, min_cell=min_cell)
        shown = counts.drop(index=list(hidden)).sort_values(ascending=False, kind="stable")
        shown_groups: list[dict] = []
        spec: dict[str, object] = {"attribute": attr, "reference": None, "suppressed_groups": len(hidden),
                                   "suppressed_rows": int(counts[list(hidden)].sum()), "groups": shown_groups}
        if shown.empty:
            out.append(spec)
            continue
        ref = shown.index[0]
        ref_mask = (lab == ref).to_numpy()
        ref_g, ref_raw = GM[ref_mask].mean(axis=0), raw[ref_mask].mean()
        spec["reference"] = ref
        for g in sorted(shown.index, key=natural_key):
            mask = (lab == g).to_numpy()
            diff = GM[mask].mean(axis=0) - ref_g
            gap = float(raw[mask].mean() - ref_raw)
            by_reason = sorted(({"reason_group": gnames[i], "gap": float(diff[i])} for i in range(len(gnames))),
                               key=lambda d: -abs(d["gap"]))
            shown_groups.append({"group": g, "n": int(shown[g]), "mean_raw_score": float(raw[mask].mean()),
                                   "gap": gap, "reason_gaps": by_reason,
                                   "decomposition_error": float(abs(diff.sum() - gap))})
        out.append(spec)
    return out


# --------------------------------------------------------------------------- proxies

def _bin_codes(x: np.ndarray) -> np.ndarray:
    """Quantile bin of each value (0..PROXY_BINS-1); unknown values form bin PROXY_BINS."""
    codes = np.full(len(x), PROXY_BINS, dtype=np.int64)
    known = ~np.isnan(x)
    if known.any():
        ranks = pd.Series(x[known]).rank(method="average", pct=True).to_numpy()
        codes[known] = np.minimum((ranks * PROXY_BINS).astype(np.int64), PROXY_BINS - 1)
    return codes


def _auc(y: np.ndarray, pred: np.ndarray) -> float:
    """ROC AUC by the rank-sum (Mann-Whitney) formula, ties counted half."""
    pos = y > 0
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return 0.5
    ranks = rankdata(pred)
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _one_feature_auc(codes: np.ndarray, y: np.ndarray, fold: np.ndarray) -> float:
    """AUC of a one-feature classifier: each bin predicts its smoothed rate of y in the
    other fold (cross-fitting, so a feature with many values cannot memorise the sample)."""
    if codes.min() == codes.max():
        return 0.5
    pred = np.empty(len(y))
    prior = y.mean()
    for f in (0, 1):
        fit, apply = fold != f, fold == f
        pos = np.bincount(codes[fit], weights=y[fit], minlength=PROXY_BINS + 1)
        cnt = np.bincount(codes[fit], minlength=PROXY_BINS + 1)
        rate = (pos + 5 * prior) / (cnt + 5)
        pred[apply] = rate[codes[apply]]
    return _auc(y, pred)


def _proxies(rows: pd.DataFrame, X: pd.DataFrame, names: list[str], rng: np.random.Generator) -> dict:
    """For every feature and every audit attribute, the best one-vs-rest one-feature AUC
    over the attribute's groups of at least PROXY_MIN_CLASS rows (and not all rows)."""
    fold = rng.integers(0, 2, len(rows))
    codes = {n: _bin_codes(X[n].to_numpy(dtype=float)) for n in names}
    cells, named = [], []
    for attr in AUDIT_ATTRIBUTES:
        lab = _labels(rows[attr])
        counts = lab.value_counts()
        targets = [g for g, c in counts.items() if PROXY_MIN_CLASS <= c <= len(lab) - PROXY_MIN_CLASS]
        if len(counts) == 2:  # both sides give the same AUC
            targets = targets[:1]
        for n in names:
            best = None
            for g in targets:
                y = (lab == g).to_numpy(dtype=float)
                auc = _one_feature_auc(codes[n], y, fold)
                if best is None or auc > best[1]:
                    best = (g, auc)
            if best is None:
                continue
            cell = {"feature": n, "attribute": attr, "group": best[0], "auc": best[1],
                    "proxy": bool(best[1] >= PROXY_AUC)}
            cells.append(cell)
            if cell["proxy"]:
                named.append(cell)
    named.sort(key=lambda c: -c["auc"])
    return {"threshold": PROXY_AUC, "cells": cells, "named": named}


# --------------------------------------------------------------------------- stability

def _stability(booster, seed_boosters, X, S, G, names, groups) -> dict:
    if not seed_boosters:
        return {"run": False, "models": []}
    mean_abs = np.abs(S).mean(axis=0)
    top = set(np.argsort(-mean_abs, kind="stable")[:TOP_STABILITY])
    gnames = list(G)
    first = np.argmax(np.stack([G[g] for g in gnames], axis=1), axis=1)
    models = []
    for i, other in enumerate(seed_boosters, start=1):
        if list(other.feature_name()) != names:
            raise ExplainInputError("seed_model_features", "seed booster features differ from the model's")
        So = other.predict(X, pred_contrib=True)[:, :-1]
        mo = np.abs(So).mean(axis=0)
        top_o = set(np.argsort(-mo, kind="stable")[:TOP_STABILITY])
        Go = _grouped(So, names, groups)
        first_o = np.argmax(np.stack([Go[g] for g in gnames], axis=1), axis=1)
        rho = spearmanr(mean_abs, mo).statistic
        models.append({"model": i, "jaccard_top10": len(top & top_o) / len(top | top_o),
                       "spearman": float(rho) if np.isfinite(rho) else None,
                       "same_top_reason": float((first == first_o).mean())})
    return {"run": True, "models": models,
            "mean_jaccard": float(np.mean([m["jaccard_top10"] for m in models]))}


# --------------------------------------------------------------------------- additivity

def _additivity(booster, X, contrib, raw, lgb_seconds, rng) -> dict:
    error = float(np.max(np.abs(contrib.sum(axis=1) - raw))) if len(raw) else 0.0
    out = {"max_abs_error": error, "tolerance": ADDITIVITY_TOLERANCE,
           "passed": bool(error < ADDITIVITY_TOLERANCE), "rows": int(len(raw)),
           "shap": {"run": False}}
    n = min(SHAP_CHECK_ROWS, len(X))
    idx = np.sort(rng.choice(len(X), size=n, replace=False))
    Xs = X.iloc[idx]
    try:
        import shap

        c0 = time.perf_counter()
        lgb_sub = booster.predict(Xs, pred_contrib=True)
        lgb_time = time.perf_counter() - c0
        with warnings.catch_warnings():  # shap warns that binary LightGBM output is a list
            warnings.simplefilter("ignore")
            explainer = shap.TreeExplainer(booster)
            # shap hands a LightGBM booster back to pred_contrib, which would compare LightGBM
            # with itself: mark its parsed copy of the trees as internal so that shap's own C++
            # TreeSHAP runs, an independent implementation.
            explainer.model.model_type = "internal"
            c0 = time.perf_counter()
            sv = explainer.shap_values(Xs)
            shap_time = time.perf_counter() - c0
        sv = np.asarray(sv[-1] if isinstance(sv, list) else sv)
        if sv.ndim == 3:  # (n, features, classes)
            sv = sv[..., -1]
        expected = float(np.ravel(explainer.expected_value)[-1])
        diff = max(float(np.max(np.abs(sv - lgb_sub[:, :-1]))), abs(expected - float(lgb_sub[0, -1])))
        out["shap"] = {"run": True, "rows": n, "version": shap.__version__, "max_abs_diff": diff,
                       "implementation": "shap C++ TreeSHAP (dense_tree_shap) on shap's parsed trees",
                       "agree": bool(diff < 1e-4), "lgb_seconds": lgb_time, "shap_seconds": shap_time,
                       "speed_ratio": shap_time / max(lgb_time, 1e-9),
                       "lgb_seconds_full_sample": lgb_seconds}
    except Exception as e:  # noqa: BLE001 - the cross-check is reported, never fatal
        out["shap"] = {"run": False, "reason": f"{type(e).__name__}: {e}"}
    return out


# --------------------------------------------------------------------------- examples

def _examples(booster, rows: pd.DataFrame, raw: np.ndarray, names: list[str]) -> list[dict]:
    """The highest-scoring sampled households with the reasons social workers read. Only the
    truncated key, the month and feature-based reasons: never an audit attribute."""
    top = np.argsort(-raw, kind="stable")[:EXAMPLES]
    sub = rows.iloc[top][["household_key", "snapshot_month", *names]].reset_index(drop=True)
    try:
        why = model_reasons.explain(booster, sub, top=4)
    except KeyError:  # a booster whose features are not the declared ones
        why = pd.DataFrame(columns=["household_key", "rank", "text_fr", "text_en", "contribution"])
    out = []
    for i, r in sub.iterrows():
        w = why[why["household_key"] == r["household_key"]].sort_values("rank")
        out.append({"key": str(r["household_key"])[:8], "month": str(r["snapshot_month"])[:7],
                    "raw_score": float(raw[top[i]]),
                    "reasons": [{"fr": x.text_fr, "en": x.text_en, "contribution": float(x.contribution)}
                                for x in w.itertuples()]})
    return out


# --------------------------------------------------------------------------- JSON hygiene

def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, float | np.floating):
        x = float(obj)
        return round(x, 10) if np.isfinite(x) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
