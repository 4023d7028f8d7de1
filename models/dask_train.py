"""The `dask` training engine: the same model as models/train.py, fitted with lightgbm.dask on
a Dask cluster (a LocalCluster of N worker processes, or an existing cluster's scheduler).

Same steps as `models.train.train` (tuning on forward-in-time folds, the final fit on the
mature months, Platt calibration on the newest, both baselines beside it), the same
parameters (`base_params`), the same metrics; only each LightGBM fit runs data-parallel on
the workers. The result is an ordinary `lgb.Booster`, so the registry stores the usual text
model and scoring and explanations do not change. The training frame comes from the lake
(features/lake.py) joined with the warehouse's labels.

LightGBM-on-Dask pitfalls, handled here (docs/models.md):
- ports: each fit opens a fresh listening port per worker (lightgbm picks open ones), so ports
  left in TIME_WAIT by the previous fit are never reused; `time_out` caps a stuck network
  setup at TIME_OUT_MINUTES instead of LightGBM's 120.
- one training at a time: LightGBM's workers all join one network, so two fits sharing
  workers deadlock; every fit holds the cluster-wide `distributed.Lock(LOCK_NAME)`.
- early stopping is not supported by lightgbm.dask: each point of the grid states its rounds.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import warnings
from collections.abc import Iterator

import lightgbm as lgb

from features.declare import FEATURE_NAMES
from models.dataset import TrainingSet, load_training_set
from models.train import TrainConfig, TrainResult, lgbm_params, open_negatives_cap
from models.train import train as train_model

LOCK_NAME = "abri-lightgbm-training"
TIME_OUT_MINUTES = 5


@contextlib.contextmanager
def dask_client(*, workers: int, scheduler: str | None = None) -> Iterator:
    """A client on the cluster at `scheduler` ('tcp://host:8786'), else on a LocalCluster of
    `workers` single-threaded processes (closed on exit)."""
    from distributed import Client, LocalCluster

    if workers < 1:
        raise ValueError(f"--workers {workers} : au moins un worker")
    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def lake_training_set(con, *, lake, open_windows: bool = True, max_open_negatives: int | None = None) -> TrainingSet:
    """`models.dataset.load_training_set`, but the features read from the lake's Parquet
    (lake/features/month=*/) and joined with the warehouse's labels."""
    from features.lake import lake_months, read_sql

    if not lake_months(lake, "features"):
        raise ValueError(f"lac vide ({lake}/features) : lancez d'abord `abri features`")
    return load_training_set(con, features=read_sql(lake, "features"), open_windows=open_windows,
                             max_open_negatives=max_open_negatives)


def fit_dask(client, train: TrainingSet, params: dict, config: TrainConfig, *, workers: int,
             rounds: int | None = None) -> lgb.Booster:
    """models.train.fit_lgbm's model (same parameters: lgbm_params), fitted
    by lightgbm.dask with the rows split across the workers; returns a local Booster."""
    import dask.array as da
    from distributed import Lock

    y, w = train.y.astype(int), train.weight
    p, fixed = lgbm_params(y, params, config, w)  # the same parameters as fit_lgbm, L2 per row included
    p["time_out"] = TIME_OUT_MINUTES
    p.pop("metric", None)  # no validation set: nothing to measure during boosting
    p.pop("num_threads", None)  # lightgbm.dask uses each worker's own threads
    chunk = max(1, math.ceil(len(y) / workers))
    x = da.from_array(train.X, chunks=(chunk, len(FEATURE_NAMES)))
    label = da.from_array(y, chunks=chunk)
    weight = da.from_array(w, chunks=chunk) if w is not None else None
    offset = da.from_array(train.offset, chunks=chunk) if train.offset is not None else None  # open windows
    model = lgb.DaskLGBMClassifier(client=client, n_estimators=rounds or fixed or config.max_rounds, **p)
    with Lock(LOCK_NAME), warnings.catch_warnings():  # one LightGBM network at a time on these workers
        # the rows travel from the client (see "Where the data sits", docs/models.md); n_jobs is the workers'
        warnings.filterwarnings("ignore", message="(Sending large graph|Parameter n_jobs)")
        model.fit(x, label, sample_weight=weight, init_score=offset, feature_name=list(FEATURE_NAMES))
    return model.booster_


def train_dask(frame: TrainingSet, config: TrainConfig = TrainConfig(), *, client, workers: int,
               progress=None) -> TrainResult:
    """`models.train.train` with each fit on the Dask cluster (fixed rounds: lightgbm.dask stops
    no boosting early), the workers' CPU counted in the energy estimate."""
    return train_model(frame, config, progress,
                 fit=lambda rows, _valid, params, rounds=None: fit_dask(client, rows, params, config,
                                                                         workers=workers, rounds=rounds),
                 other_cpu=lambda: _workers_cpu(client))


def _workers_cpu(client) -> float:
    """CPU seconds the workers' processes have used: the energy estimate counts them too."""
    return float(sum(client.run(time.process_time).values()))


def train_candidate_dask(con, registry, config: TrainConfig = TrainConfig(), *, workers: int,
                         scheduler: str | None = None, progress=None) -> str:
    """models.workflow.train_candidate on the Dask engine, reading the lake beside the warehouse;
    the metadata records `engine` and `workers`. Returns the version."""
    from features.lake import lake_of
    from models.workflow import train_candidate

    lake = lake_of(con)
    if lake is None:
        raise ValueError("le moteur dask lit le lac : un entrepôt en fichier est nécessaire")
    frame = lake_training_set(con, lake=lake, open_windows=config.open_windows,
                              max_open_negatives=open_negatives_cap(config))
    with dask_client(workers=workers, scheduler=scheduler) as client:
        n = len(client.scheduler_info().get("workers", {})) or workers

        def trainer(f, c, progress=None):
            return train_dask(f, c, client=client, workers=n, progress=progress)

        return train_candidate(con, registry, config, progress=progress, frame=frame, trainer=trainer,
                               extra_metadata={"engine": "dask", "workers": n,
                                               "scheduler": "existing" if scheduler else "local"})
