"""The city stepped month by month: same city as `simulate`, exact counterfactual risks."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from synthetic import dynamics as dyn
from synthetic.simulate import HORIZON, City, contact_risk, simulate

D = dyn.Dynamics()


def _digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes() if p.suffix == ".csv" else pd.read_parquet(p).to_csv().encode())
    return h.hexdigest()


def test_stepping_with_nobody_contacted_is_the_one_shot_city(tmp_path):
    simulate(tmp_path / "a", households=600, months=3, seed=5, progress=False)
    city = City(tmp_path / "b", households=600, months=3, seed=5, contact_rate=0.6, progress=False)
    while not city.done:
        city.step(outreach=[])
    city.finish()
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_each_window_month_is_written_when_it_is_simulated(tmp_path):
    city = City(tmp_path, households=400, months=2, seed=3, progress=False)
    while city.month != city.window[0]:
        city.step()
    assert not (tmp_path / "landing").exists()
    city.step()
    first = str(city.window[0])
    for source in ("menages", "justice", "caf"):
        assert any(p.stem == first for p in (tmp_path / "landing" / source).iterdir()), source
    assert not any(p.stem == str(city.window[1]) for p in (tmp_path / "landing" / "justice").iterdir())


def _in_procedure(city, k):
    """k live households with a procedure started (where outreach matters)."""
    _, a, p, _ = dyn.decode(np.where(city.state < dyn.N_LIVE, city.state, 0))
    rows = np.nonzero(city.active & (city.state < dyn.N_LIVE) & (a >= 1))[0]
    rows = rows[np.argsort(-p[rows], kind="stable")][:k]
    return list(city.hh["id_menage"][rows])


def test_the_holdout_is_never_contacted_and_the_truth_has_one_row_per_assignment(tmp_path):
    city = City(tmp_path, households=3_000, months=3, seed=9, contact_rate=0.6, progress=False)
    while city.month != city.window[1]:
        city.step()
    ids = _in_procedure(city, 200)
    arms = np.where(np.arange(len(ids)) % 2 == 0, "outreach", "holdout")
    city.step(assignments=pd.DataFrame({"id_menage": ids, "arm": arms, "assignment_probability": 0.5}))
    done = city.last_outcomes()
    assert done.loc[done["arm"] == "holdout", "outcome"].isna().all()
    reached = done[done["arm"] == "outreach"]
    assert ((reached["outcome"] == "injoignable") == ~reached["contacted"]).all()
    city.finish()
    out = pd.read_parquet(tmp_path / "truth" / "outreach.parquet")
    # the list month is the snapshot it was built from; contact happened the month after
    assert len(out) == 200 and set(out["month"]) == {str(city.window[0])}
    assert not out.loc[out["arm"] == "holdout", "contacted"].any()
    rate = out.loc[out["arm"] == "outreach", "contacted"].mean()
    assert 0.4 < rate < 0.8  # contact rate 0.6
    assert out["judgment_within_12m"].notna().all()
    # outreach can only lower the risk, and does for households in arrears
    gap = out["p_judgment_12m_if_holdout"] - out["p_judgment_12m_if_outreach"]
    assert (gap >= -1e-12).all() and gap.mean() > 0


def test_unknown_ids_and_arms_are_refused(tmp_path):
    city = City(tmp_path, households=300, months=1, seed=1, progress=False)
    with pytest.raises(ValueError, match="inconnus"):
        city.step(outreach=["M99999999"])
    with pytest.raises(ValueError, match="colonne arm"):
        city.step(assignments=pd.DataFrame({"id_menage": ["M00000001"], "arm": ["maybe"]}))
    with pytest.raises(ValueError, match="contact_rate"):
        City(tmp_path, households=300, months=1, contact_rate=1.5)


def test_not_contacted_risk_is_the_twelve_month_truth():
    month = pd.Period("2025-07", freq="M")  # steps cross the August recess
    R = dyn.risk_within(D, HORIZON)
    g = np.repeat(np.arange(dyn.N_PROFILES), dyn.N_LIVE)
    s = np.tile(np.arange(dyn.N_LIVE), dyn.N_PROFILES)
    _, p_not = contact_risk(D, month=month, profiles=g, states=s)
    np.testing.assert_allclose(p_not, R[(month - 1).month - 1, g, s], atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("contacted", [False, True])
def test_counterfactual_risk_matches_a_monte_carlo_resimulation(contacted):
    rng = np.random.default_rng(4)
    tables = dyn.sampler(D)
    month = pd.Period("2025-06", freq="M")
    n = 100_000
    for g, s in ((dyn.profile_index(dyn.PRIVATE, 0, 3, 1), dyn.encode(1, 3, 1, 0)),
                 (dyn.profile_index(dyn.SOCIAL, 1, 2, 0), dyn.encode(1, 4, 2, 0))):
        p_c, p_n = contact_risk(D, month=month, profiles=[g], states=[s])
        expected = (p_c if contacted else p_n)[0]
        states = np.full(n, s, dtype=np.int16)
        prof = np.full(n, g)
        for k in range(HORIZON):
            cal = (month + k).month
            states, _ = dyn.step(states, prof, cal, rng.random(n), tables,
                                 np.full(n, contacted and k == 0))
        freq = (states == dyn.JUDGMENT).mean()
        se = np.sqrt(expected * (1 - expected) / n)
        assert abs(freq - expected) <= 5 * se, (g, s, freq, expected)
