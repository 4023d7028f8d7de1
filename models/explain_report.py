"""The explanation report's page: explanations.html from an explanations.json dictionary
(models/explain.py computes it), with its charts (matplotlib Agg, base64 PNG). Sentences come
from the one catalogue (reports/i18n.py), figures from reports/fmt.py, group names from
fairness.groups (the same words as the audit and the dashboard)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness.groups import value_label
from features.declare import AUDIT_ATTRIBUTES, FEATURES, REASON_GROUPS
from reports import fmt
from reports.charts import locale_axis, plt, png
from reports.i18n import t, tn
from reports.render import render

BY_NAME = {f.name: f for f in FEATURES}
TOP_BEESWARM = 12
TOP_DEPENDENCE = 4  # features with a dependence chart (and a dependence record, models/explain.py)


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


def _vlabel(attr: str, value: str, lang: str) -> str:
    """A group in words: yes/no for booleans, else the audit's label (fairness.groups)."""
    if value in ("__yes__", "__no__"):
        return t("value.yes", lang) if value == "__yes__" else t("value.no", lang)
    return value_label(attr, value, lang=lang)


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
            rows.append({"group": _vlabel(spec["attribute"], x["group"], lang), "n": x["n"], "mean": num(x["mean_raw_score"]),
                         "gap": "—" if x["group"] == ref else _signed(x["gap"], lang),
                         "drivers": "" if x["group"] == ref else driver_text})
            if x["group"] != ref and drivers:
                sentences.append(t("x.gap_sentence", lang, group=_vlabel(spec["attribute"], x["group"], lang), n=x["n"],
                                   reference=_vlabel(spec["attribute"], ref, lang),
                                   direction=t("x.gap_higher", lang) if x["gap"] >= 0 else t("x.gap_lower", lang),
                                   gap=num(abs(x["gap"])), drivers=driver_text))
        gaps.append({"id": spec["attribute"], "label": t(f"attr.{spec['attribute']}", lang),
                     "reference": t("x.gap_reference", lang, reference=_vlabel(spec["attribute"], ref, lang), n=ref_n) if ref else "",
                     "rows": rows, "sentences": sentences,
                     "suppressed": (tn("x.gap_suppressed", spec["suppressed_groups"], lang,
                                       households=tn("unit.households", spec["suppressed_rows"], lang),
                                       min_cell=record["config"]["min_cell"])
                                    if spec["suppressed_groups"] else ""),
                     "chart": _gap_png(spec, lang)})
    prox = record["proxies"]
    named = [{"feature": _flabel(c["feature"], lang), "attribute": t(f"attr.{c['attribute']}", lang),
              "group": _vlabel(c["attribute"], c["group"], lang), "auc": fmt.number(c["auc"], lang, 2)} for c in prox["named"]]
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
        "proxies_text": t("x.proxies_text", lang, bins=cfg["proxy_bins"], threshold=fmt.number(prox["threshold"], lang, 2),
                          min_class=cfg["proxy_min_class"]),
        "proxies_named": named, "proxies_found": tn("x.proxies_found", len(named), lang), "proxy_png": _proxy_png(prox, lang),
        "stability_run": st["run"], "stability": stability,
        "stability_text": tn("x.stability_text", len(st["models"]), lang) if st["run"]
        else t("x.stability_not_run", lang),
        "additivity_text": add_text, "additivity_passed": ad["passed"], "shap_text": shap_text,
        "examples": examples, "glossary": glossary,
        "method": t("x.method", lang, version=record["model"]["version"], features=record["model"]["features"],
                    seed=cfg["seed"], elapsed=fmt.number(record["elapsed_seconds"], lang, 1)),
    }


def _signed(x: float, lang: str) -> str:
    return ("+" if x >= 0 else "−") + fmt.number(abs(x), lang, 3)


# --------------------------------------------------------------------------- charts



def _importance_png(record: dict, lang: str) -> str:
    feats = [f for f in record["global"]["features"][:15] if f["mean_abs_shap"] > 0][::-1]
    grps = record["global"]["reason_groups"][::-1]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 0.3 * max(len(feats), len(grps)) + 1.5))
    a.barh([_flabel(f["feature"], lang) for f in feats], [f["mean_abs_shap"] for f in feats], color="#1f4e79")
    b.barh([_glabel(g["reason_group"], lang) for g in grps], [g["mean_abs_shap"] for g in grps], color="#5b8bb8")
    for ax in (a, b):
        ax.set_xlabel(t("x.importance_axis", lang), fontsize=8)
        locale_axis(ax.xaxis, lang, digits=2)  # "0,05" in French
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    return png(fig, dpi=100)


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
    return png(fig, dpi=100)


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
        ax.barh(np.arange(len(groups)) + k * h, vals, height=h, label=_vlabel(spec["attribute"], o["group"], lang))
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(t("x.gap_axis", lang), fontsize=8)
    locale_axis(ax.xaxis, lang, digits=2)  # "0,05" in French
    ax.set_yticks(np.arange(len(groups)) + h * (len(others) - 1) / 2, [_glabel(g, lang) for g in groups],
                  fontsize=8)
    ax.set_title(f"{t('attr.' + spec['attribute'], lang)} / {_vlabel(spec['attribute'], spec['reference'], lang)}", fontsize=9)
    ax.legend(fontsize=7)
    return png(fig, dpi=100)


def beeswarm_png(S: np.ndarray, X: pd.DataFrame, names: list[str], lang: str, rng) -> str:
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
    locale_axis(ax.xaxis, lang, digits=2)  # "0,05" in French
    return png(fig, dpi=100)


def dependence_png(S: np.ndarray, X: pd.DataFrame, names: list[str], lang: str) -> str:
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
    return png(fig, dpi=100)
