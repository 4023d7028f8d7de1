"""The interventions asset: after the month's lists, cases for the outreach arm only, the
interventions table and impact.json, under the committee's design."""

import json

import duckdb
from dagster import materialize

from casework import Casework
from models.registry import ModelRegistry
from pipelines.resources import AbriResource
from pipelines.serving import interventions, outreach_lists
from tests.support import trained_warehouse


def test_the_design_in_force_assigns_and_outcomes_flow_back(panel, tmp_path):
    version = trained_warehouse(panel, tmp_path)
    ModelRegistry(tmp_path / "models").promote(version, approved=True)
    store = Casework(tmp_path / "casework.sqlite")
    store.record_design("margin", params={}, by="Comité", comment="essai", demonstration=True)
    result = materialize([outreach_lists, interventions], partition_key="2025-06",
                         resources={"abri": AbriResource(home=str(tmp_path), capacity=0.02)})
    assert result.success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        arms = dict(con.execute("SELECT arm, count(*) FROM interventions GROUP BY 1").fetchall())
        designs = {r[0] for r in con.execute("SELECT DISTINCT design FROM interventions").fetchall()}
        holdout = {r[0] for r in con.execute("SELECT household_key FROM interventions WHERE arm = 'holdout'")
                   .fetchall()}
    assert arms["holdout"] > 0 and designs == {"margin"}
    records = store.intervention_records()
    assert len(records) == arms["outreach"] and not holdout & set(records["household_key"])
    report = json.loads((tmp_path / "reports" / "impact" / "impact.json").read_text(encoding="utf-8"))
    assert report["status"] == "no_randomised_matured_rows"  # the month's labels have not matured
    assert (tmp_path / "reports" / "impact" / "uplift.json").exists()
