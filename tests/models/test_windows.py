"""Open label windows (models/windows.py, models.train.open_window_rows): each snapshot labelled
by the months of its window known at the fit's date, never by a later court file."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from features.declare import FEATURE_NAMES
from models import windows
from models.dataset import LABEL, TrainingSet, load_training_set, month_index
from models.temporal import make_splits
from models.train import TrainConfig, backtest, open_window_rows, train

H = 6  # the warehouse fixture's horizon


def m(label: str) -> int:
    return int(month_index([label])[0])


def test_the_worked_example_of_the_module():
    # as of 2025-04, snapshot 2024-09 has 4 months reported: 2024-10 .. 2025-01
    observed = windows.observed_months(np.array([m("2024-09")]), m("2025-04"), horizon=12, delay=3)
    assert observed.tolist() == [4]
    snap = np.full(4, m("2024-09"))
    judged = np.array([m("2025-01"), m("2025-02"), m("2024-12"), windows.NEVER])
    known = np.array([m("2025-04"), m("2025-04"), m("2025-05"), windows.NEVER])
    # in the window and reported; after the window; reported after the fit's date; never judged
    assert windows.judged_within(snap, judged, known, np.full(4, 4), m("2025-04")).tolist() == [True, False, False,
                                                                                                   False]
    # a mature snapshot's window is capped at the horizon
    assert windows.observed_months(np.array([m("2023-01")]), m("2025-04"), horizon=12, delay=3).tolist() == [12]
    # the last snapshot the loader reads is the last with one month observed
    last = windows.last_observed(m("2025-04"), delay=3)
    assert last == m("2024-12")
    assert windows.observed_months(np.array([last, last + 1]), m("2025-04"), horizon=12, delay=3).tolist() == [1, 0]


def test_the_share_judged_within_w_months_is_counted_by_hand():
    share = windows.judged_share(np.array([1, 3, 3, 12]), horizon=12)
    assert share[0] == 0 and share[1] == 0.25 and share[2] == 0.25 and share[3] == 0.75 and share[11] == 0.75
    assert share[12] == 1.0
    assert (windows.judged_share(np.array([]), horizon=12) == 1.0).all()  # nothing measured: no offset


def test_offsets_are_zero_on_a_full_window_and_shrink_a_small_stage_towards_the_whole():
    ahead = np.array([1, 1, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6])  # stage 3: judged sooner
    stage = np.array([3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    off = windows.offsets(np.array([12, 1, 1, 2]), np.array([0, 3, 0, 3]), ahead, stage, horizon=12)
    assert off[0] == 0.0
    overall = 2 / 12
    mine = 2 / 3
    expected_3 = (mine * 3 + windows.SHRINK * overall) / (3 + windows.SHRINK)
    assert off[1] == pytest.approx(np.log(expected_3))
    assert off[2] == pytest.approx(np.log(max((0 * 9 + windows.SHRINK * overall) / (9 + windows.SHRINK), 1e-3)))
    assert off[1] > off[2]  # a summoned household's short window says more
    assert off[3] == pytest.approx(np.log((1.0 * 3 + windows.SHRINK * 3 / 12) / (3 + windows.SHRINK)))


@pytest.fixture(scope="module")
def warehouse(panel):
    """The panel as a warehouse with a 6-month horizon (its 30 months are too few for 12):
    features for 2023-01 .. 2025-06, court files up to 2025-06, so labels (6 + 3 months) up to
    2024-09 and open windows for 2024-10 .. 2025-02. Some court
    files arrive later than the delay, so that a fold's date can precede them."""
    c = duckdb.connect()
    judged = panel.dropna(subset=["judgment_date"]).groupby("household_key", as_index=False)["judgment_date"].min()
    # most files arrive 2 months after the judgment, every third household's 5 months after
    late = np.arange(len(judged)) % 3 == 0
    judged["known_from"] = np.where(late, judged["judgment_date"] + pd.DateOffset(months=5),
                                    judged["judgment_date"] + pd.DateOffset(months=2))
    judged = judged[judged["judgment_date"] <= "2025-06-01"]
    c.register("f", panel.drop(columns=[LABEL, "judgment_date"]))
    c.execute("CREATE TABLE features AS SELECT * FROM f")
    c.register("j", judged)
    c.execute("CREATE TABLE judgments AS SELECT household_key, judgment_date::DATE AS judgment_date, "
              "known_from::DATE AS known_from FROM j")
    c.execute("CREATE TABLE stg_justice AS SELECT DATE '2025-06-01' AS extract_month")
    c.execute("""CREATE TABLE labels AS
        SELECT f.household_key, f.snapshot_month::DATE AS snapshot_month,
               coalesce(j.judgment_date < f.snapshot_month + to_months(7), false) AS judgment_within_horizon,
               j.judgment_date
        FROM features f LEFT JOIN judgments j USING (household_key)
        WHERE f.snapshot_month + to_months(9) <= DATE '2025-06-01'
          AND (j.judgment_date IS NULL OR j.judgment_date >= f.snapshot_month + INTERVAL 1 MONTH)""")
    return c


