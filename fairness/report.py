"""audit.json and audit.html from an `Audit`.

The HTML is rendered from the same dictionary that becomes audit.json, so the report can never
show a figure the JSON suppressed. One self-contained file: inline CSS, charts as base64 PNG made
with matplotlib's Agg backend, no script, no external font or link. Jinja2 with autoescape; every
sentence comes from the one catalogue (reports/i18n.py), every figure from reports/fmt.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from fairness.audit import HEADLINE, JUDGED, RATES, Audit
from fairness.groups import group_label, spec_label
from governance.documents import lead_time_table, lists_table
from reports import fmt
from reports.charts import plt, png
from reports.i18n import LANGS, t, tn
from reports.render import render

GLOSSARY = ("false_negative_rate", "false_omission_rate", "selection_rate", "precision",
            "false_positive_rate", "prevalence", "calibration", "interval", "ratio",
            "reference", "tolerance", "suppressed", "capacity", "na")  # glossary.<term>, in this order
_RATE_AS_NUMBER = {"mean_score", "calibration"}  # shown as numbers, not percentages
_FLOOR = 0.05  # ratio axes are logarithmic: a bound of 0 is drawn at this floor


def write_report(audit: Audit, out_dir: str | Path, *, lang: str = "fr",
                 source: str | None = None, extra: dict | None = None) -> tuple[Path, Path]:
    """Write out_dir/audit.json and out_dir/audit.html (in `lang`, "fr" or "en").
    extra: what the model's audit adds beside the groups (`lead_time`: one row per scorer as in
    the version's metadata; `lists_capacity`: each sector's share). Returns both paths. The
    folder is created if needed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = audit.to_dict()
    if source is not None:
        record = {**record, "source": source}
    if extra:
        record = {**record, **extra}
    json_path, html_path = out / "audit.json", out / "audit.html"
    json_path.write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                         encoding="utf-8")
    html_path.write_text(render_html(record, lang=lang), encoding="utf-8")
    return json_path, html_path


