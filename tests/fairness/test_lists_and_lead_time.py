"""The committee sees the lists as sent and how early they come: the audit of given decisions,
the gate and the lead time in the model card and the audit report, in French first."""

import numpy as np
import pandas as pd
import pytest

from fairness.audit import AuditInputError, audit
from fairness.report import render_html
from governance.documents import write_documents

LEAD = [{"scorer": "model", "judged": 1234, "reached": 0.625, "median_lead_months": 4.5, "reached_3m_before": 0.41},
        {"scorer": "rule", "judged": 1234, "reached": 0.5, "median_lead_months": 2.0, "reached_3m_before": 0.2},
        {"scorer": "logistic", "judged": 1234, "reached": 0.45, "median_lead_months": 3.0, "reached_3m_before": 0.3}]
LISTS = [{"scorer": s, "lists": k, "precision_at_k": p, "recall_at_k": 0.1, "k": 10.0, "reached_3m_before": 0.25}
         for s, p in (("model", 0.4), ("rule", 0.3), ("logistic", 0.2)) for k in ("sector", "city")]


def meta(model: float, rule: float) -> dict:
    return {"version": "2025-03-abcdef12", "lead_time": LEAD, "sector_lists": LISTS,
            "metrics": [{"scorer": "model", "precision_at_k": model, "k": 10},
                        {"scorer": "rule", "precision_at_k": rule, "k": 10}]}


def scored(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"label": (rng.random(n) < 0.2).astype(int), "score": rng.random(n),
                         "sexe": rng.choice(["F", "M"], n), "listed": (np.arange(n) % 10 == 0).astype(int)})


def test_the_audit_takes_the_decisions_as_given():
    df = scored()
    result = audit(df, label="label", score="score", groups=["sexe"], selected="listed", n_boot=50)
    record = result.to_dict()
    assert record["operating_point"]["rule"] == "list"
    assert record["operating_point"]["selected"] == int(df["listed"].sum()) == 40
    tp = sum(g["tp"] for g in record["group_specs"][0]["groups"])
    assert tp == int(((df["listed"] == 1) & (df["label"] == 1)).sum())
    html = render_html({**record, "lists_capacity": 0.01})
    assert "chaque secteur reçoit sa part de ménages (1,00\u00a0%)" in html


def test_decisions_and_a_top_k_together_are_refused():
    with pytest.raises(AuditInputError):
        audit(scored(), label="label", score="score", groups=["sexe"], selected="listed", top_k=5, n_boot=50)


def test_the_model_card_says_plainly_when_the_rules_lists_serve(tmp_path):
    write_documents(metadata=meta(0.30, 0.36), audit_record=None, out_dir=tmp_path)
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert "inférieure à celle de la règle actuelle" in card
    assert "les listes envoyées aux travailleurs sociaux sont celles de la règle" in card


def test_the_model_card_shows_a_version_that_beats_the_rule_and_its_lead_time_in_french(tmp_path):
    write_documents(metadata=meta(0.40, 0.36), audit_record=None, out_dir=tmp_path)
    card = (tmp_path / "model_card.md").read_text(encoding="utf-8")
    assert "au moins aussi bien que la règle actuelle" in card
    assert "Délai d'anticipation" in card and "41,0\u00a0%" in card and "4,5" in card
    assert "par secteur (envoyées)" in card and "toute la ville" in card
    write_documents(metadata=meta(0.40, 0.36), audit_record=None, out_dir=tmp_path / "en", lang="en")
    assert "41.0%" in (tmp_path / "en" / "model_card.md").read_text(encoding="utf-8")


def test_the_audit_report_shows_the_lead_time_of_model_and_rule():
    df = scored()
    record = audit(df, label="label", score="score", groups=["sexe"], selected="listed", n_boot=50).to_dict()
    html = render_html({**record, "lead_time": LEAD, "sector_lists": LISTS, "lists_capacity": 0.01})
    assert "Délai d&#39;anticipation" in html and "62,5\u00a0%" in html and "20,0\u00a0%" in html
    assert "Règle actuelle" in html
    assert "Délai d&#39;anticipation" not in render_html(record)
