import hashlib

import numpy as np
import pandas as pd
import pytest

from features.declare import FEATURE_NAMES
from models import reasons
from models.score import outreach, risk_band, score
from models.train import TrainConfig, rule_score, train

CONFIG = TrainConfig(train_months=6, calibration_months=2, n_splits=2, max_rounds=150,
                     param_grid=({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 40, "feature_fraction": 1.0},))


@pytest.fixture(scope="module")
def trained(panel):
    return train(panel, CONFIG)


def test_model_beats_chance_and_sits_beside_both_baselines(trained):
    ev = trained.evaluation.set_index(["scorer", "month"])
    assert {"model", "logistic", "rule"} <= set(trained.evaluation["scorer"])
    assert ev.loc[("model", "all"), "roc_auc"] > 0.75
    assert ev.loc[("model", "all"), "lift_at_k"] > 3


def test_backtest_scores_are_out_of_time(trained):
    bt = trained.backtest_scores
    assert {"household_key", "snapshot_month", "model", "rule", "logistic"} <= set(bt.columns)
    assert bt["snapshot_month"].min() > __import__("pandas").Timestamp(trained.train_months[0])


def test_same_data_and_seed_give_the_same_model_file(panel):
    a = train(panel, CONFIG).booster.model_to_string()
    b = train(panel, CONFIG).booster.model_to_string()
    assert hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()


def test_calibrated_probabilities_are_monotone_in_the_score(trained, panel):
    raw = np.linspace(-8, 4, 50)
    p = trained.calibrator(raw)
    assert np.all(np.diff(p) >= 0) and p.min() >= 0 and p.max() <= 1


def test_rule_baseline_ranks_procedures_first(panel):
    s = rule_score(panel.head(200))
    flagged = (panel.head(200)["commandements_24m"] > 0).to_numpy()
    if flagged.any() and (~flagged).any():
        assert s[flagged].min() > s[~flagged & (panel.head(200)["arrears_months"].fillna(0) < 2).to_numpy()].max()


def test_shap_contributions_add_up_to_the_raw_score(trained, panel):
    X = panel.head(300)
    contrib = reasons.contributions(trained.booster, X)
    raw = trained.booster.predict(X[list(FEATURE_NAMES)], raw_score=True)
    np.testing.assert_allclose(contrib.sum(axis=1), raw, atol=1e-6)


def test_reasons_are_grouped_sentences_with_the_households_values(trained, panel):
    X = panel[panel["arrears_months"] > 3].head(20)
    r = reasons.explain(trained.booster, X)
    assert (r.groupby("household_key")["rank"].max() <= 4).all()
    arrears = r[r["reason_group"] == "arrears"]
    assert len(arrears) and arrears["text_fr"].str.contains("mois de loyer impayés").all()
    assert not r["text_fr"].str.contains("sexe|nationalit|handicap").any()


def test_scores_rank_within_sector_and_lists_respect_capacity(trained, panel):
    month = panel[panel["snapshot_month"] == panel["snapshot_month"].max()]
    s = score(month, trained.booster, trained.calibrator, version="test")
    assert (s.groupby("sector")["rank_in_sector"].min() == 1).all()
    lst = outreach(s, capacity=0.02)
    assert lst.groupby("sector").size().to_dict() == {"19e": 15, "7e": 15}
    assert set(risk_band(np.array([0.5, 0.1, 0.05, 0.01]))) == {"tres_eleve", "eleve", "modere", "faible"}


def test_an_unknown_value_is_never_read_out_as_a_reason(trained, panel):
    X = panel[panel["arrears_months"].isna()].head(50)
    r = reasons.explain(trained.booster, X)
    assert not r["text_fr"].str.contains("inconnu").any()


def test_out_of_time_probabilities_are_calibrated_and_scored_by_brier(trained):
    ev = trained.evaluation.set_index(["scorer", "month"])
    assert 0 < ev.loc[("model", "all"), "brier"] < 0.05
    cal = trained.calibration
    assert len(cal) == 10 and abs(cal["predicted"].mean() - cal["observed"].mean()) < 0.02


def test_the_same_model_file_at_one_and_two_threads(panel):
    from dataclasses import replace

    one = train(panel, CONFIG).booster.model_to_string()
    two = train(panel, replace(CONFIG, threads=2)).booster.model_to_string()
    strip = lambda s: "\n".join(line for line in s.splitlines() if "num_threads" not in line)  # noqa: E731
    assert strip(one) == strip(two)


def test_calibrated_probabilities_never_claim_certainty(trained):
    p = trained.calibrator(np.array([1e-9, 1e-4, 0.5, 0.9999, 1.0]))
    assert np.all(p > 0) and np.all(p < 1)


def test_every_evaluation_carries_the_calibration_error_of_each_test_month(trained):
    ev = trained.evaluation
    model = ev[ev["scorer"] == "model"]
    assert model["ece"].notna().all() and (model["ece"] >= 0).all()
    assert len(model) == len(model["month"].unique()) >= 3  # test months + 'all'


def test_raising_a_risk_criterion_never_lowers_the_score(trained, panel):
    from features.declare import FEATURES

    rising = [f.name for f in FEATURES if f.monotone]
    assert {"procedure_stage_current", "hearing_pending", "arrears_months"} <= set(rising)
    rows = panel[list(FEATURE_NAMES)].head(300).copy()
    base = trained.booster.predict(rows)
    for name in rising:
        higher = rows.assign(**{name: rows[name].fillna(0) + 1})
        lower = rows.assign(**{name: rows[name].fillna(0)})
        assert np.all(trained.booster.predict(higher) >= trained.booster.predict(lower) - 1e-12), name
    assert base.shape == (300,)


def test_both_engines_take_their_parameters_from_one_place():
    """lgbm_params serves fit_lgbm and the Dask engine's fit_dask: the penalty per row becomes an
    absolute lambda_l2 for this fit's rows, the grid point's rounds are taken out."""
    import inspect

    import numpy as np

    from models import dask_train
    from models.train import TrainConfig, lgbm_params

    y = np.array([1, 0, 0, 0] * 250)
    p, rounds = lgbm_params(y, {"num_leaves": 7, "rounds": 600, "l2_per_row": 1e-3}, TrainConfig(seed=3))
    assert rounds == 600 and "rounds" not in p and "l2_per_row" not in p
    assert p["lambda_l2"] == 1.0 and p["seed"] == 3 and p["num_leaves"] == 7
    assert "scale_pos_weight" not in p  # positives are not up-weighted (lgbm_params)
    assert "lgbm_params(" in inspect.getsource(dask_train.fit_dask)


def test_the_logistic_baseline_predicted_in_chunks_equals_one_pass(panel):
    from models.dataset import TrainingSet
    from models.train import fit_logistic, predict_logistic

    rows = TrainingSet.from_frame(panel.iloc[:3000])
    model = fit_logistic(rows, seed=0)
    whole = model.predict_proba(pd.DataFrame(rows.X, columns=list(FEATURE_NAMES)).astype(float))[:, 1]
    assert np.array_equal(predict_logistic(model, rows.X, chunk=701), whole)
    assert predict_logistic(model, rows.X[:0]).shape == (0,)
