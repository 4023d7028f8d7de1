"""Group fairness audit of any scored table, built on Fairlearn's MetricFrame.

A scored table has one row per person or household, a numeric score, a binary observed
outcome (the label) and some group columns (sex, tenure, arrondissement...). The audit asks, at
the outreach operating point (a score threshold, or the top-k scores overall): does the list miss
the households of one group more often than those of a named reference group?

Worked example running through the comments: 1,000 households, label `jugement` (1 = an eviction
judgment within 12 months), score `p`, groups `sexe` and `sexe x famille_monoparentale`, top_k=50.
- The 50 highest scores are selected (ties broken by row order, so the choice is reproducible).
- For `sexe`, each household falls in F, M or NA (missing is a group, never dropped).
- A group with fewer than `min_cell` (11) rows is suppressed: it never shows a figure, it is only
  counted (see `_suppress`, which also suppresses enough neighbours that the suppressed figures
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
import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from reports.i18n import t

# Metric names: one name per concept in Python, JSON, the report and the catalogue.
COUNTS = ("tp", "fp", "tn", "fn")
RATES = (
    "prevalence", "selection_rate", "false_negative_rate", "false_omission_rate",
    "false_positive_rate", "precision", "mean_score", "calibration",
)
# Misses harm most in an assistive intervention: these make the headline verdict.
HEADLINE = ("false_negative_rate", "false_omission_rate")
# Metrics compared with the reference group and judged against the tolerance.
JUDGED = ("false_negative_rate", "false_omission_rate", "selection_rate", "precision",
          "false_positive_rate", "calibration")
VERDICTS = ("within", "uncertain", "outside", "not_estimable", "reference")
DEFAULT_CAPACITIES = (0.005, 0.01, 0.02, 0.05)
MISSING = "NA"
JOIN = " × "

# The people each rate describes; a rate over fewer than min_cell of them is suppressed.
_DENOMINATOR = {
    "prevalence": "n", "selection_rate": "n", "mean_score": "n", "calibration": "n",
    "false_negative_rate": "positives", "false_positive_rate": "negatives",
    "false_omission_rate": "not_selected", "precision": "selected",
}


class AuditInputError(ValueError):
    """Bad input to the audit. Carries a machine-readable `reason_code`, the offending column
    (if any) and the parameters of the catalogue message; `message(lang)` renders it."""

    def __init__(self, reason_code: str, column: str | None = None, **params: object):
        self.reason_code = reason_code
        self.column = column
        self.params = {"column": column, **params}
        super().__init__(self.message("fr"))

    def message(self, lang: str = "fr") -> str:
        return t(f"error.{self.reason_code}", lang, **self.params)


# --------------------------------------------------------------------------- metrics from counts

def rates_from_counts(tp, fp, tn, fn, score_sum):
    """Every rate from confusion counts (numpy arrays of any shape, broadcast together).
    Undefined rates (zero denominator) are NaN. Returns {metric: array}, {denominator: array}."""
    tp, fp, tn, fn = (np.asarray(a, dtype=float) for a in (tp, fp, tn, fn))
    n = tp + fp + tn + fn
    den = {"n": n, "positives": tp + fn, "negatives": fp + tn,
           "not_selected": fn + tn, "selected": tp + fp}
    with np.errstate(divide="ignore", invalid="ignore"):
        def div(a, b):
            return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)
        mean_score = div(np.asarray(score_sum, dtype=float), n)
        prevalence = div(tp + fn, n)
        out = {
            "prevalence": prevalence,
            "selection_rate": div(tp + fp, n),
            "false_negative_rate": div(fn, tp + fn),
            "false_omission_rate": div(fn, fn + tn),
            "false_positive_rate": div(fp, fp + tn),
            "precision": div(tp, tp + fp),
            "mean_score": mean_score,
            # observed over expected: 1 when the mean score matches the observed rate
            "calibration": div(prevalence, mean_score),
        }
    return out, den


def _cell_count(cell: int):
    def metric(y_true, y_pred):
        return float(np.count_nonzero(np.asarray(y_true) == cell))
    return metric


def _score_sum(y_true, y_pred):
    return float(np.sum(y_pred))


# MetricFrame disaggregates confusion counts and score sums; every rate derives from them by
# `rates_from_counts`, the same function the bootstrap uses, so point and interval agree.
# y_true carries the cell code 2*label + selected (0 tn, 1 fp, 2 fn, 3 tp), y_pred the score:
# five cheap metrics keep MetricFrame fast (it copies every column once per metric and group).
_MF_METRICS = {"tn": _cell_count(0), "fp": _cell_count(1), "fn": _cell_count(2),
               "tp": _cell_count(3), "score_sum": _score_sum}


def _with_rates(counts: pd.DataFrame | pd.Series):
    """MetricFrame counts (tp, fp, tn, fn, score_sum) -> count, counts and every rate."""
    rates, den = rates_from_counts(counts["tp"], counts["fp"], counts["tn"], counts["fn"],
                                   counts["score_sum"])
    out = {"count": den["n"], **{c: counts[c] for c in COUNTS}, **rates}
    if isinstance(counts, pd.DataFrame):
        return pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in out.items()},
                            index=counts.index), den
    return pd.Series({k: float(v) for k, v in out.items()}), den


# --------------------------------------------------------------------------- input checks

def _as_labels(col: pd.Series) -> pd.Series:
    """Group values as strings; whole floats print as integers (1.0 -> "1"); missing -> "NA"."""
    s = col
    if pd.api.types.is_float_dtype(s) and np.all(np.mod(s.dropna(), 1) == 0):
        s = s.astype("Int64")
    out = s.astype("string").fillna(MISSING).str.strip()
    return out.mask(out == "", MISSING).astype(object)


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


def spec_name(spec: Sequence[str]) -> str:
    return JOIN.join(spec)


# --------------------------------------------------------------------------- suppression

def _suppress(sizes: pd.Series, values: pd.DataFrame, spec, specs, min_cell: int) -> set[str]:
    """Groups of `spec` whose figures must not be shown.

    Primary: n < min_cell. Complementary: the overall and every coarser audited spec are
    published, so within each of their cells the suppressed groups of `spec` must together
    hold 0 or at least min_cell rows; otherwise the smallest shown sibling is suppressed too
    (e.g. F (n=500) = F x 0 (n=495) + F x 1 (n=5): hiding F x 1 alone is useless, F x 0 goes too).
    """
    hidden = set(sizes.index[sizes < min_cell])
    # finest margins first: a sibling hidden there also protects every coarser margin
    margins = sorted([m for m in specs if set(m) < set(spec)], key=len, reverse=True) + [()]
    changed = True
    while changed:
        changed = False
        for margin in margins:
            if changed:
                break
            keys = (values[list(margin)].apply(tuple, axis=1) if margin
                    else pd.Series([()] * len(values), index=values.index))
            for _, members in keys.groupby(keys).groups.items():
                pooled = sum(sizes[g] for g in members if g in hidden)
                shown = sorted((sizes[g], g) for g in members if g not in hidden)
                if 0 < pooled < min_cell and shown:
                    hidden.add(shown[0][1])
                    changed = True
    return hidden


# --------------------------------------------------------------------------- the result objects

def _verdict(lo: float, hi: float, tolerance: tuple[float, float]) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "not_estimable"
    if tolerance[0] <= lo and hi <= tolerance[1]:
        return "within"
    if hi < tolerance[0] or lo > tolerance[1]:
        return "outside"
    return "uncertain"


def headline_verdict(verdicts: Mapping[str, str]) -> str:
    """One word per group for the first page: the worst verdict on the miss metrics."""
    vs = [verdicts[m] for m in HEADLINE]
    if "reference" in vs:
        return "reference"
    for v in ("outside", "uncertain"):
        if v in vs:
            return v
    return "within" if all(v == "within" for v in vs) else "not_estimable"


@dataclass
class AuditResult:
    """One group spec at one operating point, read like Fairlearn's MetricFrame.

    `overall` (Series: metric -> value), `by_group` (DataFrame: shown group -> count, tp, fp, tn,
    fn and every rate; suppressed groups are absent, rates over fewer than min_cell people are
    NaN), `by_group_ci` / `overall_ci` ([lower, upper] like MetricFrame), `ratio()`,
    `difference()`, `ratio_ci()`, `verdicts()`. `frame` is the underlying MetricFrame, built on
    every group (None for sweep points, counted with np.bincount); only this object's public
    views apply suppression.
    """

    spec: tuple[str, ...]
    reference: str
    tolerance: tuple[float, float]
    overall: pd.Series
    overall_ci: list[pd.Series]
    by_group: pd.DataFrame
    by_group_ci: list[pd.DataFrame]
    boot: dict[str, np.ndarray]  # metric -> (n_boot, shown groups) bootstrap replicates
    masked: pd.DataFrame  # True where a rate is suppressed for a small denominator
    values: pd.DataFrame  # shown group -> value of each spec column
    suppressed_groups: int
    suppressed_rows: int
    frame: MetricFrame | None = field(repr=False)

    @property
    def name(self) -> str:
        return spec_name(self.spec)

    def ratio(self, method: str = "to_reference") -> pd.DataFrame | pd.Series:
        """Each group's rate over the reference group's (`to_reference`, one row per group), or
        the smallest over the largest group rate per metric (`between_groups`, as MetricFrame)."""
        rates = self.by_group[list(RATES)]
        if method == "between_groups":
            return rates.min() / rates.max()
        if self.reference is None:
            return rates * np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            out = rates / rates.loc[self.reference]
        return out.replace([np.inf, -np.inf], np.nan)

    def difference(self, method: str = "to_reference") -> pd.DataFrame | pd.Series:
        """Each group's rate minus the reference's, or max minus min per metric."""
        rates = self.by_group[list(RATES)]
        if method == "between_groups":
            return rates.max() - rates.min()
        if self.reference is None:
            return rates * np.nan
        return rates - rates.loc[self.reference]

    def ratio_ci(self, level: float) -> list[pd.DataFrame]:
        """[lower, upper] percentile interval of the ratio to the reference, per group."""
        q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
        if self.reference is None:
            empty = pd.DataFrame(index=self.by_group.index, columns=list(RATES), dtype=float)
            return [empty, empty.copy()]
        ref = self.by_group.index.get_loc(self.reference)
        lo, hi = {}, {}
        for m in RATES:
            b = self.boot[m]
            with np.errstate(divide="ignore", invalid="ignore"):
                r = b / b[:, [ref]]
            r[~np.isfinite(r)] = np.nan
            ok = np.mean(np.isfinite(r), axis=0) >= 0.5  # too few defined replicates: no interval
            pct = _percentile(np.where(ok, r, 0.0), q)
            # a zero-width interval (no event, or only events, in every resample) is not
            # evidence of equality or of a gap: percentile bootstraps fail on zero counts
            ok &= (pct[1] > pct[0]) | (np.arange(b.shape[1]) == ref)
            lo[m] = np.where(ok & ~self.masked[m].to_numpy(), pct[0], np.nan)
            hi[m] = np.where(ok & ~self.masked[m].to_numpy(), pct[1], np.nan)
        idx = self.by_group.index
        return [pd.DataFrame(lo, index=idx), pd.DataFrame(hi, index=idx)]

    def verdicts(self, level: float) -> pd.DataFrame:
        """Verdict per shown group and judged metric: within / outside / uncertain /
        not_estimable, and `reference` for the reference group."""
        lo, hi = self.ratio_ci(level)
        out = pd.DataFrame(index=self.by_group.index, columns=list(JUDGED), dtype=object)
        for g in out.index:
            for m in JUDGED:
                out.loc[g, m] = ("reference" if g == self.reference
                                 else _verdict(lo.loc[g, m], hi.loc[g, m], self.tolerance))
        out["headline"] = [headline_verdict(out.loc[g]) for g in out.index]
        return out


@dataclass
class OperatingPoint:
    rule: str  # "threshold", "top_k" or "list" (decisions given, e.g. the per-sector lists)
    threshold: float | None
    top_k: int | None
    selected: int
    capacity: float  # selected / rows


@dataclass
class Audit:
    """The whole audit: configuration, the results at the outreach operating point (one
    AuditResult per group spec), the capacity sweep, and `to_dict()` for audit.json."""

    config: dict
    rows: int
    data_sha256: str
    point: OperatingPoint
    results: dict[str, AuditResult]
    sweep: list[tuple[OperatingPoint, dict[str, AuditResult]]]

    @property
    def level(self) -> float:
        return self.config["ci_level"]

    def conclusion_changes(self) -> list[dict]:
        """Groups whose headline verdict differs across the operating point and the sweep."""
        changes = []
        points = [(self.point, self.results)] + self.sweep
        for name in self.results:
            verdicts = [(p, r[name].verdicts(self.level)["headline"]) for p, r in points]
            for g in self.results[name].by_group.index:
                seen = {f"{p.capacity:.4f}": v.get(g) for p, v in verdicts}
                if len({v for v in seen.values() if v not in (None, "not_estimable")}) > 1:
                    changes.append({"group_spec": name, "group": g, "verdicts": seen})
        return changes

    def to_dict(self) -> dict:
        """Everything audit.json holds, with `content_sha256` over the rest (sorted keys)."""
        body = {
            "schema": "abri.fairness.audit/1",
            "config": self.config,
            "data": {"rows": self.rows, "data_sha256": self.data_sha256},
            "operating_point": _point_dict(self.point),
            "overall": _overall_dict(next(iter(self.results.values()))),
            "group_specs": [_result_dict(r, self.level) for r in self.results.values()],
            "sweep": [{"operating_point": _point_dict(p),
                       "group_specs": [_result_dict(r, self.level) for r in res.values()]}
                      for p, res in self.sweep],
            "conclusion_changes": self.conclusion_changes(),
        }
        body = _clean(body)
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        body["content_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return body


def _num(x):
    if x is None:
        return None
    x = float(x)
    return round(x, 6) if np.isfinite(x) else None


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _point_dict(p: OperatingPoint) -> dict:
    return {"rule": p.rule, "threshold": p.threshold, "top_k": p.top_k,
            "selected": p.selected, "capacity": p.capacity}


def _overall_dict(r: AuditResult) -> dict:
    o, (lo, hi) = r.overall, r.overall_ci
    return {"n": int(o["count"]), **{c: int(o[c]) for c in COUNTS},
            "metrics": {m: {"value": o[m], "ci": [lo[m], hi[m]]} for m in RATES}}


def _result_dict(r: AuditResult, level: float) -> dict:
    lo, hi = r.by_group_ci
    ratio, diff = r.ratio(), r.difference()
    rlo, rhi = r.ratio_ci(level)
    verdicts = r.verdicts(level)
    rows = []
    for g in r.by_group.index:
        bg = r.by_group.loc[g]
        metrics = {}
        for m in RATES:
            masked = bool(r.masked.loc[g, m])
            metrics[m] = {
                "value": None if masked else bg[m], "ci": [lo.loc[g, m], hi.loc[g, m]],
                "ratio": None if masked else ratio.loc[g, m],
                "ratio_ci": [rlo.loc[g, m], rhi.loc[g, m]],
                "difference": None if masked else diff.loc[g, m],
                "verdict": verdicts.loc[g, m] if m in JUDGED else None,
                "suppressed": "small_denominator" if masked else None,
            }
        # a masked rate could be recomputed from the counts (precision = tp / (tp + fp)), and each
        # count from the others, n and the shown rates: a group with any masked rate shows none
        hide = bool(r.masked.loc[g].any())
        rows.append({"group": g, "values": dict(r.values.loc[g]), "n": int(bg["count"]),
                     **{c: None if hide else int(bg[c]) for c in COUNTS},
                     "counts_suppressed": "small_denominator" if hide else None, "metrics": metrics,
                     "verdict": verdicts.loc[g, "headline"]})
    return {"group_spec": list(r.spec), "name": r.name, "reference": r.reference,
            "suppressed_groups": r.suppressed_groups, "suppressed_rows": r.suppressed_rows,
            "groups": rows}


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
    min_cell: int = 11,
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

    labels = {c: _as_labels(scored[c].reset_index(drop=True)) for c in used}
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
    boot_counts, boot_scores = _bootstrap(
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
        hidden = _suppress(sizes, values, spec, specs, min_cell)
        shown = sorted((g for g in uniques if g not in hidden), key=_natural)
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


def _natural(label: str) -> tuple:
    """Arrondissements "2" before "10"; text after numbers; "NA" last."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in label.split(JOIN))
    return (label == MISSING, parts)


