import numpy as np
import pytest

from synthetic import dynamics as dyn

D = dyn.Dynamics()


def test_every_transition_row_is_a_probability_distribution():
    T = dyn.transition_matrices(D)
    assert np.all(T >= 0)
    np.testing.assert_allclose(T.sum(axis=-1), 1.0, atol=1e-12)


def test_judgment_and_exit_are_absorbing():
    T = dyn.transition_matrices(D)
    assert np.all(T[:, :, dyn.JUDGMENT, dyn.JUDGMENT] == 1.0)
    assert np.all(T[:, :, dyn.EXIT, dyn.EXIT] == 1.0)


def test_encode_and_decode_are_inverse():
    s = np.arange(dyn.N_LIVE)
    assert np.array_equal(dyn.encode(*dyn.decode(s)), s)


def test_risk_rises_along_the_procedure_for_every_profile():
    R = dyn.risk_within(D)
    none = dyn.encode(1, 3, 0, 0)
    summons = dyn.encode(1, 3, 3, 0)
    assert np.all(R[:, :, summons] > R[:, :, none])
    assert np.all((R >= 0) & (R <= 1 + 1e-12))
    assert np.all(R[:, :, dyn.JUDGMENT] == 1.0) and np.all(R[:, :, dyn.EXIT] == 0.0)


def test_risk_within_one_month_is_the_direct_transition():
    R1 = dyn.risk_within(D, horizon=1)
    T = dyn.transition_matrices(D)
    # state at the end of January: the next step is February (no recess)
    np.testing.assert_allclose(R1[0], T[0, :, :, dyn.JUDGMENT])
    # state at the end of July: the next step is the August recess
    np.testing.assert_allclose(R1[6], T[1, :, :, dyn.JUDGMENT])


def test_august_recess_slows_hearings():
    T = dyn.transition_matrices(D)
    s = dyn.encode(0, 4, 3, 0)
    assert np.all(T[1, :, s, dyn.JUDGMENT] < T[0, :, s, dyn.JUDGMENT])


@pytest.mark.parametrize("stage", [0, 1, 2])
def test_outreach_lowers_the_risk_of_households_in_arrears(stage):
    T = dyn.transition_matrices(D)
    s = dyn.encode(1, 2, stage, 0)
    g = dyn.profile_index(dyn.PRIVATE, 0, 3, 1)
    # one month of contact, then the ordinary process for 11 months
    h = np.zeros(dyn.N_STATES)
    h[dyn.JUDGMENT] = 1.0
    for _ in range(11):
        h = T[0, g] @ h
    assert T[2, g, s] @ h < T[0, g, s] @ h


def test_earlier_contact_helps_more():
    T = dyn.transition_matrices(D)
    g = dyn.profile_index(dyn.SOCIAL, 0, 2, 0)
    gain = []
    for stage in (1, 3):
        s = dyn.encode(1, 3, stage, 0)
        plan = dyn.encode(1, 3, stage, 1)
        gain.append(T[2, g, s, plan] - T[0, g, s, plan])
    assert gain[0] > gain[1] > 0


def test_sampler_draws_match_the_transition_matrix():
    rng = np.random.default_rng(0)
    tables = dyn.sampler(D)
    g = dyn.profile_index(dyn.PRIVATE, 1, 2, 1)
    s = dyn.encode(1, 2, 2, 0)
    n = 200_000
    nxt, _ = dyn.step(np.full(n, s, dtype=np.int16), np.full(n, g), 3, rng.random(n), tables)
    freq = np.bincount(nxt, minlength=dyn.N_STATES) / n
    expected = dyn.transition_matrices(D)[0, g, s]
    se = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(freq - expected) <= 5 * se + 1e-6)
