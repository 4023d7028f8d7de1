"""The dask engine trains on 2 local workers from the lake, registers an ordinary LightGBM text
model that scores as usual, and its out-of-time precision@k is that of the single process."""

from __future__ import annotations

import duckdb
import pytest

from features import lake
from models.registry import ModelRegistry
from models.train import TrainConfig
from models.workflow import score_month, train_candidate

GRID = ({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 40, "feature_fraction": 1.0, "rounds": 60},)
CONFIG = TrainConfig(train_months=6, calibration_months=2, n_splits=2, param_grid=GRID)


def warehouse(panel, home):
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.register("f", panel.drop(columns=["judgment_within_horizon", "judgment_date"]))
    con.execute("CREATE TABLE features AS SELECT * FROM f")
    con.register("l", panel[panel["snapshot_month"] < "2025-01-01"][
        ["household_key", "snapshot_month", "judgment_within_horizon", "judgment_date"]])
    con.execute("CREATE TABLE labels AS SELECT * FROM l")
    lake.sync(con, lake=home / "lake", tables=["features"])
    return con


def precision(meta: dict) -> float:
    return next(m["precision_at_k"] for m in meta["metrics"] if m["scorer"] == "model")


@pytest.mark.slow
def test_dask_on_two_workers_trains_registers_and_scores_like_one_process(panel, tmp_path):
    pytest.importorskip("distributed")
    from models.dask_train import train_candidate_dask

    con = warehouse(panel, tmp_path)
    registry = ModelRegistry(tmp_path / "models")
    single = train_candidate(con, registry, CONFIG)
    dask = train_candidate_dask(con, registry, CONFIG, workers=2)
    meta_single, meta_dask = registry.metadata(single), registry.metadata(dask)
    assert (meta_dask["engine"], meta_dask["workers"]) == ("dask", 2)
    assert (meta_single["engine"], meta_single["workers"]) == ("lightgbm", 1)
    assert meta_dask["data_snapshot_sha256"] == meta_single["data_snapshot_sha256"]  # same rows, lake or table
    # data-parallel LightGBM builds its histograms by worker, so its trees may differ slightly:
    # at most one household of the 30 the backtest lists (15 a test month) may change
    assert abs(precision(meta_dask) - precision(meta_single)) <= 1 / 30 + 1e-9, (precision(meta_dask),
                                                                                 precision(meta_single))
    assert (registry.root / dask / "model.txt").read_text().startswith("tree")
    out = score_month(con, registry, dask, capacity=0.02)
    assert out["listed"] == 30 and con.execute("SELECT count(*) FROM scores").fetchone()[0] == 1500
    con.close()


def test_an_empty_lake_is_refused_in_french(panel, tmp_path):
    from models.dask_train import lake_training_set

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(ValueError, match="lac vide"):
        lake_training_set(con, lake=tmp_path / "lake")


def test_zero_workers_is_refused():
    from models.dask_train import dask_client

    with pytest.raises(ValueError, match="au moins un worker"), dask_client(workers=0):
        pass


def test_the_cli_refuses_zero_workers(tmp_path, capsys):
    from abri.cli import main

    assert main(["train", "--home", str(tmp_path), "--engine", "dask", "--workers", "0"]) == 2
    assert "--workers 0" in capsys.readouterr().err
