"""The feature table's checks (features/checks.py): each passes on sound data and fails on the
defect it guards against, on tiny frames built here."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from features import checks

FEATURES = ["arrears_months", "income"]


def _sample(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.2
    return pd.DataFrame({"arrears_months": np.where(y, rng.gamma(2, 1, n), rng.gamma(1, 1, n)),
                         "income": rng.lognormal(7, 0.5, n), "y": y.astype(int)})


def test_sound_features_pass_the_leakage_check():
    passed, meta = checks.leakage(FEATURES, _sample(), features=FEATURES)
    assert passed and meta["protected_in_features"] == "aucun" and meta["leaking_features"] == "aucun"


def test_a_protected_attribute_among_the_features_fails_the_leakage_check():
    passed, meta = checks.leakage([*FEATURES, "nationalite"], _sample(), features=FEATURES)
    assert not passed and meta["protected_in_features"] == "nationalite"


def test_a_feature_that_gives_the_label_away_fails_the_leakage_check():
    sample = _sample().assign(judgment_seen=lambda d: d["y"] * 3.0)  # the outcome copied in
    passed, meta = checks.leakage([*FEATURES, "judgment_seen"], sample, features=[*FEATURES, "judgment_seen"])
    assert not passed and meta["leaking_features"] == "judgment_seen"
    assert meta["best_single_feature_auc"]["judgment_seen"] == 1.0


def test_a_feature_that_ranks_the_label_backwards_leaks_as_much():
    sample = _sample().assign(inverse=lambda d: -d["y"].astype(float))
    assert not checks.leakage(FEATURES, sample, features=["inverse"])[0]


def test_the_leakage_check_without_labels_judges_only_the_columns():
    assert checks.leakage(FEATURES, None, features=FEATURES)[0]
    assert not checks.leakage(["sexe"], None, features=FEATURES)[0]


def test_a_feature_missing_everywhere_fails_the_null_rate_check():
    month = _sample()[FEATURES]
    assert checks.null_rates(month.isna().mean())[0]
    month["income"] = np.nan  # a partner stopped delivering
    passed, meta = checks.null_rates(month.isna().mean())
    assert not passed and meta["always_null"] == "income" and meta["null_rates"]["income"] == 1.0


def test_a_shifted_distribution_fails_the_shift_check():
    before, after = _sample(seed=1), _sample(seed=2)
    assert checks.shift(before, after, features=FEATURES)[0]
    after["income"] = after["income"] * 3  # e.g. a unit change at the partner
    passed, meta = checks.shift(before, after, features=FEATURES)
    assert not passed and meta["shifted"] == "income" and meta["psi"]["income"] > checks.PSI_ALERT


def test_a_feature_that_stops_arriving_shows_as_a_shift():
    before, after = _sample(seed=1), _sample(seed=2)
    after["arrears_months"] = np.nan
    assert "arrears_months" in checks.shift(before, after, features=FEATURES)[1]["shifted"]


@pytest.fixture
def warehouse(panel):
    con = duckdb.connect()
    con.register("p", panel)
    con.execute("CREATE TABLE features AS SELECT * EXCLUDE (judgment_within_horizon, judgment_date) FROM p")
    con.execute("CREATE TABLE labels AS SELECT household_key, snapshot_month, judgment_within_horizon FROM p")
    yield con
    con.close()


def test_the_warehouse_checks_pass_on_a_sound_panel_and_fail_on_a_leak(warehouse):
    assert checks.leakage_in_warehouse(warehouse, sample=5000)[0]
    assert checks.shift_in_warehouse(warehouse)[0]
    warehouse.execute("ALTER TABLE features ADD COLUMN sexe VARCHAR")
    assert not checks.leakage_in_warehouse(warehouse, sample=5000)[0]


def test_the_warehouse_null_rate_check_reads_the_latest_month_only(warehouse):
    before = checks.null_rates_in_warehouse(warehouse)[1]  # the panel leaves most features empty
    assert "income" not in before["always_null"].split(", ") and before["null_rates"]["income"] == 0
    warehouse.execute("UPDATE features SET income = NULL WHERE snapshot_month = (SELECT max(snapshot_month) "
                      "FROM features)")
    passed, meta = checks.null_rates_in_warehouse(warehouse)
    assert not passed and "income" in meta["always_null"].split(", ")
    warehouse.execute("UPDATE features SET arrears_months = NULL WHERE snapshot_month < (SELECT max(snapshot_month) "
                      "FROM features)")
    assert "arrears_months" not in checks.null_rates_in_warehouse(warehouse)[1]["always_null"].split(", ")


def test_one_month_has_nothing_to_compare(warehouse):
    warehouse.execute("DELETE FROM features WHERE snapshot_month < (SELECT max(snapshot_month) FROM features)")
    passed, meta = checks.shift_in_warehouse(warehouse)
    assert passed and "un seul mois" in meta["note"]
