"""Mitigation compared, never silently applied (issue 6).

`compare_mitigations` puts side by side, on the same test rows, the outreach list Abri makes
today and the lists two Fairlearn mitigations would make; `mitigation_report` writes the page
the ethics committee reads before deciding anything. Nothing here changes the production list.

Worked example running through the comments: 20,000 training and 20,000 test households,
label `jugement`, score `p`, group `tenure` (social / prive), capacity 0.01.
- "sans correction": the k = max(1, round(0.01 * 20,000)) = 200 highest scores of the test rows
  (ties broken by row order: fairness.groups.top_k_mask, the one tie rule). Uses neither the group nor a refit.
- "ThresholdOptimizer": Fairlearn's post-processing (Hardt et al. 2016) fitted on the training
  rows' existing scores, constraint false_negative_rate_parity, objective
  balanced_accuracy_score. It picks one threshold per tenure (randomised between two thresholds
  at the boundary) so that both tenures are missed equally often. Its list is whatever those
  thresholds select (often thousands of rows, far beyond the 200 the teams can call): its size
  is reported as it is, never trimmed.
- "ThresholdOptimizer (capacité)": the same FNR-parity idea cut at capacity. Each test row gets
  the share of its own group's training positives that score at or below it (the group's miss
  rate if the threshold were set at that score, i.e. the x-axis of the per-group trade-off
  curve ThresholdOptimizer optimises over); the 200 highest such shares are selected. Any cut
  of this ranking gives every group the same expected miss rate, so this is FNR parity at the
  teams' capacity. It is our derivation, not a Fairlearn estimator.
- "ExponentiatedGradient": Fairlearn's reduction (Agarwal et al. 2018) retrains a small
  LightGBM on the features (the group is never a feature) under TruePositiveRateParity (equal
  true positive rates = equal miss rates), on a seeded sample of at most `max_rows` training
  rows. Test rows are ranked by its `_pmf_predict` positive probability (a weighted vote of a
  few classifiers, so many ties), ties broken by the same weighted average of those
  classifiers' own probabilities, then by row order; the 200 first are selected. The group is
  needed to train, not to decide.

Per method: selected, selection_rate, precision_at_k and recall_at_k (of the list as made, so
of k rows for capacity-bound lists), one `fnr[value]` column per group value, fnr_gap (max -
min over shown groups), fnr_ratio (max / min; NaN if min is 0), needs_attribute_at_decision,
capacity_bound, fit_seconds (fit on the training rows plus scoring the test rows). A group with
fewer than MIN_CELL (11) test rows, or fewer than 11 positives, has its FNR suppressed (NaN) in
every row; `comparison.attrs["suppressed"]` says which and why.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import ExponentiatedGradient, TruePositiveRateParity
from sklearn.base import BaseEstimator, ClassifierMixin

from fairness.groups import MIN_CELL, group_values, spec_label, suppress, top_k_mask, value_label
from reports import fmt
from reports.charts import plt, png
from reports.i18n import LANGS, t, tn
from reports.render import render

__all__ = ["METHODS", "MIN_CELL", "MitigationInputError", "compare_mitigations",
           "mitigation_report"]

GLOSSARY = ("capacity", "precision", "recall", "fnr", "gap", "attribute", "suppressed",
            "randomised")  # m.glossary.<term>, in this order
UNMITIGATED = "sans correction"
THRESHOLD = "ThresholdOptimizer"
THRESHOLD_CAPACITY = "ThresholdOptimizer (capacité)"
REDUCTION = "ExponentiatedGradient"
METHODS = (UNMITIGATED, THRESHOLD, THRESHOLD_CAPACITY, REDUCTION)
# catalogue key of each method (ids above are data, their labels live in the catalogue)
METHOD_KEY = {UNMITIGATED: "unmitigated", THRESHOLD: "threshold",
              THRESHOLD_CAPACITY: "threshold_capacity", REDUCTION: "reduction"}
POOLED = "__regroupes__"  # ThresholdOptimizer's pool of groups it cannot fit on their own

# ExponentiatedGradient refits its estimator up to max_iter times: small trees keep one run of
# 200,000 rows to about a minute on one machine; one thread each, as OpenMP threads spin
# on a loaded machine (two threads made a 0.02 s fit take 3 s on a busy 2-core box).
_EG_MAX_ITER = 30
_EG_EPS = 0.01
_LGBM = {"n_estimators": 40, "num_leaves": 15, "learning_rate": 0.1, "min_child_samples": 20,
         "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "n_jobs": 1,
         "deterministic": True, "verbose": -1}


class MitigationInputError(ValueError):
    """Bad input to the comparison; `reason_code` is machine-readable, the message names the
    table, the column and what was expected."""

    def __init__(self, reason_code: str, lang: str = "fr", **params: object):
        self.reason_code = reason_code
        self.params = params
        super().__init__(t(f"m.error.{reason_code}", lang, **params))


class _ScoreColumn(ClassifierMixin, BaseEstimator):
    """The existing model's score as a prefit estimator: X is the one-column score table and
    predict_proba returns it, so ThresholdOptimizer thresholds the very scores Abri ranks by."""

    def fit(self, X, y=None):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        s = np.asarray(X, dtype=float).reshape(-1)
        return np.column_stack([1.0 - s, s])

    def predict(self, X):
        return (np.asarray(X, dtype=float).reshape(-1) >= 0.5).astype(int)


# --------------------------------------------------------------------------- inputs

def _check(frame: pd.DataFrame, table: str, *, columns: list[str], label: str,
           score: str) -> None:
    if len(frame) == 0:
        raise MitigationInputError("empty", table=table)
    for c in columns:
        if c not in frame.columns:
            raise MitigationInputError("column_missing", table=table, column=c)
    y = frame[label]
    bad = y.isna() | ~y.isin([0, 1, True, False])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise MitigationInputError("label_not_binary", table=table, column=label, row=i + 1,
                                   value=str(y.iloc[i]))
    s = pd.to_numeric(frame[score], errors="coerce")
    bad = s.isna() | ~np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise MitigationInputError("score_not_numeric", table=table, column=score, row=i + 1,
                                   value=str(frame[score].iloc[i]))


# --------------------------------------------------------------------------- selections

def _group_miss_share(train_s, train_y, train_g, test_s, test_g) -> np.ndarray:
    """For each test row: the share of its group's training positives scoring at or below it
    (the group's FNR if the threshold sat at this score). A group without training positives
    uses the pooled positives, so it is neither always nor never selected."""
    pooled = np.sort(train_s[train_y == 1])
    out = np.empty(len(test_s))
    for g in np.unique(test_g):
        ref = np.sort(train_s[(train_y == 1) & (train_g == g)])
        if len(ref) == 0:
            ref = pooled
        rows = test_g == g
        out[rows] = (np.searchsorted(ref, test_s[rows], side="right") / len(ref)
                     if len(ref) else 0.0)
    return out


def _threshold_groups(train_y, train_g, test_g) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Groups as ThresholdOptimizer sees them. It cannot fit a group whose training rows are
    all positive or all negative (nor score a group it never saw: such rows would never be
    selected), so those groups are pooled into one; if the pool is itself degenerate it joins
    the largest fitted group. Returns the mapped train and test groups and the pooled names."""
    ok = {v for v in np.unique(train_g)
          if 0 < train_y[train_g == v].sum() < (train_g == v).sum()}
    pooled = sorted((set(train_g) | set(test_g)) - ok)
    if not pooled:
        return train_g, test_g, []
    pool = POOLED
    in_pool = np.isin(train_g, pooled)
    if not 0 < train_y[in_pool].sum() < in_pool.sum():
        sizes = pd.Series(train_g[~in_pool]).value_counts()
        pool = sizes.index[0] if len(sizes) else POOLED
    return (np.where(in_pool, pool, train_g).astype(object),
            np.where(np.isin(test_g, pooled), pool, test_g).astype(object), pooled)


def _fit_threshold_optimizer(train_s, train_y, train_g):
    opt = ThresholdOptimizer(estimator=_ScoreColumn().fit(None),
                             constraints="false_negative_rate_parity",
                             objective="balanced_accuracy_score", prefit=True,
                             predict_method="predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        opt.fit(pd.DataFrame({"score": train_s}), train_y, sensitive_features=train_g)
    return opt


def _fit_reduction(X, y, g, seed):
    eg = ExponentiatedGradient(lgb.LGBMClassifier(random_state=seed, **_LGBM),
                               constraints=TruePositiveRateParity(), eps=_EG_EPS,
                               max_iter=_EG_MAX_ITER)
    with warnings.catch_warnings():
        # fairlearn 0.15's own pandas deprecations, not ours
        warnings.simplefilter("ignore", (FutureWarning, UserWarning, DeprecationWarning))
        eg.fit(X, y, sensitive_features=g)
    return eg


def _reduction_keys(eg, X) -> tuple[np.ndarray, np.ndarray]:
    """(_pmf_predict positive probability, the same weights over the classifiers' own
    probabilities): the first is the reduction's decision, the second only breaks its ties."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pmf = np.asarray(eg._pmf_predict(X))[:, 1]
        soft = np.zeros(len(X))
        for idx, w in eg.weights_.items():
            if w > 0:
                soft += w * eg.predictors_[idx].predict_proba(X)[:, 1]
    return pmf, soft


# --------------------------------------------------------------------------- metrics

def _row(sel, y, g, groups, hidden, *, bound, needs_attribute, seconds) -> dict:
    tp = int(np.sum(sel & y))
    n_sel = int(sel.sum())
    row = {"selected": n_sel, "selection_rate": n_sel / len(sel),
           "precision_at_k": tp / n_sel if n_sel else np.nan,
           "recall_at_k": tp / int(y.sum()) if y.any() else np.nan}
    shown = []
    for v in groups:
        pos = y & (g == v)
        fnr = np.nan if v in hidden else float(np.sum(pos & ~sel) / pos.sum())
        row[f"fnr[{v}]"] = fnr
        if np.isfinite(fnr):
            shown.append(fnr)
    gap = max(shown) - min(shown) if len(shown) >= 2 else np.nan
    ratio = max(shown) / min(shown) if len(shown) >= 2 and min(shown) > 0 else np.nan
    row.update(fnr_gap=gap, fnr_ratio=ratio, needs_attribute_at_decision=needs_attribute,
               capacity_bound=bound, fit_seconds=round(seconds, 3))
    return row


def compare_mitigations(*, train: pd.DataFrame, test: pd.DataFrame, features: list[str],
                        label: str, score: str, group: str, capacity: float = 0.01,
                        seed: int = 0, max_rows: int = 200_000, min_cell: int = MIN_CELL) -> pd.DataFrame:
    """Unmitigated vs ThresholdOptimizer (as fitted, and cut at capacity) vs
    ExponentiatedGradient, measured on the same test rows.

    train, test: one row per household with `features`, the binary `label`, the existing
    `score` (higher = riskier) and the protected `group` column (missing values form the group
    "NA"). Returns a DataFrame indexed by method (METHODS, index name "method") with the columns
    described in the module docstring; `attrs` holds group, capacity, k, test_rows, train_rows,
    fit_rows (ExponentiatedGradient's sample), seed, min_cell and `suppressed` (group value ->
    "small_group" or "few_positives"). Raises MitigationInputError (a ValueError) on a missing
    column, an empty table, a non-binary label, a non-numeric score or a capacity outside (0, 1].
    """
    if not (0 < capacity <= 1):
        raise MitigationInputError("capacity_invalid", value=str(capacity))
    cols = list(dict.fromkeys([*features, label, score, group]))
    _check(train, "train", columns=cols, label=label, score=score)
    _check(test, "test", columns=cols, label=label, score=score)
    for c in features:
        if c == group:
            raise MitigationInputError("group_is_feature", column=c)

    y_tr = train[label].to_numpy().astype(int).astype(bool)
    y_te = test[label].to_numpy().astype(int).astype(bool)
    s_tr = pd.to_numeric(train[score]).to_numpy(dtype=float)
    s_te = pd.to_numeric(test[score]).to_numpy(dtype=float)
    g_tr, g_te = group_values(train[group]).to_numpy(), group_values(test[group]).to_numpy()
    n = len(test)
    k = max(1, round(capacity * n))

    groups = sorted(set(g_te))
    # group sizes are not published here: primary suppression only, on rows then positives
    sizes = pd.Series(g_te).value_counts().reindex(groups)
    positives = pd.Series(g_te[y_te]).value_counts().reindex(groups, fill_value=0)
    small = suppress(sizes, min_cell=min_cell, complementary=False)
    few = suppress(positives, min_cell=min_cell, complementary=False) - small
    hidden: dict[str, str] = {v: "small_group" if v in small else "few_positives" for v in groups
                              if v in small | few}

    def row(sel, **kw):
        return _row(sel, y_te, g_te, groups, hidden, **kw)

    rows = {}
    start = time.perf_counter()
    sel = top_k_mask(s_te, k)
    rows[UNMITIGATED] = row(sel, bound=True, needs_attribute=False,
                            seconds=time.perf_counter() - start)

    start = time.perf_counter()
    to_tr, to_te, pooled = _threshold_groups(y_tr, g_tr, g_te)
    opt = _fit_threshold_optimizer(s_tr, y_tr.astype(int), to_tr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        sel = np.asarray(opt.predict(pd.DataFrame({"score": s_te}), sensitive_features=to_te,
                                     random_state=seed)).astype(bool)
    rows[THRESHOLD] = row(sel, bound=False, needs_attribute=True,
                          seconds=time.perf_counter() - start)

    start = time.perf_counter()
    share = _group_miss_share(s_tr, y_tr, g_tr, s_te, g_te)
    sel = top_k_mask((share, s_te), k)
    rows[THRESHOLD_CAPACITY] = row(sel, bound=True, needs_attribute=True,
                                   seconds=time.perf_counter() - start)

    start = time.perf_counter()
    fit_idx = np.arange(len(train))
    if len(train) > max_rows:
        fit_idx = np.sort(np.random.default_rng(seed).choice(len(train), max_rows,
                                                             replace=False))
    X_tr = train[features].iloc[fit_idx].reset_index(drop=True)
    eg = _fit_reduction(X_tr, y_tr[fit_idx].astype(int), g_tr[fit_idx], seed)
    pmf, soft = _reduction_keys(eg, test[features].reset_index(drop=True))
    sel = top_k_mask((pmf, soft), k)
    rows[REDUCTION] = row(sel, bound=True, needs_attribute=False,
                          seconds=time.perf_counter() - start)

    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "method"
    out.attrs = {"group": group, "capacity": capacity, "k": k, "test_rows": n,
                 "train_rows": len(train), "fit_rows": len(fit_idx), "seed": seed,
                 "min_cell": min_cell, "suppressed": hidden,
                 "threshold_optimizer": {"constraints": "false_negative_rate_parity",
                                         "objective": "balanced_accuracy_score",
                                         "pooled_groups": pooled},
                 "exponentiated_gradient": {"constraints": "TruePositiveRateParity",
                                            "eps": _EG_EPS, "max_iter": _EG_MAX_ITER,
                                            "estimator": "LGBMClassifier"}}
    return out


# --------------------------------------------------------------------------- report





def _chart(comparison: pd.DataFrame, labels: dict[str, str], lang: str) -> str | None:
    """Precision of each list (x) against its FNR gap between groups (y): down and right is
    better on both."""
    pts = [(labels[m], r["precision_at_k"], r["fnr_gap"], bool(r["capacity_bound"]))
           for m, r in comparison.iterrows()
           if np.isfinite(r["precision_at_k"]) and np.isfinite(r["fnr_gap"])]
    if not pts:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    markers = "osD^vP*X"
    for i, (name, x, y, bound) in enumerate(pts):
        # a list beyond capacity is drawn hollow: its precision is not comparable
        ax.plot(100 * x, 100 * y, markers[i % len(markers)], ms=9, label=name,
                color=f"C{i}", markerfacecolor=f"C{i}" if bound else "none", mew=2)
    xs, ys = [100 * p[1] for p in pts], [100 * p[2] for p in pts]
    ax.set_xlim(max(0, min(xs) - 5), min(100, max(xs) + 5))
    ax.set_ylim(0, max(ys) * 1.2 + 1)
    ax.set_xlabel(t("m.chart_x", lang))
    ax.set_ylabel(t("m.chart_y", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=1,
              frameon=False)
    return png(fig)


def _count(n: int, lang: str) -> str:
    """4000 -> "4\u202f000" in French, "4,000" in English."""
    return fmt.integer(n, lang)


def _points(x, lang: str) -> str:
    """A difference of two rates in percentage points: 0.246 -> "24,6 pts"."""
    return t("m.points", lang, value=fmt.number(100 * float(x), lang, 1)) if pd.notna(x) else fmt.MISSING


def mitigation_report(comparison: pd.DataFrame, *, group: str, out_dir: Path,
                      lang: str = "fr") -> Path:
    """Write out_dir/mitigation.html (created if needed) for the ethics committee from the
    output of `compare_mitigations`; return its path. One self-contained file: inline CSS, the
    chart as a base64 PNG, no script, no external link. Raises ValueError for an unknown lang."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    attrs = comparison.attrs or {}
    # the audit attributes' plain names are shared with the governance documents
    group_label = spec_label(group, lang)
    labels = {m: t(f"m.method.{METHOD_KEY.get(m, 'other')}", lang, name=m)
              for m in comparison.index}
    fnr_cols = [c for c in comparison.columns if c.startswith("fnr[")]
    suppressed = dict(attrs.get("suppressed") or {})
    for c in fnr_cols:  # the attrs may be lost on a copy: an all-NaN column is suppressed too
        v = c[4:-1]
        if comparison[c].isna().all() and v not in suppressed:
            suppressed[v] = "small_group"

    def pct(x):
        return fmt.percent(x, lang)

    rows = []
    for m, r in comparison.iterrows():
        rows.append({
            "label": labels[m], "selected": _count(r["selected"], lang),
            "selection_rate": pct(r["selection_rate"]),
            "bound": t("m.yes", lang) if r["capacity_bound"] else t("m.no", lang),
            "precision": pct(r["precision_at_k"]), "recall": pct(r["recall_at_k"]),
            "fnr": [{"masked": pd.isna(r[c]),
                     "value": t("m.masked", lang) if pd.isna(r[c]) else pct(r[c])}
                    for c in fnr_cols],
            "gap": _points(r["fnr_gap"], lang),
            "ratio": fmt.number(r["fnr_ratio"], lang),
            "attribute": t("m.yes", lang) if r["needs_attribute_at_decision"] else t("m.no", lang),
            "attribute_flag": bool(r["needs_attribute_at_decision"]),
            "seconds": fmt.number(float(r["fit_seconds"]), lang, 1)})
    methods = [{"label": labels[m], "text": t(f"m.method_text.{METHOD_KEY[m]}",
                                               lang, group=group_label)}
               for m in comparison.index]
    capacity = attrs.get("capacity")
    setting = (t("m.setting", lang, capacity=fmt.percent(capacity, lang, 2),
                 k=_count(attrs["k"], lang), rows=_count(attrs["test_rows"], lang),
                 train=_count(attrs["train_rows"], lang), fit=_count(attrs["fit_rows"], lang),
                 seed=attrs["seed"], group=group_label)
               if {"capacity", "k", "test_rows", "train_rows", "fit_rows", "seed"} <= set(attrs)
               else "")
    notes = [t(f"m.suppressed.{reason}", lang, group=value_label(group, v, lang=lang), min_cell=attrs.get("min_cell", MIN_CELL))
             for v, reason in suppressed.items()]
    pooled = (attrs.get("threshold_optimizer") or {}).get("pooled_groups") or []
    if pooled:
        notes.append(tn("m.pooled", len(pooled), lang, groups=", ".join(pooled)))
    html = render(
        "mitigation.html.j2", lang=lang, t=t, group=group_label, setting=setting, methods=methods, rows=rows,
        groups=[value_label(group, c[4:-1], lang=lang) for c in fnr_cols], notes=notes,
        chart=_chart(comparison, labels, lang),
        caveats=[t(f"m.caveat.{i}", lang, group=group_label) for i in range(1, 6)],
        glossary=[t(f"m.glossary.{k}", lang, min_cell=attrs.get("min_cell", MIN_CELL))
                  for k in GLOSSARY])
    path = out / "mitigation.html"
    path.write_text(html, encoding="utf-8")
    return path
