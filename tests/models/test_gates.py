"""Gates: a version worse than the rule is refused, champion and challenger are compared on the
same months, a withdrawn champion hands over to the previous approved one, else the rule."""

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models.registry import ModelRegistry, RegistryError, gate, not_worse, serving_version


def meta(model: float, rule: float, ece: float | None = None) -> dict:
    row = {"scorer": "model", "precision_at_k": model, **({"ece": ece} if ece is not None else {})}
    return {"metrics": [row, {"scorer": "rule", "precision_at_k": rule}, {"scorer": "logistic", "precision_at_k": 0.2}]}


def test_a_version_below_the_rule_is_refused():
    ok, why = gate(meta(0.320, 0.362))
    assert not ok and "inférieure à celle de la règle" in why[0]


def test_a_version_at_least_as_good_as_the_rule_passes_and_an_unmeasured_ece_is_said():
    ok, why = gate(meta(0.40, 0.36))
    assert ok and any("non mesurée" in w for w in why)


def test_a_calibration_error_beyond_the_tolerance_is_refused():
    assert not gate(meta(0.40, 0.36, ece=0.05))[0]
    assert gate(meta(0.40, 0.36, ece=0.05), ece_tolerance=0.06)[0]
    assert gate(meta(0.40, 0.36, ece=0.01))[0]


def test_metadata_without_the_rules_row_cannot_pass():
    assert not gate({"metrics": [{"scorer": "model", "precision_at_k": 0.5}]})[0]


def backtest_rows(version: str, month: str, hit: bool, n: int = 100) -> pd.DataFrame:
    """One backtest month: the top-1 household (k = 1 at 1%) is judged when `hit`."""
    y = np.zeros(n, dtype=bool)
    y[0] = hit
    y[50] = True
    return pd.DataFrame({"household_key": [f"h{i:03d}" for i in range(n)], "snapshot_month": pd.Timestamp(month),
                         "model_version": version, "score": np.linspace(1, 0, n), "judgment_within_horizon": y})


def test_not_worse_compares_challenger_and_champion_on_the_months_both_have():
    # the champion hit on its two older months only; on the two months both share it missed,
    # as the challenger did once: on its own months the champion would look far better
    bt = pd.concat([backtest_rows("champ", "2023-11-01", True), backtest_rows("champ", "2023-12-01", True),
                    backtest_rows("champ", "2024-01-01", False), backtest_rows("champ", "2024-02-01", False),
                    backtest_rows("chal", "2024-01-01", True), backtest_rows("chal", "2024-02-01", False),
                    backtest_rows("chal", "2024-03-01", False)])
    ok, why = not_worse(bt, challenger="chal", champion="champ", tolerance=0.0)
    assert ok and "mêmes 2 mois (2024-01 à 2024-02)" in why and "0,500 contre 0,000" in why
    ok, why = not_worse(bt, challenger="champ", champion="chal", tolerance=0.0)
    assert not ok


def test_without_a_month_in_common_the_comparison_is_refused():
    bt = pd.concat([backtest_rows("champ", "2023-11-01", True), backtest_rows("chal", "2024-01-01", True)])
    ok, why = not_worse(bt, challenger="chal", champion="champ")
    assert not ok and "aucun mois de validation commun" in why


@pytest.fixture(scope="module")
def booster():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.random(200)})
    return lgb.train({"objective": "binary", "verbosity": -1, "num_threads": 1, "min_data_in_leaf": 5},
                     lgb.Dataset(X, label=(X["x"] > 0.5).astype(int)), num_boost_round=2)


@pytest.fixture
def registry(tmp_path, booster):
    reg = ModelRegistry(tmp_path / "models")
    versions = [reg.save(booster, {"as_of": f"2025-0{i}", **meta(0.4 + i / 100, 0.36)}) for i in (1, 2, 3)]
    return reg, versions


def test_retiring_the_champion_hands_over_to_the_previous_approved_champion(registry):
    reg, (v1, v2, _) = registry
    reg.promote(v1, approved=True)
    reg.promote(v2, approved=True)
    assert reg.status(v1) == "retired" and reg.champion() == v2
    assert reg.retire(v2, reason="rejet du comité") == v1
    assert reg.champion() == v1 and reg.status(v2) == "retired"
    history = next(e for e in reg.entries() if e["version"] == v2)["history"]
    assert history[-1] == {"status": "retired", "at": history[-1]["at"], "reason": "rejet du comité"}
    # a withdrawn version never comes back: retiring v1 leaves the rule
    assert reg.retire(v1, reason="suspendu") is None
    assert reg.champion() is None
    assert serving_version(reg)[0] is None


def test_a_former_champion_no_longer_approved_does_not_come_back(registry):
    reg, (v1, v2, _) = registry
    reg.promote(v1, approved=True)
    reg.promote(v2, approved=True)
    assert reg.retire(v2, reason="rejet", approved=lambda v: False) is None
    assert reg.champion() is None


def test_a_retirement_needs_a_reason(registry):
    reg, (v1, _, _) = registry
    with pytest.raises(RegistryError, match="motivé"):
        reg.retire(v1, reason=" ")


def test_a_champion_worse_than_the_rule_does_not_serve(tmp_path, booster):
    reg = ModelRegistry(tmp_path / "m")
    v = reg.save(booster, {"as_of": "2025-01", **meta(0.30, 0.36)})
    reg.promote(v, approved=True)
    version, why = serving_version(reg)
    assert version is None and "règle actuelle" in why and v in why


def test_saving_the_same_model_again_never_demotes_the_champion(tmp_path):
    import lightgbm as lgb
    import numpy as np

    from models.registry import ModelRegistry

    x = np.random.default_rng(0).random((200, 3))
    booster = lgb.train({"objective": "binary", "verbosity": -1, "seed": 1, "deterministic": True},
                        lgb.Dataset(x, label=(x[:, 0] > 0.5).astype(int)), 5)
    registry = ModelRegistry(tmp_path)
    version = registry.save(booster, {"as_of": "2026-10"})
    registry.set_status(version, "approved")
    registry.promote(version, approved=True)
    assert registry.save(booster, {"as_of": "2026-10"}) == version
    assert registry.champion() == version and len(registry.entries()) == 1


def test_the_gate_speaks_the_readers_language_and_numbers():
    ok, why = gate(meta(0.320, 0.362, ece=0.05), lang="en")
    assert not ok and why == ["out-of-time precision@k 0.320, below today's rule (0.362)",
                              "calibration error (ECE) 0.050, beyond the tolerance 0.020"]
    assert "0,320" in gate(meta(0.320, 0.362))[1][0]  # French decimal comma
