"""The gap decomposition reads the truth through the same pseudonyms as the pipeline."""

import pytest

from abri.config import Paths
from benchmarks.gap import decompose, table, with_truth
from features.build import build_panel
from ingest import connect_warehouse, ingest_month, landing_months
from models.train import PARAM_GRID, TrainConfig
from synthetic.simulate import simulate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("gap_city")
    simulate(home, households=3000, months=36, seed=3, progress=False)
    paths = Paths(home)
    for m in landing_months(paths):
        ingest_month(paths, m)
    with connect_warehouse(paths) as con:
        build_panel(con)
    return home


@pytest.mark.slow
def test_every_labelled_snapshot_finds_its_truth(city):
    from models.dataset import load_training_set

    data = with_truth(city)
    with connect_warehouse(Paths(city)) as con:
        everything = len(load_training_set(con, open_windows=True))  # as with_truth reads them
    # a few rows (0.1 % on this city) have no truth row under the same pseudonym and month
    assert everything > 10_000 and 0.995 * everything <= len(data) <= everything
    frame = data.meta
    assert frame["p_judgment_12m"].notna().all() and frame["true_stage"].notna().all()
    # the truth's judgments and the pipeline's labels are the same events, seen through pseudonyms
    assert frame.groupby("judgment_within_horizon")["p_judgment_12m"].mean().diff().iloc[-1] > 0.2
    # a judged household's latent stage is further on than an unjudged one's, on average
    assert frame.groupby("judgment_within_horizon")["true_stage"].mean().diff().iloc[-1] > 0.5


@pytest.mark.slow
def test_the_decomposition_adds_up(city):
    r = decompose(city, TrainConfig(n_splits=2, param_grid=PARAM_GRID[:1]))
    assert 0 < r["rule"] <= 1 and 0 < r["ceiling"] <= 1
    assert r["lost_to_information"] == pytest.approx(r["ceiling"] - r["information_limit"])
    assert r["lost_to_learning"] == pytest.approx(r["information_limit"] - r["model"])
    assert r["oracle"] >= r["information_limit"] - 0.05  # knowing the state never hurts much
    assert "| seed |" not in table({"c": r}) and "| c |" in table({"c": r})