def render_html(record: dict, *, lang: str = "fr") -> str:
    """The report for the committee from an audit.json dictionary (`Audit.to_dict()`)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    return render("report.html.j2", lang=lang, t=t, **_view(record, lang))


# --------------------------------------------------------------------------- view model

def _fmt(metric: str, x, lang: str) -> str:
    return fmt.number(x, lang) if metric in _RATE_AS_NUMBER else fmt.percent(x, lang)


def _interval(metric: str, pair, lang: str) -> str:
    return fmt.interval(pair[0], pair[1], lang, format_one=lambda x, lang: _fmt(metric, x, lang), missing_text="")


def _cell(metric: str, m: dict, lang: str) -> dict:
    if m["suppressed"]:
        return {"masked": True, "value": t("report.masked_cell", lang), "ci": "", "ratio": "",
                "ratio_ci": "", "verdict": m["verdict"] or ""}
    return {"masked": False, "value": _fmt(metric, m["value"], lang),
            "ci": _interval(metric, m["ci"], lang), "ratio": fmt.number(m["ratio"], lang),
            "ratio_ci": fmt.interval(m["ratio_ci"][0], m["ratio_ci"][1], lang, missing_text=""), "verdict": m["verdict"] or ""}


def _spec_view(spec: dict, record: dict, lang: str) -> dict:
    level = record["config"]["ci_level"]
    name = spec["name"]

    def words(group):  # "prive" -> "parc privé": the committee reads words, not codes
        return None if group is None else group_label(name, group, lang=lang)

    groups = []
    ref = next((g for g in spec["groups"] if g["group"] == spec["reference"]), None)
    sentences = []
    counts = {v: 0 for v in ("within", "outside", "uncertain", "not_estimable")}
    for g in spec["groups"]:
        cells = {m: _cell(m, g["metrics"][m], lang) for m in RATES}
        if g["group"] == spec["reference"]:
            for c in cells.values():
                c["ratio_ci"] = ""
        # counts exactly as audit.json holds them: suppressed there, "masqué" here
        shown = {c: t("report.masked_cell", lang) if g[c] is None else g[c] for c in ("tp", "fp", "tn", "fn")}
        groups.append({"group": words(g["group"]), "n": g["n"], **shown, "verdict": g["verdict"], "cells": cells})
        if g["verdict"] in counts:
            counts[g["verdict"]] += 1
        if ref is None or g["group"] == spec["reference"]:
            continue
        for m in HEADLINE:
            x = g["metrics"][m]
            if x["verdict"] in ("outside", "uncertain"):
                sentences.append(t(
                    f"report.sentence.{m}", lang, group=words(g["group"]), reference=words(spec["reference"]),
                    value=_fmt(m, x["value"], lang),
                    ref_value=_fmt(m, ref["metrics"][m]["value"], lang),
                    ratio=fmt.number(x["ratio"], lang), lo=fmt.number(x["ratio_ci"][0], lang),
                    hi=fmt.number(x["ratio_ci"][1], lang),
                    verdict=t(f"verdict.{x['verdict']}", lang).lower()))
    # one plural entry per count, so each agrees with its own number ("1 groupe", "2 groupes")
    summary = (t("report.summary", lang, spec=spec_label(name, lang), reference=words(spec["reference"]),
                 suppressed=tn("report.summary.suppressed", spec["suppressed_groups"], lang),
                 within=tn("report.summary.within", counts["within"], lang),
                 outside=tn("report.summary.outside", counts["outside"], lang),
                 uncertain=tn("report.summary.uncertain", counts["uncertain"], lang),
                 not_estimable=tn("report.summary.not_estimable", counts["not_estimable"], lang))
               if spec["reference"] is not None
               else t("report.no_reference", lang, spec=spec_label(name, lang)))
    return {"name": spec_label(name, lang), "reference": words(spec["reference"]), "groups": groups,
            "summary": summary, "sentences": sentences,
            "suppressed_note": tn("report.suppressed_note", spec["suppressed_groups"], lang,
                                  rows=tn("report.suppressed_rows", spec["suppressed_rows"], lang),
                                  min_cell=record["config"]["min_cell"])
            if spec["suppressed_groups"] else "",
            "forest": _forest_png(spec, record["config"]["tolerance"], lang),
            "level": level}


def _view(record: dict, lang: str) -> dict:
    cfg, point = record["config"], record["operating_point"]
    capacity = fmt.percent(point["capacity"], lang, 2)
    if point["rule"] == "list":
        per_sector = record.get("lists_capacity")
        rule = t("report.rule_list", lang, selected=point["selected"], rows=record["data"]["rows"],
                 capacity=capacity, per_sector=fmt.percent(per_sector, lang, 2) if per_sector else "–")
    elif point["rule"] == "top_k":
        rule = t("report.rule_top_k", lang, top_k=point["top_k"], selected=point["selected"],
                 rows=record["data"]["rows"], capacity=capacity)
    else:
        rule = t("report.rule_threshold", lang, threshold=fmt.number(point["threshold"], lang, 3),
                 selected=point["selected"], rows=record["data"]["rows"], capacity=capacity)
    lo, hi = cfg["tolerance"]
    specs = [_spec_view(s, record, lang) for s in record["group_specs"]]
    sweep = _sweep_view(record, lang)
    config_rows = [
        ("label", cfg["label"]), ("score", cfg["score"]),
        ("group_specs", "; ".join(" × ".join(s) for s in cfg["group_specs"])),
        {"threshold": ("threshold", cfg["threshold"]), "top_k": ("top_k", cfg["top_k"])}.get(
            point["rule"], ("selected", cfg.get("selected"))),
        ("reference", ", ".join(f"{k}={v}" for k, v in cfg["reference"].items()) or "—"),
        ("tolerance", f"{lo}, {hi}"), ("min_cell", cfg["min_cell"]),
        ("n_boot", cfg["n_boot"]), ("ci_level", cfg["ci_level"]), ("seed", cfg["seed"]),
        ("capacities", ", ".join(str(c) for c in cfg["capacities"])),
        ("rows", record["data"]["rows"]), ("data_sha256", record["data"]["data_sha256"]),
        ("content_sha256", record["content_sha256"]),
        *((f"version {k}", v) for k, v in cfg["versions"].items()),
    ]
    return {
        "source": record.get("source"), "rule": rule,
        "tolerance_text": t("report.tolerance", lang, lo=fmt.number(lo, lang),
                            hi=fmt.number(hi, lang), level=fmt.percent(cfg["ci_level"], lang, 0)),
        "specs": specs, "sweep": sweep, "config_rows": config_rows,
        "lead": lead_time_table(record.get("lead_time") or [], lang),
        "lists": lists_table(record.get("sector_lists") or [], lang),
        "headline": HEADLINE, "judged": JUDGED, "rates": RATES,
        "method_text": t("report.method_text", lang, n_boot=cfg["n_boot"], seed=cfg["seed"],
                         hash=record["content_sha256"]),
        "glossary": [t(f"glossary.{k}", lang, min_cell=cfg["min_cell"]) for k in GLOSSARY],
    }


def _sweep_view(record: dict, lang: str) -> dict:
    points = [record["operating_point"]] + [s["operating_point"] for s in record["sweep"]]
    spec_lists = [record["group_specs"]] + [s["group_specs"] for s in record["sweep"]]
    order, seen = [], set()
    for i in sorted(range(len(points)), key=lambda i: (points[i]["capacity"], i)):
        if round(points[i]["capacity"], 6) not in seen:  # the outreach point may be in the sweep
            seen.add(round(points[i]["capacity"], 6))
            order.append(i)
    capacities = [fmt.percent(points[i]["capacity"], lang, 2) for i in order]
    rows, charts = [], []
    for k, spec in enumerate(record["group_specs"]):
        for g in spec["groups"]:
            verdicts = []
            for i in order:
                match = next((x for x in spec_lists[i][k]["groups"] if x["group"] == g["group"]),
                             None)
                verdicts.append(match["verdict"] if match else "not_estimable")
            rows.append({"spec": spec_label(spec["name"], lang),
                         "group": group_label(spec["name"], g["group"], lang=lang), "verdicts": verdicts})
        charts.append({"name": spec_label(spec["name"], lang), "png": _sweep_png(
            spec["name"], [points[i]["capacity"] for i in order],
            [spec_lists[i][k] for i in order], record["config"]["tolerance"], lang)})
    changes = record["conclusion_changes"]
    flips = (tn("report.sweep_flips", len(changes), lang,
               groups=", ".join(_change(c, lang) for c in changes))
             if changes else t("report.sweep_stable", lang))
    return {"capacities": capacities, "rows": rows, "charts": charts, "flips": flips}


def _change(c: dict, lang: str) -> str:
    """"nationalité : hors Union européenne": a group whose verdict changes with the capacity."""
    sep = " : " if lang == "fr" else ": "
    return f"{spec_label(c['group_spec'], lang)}{sep}{group_label(c['group_spec'], c['group'], lang=lang)}"


# --------------------------------------------------------------------------- charts



def _band(ax, tolerance, *, vertical: bool):
    lo, hi = tolerance
    if vertical:
        ax.axvspan(lo, hi, color="0.88", zorder=0)
        ax.axvline(1.0, color="0.4", lw=0.8)
    else:
        ax.axhspan(lo, hi, color="0.88", zorder=0)
        ax.axhline(1.0, color="0.4", lw=0.8)


def _ratio_ticks(ax, values, tolerance, lang: str, *, axis: str) -> None:
    """Readable ticks on a log ratio axis: 0.5, 0.8, 1, 1.25, 2... in the data's range."""
    lo = max(min([*values, tolerance[0]]), _FLOOR) * 0.9
    hi = max([*values, tolerance[1]]) * 1.1
    ticks = [x for x in (0.1, 0.25, 0.5, tolerance[0], 1.0, tolerance[1], 2, 4, 10) if lo <= x <= hi]
    labels = [fmt.number(x, lang) for x in ticks]
    if axis == "x":
        ax.set_xlim(lo, hi)
        ax.set_xticks(ticks, labels)
    else:
        ax.set_ylim(lo, hi)
        ax.set_yticks(ticks, labels)
    ax.minorticks_off()


