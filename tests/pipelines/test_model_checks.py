"""The candidate's blocking gate and the rule's lists when nothing beats it, through Dagster."""

import json

import duckdb
import pytest
from dagster import materialize

from models.registry import ModelRegistry
from pipelines.models import beats_the_rule
from pipelines.resources import AbriResource, build_resources
from pipelines.serving import outreach_lists
from tests.support import trained_warehouse


@pytest.fixture(scope="module")
def home(panel, tmp_path_factory):
    home = tmp_path_factory.mktemp("checks")
    version = trained_warehouse(panel, home, max_rounds=40)
    return home, version


def _set(home, version, scorer, key, value):
    path = home / "models" / version / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    old = next(m for m in meta["metrics"] if m["scorer"] == scorer).get(key)
    for m in meta["metrics"]:
        if m["scorer"] == scorer:
            m[key] = value
    path.write_text(json.dumps(meta), encoding="utf-8")
    return old


def test_the_gate_on_the_candidate_is_blocking():
    assert all(spec.blocking for spec in beats_the_rule.check_specs)


def test_a_candidate_worse_than_the_rule_fails_the_check(home):
    path, version = home
    assert beats_the_rule(abri=AbriResource(home=str(path)), candidate_model=version).passed
    old = _set(path, version, "rule", "precision_at_k", 0.99)
    try:
        result = beats_the_rule(abri=AbriResource(home=str(path)), candidate_model=version)
    finally:
        _set(path, version, "rule", "precision_at_k", old)
    assert not result.passed and "inférieure à celle de la règle" in result.metadata["raison"].value


def test_a_candidate_beyond_the_calibration_tolerance_fails_the_check(home):
    path, version = home
    _set(path, version, "model", "ece", 0.5)
    try:
        assert not beats_the_rule(abri=AbriResource(home=str(path)), candidate_model=version).passed
        assert beats_the_rule(abri=AbriResource(home=str(path), ece_tolerance=0.6), candidate_model=version).passed
    finally:
        _set(path, version, "model", "ece", None)


def test_without_a_champion_the_month_gets_the_rules_lists_and_says_so(home):
    path, _ = home
    assert ModelRegistry(path / "models").champion() is None
    result = materialize([outreach_lists], partition_key="2025-06", resources=build_resources(str(path)))
    mat = result.asset_materializations_for_node("outreach_lists")[0]
    assert mat.metadata["version"].value == "rule"
    assert "règle actuelle" in mat.metadata["status"].value
    with duckdb.connect(str(path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT list(DISTINCT model_version) FROM outreach").fetchone()[0] == ["rule"]


def test_the_published_rule_lists_are_marked_as_the_rules(home):
    from pipelines.publish import publish

    path, _ = home
    materialize([outreach_lists], partition_key="2025-06", resources=build_resources(str(path)))
    out = publish(path / "warehouse.duckdb", path / "serving.duckdb", registry=ModelRegistry(path / "models"))
    assert out.model_version == "rule" and out.tables["outreach_list"] > 0
    with duckdb.connect(str(path / "serving.duckdb"), read_only=True) as con:
        meta = json.loads(con.execute("SELECT value FROM meta").fetchone()[0])
        reasons = con.execute("SELECT count(*) FROM outreach_list WHERE reasons_fr IS NOT NULL").fetchone()[0]
        probabilities = con.execute("SELECT count(probability) FROM outreach_list").fetchone()[0]
    assert meta["rule_lists"] is True and reasons > 0 and probabilities == 0
