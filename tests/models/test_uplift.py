"""The uplift report: benefit targeting finds who benefits when it is not who is most at risk."""

import json

import duckdb
import numpy as np
import pandas as pd

from models.uplift import compare_targeting, policy_value, top_share, write_uplift


def randomised(n=6000, seed=0):
    """Risk grows with `stage`; outreach helps only early stages (stage 0), as in the demo city."""
    rng = np.random.default_rng(seed)
    stage = rng.integers(0, 3, n)
    arrears = rng.gamma(1.5, 1.0, n)
    p = np.full(n, 0.5)
    arm = np.where(rng.random(n) < p, "outreach", "holdout")
    base = 0.08 + 0.12 * stage + 0.02 * arrears
    effect = np.where(stage == 0, 0.08, 0.0)
    risk = np.clip(base - effect * (arm == "outreach"), 0, 1)
    y = (rng.random(n) < risk).astype(int)
    return pd.DataFrame({"household_key": [f"h{i}" for i in range(n)], "arm": arm, "assignment_probability": p,
                         "risk": base, "judgment_within_horizon": y, "stage": stage, "arrears": arrears})


def test_benefit_targeting_beats_risk_targeting_when_benefit_is_elsewhere():
    frame = randomised(12000)
    r = compare_targeting(frame, features=["stage", "arrears"], shares=(0.3,))
    row = r["comparison"][0]
    assert r["status"] == "ok"
    benefit = row["benefit_targeting_averted_per_100"]["estimate"]
    risk = row["risk_targeting_averted_per_100"]["estimate"]
    assert benefit > risk + 3.0  # ~8 per 100 reached against ~0
    assert row["overlap"] < 0.5


def test_policy_value_of_everyone_is_the_itt():
    frame = randomised(20000, seed=1)
    everyone = policy_value(frame, np.ones(len(frame), dtype=bool))
    assert policy_value(frame, (frame["stage"] == 0).to_numpy())["ci_low"] > 4  # 8 per 100 reached there
    # true: 8 per 100 on the third of households at stage 0
    assert everyone["ci_low"] < 100 * 0.08 / 3 < everyone["ci_high"]


def test_top_share_is_reproducible():
    assert top_share(np.array([0.1, 0.5, 0.5, 0.2]), 0.5).tolist() == [False, True, True, False]


def test_too_few_rows_says_so_and_is_never_deployed(tmp_path):
    small = randomised(100)
    assert compare_targeting(small, features=["stage", "arrears"])["status"] == "too_few_rows"
    path = write_uplift(duckdb.connect(), tmp_path)
    report = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "uplift.json" and report["deployed"] is False and report["status"] == "too_few_rows"
    assert "jamais appliqué sans décision du comité" in report["notice_fr"]