def _forest_png(spec: dict, tolerance, lang: str) -> str | None:
    """Miss-rate ratio to the reference with its interval, one line per shown group."""
    rows = [(g["group"], g["metrics"]["false_negative_rate"]) for g in spec["groups"]
            if g["group"] != spec["reference"]]
    rows = [(name, m) for name, m in rows if m["ratio"] is not None and None not in m["ratio_ci"]]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(rows) + 1.2))
    _band(ax, tolerance, vertical=True)
    for y, (_, m) in enumerate(rows):
        lo, hi = m["ratio_ci"]
        ax.plot([max(lo, _FLOOR), max(hi, _FLOOR)], [y, y], color="#1f4e79", lw=2)
        ax.plot(max(m["ratio"], _FLOOR), y, "o", color="#1f4e79")
    ax.set_yticks(range(len(rows)), [group_label(spec["name"], name, lang=lang) for name, _ in rows])
    ax.set_xscale("log")
    _ratio_ticks(ax, [v for _, m in rows for v in (*m["ratio_ci"], m["ratio"])], tolerance, lang,
                 axis="x")
    ax.invert_yaxis()
    ax.set_xlabel(t("report.forest_axis", lang))
    ax.set_title(f"{spec_label(spec['name'], lang)} / {group_label(spec['name'], spec['reference'], lang=lang)}",
                 fontsize=10)
    return png(fig)


def _sweep_png(name: str, capacities, specs, tolerance, lang: str) -> str | None:
    """Miss-rate ratio to the reference at each capacity, one line per shown group."""
    series: dict[str, list] = {}
    for i, spec in enumerate(specs):
        for g in spec["groups"]:
            if g["group"] == spec["reference"]:
                continue
            series.setdefault(g["group"], [None] * len(specs))[i] = \
                g["metrics"]["false_negative_rate"]["ratio"]
    series = {k: v for k, v in series.items() if any(x is not None for x in v)}
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    _band(ax, tolerance, vertical=False)
    xs = [100 * c for c in capacities]
    for group, ys in series.items():
        pts = [(x, max(y, _FLOOR)) for x, y in zip(xs, ys, strict=True) if y is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", lw=1.2, label=group_label(name, group, lang=lang))
    ax.set_xscale("log")
    ax.set_yscale("log")
    _ratio_ticks(ax, [y for ys in series.values() for y in ys if y is not None], tolerance,
                 lang, axis="y")
    ax.set_xticks(xs, [fmt.percent(c, lang, 1) for c in capacities])
    ax.minorticks_off()
    ax.set_xlabel(t("report.sweep_axis", lang))
    ax.set_ylabel(t("report.forest_axis", lang), fontsize=8)
    ax.set_title(spec_label(name, lang), fontsize=10)
    if len(series) <= 12:
        ax.legend(fontsize=7, loc="best")
    return png(fig)
