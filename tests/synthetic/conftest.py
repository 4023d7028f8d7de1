import pytest

from synthetic.simulate import simulate


@pytest.fixture(scope="session")
def small_city(tmp_path_factory):
    """A small demo city: 2,000 households, 6 months of extracts."""
    home = tmp_path_factory.mktemp("city")
    summary = simulate(home, households=2_000, months=6, seed=7, progress=False)
    return home, summary


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory):
    """A demo-sized city (20,000 households, 24 months): for calibration checks."""
    home = tmp_path_factory.mktemp("demo")
    summary = simulate(home, households=20_000, months=24, seed=11, progress=False)
    return home, summary
