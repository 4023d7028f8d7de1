"""The HTML report and audit.json: sections, language, suppression, no external resource."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from fairness.audit import audit
from fairness.report import render_html, write_report
from reports.i18n import t


def scored_table(n=1500, seed=5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "statut": rng.choice(["social", "prive"], n),
        "quartier": np.repeat(["nord", "sud", "est", "ouest", "ilot"], [600, 500, 300, 95, 5]),
        "p": rng.beta(1, 8, n)})
    df["y"] = (rng.random(n) < df.p).astype(int)
    return df


@pytest.fixture(scope="module")
def record():
    a = audit(scored_table(), label="y", score="p", groups=["statut", "quartier"], top_k=75,
              n_boot=100, seed=2)
    return a.to_dict()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_has_verdict_details_sweep_and_glossary_sections(record, lang):
    page = render_html(record, lang=lang)
    for section in ("verdict", "details", "sweep", "method", "glossary"):
        assert f'<section id="{section}"' in page
    for key in ("report.section.verdict", "report.section.details", "report.section.sweep",
                "report.section.glossary", "glossary.false_negative_rate"):
        assert t(key, lang, min_cell=11).split(":")[0] in page
    assert page.index('id="verdict"') < page.index('id="details"') < page.index('id="glossary"')
    assert f'<html lang="{lang}">' in page


def test_report_is_french_by_default(record):
    page = render_html(record)
    assert "Taux de manqués" in page and "Miss rate" not in page


def test_report_loads_nothing_from_outside(record):
    page = render_html(record)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert page.count('src="data:image/png;base64,') >= 2  # forest plot and sweep chart


def test_a_group_of_five_never_appears_in_the_json_or_the_html(record):
    assert "ilot" not in json.dumps(record, ensure_ascii=False)
    assert "ilot" not in render_html(record)
    quartier = next(s for s in record["group_specs"] if s["name"] == "quartier")
    assert quartier["suppressed_groups"] >= 1


def test_json_holds_counts_intervals_ratios_verdicts_config_and_hash(record):
    group = record["group_specs"][0]["groups"][0]
    assert {"n", "tp", "fp", "tn", "fn", "metrics", "verdict"} <= set(group)
    fnr = group["metrics"]["false_negative_rate"]
    assert {"value", "ci", "ratio", "ratio_ci", "difference", "verdict"} <= set(fnr)
    cfg = record["config"]
    assert cfg["tolerance"] == [0.8, 1.25] and cfg["min_cell"] == 11 and cfg["seed"] == 2
    assert cfg["top_k"] == 75 and record["group_specs"][0]["reference"]
    assert re.fullmatch(r"[0-9a-f]{64}", record["content_sha256"])
    assert len(record["sweep"]) == 4


def test_group_values_are_escaped_in_the_html():
    df = scored_table()
    df["statut"] = np.where(df.statut == "social", "<b>social</b>", "prive")
    a = audit(df, label="y", score="p", groups="statut", top_k=75, n_boot=50)
    page = render_html(a.to_dict())
    assert "<b>social</b>" not in page and "&lt;b&gt;social&lt;/b&gt;" in page


def test_write_report_writes_both_files(tmp_path, record):
    a = audit(scored_table(), label="y", score="p", groups="statut", top_k=75, n_boot=50)
    json_path, html_path = write_report(a, tmp_path / "out", lang="en", source="x.csv")
    assert json.loads(json_path.read_text())["source"] == "x.csv"
    assert "Glossary" in html_path.read_text()


def test_a_group_outside_tolerance_gets_a_plain_sentence_on_the_verdict_page():
    rng = np.random.default_rng(0)
    n = 6000
    df = pd.DataFrame({"statut": np.tile(["social", "prive"], n // 2), "p": rng.random(n)})
    df["y"] = (rng.random(n) < 0.2).astype(int)
    # the list sees private tenants' risk badly: their judged households are mostly missed
    df.loc[(df.statut == "prive") & (df.y == 1), "p"] *= 0.3
    df.loc[(df.statut == "social") & (df.y == 1), "p"] = 0.5 + df.p / 2
    a = audit(df, label="y", score="p", groups="statut", top_k=1200,
              reference={"statut": "social"}, n_boot=100, capacities=())
    page = render_html(a.to_dict())
    verdict = page[page.index('id="verdict"'):page.index('id="details"')]
    # groups are named in words (fairness.groups.group_label), never by their codes
    assert "« parc privé » : la liste manque" in verdict and "hors tolérance" in verdict
    assert "« prive »" not in verdict and ">prive<" not in page and "parc social" in verdict


def _all_groups(record):
    for spec in record["group_specs"]:
        yield None, spec, spec["groups"]
    for point in record["sweep"]:
        for spec in point["group_specs"]:
            yield point["operating_point"]["capacity"], spec, spec["groups"]


def test_no_masked_rate_can_be_recomputed_from_the_counts_in_audit_json(record):
    hidden = 0
    for _, _, groups in _all_groups(record):
        for g in groups:
            masked = any(m["suppressed"] for m in g["metrics"].values())
            counts = [g[c] for c in ("tp", "fp", "tn", "fn")]
            assert (counts == [None] * 4) == masked, g["group"]
            assert (g["counts_suppressed"] is not None) == masked
            hidden += masked
    assert hidden > 0  # the fixture has groups with masked rates: the test can fail


def test_the_html_shows_exactly_the_counts_audit_json_shows(record):
    page = render_html(record, lang="fr")
    for spec in record["group_specs"]:
        for g in spec["groups"]:
            cells = [str(g["n"])] + ["masqué" if g[c] is None else str(g[c]) for c in ("tp", "fp", "tn", "fn")]
            row = "".join(f'<td class="num">{c}</td>' for c in cells)
            assert row in re.sub(r"\s*\n\s*", "", page), g["group"]
