"""Fixtures shared across packages."""

import numpy as np
import pandas as pd
import pytest

from features.declare import FEATURE_NAMES


@pytest.fixture(scope="session")
def panel():
    """A synthetic household-month panel: risk driven by arrears and the procedure stage."""
    rng = np.random.default_rng(0)
    months = pd.period_range("2023-01", "2025-06", freq="M")
    n = 1500
    rows = []
    for m in months:
        X = pd.DataFrame(np.nan, index=range(n), columns=list(FEATURE_NAMES))
        arrears = np.where(rng.random(n) < 0.15, rng.gamma(1.5, 1.2, n), 0.0)
        stage = np.where(arrears > 2, rng.integers(0, 3, n), 0)
        X["arrears_months"] = np.where(rng.random(n) < 0.7, arrears, np.nan)  # private tenants: unknown
        X["procedure_stage"] = stage
        X["commandements_24m"] = (stage >= 1).astype(float)
        X["caf_unpaid_report"] = (arrears >= 2).astype(float)
        X["energy_unpaid_12m"] = rng.poisson(0.1 + 0.3 * (arrears > 1), n)
        X["income"] = rng.lognormal(7.3, 0.5, n)
        logit = -6 + 0.9 * arrears + 1.2 * stage + 0.4 * X["energy_unpaid_12m"]
        y = rng.random(n) < 1 / (1 + np.exp(-logit))
        X["household_key"] = [f"h{i:05d}" for i in range(n)]
        X["snapshot_month"] = m.to_timestamp()
        X["sector"] = np.where(np.arange(n) % 2 == 0, "19e", "7e")
        X["judgment_within_horizon"] = y
        X["judgment_date"] = pd.to_datetime(np.where(y, (m + int(rng.integers(1, 12))).to_timestamp(), pd.NaT))
        rows.append(X)
    return pd.concat(rows, ignore_index=True)
