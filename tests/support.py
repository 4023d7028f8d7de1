"""Helpers shared by tests of several packages."""


def trained_warehouse(panel, home, *, max_rounds=60):
    """A warehouse with the panel's features and mature labels, and one candidate trained on it.
    Returns the candidate's version; the registry is home/models."""
    import duckdb

    from models.registry import ModelRegistry
    from models.train import TrainConfig
    from models.workflow import train_candidate

    config = TrainConfig(train_months=6, calibration_months=2, n_splits=2, max_rounds=max_rounds,
                         param_grid=({"num_leaves": 7, "learning_rate": 0.1, "min_data_in_leaf": 40,
                                      "feature_fraction": 1.0},))
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.register("f", panel.drop(columns=["judgment_within_horizon", "judgment_date"]))
    con.execute("CREATE TABLE features AS SELECT * FROM f")
    con.register("l", panel[panel["snapshot_month"] < "2025-01-01"][
        ["household_key", "snapshot_month", "judgment_within_horizon", "judgment_date"]])
    con.execute("CREATE TABLE labels AS SELECT * FROM l")
    version = train_candidate(con, ModelRegistry(home / "models"), config)
    con.close()
    return version


def add_audit_attributes(home, seed=0):
    """Random audit attributes for every (household_key, snapshot_month) of home's features, so
    that the committee's audit, explanations and mitigation can run on a trained_warehouse."""
    import duckdb
    import numpy as np

    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        keys = con.execute("SELECT household_key, snapshot_month FROM features").df()
        rng = np.random.default_rng(seed)
        n = len(keys)
        attrs = keys.assign(
            sexe=rng.choice(["F", "M"], n), age_band=rng.choice(["<30", "30-59", "60+"], n),
            nationalite=rng.choice(["FR", "UE", "hors UE"], n), famille_monoparentale=rng.random(n) < 0.2,
            handicap=rng.random(n) < 0.1, qpv=rng.random(n) < 0.3, tenure=rng.choice(["social", "prive"], n),
            arrondissement=rng.choice([18, 19, 20], n))
        con.register("a", attrs)
        con.execute("CREATE OR REPLACE TABLE audit_attributes AS SELECT * FROM a")
