"""The randomised design in the pipeline: the holdout never reaches a list, a case or anything the
dashboard reads (serving.duckdb is all it reads besides the casework store)."""

import duckdb
import pandas as pd
import pytest

from casework import Casework
from models.design import Design
from models.impact import build_interventions, month_assignments, recently_assigned
from models.registry import ModelRegistry
from models.score import outreach
from models.workflow import score_month
from pipelines.publish import publish
from tests.support import trained_warehouse


@pytest.fixture(scope="module")
def home(panel, tmp_path_factory):
    home = tmp_path_factory.mktemp("holdout")
    version = trained_warehouse(panel, home)
    return home, ModelRegistry(home / "models"), version


def test_design_none_lists_exactly_what_the_top_k_listed(home):
    path, registry, version = home
    with duckdb.connect(str(path / "warehouse.duckdb")) as con:
        out = score_month(con, registry, version, capacity=0.02)
        listed = con.execute("SELECT household_key FROM outreach ORDER BY household_key").df()
        scores = con.execute("SELECT * FROM scores WHERE snapshot_month = '2025-06-01'").df()
        a = con.execute("SELECT * FROM assignments").df()
    assert out["design"] == "none" and out["held_out"] == 0
    expected = outreach(scores, capacity=0.02)["household_key"].sort_values().tolist()
    assert listed["household_key"].tolist() == expected
    assert set(a["arm"]) == {"outreach"} and (a["assignment_probability"] == 1).all()


def test_the_holdout_never_reaches_a_list_a_case_or_the_serving_file(home, tmp_path, monkeypatch):
    path, registry, version = home
    with duckdb.connect(str(path / "warehouse.duckdb")) as con:
        out = score_month(con, registry, version, capacity=0.02, design=Design("margin"), seed=3)
        a = month_assignments(con, out["month"])
        listed = set(con.execute("SELECT household_key FROM outreach WHERE snapshot_month = '2025-06-01'")
                     .df()["household_key"])
        explained = set(con.execute("SELECT household_key FROM reasons WHERE snapshot_month = '2025-06-01'")
                        .df()["household_key"])
    holdout = set(a.loc[a.arm == "holdout", "household_key"])
    assert out["held_out"] == len(holdout) > 0
    assert listed == set(a.loc[a.arm == "outreach", "household_key"])
    assert not holdout & listed and not holdout & explained
    store = Casework(tmp_path / "casework.sqlite")
    store.open_cases(a)
    assert not holdout & set(store.intervention_records()["household_key"])
    publish(path / "warehouse.duckdb", tmp_path / "serving.duckdb", registry=registry)
    with duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT DISTINCT table_name FROM information_schema.columns "
                                            "WHERE column_name = 'household_key'").fetchall()]
        assert "outreach_list" in tables
        for t in tables:
            keys = set(con.execute(f"SELECT DISTINCT household_key FROM {t}").df()["household_key"])
            assert not holdout & keys, t
        assert "assignments" not in [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    # nor a page: a social worker of the sector cannot open a held-out household, even by its key
    from dashboard import data

    monkeypatch.setenv("ABRI_HOME", str(tmp_path))
    sector, key = a.loc[a.arm == "holdout", ["sector", "household_key"]].iloc[0]
    scope = data.Scope("ts", "travailleur_social", (sector,))
    assert not holdout & set(data.outreach_list(scope)["household_key"])
    with pytest.raises(data.AccessDenied):
        data.household(scope, key)


def test_randomised_households_are_not_randomised_again_within_a_year(home):
    path, registry, version = home
    with duckdb.connect(str(path / "warehouse.duckdb")) as con:
        score_month(con, registry, version, month="2025-05", capacity=0.02, design=Design("margin"), seed=3)
        first = month_assignments(con, "2025-05")
        exclude = recently_assigned(con, "2025-06")
        score_month(con, registry, version, month="2025-06", capacity=0.02, design=Design("margin"), seed=3,
                    exclude=exclude)
        second = month_assignments(con, "2025-06")
        assert build_interventions(con, pd.DataFrame(columns=["household_key", "list_month", "outcome",
                                                              "contacted_date", "recorded_at"])) > 0
    assert exclude == set(first["household_key"])
    assert not exclude & set(second["household_key"])
    assert (second.arm == "outreach").sum() == (first.arm == "outreach").sum()  # capacity still filled