def test_the_loaded_set_goes_on_past_the_labels_with_what_each_window_has_shown(warehouse):
    mature = load_training_set(warehouse, horizon=H)
    data = load_training_set(warehouse, open_windows=True, horizon=H)
    assert data.labelled_until == m("2024-09") and data.observed_until == m("2025-06")
    assert mature.months()[-1] == "2024-09" and data.months()[-1] == "2025-02"  # 2025-02 + 1 + 3 = 2025-06
    assert data.labelled_months() == mature.months()
    # the labelled rows are read as before
    n = len(mature)
    assert np.array_equal(data.X[:n], mature.X, equal_nan=True) and np.array_equal(data.y[:n], mature.y)
    # a later row is positive exactly when its judgment fell within its observed months
    later = data.take(data.month > data.labelled_until)
    ahead = later.meta["_judged"].to_numpy() - later.month
    observed = np.minimum(H, m("2025-06") - 3 - later.month)
    reported = later.meta["_known"].to_numpy() <= m("2025-06")
    assert np.array_equal(later.y.astype(bool), (ahead >= 1) & (ahead <= observed) & reported)
    assert later.y.any() and not later.y.all()
    # no household judged before its snapshot
    assert (later.meta["_judged"].to_numpy() > later.month).all()


def test_a_fold_learns_only_what_was_known_at_its_date(warehouse):
    data = load_training_set(warehouse, open_windows=True, horizon=H)
    config = TrainConfig(horizon=H)
    as_of = m("2024-08")
    rows = open_window_rows(data, config, as_of=as_of, start=m("2023-01"), held_out=["2023-06"])
    month = rows.month
    assert month.max() == as_of - 4  # the last snapshot with one month reported
    assert m("2023-06") not in set(month.tolist())
    # every positive's judgment was dated within its window and reported by the fold's date
    pos = rows.meta[rows.y.astype(bool)]
    assert (pos["_known"].to_numpy() <= as_of).all()
    assert (pos["_judged"].to_numpy() <= as_of - 3).all()
    # a judgment reported after the fold's date is a negative there, though the loaded label knows it
    late = (data.meta["_known"].to_numpy() > as_of) & (data.meta["_judged"].to_numpy() <= as_of - 3) & (
        data.month <= as_of - 4) & (data.meta["_judged"].to_numpy() > data.month)
    assert late.any()
    keys = set(zip(data.meta["household_key"].astype(str)[late], data.month[late], strict=True))
    seen = rows.meta.assign(k=list(zip(rows.meta["household_key"].astype(str), month, strict=True)))
    assert not seen[seen["k"].isin(keys)][LABEL].any()
    # offsets: none on the full windows, negative on the open ones
    full = windows.observed_months(month, as_of, horizon=H, delay=3) == H
    assert (rows.offset[full] == 0).all() and (rows.offset[~full] < 0).all()


def test_open_windows_change_only_the_fits_not_the_months_tested(warehouse):
    data = load_training_set(warehouse, open_windows=True, horizon=H)
    mature = load_training_set(warehouse, horizon=H)
    config = TrainConfig(param_grid=TrainConfig().param_grid[:1], n_splits=2, horizon=H)
    splits = make_splits(mature.months(), mature_until=mature.months()[-1], n_splits=2, horizon=H)
    a, _ = backtest(data, config, config.param_grid[0], splits)
    b, _ = backtest(mature, config, config.param_grid[0], splits)
    assert a[["household_key", "snapshot_month", LABEL]].equals(b[["household_key", "snapshot_month", LABEL]])
    assert not np.allclose(a["model"], b["model"])  # the open windows were learnt from


def test_training_with_open_windows_reports_them_and_is_deterministic(warehouse):
    data = load_training_set(warehouse, open_windows=True, horizon=H)
    config = TrainConfig(param_grid=TrainConfig().param_grid[:1], n_splits=2, horizon=H)
    r1, r2 = train(data, config), train(data, config)
    assert r1.train_months[-1] == "2025-02" and not set(r1.calibration_months) & set(r1.train_months)
    assert r1.booster.model_to_string() == r2.booster.model_to_string()
    off = train(data, TrainConfig(param_grid=config.param_grid, n_splits=2, horizon=H, open_windows=False))
    assert off.train_months[-1] < "2024-09"
    assert set(r1.evaluation["scorer"]) == {"model", "rule", "logistic"}


def test_a_set_without_open_windows_trains_as_before(panel):
    data = TrainingSet.from_frame(panel[panel["snapshot_month"] < "2025-01-01"])
    assert not data.has_open_windows and data.labelled_months() == data.months()
    assert data.offset is None and len(FEATURE_NAMES) == data.X.shape[1]


def test_never_judged_open_rows_are_sampled_once_and_weighted_back(warehouse):
    full = load_training_set(warehouse, open_windows=True, horizon=H)
    sampled = load_training_set(warehouse, open_windows=True, horizon=H, max_open_negatives=2_000)
    again = load_training_set(warehouse, open_windows=True, horizon=H, max_open_negatives=2_000)
    assert sampled.digest() == again.digest()  # the same rows each time

    def parts(d):
        later = d.month > d.labelled_until
        never = d.meta["_judged"].to_numpy() == windows.NEVER
        return d.take(~later), d.take(later & ~never), d.take(later & never)

    (fm, fj, fn), (sm, sj, sn) = parts(full), parts(sampled)
    assert sm.digest() == fm.digest() and sj.digest() == fj.digest()  # labelled rows, judged households: all
    assert 1_700 <= len(sn) <= 2_300 < len(fn)
    w = sn.meta["weight"].to_numpy()
    assert (w == w[0]).all() and w[0] > 1
    assert sn.meta["weight"].sum() == pytest.approx(len(fn), rel=0.1)  # they stand for all
    assert not sn.y.any()
