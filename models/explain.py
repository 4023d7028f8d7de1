"""The explanation report of one model version for the ethics committee.

`explanation_report` writes out_dir/explanations.json (every figure) and one self-contained
out_dir/explanations.html rendered from the same dictionary (Jinja2 autoescape, matplotlib Agg
charts as base64 PNG, no script, no external resource; sentences in the one catalogue, reports/i18n.py).

Contributions are LightGBM's own TreeSHAP (`pred_contrib=True`), the same numbers that make
the social workers' reasons (models/reasons.py). Every view works on a seeded sample of
`sample` rows, so the cost does not grow with the city (700,000 rows -> 5,000).

Sections: (1) global importance by feature and reason group, (2) dependence of the score on
the top features, (3) decomposition of the mean-score gap between groups of each audit
attribute into reason groups, (4) proxy scan, (5) stability across seeds, (6) additivity
and a cross-check with shap.TreeExplainer, (7) pseudonymous example households, (8) glossary.
"""

from __future__ import annotations

import base64
import io
import json
import time
import warnings
from pathlib import Path

import lightgbm as lgb
import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from scipy.stats import rankdata, spearmanr  # noqa: E402

from features.declare import AUDIT_ATTRIBUTES, FEATURES, REASON_GROUPS  # noqa: E402
from models import reasons as model_reasons  # noqa: E402
from reports import fmt  # noqa: E402
from reports.i18n import LANGS, t  # noqa: E402
from reports.render import render

BY_NAME = {f.name: f for f in FEATURES}

ADDITIVITY_TOLERANCE = 1e-6
PROXY_AUC = 0.65          # a feature is named a proxy at or above this one-feature AUC
PROXY_BINS = 10           # quantile bins of a feature for the one-feature classifier (+ unknown)
PROXY_MIN_CLASS = 50      # smaller guessed groups are skipped: chance alone gives high AUCs
TOP_STABILITY = 10
TOP_DEPENDENCE = 4
TOP_BEESWARM = 12
SHAP_CHECK_ROWS = 200
EXAMPLES = 3


