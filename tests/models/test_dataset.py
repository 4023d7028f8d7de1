"""The training rows as training reads them (models/dataset.py): the same rows as the DataFrame
path, month windows as views, negatives sampled and weighted back."""

from dataclasses import replace

import duckdb
import numpy as np
import pytest

from features.build import training_frame
from features.declare import FEATURE_NAMES
from models.dataset import LABEL, TrainingSet, load_training_set
from models.train import TrainConfig, fitting_rows, lgbm_params


@pytest.fixture(scope="module")
def con(panel):
    c = duckdb.connect()
    c.register("f", panel.drop(columns=[LABEL, "judgment_date"]))
    c.execute("CREATE TABLE features AS SELECT * FROM f")
    c.register("l", panel[panel["snapshot_month"] < "2025-01-01"][["household_key", "snapshot_month", LABEL,
                                                                   "judgment_date"]])
    c.execute("CREATE TABLE labels AS SELECT * FROM l")
    # one household without a sector: its sector stays missing, not another household's
    c.execute("UPDATE features SET sector = NULL WHERE household_key = 'h00003'")
    return c


def test_the_set_read_month_by_month_holds_the_same_rows_as_the_training_frame(con):
    frame = training_frame(con)
    months = []
    data = load_training_set(con, progress=lambda i, n: months.append((i, n)))
    assert len(data) == len(frame) > 0
    assert months[-1] == (24, 24)  # 2023-01 .. 2024-12: one read per labelled month
    assert data.X.dtype == np.float32 and data.X.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(data.X, frame[list(FEATURE_NAMES)].to_numpy(dtype=np.float32))
    assert data.meta["household_key"].astype(str).tolist() == frame["household_key"].tolist()
    assert (data.meta["snapshot_month"].to_numpy() == frame["snapshot_month"].to_numpy()).all()
    assert data.y.tolist() == frame[LABEL].astype(int).tolist()
    judged = frame["judgment_date"].notna().to_numpy()
    assert (data.meta["judgment_date"].notna().to_numpy() == judged).all()
    assert (data.meta["judgment_date"].to_numpy()[judged] == frame["judgment_date"].to_numpy()[judged]).all()
    assert data.meta["sector"].astype(object).where(data.meta["sector"].notna(), None).tolist() == \
        frame["sector"].astype(object).where(frame["sector"].notna(), None).tolist()
    assert data.meta.loc[data.meta["household_key"] == "h00003", "sector"].isna().all()
    assert data.months()[0] == "2023-01" and data.months()[-1] == "2024-12"


def test_the_numbering_tables_are_dropped_after_a_load_and_after_a_failed_one(con):
    def temporary():
        return con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()

    load_training_set(con)
    assert temporary() == []
    with pytest.raises(duckdb.Error):
        load_training_set(con, features=f"(SELECT * EXCLUDE ({FEATURE_NAMES[0]}) FROM features)")
    assert temporary() == []


def test_from_frame_sorts_by_month_then_household_and_matches_the_loaded_set(con):
    frame = training_frame(con)
    shuffled = frame.sample(frac=1.0, random_state=3)
    a, b = TrainingSet.from_frame(shuffled), load_training_set(con)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.meta["household_key"].astype(str).tolist() == b.meta["household_key"].astype(str).tolist()
    assert a.digest() == b.digest()
    changed = a.take(slice(0, len(a)))
    changed.X = changed.X.copy()
    changed.X[0, 0] = 7.0
    assert changed.digest() != a.digest()


def test_a_month_window_is_a_view_and_months_must_follow_each_other(con):
    data = load_training_set(con)
    rows = data.rows_of(["2024-02", "2024-03", "2024-04"])
    window = data.take(rows)
    assert np.shares_memory(window.X, data.X)  # LightGBM reads the window without a copy
    assert window.months() == ["2024-02", "2024-03", "2024-04"]
    assert len(window) == 3 * 1500
    assert data.rows_of([]) == slice(0, 0)
    with pytest.raises(ValueError, match="non consécutifs"):
        data.rows_of(["2024-02", "2024-04"])


def test_negatives_beyond_the_cap_are_sampled_and_weighted_back(con):
    data = load_training_set(con)
    config = TrainConfig(max_negatives=5000)
    rows = fitting_rows(data, config)
    y = data.y
    assert rows.y.sum() == y.sum()  # every positive kept
    assert (rows.y == 0).sum() == 5000
    w = rows.meta["weight"].to_numpy()
    assert w[rows.y == 1].tolist() == [1.0] * int(y.sum())
    assert w[rows.y == 0].sum() == pytest.approx((y == 0).sum())  # the sample stands for every negative
    assert (np.diff(rows.month) >= 0).all()  # still in month order
    again = fitting_rows(data, config)
    assert again.digest() == rows.digest()  # seeded: the same rows each time
    assert fitting_rows(data, replace(config, seed=7)).digest() != rows.digest()
    assert fitting_rows(data, replace(config, max_negatives=None)) is data
    assert fitting_rows(data, replace(config, max_negatives=10**9)) is data


def test_the_penalty_follows_the_weighted_rows():
    y = np.array([1, 0, 0, 0, 0, 0])
    plain, _ = lgbm_params(y, {"l2_per_row": 0.5}, TrainConfig())
    # 1 positive and 2 negatives standing for 10: the same penalty as 11 rows
    weighted, _ = lgbm_params(np.array([1, 0, 0]), {"l2_per_row": 0.5}, TrainConfig(), np.array([1.0, 5.0, 5.0]))
    assert plain["lambda_l2"] == 3.0
    assert weighted["lambda_l2"] == 5.5


def test_a_sampled_fit_still_ranks_the_risky_households_first(panel):
    """The cap changes which negatives a fit sees, not what it learns: on the panel, a model fitted
    on a tenth of the negatives ranks the test month nearly as well as one fitted on all."""
    from models.train import train

    config = TrainConfig(train_months=6, calibration_months=2, n_splits=2, max_rounds=60,
                         param_grid=({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 40,
                                      "feature_fraction": 1.0},))
    mature = panel[panel["snapshot_month"] < "2025-01-01"]
    full = train(mature, config)
    sampled = train(mature, replace(config, max_negatives=800))
    auc = lambda r: r.evaluation.set_index(["scorer", "month"]).loc[("model", "all"), "roc_auc"]  # noqa: E731
    assert auc(sampled) > auc(full) - 0.03
    assert full.booster.model_to_string() != sampled.booster.model_to_string()


def test_loading_caps_duckdb_memory_then_restores_the_setting(con):
    from abri.settings import size_bytes

    seen = []
    setting = lambda: con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]  # noqa: E731
    con.execute("SET memory_limit = '4GB'")
    before = setting()
    load_training_set(con, progress=lambda i, n: seen.append(setting()))
    assert size_bytes(seen[0]) <= 10**9  # the buffer cache stays small beside the matrix
    # restored (DuckDB shows it rounded to 0.1 GiB, so within that)
    assert abs(size_bytes(setting()) - size_bytes(before)) <= 0.1 * 2**30 and size_bytes(before) > 3 * 10**9
    con.execute("SET memory_limit = '500MB'")
    seen.clear()
    load_training_set(con, progress=lambda i, n: seen.append(setting()))
    assert size_bytes(seen[0]) < 10**9 / 1.9  # a lower cap is kept, never raised
