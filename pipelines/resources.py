"""Resources, configured in one place from the settings (abri.settings: ABRI_HOME, ABRI_CITY,
horizon, capacity, tolerances, seeds...): `build_resources` reads them, assets receive them here
and pass them to the libraries as arguments."""

from __future__ import annotations

import duckdb
from dagster import ConfigurableResource

from abri.city import City, load_city
from abri.config import Paths
from abri.lock import pipeline_lock
from abri.settings import load_settings
from ingest import IngestResult, connect_warehouse, ingest_source

# The Dagster pool of every step that opens the warehouse: DuckDB allows one read-write process
# per file (and no reader beside it), so an instance that runs steps in several processes (the
# multiprocess executor, concurrent runs, a backfill) limits this pool to 1 (dagster.yaml:
# `concurrency: pools: default_limit: 1`); steps outside it (the committee's documents) run freely.
WAREHOUSE = "warehouse"

# the settings' sample sizes AbriResource carries under the same names
SAMPLE_SIZES = ("leakage_sample_rows", "drift_sample_rows", "logistic_max_rows", "train_max_negatives",
                "seed_boosters", "seed_booster_rows", "explanation_sample_rows", "mitigation_max_rows")


class IngestResource(ConfigurableResource):
    """Where ingestion reads and writes; `echo` prints one line per source-month (CLI)."""

    home: str
    echo: bool = False
    force: bool = False  # reload files already loaded (same SHA-256)
    city: str = "paris"  # ABRI_CITY (a name or a .toml path): postcodes and districts are checked against it

    @property
    def paths(self) -> Paths:
        return Paths.from_env(self.home)

    @property
    def city_config(self) -> City:
        return load_city(self.city)

    def ingest(self, source_name: str, month: str) -> IngestResult:
        # a sensor's run and a command never write together (re-entrant under `abri ingest`)
        with pipeline_lock(self.paths, what="ingestion Dagster"):
            result = ingest_source(self.paths, source_name=source_name, month=month, force=self.force,
                                   city=self.city_config)
        if self.echo:
            print("  " + result.line(), flush=True)
        return result

    def warehouse(self) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.paths)


class AbriResource(ConfigurableResource):
    """Everything downstream of ingestion finds its files here: warehouse, model registry,
    reports, serving file and casework store, all under one home."""

    home: str
    # the settings' values (abri.settings.Settings, docs/configuration.md); build_resources fills them
    seed: int = 42
    capacity: float = 0.01
    ece_tolerance: float = 0.02
    horizon_months: int = 12
    court_delay_months: int = 3
    min_cell: int = 11
    fairness_tolerance: list[float] = [0.8, 1.25]
    audit_bootstrap: int = 500
    # sample sizes (ABRI_*_ROWS, ABRI_SEED_BOOSTERS)
    leakage_sample_rows: int = 100_000
    drift_sample_rows: int = 200_000
    logistic_max_rows: int = 300_000
    train_max_negatives: int = 2_000_000
    train_threads: int = 0  # ABRI_TRAIN_THREADS (0: every core)
    seed_boosters: int = 2
    seed_booster_rows: int = 300_000
    explanation_sample_rows: int = 5000
    mitigation_max_rows: int = 200_000
    city: str = "paris"
    demonstration: bool = False
    engine: str = "lightgbm"  # or "dask": models/dask_train.py
    workers: int = 2  # dask: LocalCluster size, unless `scheduler` names an existing cluster
    scheduler: str = ""

    @property
    def paths(self) -> Paths:
        return Paths.from_env(self.home)

    @property
    def city_config(self) -> City:
        return load_city(self.city)

    @property
    def tolerance(self) -> tuple[float, float]:
        return (self.fairness_tolerance[0], self.fairness_tolerance[1])

    def warehouse(self) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.paths)

    @property
    def registry(self):
        from models.registry import ModelRegistry

        return ModelRegistry(self.paths.models)

    @property
    def reports(self):
        return self.paths.reports

    @property
    def serving_path(self):
        return self.paths.serving

    @property
    def casework(self):
        from casework import Casework

        return Casework(self.paths.casework)


def build_resources(home: str | None = None, *, echo: bool = False, demonstration: bool = False,
                    force: bool = False, engine: str = "lightgbm", workers: int = 2,
                    scheduler: str | None = None) -> dict:
    s = load_settings()
    root = str(Paths.from_env(home).home)
    city = s.city.path
    return {"ingest": IngestResource(home=root, echo=echo, force=force, city=city),
            "abri": AbriResource(home=root, demonstration=demonstration, engine=engine, workers=workers,
                                 scheduler=scheduler or "", seed=s.seed, capacity=s.capacity,
                                 ece_tolerance=s.ece_tolerance, horizon_months=s.horizon_months,
                                 court_delay_months=s.court_delay_months, min_cell=s.min_cell,
                                 fairness_tolerance=list(s.fairness_tolerance),
                                 audit_bootstrap=s.audit_bootstrap, city=city, train_threads=s.train_threads,
                                 **{k: getattr(s, k) for k in SAMPLE_SIZES})}