def _versions() -> dict:
    import fairlearn
    return {"fairlearn": fairlearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}


def _select(s: np.ndarray, *, threshold, top_k) -> tuple[np.ndarray, OperatingPoint]:
    """Outreach decisions: score >= threshold, or the k highest scores (stable: row order
    breaks ties, so the same table always gives the same list)."""
    n = len(s)
    if threshold is not None:
        sel = s >= float(threshold)
        return sel, OperatingPoint("threshold", float(threshold), None, int(sel.sum()),
                                   float(sel.mean()))
    sel = np.zeros(n, dtype=bool)
    sel[np.argsort(-s, kind="stable")[: int(top_k)]] = True
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


def _bootstrap(specs, y, sels, s, *, n_boot, seed):
    """Percentile-bootstrap confusion counts, vectorised.

    specs: [(codes, n_groups)]; sels: one boolean selection per operating point. All specs and
    points share the same resampled row indices (drawn in chunks to bound memory). Returns
    counts[spec][point] of shape (n_boot, n_groups, 4) with cells (tn, fp, fn, tp) = 2*y + sel,
    and score sums[spec] of shape (n_boot, n_groups)."""
    n = len(y)
    rng = np.random.default_rng(seed)
    counts = [[np.zeros((n_boot, g, 4)) for _ in sels] for _, g in specs]
    sums = [np.zeros((n_boot, g)) for _, g in specs]
    chunk = max(1, min(n_boot, 4_000_000 // n))
    y2 = y.astype(np.int64) * 2
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        yi, si = y2[idx], s[idx]
        sel_i = [sel[idx] for sel in sels]
        for i, (codes, g) in enumerate(specs):
            cell = codes[idx] + np.arange(b)[:, None] * g
            sums[i][start:start + b] = np.bincount(
                cell.ravel(), weights=si.ravel(), minlength=b * g).reshape(b, g)
            base = cell * 4 + yi
            for j, sel in enumerate(sel_i):
                counts[i][j][start:start + b] = np.bincount(
                    (base + sel).ravel(), minlength=b * g * 4).reshape(b, g, 4)
    return counts, sums


def _percentile(replicates: np.ndarray, q: list[float]) -> np.ndarray:
    """Percentiles over the bootstrap axis, ignoring undefined replicates (NaN where all are)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(replicates, q, axis=0)


def _boot_rates(counts: np.ndarray, sums: np.ndarray) -> dict[str, np.ndarray]:
    return rates_from_counts(counts[..., 3], counts[..., 1], counts[..., 0], counts[..., 2],
                             sums)[0]


def _counts(codes: np.ndarray, n_groups: int, cell: np.ndarray, s: np.ndarray,
            index: list[str]) -> pd.DataFrame:
    """Confusion counts and score sums per group with np.bincount (cells as in `_bootstrap`)."""
    c = np.bincount(codes * 4 + cell, minlength=n_groups * 4).reshape(n_groups, 4)
    return pd.DataFrame({"tn": c[:, 0], "fp": c[:, 1], "fn": c[:, 2], "tp": c[:, 3],
                         "score_sum": np.bincount(codes, weights=s, minlength=n_groups)},
                        index=index, dtype=float)


def _result(*, spec, joined, codes, y, sel, s, shown, uniques, use_frame, values, ref,
            tolerance, min_cell, ci_level, boot, boot_overall, suppressed) -> AuditResult:
    cell = 2 * y.astype(np.int64) + sel
    if use_frame:
        # The outreach point: MetricFrame disaggregates (AuditResult.frame); a test checks it
        # agrees with the bincount path that the sweep points use, as MetricFrame copies each
        # column once per metric and group (seconds per point on a city-sized table).
        frame = MetricFrame(metrics=_MF_METRICS, y_true=cell, y_pred=s,
                            sensitive_features=pd.Series(joined.to_numpy(), name=spec_name(spec)))
        per_group, total = frame.by_group.astype(float), frame.overall.astype(float)
    else:
        frame = None
        per_group = _counts(codes, len(uniques), cell, s, uniques)
        per_group.index.name = spec_name(spec)
        total = per_group.sum()
    by_group, den = _with_rates(per_group.loc[shown])
    probability = bool(s.min() >= 0 and s.max() <= 1)
    masked = pd.DataFrame({m: np.asarray(den[_DENOMINATOR[m]]) < min_cell for m in RATES},
                          index=by_group.index)
    if not probability:  # observed / expected needs a score on the probability scale
        by_group["calibration"] = np.nan
    for m in RATES:
        by_group.loc[masked[m], m] = np.nan
    q = [(1 - ci_level) / 2 * 100, (1 + ci_level) / 2 * 100]
    pos = [uniques.index(g) for g in shown]
    rates = _boot_rates(boot[0][:, pos], boot[1][:, pos])
    if not probability:
        rates["calibration"] = np.full_like(rates["calibration"], np.nan)
    lo, hi = {}, {}
    for m in RATES:
        pct = _percentile(rates[m], q) if pos else np.empty((2, 0))
        lo[m] = np.where(masked[m].to_numpy(), np.nan, pct[0])
        hi[m] = np.where(masked[m].to_numpy(), np.nan, pct[1])
    orates = _boot_rates(boot_overall[0], boot_overall[1])
    if not probability:
        orates["calibration"] = np.full_like(orates["calibration"], np.nan)
    opct = {m: _percentile(orates[m][:, 0], q) for m in RATES}
    overall = _with_rates(total)[0]
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
