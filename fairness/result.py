"""The audit's results: one `AuditResult` per group spec and operating point, read like
Fairlearn's MetricFrame, and the `Audit` that holds them all and becomes audit.json."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from fairness.groups import spec_name
from fairness.rates import COUNTS, JUDGED, RATES, headline_verdict, percentile, verdict


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
            pct = percentile(np.where(ok, r, 0.0), q)
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
                                 else verdict(lo.loc[g, m], hi.loc[g, m], self.tolerance))
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