class ExplainInputError(ValueError):
    """Bad input to the explanation report; `reason_code` is machine-readable."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


def explanation_report(*, booster: lgb.Booster, frame: pd.DataFrame, attributes: pd.DataFrame,
                       metadata: dict, out_dir: Path, lang: str = "fr",
                       seed_boosters: list[lgb.Booster] | None = None, min_cell: int = 11,
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
    charts = {"beeswarm": _beeswarm_png(S, X, names, lang, np.random.default_rng(seed)),
              "dependence": _dependence_png(S, X, names, lang)}
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
                   min_cell: int = 11, sample: int = 5000, seed: int = 0) -> dict:
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


def _suppress(counts: pd.Series, min_cell: int) -> set:
    """Groups to hide: fewer than min_cell rows, then complementary suppression so that the
    hidden rows total zero or at least min_cell (the sample size is published)."""
    hidden = set(counts[counts < min_cell].index)
    while 0 < counts[list(hidden)].sum() < min_cell:
        shown = counts.drop(index=list(hidden))
        if shown.empty:
            break
        hidden.add(shown.sort_values(kind="stable").index[0])
    return hidden


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
        hidden = _suppress(counts, min_cell)
        shown = counts.drop(index=list(hidden)).sort_values(ascending=False, kind="stable")
        spec = {"attribute": attr, "reference": None, "suppressed_groups": len(hidden),
                "suppressed_rows": int(counts[list(hidden)].sum()), "groups": []}
        if shown.empty:
            out.append(spec)
            continue
        ref = shown.index[0]
        ref_mask = (lab == ref).to_numpy()
        ref_g, ref_raw = GM[ref_mask].mean(axis=0), raw[ref_mask].mean()
        spec["reference"] = ref
        for g in sorted(shown.index, key=_natural):
            mask = (lab == g).to_numpy()
            diff = GM[mask].mean(axis=0) - ref_g
            gap = float(raw[mask].mean() - ref_raw)
            by_reason = sorted(({"reason_group": gnames[i], "gap": float(diff[i])} for i in range(len(gnames))),
                               key=lambda d: -abs(d["gap"]))
            spec["groups"].append({"group": g, "n": int(shown[g]), "mean_raw_score": float(raw[mask].mean()),
                                   "gap": gap, "reason_gaps": by_reason,
                                   "decomposition_error": float(abs(diff.sum() - gap))})
        out.append(spec)
    return out


def _natural(x: str):
    return (0, int(x), "") if x.isdigit() else (1, 0, x)


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


# --------------------------------------------------------------------------- HTML

def render_html(record: dict, *, lang: str = "fr", charts: dict | None = None) -> str:
    """The committee's page from an explanations.json dictionary; `charts` holds the PNGs
    drawn from row-level contributions (beeswarm, dependence), which the JSON does not keep."""
    return render("explain.html.j2", lang=lang, t=t, **_view(record, lang, charts or {}))


def _flabel(name: str, lang: str) -> str:
    f = BY_NAME.get(name)
    if f is None:
        return name
    return f.label_fr if lang == "fr" else f.label_en


def _glabel(group: str, lang: str) -> str:
    return REASON_GROUPS[group][0 if lang == "fr" else 1]


def _vlabel(value: str, lang: str) -> str:
    return {"__yes__": t("value.yes", lang), "__no__": t("value.no", lang)}.get(value, value)


def _view(record: dict, lang: str, charts: dict) -> dict:
    num = lambda x, d=3: fmt.number(x, lang, d)  # noqa: E731
    g = record["global"]
    features = [{"label": _flabel(f["feature"], lang), "name": f["feature"],
                 "group": _glabel(f["reason_group"], lang), "mean_abs": num(f["mean_abs_shap"]),
                 "share": fmt.percent(f["share"], lang), "missing": fmt.percent(f["missing_share"], lang)}
                for f in g["features"][:20]]
    reason_groups = [{"label": _glabel(r["reason_group"], lang), "mean_abs": num(r["mean_abs_shap"]),
                      "share": fmt.percent(r["share"], lang)} for r in g["reason_groups"]]
    gaps = []
    for spec in record["gaps"]:
        ref = spec["reference"]
        ref_n = next((x["n"] for x in spec["groups"] if x["group"] == ref), 0)
        rows, sentences = [], []
        for x in spec["groups"]:
            drivers = [r for r in x["reason_gaps"] if abs(r["gap"]) > 0][:3]
            driver_text = ", ".join(f"{_glabel(r['reason_group'], lang)} ({_signed(r['gap'], lang)})"
                                    for r in drivers)
            rows.append({"group": _vlabel(x["group"], lang), "n": x["n"], "mean": num(x["mean_raw_score"]),
                         "gap": "—" if x["group"] == ref else _signed(x["gap"], lang),
                         "drivers": "" if x["group"] == ref else driver_text})
            if x["group"] != ref and drivers:
                sentences.append(t("x.gap_sentence", lang, group=_vlabel(x["group"], lang), n=x["n"],
                                   reference=_vlabel(ref, lang),
                                   direction=t("x.gap_higher", lang) if x["gap"] >= 0 else t("x.gap_lower", lang),
                                   gap=num(abs(x["gap"])), drivers=driver_text))
        gaps.append({"id": spec["attribute"], "label": t(f"attr.{spec['attribute']}", lang),
                     "reference": t("x.gap_reference", lang, reference=_vlabel(ref, lang), n=ref_n) if ref else "",
                     "rows": rows, "sentences": sentences,
                     "suppressed": (t("x.gap_suppressed", lang, groups=spec["suppressed_groups"],
                                      rows=spec["suppressed_rows"], min_cell=record["config"]["min_cell"])
                                    if spec["suppressed_groups"] else ""),
                     "chart": _gap_png(spec, lang)})
    prox = record["proxies"]
    named = [{"feature": _flabel(c["feature"], lang), "attribute": t(f"attr.{c['attribute']}", lang),
              "group": _vlabel(c["group"], lang), "auc": fmt.number(c["auc"], lang, 2)} for c in prox["named"]]
    st = record["stability"]
    stability = [{"model": m["model"], "jaccard": fmt.number(m["jaccard_top10"], lang, 2),
                  "spearman": fmt.number(m["spearman"], lang, 2),
                  "same": fmt.percent(m["same_top_reason"], lang)} for m in st["models"]]
    ad = record["additivity"]
    add_text = t("x.additivity_text", lang, error=f"{ad['max_abs_error']:.1e}",
                 tolerance=f"{ad['tolerance']:.0e}",
                 status=t("value.passed", lang) if ad["passed"] else t("value.failed", lang))
    sh = ad["shap"]
    shap_text = (t("x.shap_text", lang, n=sh["rows"], version=sh["version"], error=f"{sh['max_abs_diff']:.1e}",
                   status=t("value.passed", lang) if sh["agree"] else t("value.failed", lang),
                   ratio=fmt.number(sh["speed_ratio"], lang, 1), lgb_ms=fmt.number(1000 * sh["lgb_seconds"], lang, 1),
                   shap_ms=fmt.number(1000 * sh["shap_seconds"], lang, 1))
                 if sh["run"] else t("x.shap_unavailable", lang, reason=sh.get("reason", "")))
    examples = [{"key": e["key"], "month": e["month"],
                 "reasons": [f"{r[lang if lang in ('fr', 'en') else 'fr']} "
                             f"({t('x.contribution', lang, value=_signed(r['contribution'], lang))})"
                             for r in e["reasons"]] or [t("x.no_reason", lang)]} for e in record["examples"]]
    cfg = record["config"]
    glossary = [t(f"x.glossary.{k}", lang, min_cell=cfg["min_cell"])
                for k in ("shap", "raw_score", "reason_group", "reference", "proxy", "auc", "jaccard",
                          "suppressed", "unknown")]
    return {
        "intro": t("x.intro", lang, sample=cfg["sample"], seed=cfg["seed"], rows=cfg["rows"]),
        "protected": t("x.protected", lang, n=record["model"]["features"]),
        "protected_passed": record["protected_not_features"]["passed"],
        "features": features, "reason_groups": reason_groups,
        "importance_png": _importance_png(record, lang),
        "beeswarm_png": charts.get("beeswarm"),
        "dependence_png": charts.get("dependence"),
        "top": len(features),
        "gaps": gaps,
        "proxies_text": t("x.proxies_text", lang, bins=PROXY_BINS, threshold=fmt.number(prox["threshold"], lang, 2),
                          min_class=cfg["proxy_min_class"]),
        "proxies_named": named, "proxy_png": _proxy_png(prox, lang),
        "stability_run": st["run"], "stability": stability,
        "stability_text": t("x.stability_text", lang, count=len(st["models"])) if st["run"]
        else t("x.stability_not_run", lang),
        "additivity_text": add_text, "additivity_passed": ad["passed"], "shap_text": shap_text,
        "examples": examples, "glossary": glossary,
        "method": t("x.method", lang, version=record["model"]["version"], features=record["model"]["features"],
                    seed=cfg["seed"], elapsed=fmt.number(record["elapsed_seconds"], lang, 1)),
    }


def _signed(x: float, lang: str) -> str:
    return ("+" if x >= 0 else "−") + fmt.number(abs(x), lang, 3)


# --------------------------------------------------------------------------- charts

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _importance_png(record: dict, lang: str) -> str:
    feats = [f for f in record["global"]["features"][:15] if f["mean_abs_shap"] > 0][::-1]
    grps = record["global"]["reason_groups"][::-1]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 0.3 * max(len(feats), len(grps)) + 1.5))
    a.barh([_flabel(f["feature"], lang) for f in feats], [f["mean_abs_shap"] for f in feats], color="#1f4e79")
    b.barh([_glabel(g["reason_group"], lang) for g in grps], [g["mean_abs_shap"] for g in grps], color="#5b8bb8")
    for ax in (a, b):
        ax.set_xlabel(t("x.importance_axis", lang), fontsize=8)
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    return _png(fig)


def _proxy_png(prox: dict, lang: str) -> str | None:
    cells = pd.DataFrame(prox["cells"])
    if cells.empty:
        return None
    table = cells.pivot_table(index="feature", columns="attribute", values="auc", aggfunc="max")
    table = table.loc[table.max(axis=1).sort_values(ascending=False).index[:20]]
    cols = [a for a in AUDIT_ATTRIBUTES if a in table.columns]
    table = table[cols]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(table) + 1.8))
    im = ax.imshow(table.to_numpy(dtype=float), cmap="Oranges", vmin=0.5, vmax=1.0, aspect="auto")
    ax.set_yticks(range(len(table)), [_flabel(n, lang) for n in table.index], fontsize=7)
    ax.set_xticks(range(len(cols)), [t(f"attr.{c}", lang) for c in cols], fontsize=7, rotation=30, ha="right")
    for i, row in enumerate(table.to_numpy(dtype=float)):
        for j, v in enumerate(row):
            if np.isfinite(v):
                ax.text(j, i, fmt.number(v, lang, 2), ha="center", va="center", fontsize=6)
                if v >= prox["threshold"]:
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.5, color="black"))
    fig.colorbar(im, ax=ax, fraction=0.03)
    return _png(fig)


def _gap_png(spec: dict, lang: str) -> str | None:
    others = [g for g in spec["groups"] if g["group"] != spec["reference"]]
    if not others or len(others) > 6:
        return None
    groups = [r["reason_group"] for r in others[0]["reason_gaps"]]
    groups = sorted(groups, key=lambda g: -max(abs(next(r["gap"] for r in o["reason_gaps"]
                                                         if r["reason_group"] == g)) for o in others))[:6][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(groups) * len(others) + 1.2))
    h = 0.8 / len(others)
    for k, o in enumerate(others):
        vals = [next(r["gap"] for r in o["reason_gaps"] if r["reason_group"] == g) for g in groups]
        ax.barh(np.arange(len(groups)) + k * h, vals, height=h, label=_vlabel(o["group"], lang))
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(t("x.gap_axis", lang), fontsize=8)
    ax.set_yticks(np.arange(len(groups)) + h * (len(others) - 1) / 2, [_glabel(g, lang) for g in groups],
                  fontsize=8)
    ax.set_title(f"{t('attr.' + spec['attribute'], lang)} / {_vlabel(spec['reference'], lang)}", fontsize=9)
    ax.legend(fontsize=7)
    return _png(fig)


def _beeswarm_png(S: np.ndarray, X: pd.DataFrame, names: list[str], lang: str, rng) -> str:
    mean_abs = np.abs(S).mean(axis=0)
    order = [j for j in np.argsort(-mean_abs, kind="stable")[:TOP_BEESWARM] if mean_abs[j] > 0][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(order) + 1.2))
    for y, j in enumerate(order):
        x = X.iloc[:, j].to_numpy(dtype=float)
        known = ~np.isnan(x)
        colour = np.full(len(x), 0.5)
        if known.any():
            colour[known] = pd.Series(x[known]).rank(pct=True).to_numpy()
        jitter = rng.uniform(-0.3, 0.3, len(x))
        ax.scatter(S[~known, j], y + jitter[~known], s=3, color="0.7", alpha=0.5, rasterized=True)
        ax.scatter(S[known, j], y + jitter[known], s=3, c=colour[known], cmap="coolwarm", vmin=0, vmax=1,
                   alpha=0.6, rasterized=True)
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(range(len(order)), [_flabel(names[j], lang) for j in order], fontsize=8)
    ax.set_xlabel(t("x.beeswarm_axis", lang), fontsize=8)
    return _png(fig)


def _dependence_png(S: np.ndarray, X: pd.DataFrame, names: list[str], lang: str) -> str:
    mean_abs = np.abs(S).mean(axis=0)
    order = [j for j in np.argsort(-mean_abs, kind="stable")[:TOP_DEPENDENCE] if mean_abs[j] > 0]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, j in zip(axes.ravel(), order, strict=False):
        x = X.iloc[:, j].to_numpy(dtype=float)
        known = ~np.isnan(x)
        ax.scatter(x[known], S[known, j], s=4, alpha=0.4, color="#1f4e79", rasterized=True)
        if (~known).any():
            m = float(S[~known, j].mean())
            ax.axhline(m, color="#c0504d", ls="--", lw=1,
                       label=t("x.dependence_unknown", lang, value=fmt.number(m, lang, 3)))
            ax.legend(fontsize=7)
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_title(_flabel(names[j], lang), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(order):]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)
