"""The committee's four assets: each writes its artefact for the version candidate_model gave it
and shows its own metadata."""

import pytest

from pipelines.committee import (
    audit_report,
    committee_documents,
    explanations_report,
    mitigation_report,
)
from pipelines.resources import AbriResource
from tests.support import add_audit_attributes, trained_warehouse

pytestmark = pytest.mark.slow  # trains a model and the explanations' two seed models


def test_each_artefact_is_its_own_asset_for_the_version_it_is_given(panel, tmp_path):
    version = trained_warehouse(panel, tmp_path, max_rounds=40)
    add_audit_attributes(tmp_path)
    abri = AbriResource(home=str(tmp_path), capacity=0.02)
    audit = audit_report(abri=abri, candidate_model=version).metadata
    explained = explanations_report(abri=abri, candidate_model=version).metadata
    mitigated = mitigation_report(abri=abri, candidate_model=version).metadata
    docs = committee_documents(abri=abri, candidate_model=version).metadata
    assert {m["version"] for m in (audit, explained, mitigated, docs)} == {version}
    assert audit["report"].value.endswith(f"{version}/audit.html") and audit["groups_audited"] > 0
    assert explained["report"].value.endswith("explanations.html") and "proxies_named" in explained
    assert mitigated["report"].value.endswith("mitigation.html") and len(mitigated["report_sha256"]) == 64
    assert "annex_iv.html" in docs["documents"] and "model_card.html" in docs["documents"]
