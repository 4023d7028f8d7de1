"""Group fairness audit of any scored table, built on Fairlearn's MetricFrame.

A scored table has one row per person or household, a numeric score, a binary observed
outcome (the label) and some group columns (sex, tenure, arrondissement...). The audit asks, at
the outreach operating point (a score threshold, or the top-k scores overall): does the list miss
the households of one group more often than those of a named reference group?

Worked example running through the comments: 1,000 households, label `jugement` (1 = an eviction
judgment within 12 months), score `p`, groups `sexe` and `sexe x famille_monoparentale`, top_k=50.
- The 50 highest scores are selected (ties broken by row order, the one tie rule of
  fairness/groups.py without a key, so the choice is reproducible).
- For `sexe`, each household falls in F, M or NA (missing is a group, never dropped).
- A group with fewer than `min_cell` (11) rows is suppressed: it never shows a figure, it is only
  counted (see fairness.groups.suppress, which also suppresses enough neighbours that the suppressed figures
  cannot be recovered by subtraction from the overall or from a coarser group spec).
- A rate over fewer than `min_cell` people is masked, and so are the group's four counts (tp, fp,
  tn, fn), from which it could be recomputed: audit.json and the HTML show exactly the same.
- Point estimates come from one MetricFrame per (group spec, operating point); intervals come
  from one shared percentile bootstrap over rows (the same resampled indices for every group spec
  and every capacity), computed with `np.bincount`, never by re-running MetricFrame.
- Each group's rate is divided by the reference group's rate (default: the largest shown group);
  the ratio's interval is judged against the tolerance stated before the run, (0.8, 1.25):
  `within` if the interval lies inside it, `outside` if it lies wholly beyond one bound,
  `uncertain` if it straddles a bound.

Outreach decisions are held fixed in the bootstrap (the rows are resampled, the list is not
re-ranked): the intervals describe sampling uncertainty about the rates given this list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from fairness.groups import (
    JOIN,
    MIN_CELL,
    MISSING,
    group_values,
    natural_key,
    spec_name,
    suppress,
    top_k_mask,
)
from fairness.rates import (
    COUNTS,
    DEFAULT_CAPACITIES,
    DENOMINATOR,
    HEADLINE,
    JUDGED,
    MF_METRICS,
    RATES,
    VERDICTS,
    AuditInputError,
    boot_rates,
    bootstrap,
    group_counts,
    percentile,
    rates_from_counts,
    with_rates,
)
from fairness.result import Audit, AuditResult, OperatingPoint

__all__ = ["COUNTS", "DEFAULT_CAPACITIES", "HEADLINE", "JOIN", "JUDGED", "MISSING", "RATES", "VERDICTS",
           "Audit", "AuditInputError", "AuditResult", "OperatingPoint", "audit", "rates_from_counts",
           "spec_name"]

# --------------------------------------------------------------------------- input checks

def _check_label(col: pd.Series, name: str) -> np.ndarray:
    s = col
    if s.isna().any():
        raise AuditInputError("label_missing", name, row=int(np.flatnonzero(s.isna())[0]) + 1)
    if pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=bool)
    if not pd.api.types.is_numeric_dtype(s):
        text = s.astype("string").str.strip().str.lower()
        s = pd.to_numeric(text.replace({"true": "1", "false": "0"}), errors="coerce").fillna(-1)
    bad = ~s.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise AuditInputError("label_not_binary", name, row=i + 1, value=str(col.iloc[i]))
    return s.to_numpy(dtype=float).astype(bool)


def _check_score(col: pd.Series, name: str) -> np.ndarray:
    s = col
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        s = pd.to_numeric(col.astype("string").str.strip().str.replace(",", ".", regex=False),
                          errors="coerce")
    bad = s.isna().to_numpy() | ~np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AuditInputError("score_not_numeric", name, row=i + 1, value=str(col.iloc[i]))
    return s.to_numpy(dtype=float)


def _normalise_groups(groups) -> list[tuple[str, ...]]:
    """"sexe" -> [("sexe",)]; ["sexe", ("sexe", "famille_monoparentale")] -> two specs."""
    if isinstance(groups, str):
        groups = [groups]
    specs = []
    for g in groups:
        spec = (g,) if isinstance(g, str) else tuple(g)
        if not spec:
            raise AuditInputError("group_empty")
        if spec not in specs:
            specs.append(spec)
    if not specs:
        raise AuditInputError("group_empty")
    return specs


# --------------------------------------------------------------------------- the computation

def audit(
    scored: pd.DataFrame,
    *,
    label: str,
    score: str,
    groups: str | Sequence[str | Sequence[str]],
    threshold: float | None = None,
    top_k: int | None = None,
    selected: str | None = None,
    reference: Mapping[str, object] | None = None,
    tolerance: tuple[float, float] = (0.8, 1.25),
    min_cell: int = MIN_CELL,
    n_boot: int = 1000,
    seed: int = 0,
    ci_level: float = 0.95,
    capacities: Sequence[float] = DEFAULT_CAPACITIES,
) -> Audit:
    """Audit a scored table by group.

    scored: a DataFrame (or anything with `to_pandas()`, e.g. an Arrow table), one row per person.
    label: column of observed outcomes, 0/1 (or booleans). score: numeric column, higher = flagged
    first. groups: one spec or a list of specs; a spec is a column name or a tuple of column names
    audited as their intersection, e.g. ["sexe", ("sexe", "famille_monoparentale")].
    Exactly one of threshold (selected if score >= threshold), top_k (the k highest scores) or
    selected (a 0/1 column of outreach decisions already made, e.g. the per-sector lists as
    sent; the capacity sweep stays a top-k of the score).
    reference: {column: value} naming the reference group of every spec whose columns it all
    gives; other specs use their largest shown group. tolerance: (lower, upper) bounds on the
    ratio to the reference, stated before the run. min_cell: groups with fewer rows are
    suppressed. n_boot, seed, ci_level: the percentile bootstrap. capacities: fractions of rows
    for the sweep (top-k at each).

    Returns an `Audit`. Raises `AuditInputError` (a ValueError with a reason_code and the column)
    for a missing column, a non-binary label, a non-numeric score, an empty table, both or
    neither of threshold and top_k, or a bad parameter.
    """
    if hasattr(scored, "to_pandas") and not isinstance(scored, pd.DataFrame):
        scored = scored.to_pandas()
    specs = _normalise_groups(groups)
    columns = list(dict.fromkeys([label, score, *([selected] if selected else []),
                                  *(c for spec in specs for c in spec)]))
    for col in columns:
        if col not in scored.columns:
            raise AuditInputError("column_missing", col,
                                  available=", ".join(map(str, list(scored.columns)[:30])))
    if len(scored) == 0:
        raise AuditInputError("empty")
    if sum(x is not None for x in (threshold, top_k, selected)) != 1:
        raise AuditInputError("threshold_xor_top_k")
    lo_tol, hi_tol = (float(x) for x in tolerance)
    if not (0 < lo_tol < 1 < hi_tol):
        raise AuditInputError("tolerance_invalid", value=f"{lo_tol},{hi_tol}")
    if min_cell < 1 or n_boot < 10 or not (0 < ci_level < 1):
        raise AuditInputError("parameter_invalid",
                              value=f"min_cell={min_cell}, n_boot={n_boot}, ci_level={ci_level}")
    n = len(scored)
    y = _check_label(scored[label].reset_index(drop=True), label)
    s = _check_score(scored[score].reset_index(drop=True), score)
    if top_k is not None and not (1 <= int(top_k) <= n and int(top_k) == top_k):
        raise AuditInputError("top_k_invalid", value=str(top_k), rows=n)
    reference = {str(k): str(v) for k, v in (reference or {}).items()}
    used = {c for spec in specs for c in spec}
    for col in reference:
        if col not in used:
            raise AuditInputError("reference_unused", col)

    labels = {c: group_values(scored[c].reset_index(drop=True)) for c in used}
    if selected is not None:
        given = _check_label(scored[selected].reset_index(drop=True), selected).astype(bool)
        points = [(given, OperatingPoint("list", None, None, int(given.sum()), float(given.mean())))]
    else:
        points = [_select(s, threshold=threshold, top_k=top_k)]
    for f in capacities:
        k = max(1, round(float(f) * n))
        if k <= n:
            points.append(_select(s, threshold=None, top_k=k))

    # Spec () is the whole table: its bootstrap gives the overall intervals.
    coded = []
    for spec in [(), *specs]:
        joined = (pd.Series(["all"] * n, dtype=object) if not spec else
                  labels[spec[0]].str.cat([labels[c] for c in spec[1:]], sep=JOIN)
                  if len(spec) > 1 else labels[spec[0]])
        codes, uniques = pd.factorize(joined, sort=True)
        coded.append((spec, joined, codes, list(uniques)))
    boot_counts, boot_scores = bootstrap(
        [(c, len(u)) for _, _, c, u in coded], y, [sel for sel, _ in points], s,
        n_boot=n_boot, seed=seed)

    config = {
        "label": label, "score": score, "group_specs": [list(sp) for sp in specs],
        "threshold": threshold, "top_k": top_k, **({"selected": selected} if selected else {}),
        "reference": reference,
        "tolerance": [lo_tol, hi_tol], "min_cell": min_cell, "n_boot": n_boot,
        "ci_level": ci_level, "seed": seed, "capacities": [float(f) for f in capacities],
        "bootstrap": "percentile; rows resampled with replacement; outreach decisions fixed",
        "versions": _versions(),
    }
    data = pd.DataFrame({c: scored[c].reset_index(drop=True) for c in columns})
    digest = hashlib.sha256(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())

    per_point: list[dict[str, AuditResult]] = [{} for _ in points]
    overall_j = 0
    for i, (spec, joined, codes, uniques) in enumerate(coded):
        if not spec:
            continue
        sizes = pd.Series(np.bincount(codes, minlength=len(uniques)), index=uniques)
        values = pd.DataFrame({c: labels[c] for c in spec}).groupby(joined.to_numpy()).first()
        hidden = suppress(sizes, min_cell=min_cell, values=values,
                          margins=[m for m in specs if set(m) < set(spec)])
        shown = sorted((g for g in uniques if g not in hidden), key=natural_key)
        ref = _reference(spec, reference, sizes, hidden, shown)
        for j, (sel, _) in enumerate(points):
            per_point[j][spec_name(spec)] = _result(
                spec=spec, joined=joined, codes=codes, y=y, sel=sel, s=s, shown=shown,
                uniques=uniques, use_frame=(j == 0),
                values=values, ref=ref, tolerance=(lo_tol, hi_tol), min_cell=min_cell,
                ci_level=ci_level, boot=(boot_counts[i][j], boot_scores[i]),
                boot_overall=(boot_counts[overall_j][j], boot_scores[overall_j]),
                suppressed=(len(hidden), int(sizes[list(hidden)].sum()) if hidden else 0))
    return Audit(config=config, rows=n, data_sha256=digest.hexdigest(), point=points[0][1],
                 results=per_point[0], sweep=[(p, r) for (_, p), r in zip(points[1:],
                                                                          per_point[1:],
                                                                          strict=True)])


def _versions() -> dict:
    import fairlearn
    return {"fairlearn": fairlearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}


def _select(s: np.ndarray, *, threshold, top_k) -> tuple[np.ndarray, OperatingPoint]:
    """Outreach decisions: score >= threshold, or the k highest scores by the one tie rule
    (fairness.groups.top_k_mask; row order breaks ties, so the same table gives the same list)."""
    n = len(s)
    if threshold is not None:
        sel = s >= float(threshold)
        return sel, OperatingPoint("threshold", float(threshold), None, int(sel.sum()),
                                   float(sel.mean()))
    sel = top_k_mask(s, int(top_k))
    return sel, OperatingPoint("top_k", None, int(top_k), int(top_k), int(top_k) / n)


def _reference(spec, reference, sizes, hidden, shown) -> str | None:
    if all(c in reference for c in spec):
        ref = JOIN.join(reference[c] for c in spec)
        if ref not in sizes.index:
            raise AuditInputError("reference_missing", spec_name(spec), value=ref)
        if ref in hidden:
            raise AuditInputError("reference_suppressed", spec_name(spec), value=ref)
        return ref
    if not shown:
        return None
    return max(shown, key=lambda g: (sizes[g], [-ord(ch) for ch in g]))


def _result(*, spec, joined, codes, y, sel, s, shown, uniques, use_frame, values, ref,
            tolerance, min_cell, ci_level, boot, boot_overall, suppressed) -> AuditResult:
    cell = 2 * y.astype(np.int64) + sel
    if use_frame:
        # The outreach point: MetricFrame disaggregates (AuditResult.frame); a test checks it
        # agrees with the bincount path that the sweep points use, as MetricFrame copies each
        # column once per metric and group (seconds per point on a city-sized table).
        frame = MetricFrame(metrics=MF_METRICS, y_true=cell, y_pred=s,
                            sensitive_features=pd.Series(joined.to_numpy(), name=spec_name(spec)))
        per_group, total = frame.by_group.astype(float), frame.overall.astype(float)
    else:
        frame = None
        per_group = group_counts(codes, len(uniques), cell, s, uniques)
        per_group.index.name = spec_name(spec)
        total = per_group.sum()
    by_group, den = with_rates(per_group.loc[shown])
    probability = bool(s.min() >= 0 and s.max() <= 1)
    masked = pd.DataFrame({m: np.asarray(den[DENOMINATOR[m]]) < min_cell for m in RATES},
                          index=by_group.index)
    if not probability:  # observed / expected needs a score on the probability scale
        by_group["calibration"] = np.nan
    for m in RATES:
        by_group.loc[masked[m], m] = np.nan
    q = [(1 - ci_level) / 2 * 100, (1 + ci_level) / 2 * 100]
    pos = [uniques.index(g) for g in shown]
    rates = boot_rates(boot[0][:, pos], boot[1][:, pos])
    if not probability:
        rates["calibration"] = np.full_like(rates["calibration"], np.nan)
    lo, hi = {}, {}
    for m in RATES:
        pct = percentile(rates[m], q) if pos else np.empty((2, 0))
        lo[m] = np.where(masked[m].to_numpy(), np.nan, pct[0])
        hi[m] = np.where(masked[m].to_numpy(), np.nan, pct[1])
    orates = boot_rates(boot_overall[0], boot_overall[1])
    if not probability:
        orates["calibration"] = np.full_like(orates["calibration"], np.nan)
    opct = {m: percentile(orates[m][:, 0], q) for m in RATES}
    overall = with_rates(total)[0]
    if not probability:
        overall["calibration"] = np.nan
    return AuditResult(
        spec=tuple(spec), reference=ref, tolerance=tolerance, overall=overall,
        overall_ci=[pd.Series({m: opct[m][0] for m in RATES}),
                    pd.Series({m: opct[m][1] for m in RATES})],
        by_group=by_group,
        by_group_ci=[pd.DataFrame(lo, index=by_group.index),
                     pd.DataFrame(hi, index=by_group.index)],
        boot=rates, masked=masked, values=values.loc[shown],
        suppressed_groups=suppressed[0], suppressed_rows=suppressed[1], frame=frame)
