from pathlib import Path

import pytest

from ingest.contract import SOURCES, render_markdown, source

ROOT = Path(__file__).resolve().parents[2]


def test_docs_data_contract_is_generated_from_the_code():
    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc.strip() == render_markdown().strip(), "run `make docs`"


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_source_declares_its_keys_and_a_month(name):
    src = SOURCES[name]
    assert set(src.keys) <= set(src.column_names)
    assert (src.month_column in src.column_names) if src.kind == "snapshot" else (src.event_date in src.column_names)
    assert len(set(src.column_names)) == len(src.columns)


def test_protected_attributes_are_marked_for_audit_only():
    audit = {c.name for s in SOURCES.values() for c in s.columns if c.role == "audit"}
    assert {"sexe", "nationalite", "handicap", "qpv"} <= audit


def test_unknown_source_names_the_known_ones():
    with pytest.raises(KeyError, match="known sources: menages"):
        source("cadastre")


def test_docs_feature_dictionary_is_generated_from_the_code():
    from features.declare import render_dictionary

    doc = (ROOT / "docs" / "feature-dictionary.md").read_text(encoding="utf-8")
    assert doc.strip() == render_dictionary().strip(), "run `abri feature-doc`"
