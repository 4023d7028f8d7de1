"""One benchmark stage per process, so each reports its own wall time and peak memory.

`python -m benchmarks.stages STAGE --home DIR [--scale demo|paris]` prints one JSON object.
Stages read what the previous ones wrote under DIR (the city, its warehouse, its models). The
floors the figures are compared with are fair: they do the same reading and writing without
the work (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from abri.config import connect_duckdb
from abri.db import transaction
from abri.settings import load_settings


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def stage_simulate(home: Path, households: int | None, scale: str = "paris") -> dict:
    from synthetic.simulate import simulate

    s = simulate(home, scale=scale, households=households, progress=True)
    files = [p for p in (home / "landing").rglob("*") if p.is_file()]
    return {
        "households": s.households, "households_ever": s.households_ever, "months": len(s.months),
        "judgments_per_year": round(s.judgments_per_year), "judgment_rate": round(s.judgment_rate, 5),
        "funnel_per_year": {k: round(v / (len(s.months) / 12)) for k, v in s.funnel.items()},
        "social_in_arrears": round(s.social_in_arrears, 4), "private_in_arrears": round(s.private_in_arrears, 4),
        "files": s.files_written, "rows": s.rows_written,
        "landing_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1), "wall_s": round(s.seconds, 1),
    }


def _landing_files(landing: Path, month: str):
    """(source name, its contract, the path of its file of `month`) for every source."""
    from ingest.contract import SOURCES

    return [(name, src, landing / src.file_name(month)) for name, src in SOURCES.items()]


def _warm(landing: Path, month: str) -> None:
    """Read the month's landing files once, untimed, so that ingestion and its floor both read
    them from the OS's cache: on a machine whose cache is emptied as it goes, a file read from
    disk by one and from the cache by the other would make the disk part of the ratio."""
    for _, _, path in _landing_files(landing, month):
        if path.is_file():
            with open(path, "rb") as f:
                while f.read(1 << 22):
                    pass


def _fair_floor_seconds(landing: Path, months: list[str], scratch: Path) -> float:
    """The floor ingestion is compared with: every file read whole (every column, CSV parsed
    with the contract's dialect as text, Parquet read) and written to a DuckDB file in one
    transaction per file, with the same memory settings; no validation, no hashing, no linkage.
    Each month's files are read once before, untimed, as for ingestion (`_warm`)."""
    db = scratch / "floor.duckdb"
    db.unlink(missing_ok=True)
    con = connect_duckdb(db, home=scratch)
    wall = 0.0
    for m in months:
        _warm(landing, m)
        t0 = time.perf_counter()
        for name, src, path in _landing_files(landing, m):
            if src.format == "parquet":
                read = f"read_parquet('{path}')"
            else:
                enc = "latin-1" if src.encoding == "latin-1" else "utf-8"
                read = (f"read_csv('{path}', delim='{src.separator}', quote='\"', header=true, all_varchar=true, "
                        f"encoding='{enc}')")
            with transaction(con):
                con.execute(f"CREATE TABLE IF NOT EXISTS raw_{name} AS SELECT * FROM {read} LIMIT 0")
                con.execute(f"INSERT INTO raw_{name} BY NAME SELECT * FROM {read}")
        con.execute("CHECKPOINT")  # ingestion checkpoints once a month too
        wall += time.perf_counter() - t0
    con.close()
    db.unlink(missing_ok=True)
    return wall


def stage_ingest(home: Path, months_limit: int | None = None) -> dict:
    """Ingest the city's months (or the first `months_limit`) into a scratch home beside it, so
    the full warehouse the later stages read is left alone when re-measuring."""

    from abri.config import Paths
    from ingest import complete_months, ingest_month

    full = Paths.from_env(home)
    months = complete_months(full)[: months_limit or None]
    scratch = home if not months_limit else home.parent / "ingest_sample"
    if months_limit:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        (scratch / "landing").symlink_to(full.landing.resolve())
    paths = Paths.from_env(scratch)
    for f in (paths.warehouse, paths.home / "identity.duckdb"):
        f.unlink(missing_ok=True)
    wall, rows = 0.0, 0
    for i, m in enumerate(months, 1):
        _warm(full.landing, m)
        t0 = time.perf_counter()
        rows += sum(r.rows_in for r in ingest_month(paths, m))
        wall += time.perf_counter() - t0
        print(f"  ingestion {m} ({i}/{len(months)})", file=sys.stderr, flush=True)
    out = {"months": len(months), "rows": rows, "wall_s": round(wall, 1), "rows_per_s": round(rows / wall),
           "seconds_per_month": round(wall / len(months), 1)}
    floor = _fair_floor_seconds(full.landing, months, paths.home)
    out.update({"fair_floor_s": round(floor, 1), "ratio_to_fair_floor": round(wall / floor, 2)})
    return out


def stage_features(home: Path) -> dict:
    """A full rebuild of features and labels, against one scan of staging plus one write of the
    output (and, for the record, plus the lake's write too); then one month's rebuild against
    one scan of that month's staging."""
    from features.build import build_features, build_labels, summarize
    from features.lake import sync
    from ingest.contract import SOURCES

    con = connect_duckdb(home / "warehouse.duckdb", home=home)

    def scan_staging(where: str = "", params: list | None = None) -> float:
        """One full read (every column of every row) of staging, timed the second time: with the
        files in the OS's cache, as the rebuild reads them. A first read from disk, on a machine
        whose cache was emptied since ingestion, took 97 s and would flatter the ratio."""
        for _ in range(2):  # the second pass is the one timed
            t0 = time.perf_counter()
            for name in SOURCES:
                con.execute(f"SELECT max(COLUMNS(*)) FROM stg_{name} {where}", params or []).fetchall()
        return time.perf_counter() - t0

    scan = scan_staging()
    t0 = time.perf_counter()
    build_features(con, full=True)
    build_labels(con)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()  # one write of the output, as large as the feature table
    con.execute("CREATE TABLE bench_write AS SELECT * FROM features")
    con.execute("CHECKPOINT")
    write = time.perf_counter() - t0
    con.execute("DROP TABLE bench_write")
    # the design's second copy of the output, the lake (features/lake.py): written once, not a
    # goal's floor; it says what the ratio would be if the floor counted both copies
    scratch = home / "bench_lake"
    t0 = time.perf_counter()
    sync(con, lake=scratch, tables=["features"])  # every month of features, as a full rebuild writes them
    lake_write = time.perf_counter() - t0
    shutil.rmtree(scratch, ignore_errors=True)
    last = con.execute("SELECT max(extract_month) FROM stg_menages").fetchall()[0][0]
    month_scan = scan_staging("WHERE extract_month = ?", [last])
    t0 = time.perf_counter()
    build_features(con, months=[last.strftime("%Y-%m")])
    month_wall = time.perf_counter() - t0
    t0 = time.perf_counter()  # one write of the month's output: a floor the goal's scan leaves out
    con.execute("CREATE TABLE bench_write AS SELECT * FROM features WHERE snapshot_month = ?", [last])
    con.execute("CHECKPOINT")
    month_write = time.perf_counter() - t0
    con.execute("DROP TABLE bench_write")
    s = summarize(con)
    con.close()
    return {"feature_rows": s.feature_rows, "label_rows": s.label_rows, "positives": s.positives,
            "wall_s": round(wall, 1), "staging_scan_s": round(scan, 2), "output_write_s": round(write, 2),
            "ratio_to_scan_and_write": round(wall / (scan + write), 2), "lake_write_s": round(lake_write, 2),
            "ratio_to_scan_and_both_writes": round(wall / (scan + write + lake_write), 2),
            "month_wall_s": round(month_wall, 2), "month_scan_s": round(month_scan, 3),
            "month_ratio_to_month_scan": round(month_wall / month_scan, 2), "month_output_write_s": round(month_write, 3),
            "month_ratio_to_scan_and_write": round(month_wall / (month_scan + month_write), 2)}


def stage_monthly(home: Path) -> dict:
    """The monthly run: with 35 months loaded and built, the 36th month's ingestion and features
    (only what it changes), then the same run again with nothing new. The 35-month state is the
    full warehouse without its last month (staging, logs, crosswalk pairs first seen then), in a
    scratch home, so the full warehouse is left alone."""
    import shutil

    from abri.config import Paths
    from features.build import update_panel
    from ingest import complete_months, ingest_month
    from ingest.contract import SOURCES

    full = Paths.from_env(home)
    last = complete_months(full)[-1]
    scratch = home.parent / "monthly_sample"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "secrets").mkdir(parents=True)
    (scratch / "landing").symlink_to(full.landing.resolve())
    shutil.copy(full.key_file, scratch / "secrets" / full.key_file.name)
    for f in (full.warehouse, full.identity_store):
        shutil.copy(f, scratch / f.name)
    paths = Paths.from_env(scratch)
    con = connect_duckdb(paths.warehouse, home=scratch)
    start = f"{last}-01"
    for name in SOURCES:
        con.execute(f"DELETE FROM stg_{name} WHERE extract_month = ?", [start])
    for table in ("quarantine", "ingest_log", "linkage", "crosswalk"):
        con.execute(f"DELETE FROM {table} WHERE extract_month = ?", [start])
    con.execute("""CREATE OR REPLACE TABLE crosswalk_unique AS SELECT link_type, link_hash,
        any_value(household_key) AS household_key FROM crosswalk GROUP BY ALL HAVING count(DISTINCT household_key) = 1""")
    update_panel(con)
    con.close()
    _warm(full.landing, last)  # as for ingestion's figure, the denominator
    t0 = time.perf_counter()
    rows = sum(r.rows_in for r in ingest_month(paths, last))
    ingest_s = time.perf_counter() - t0
    con = connect_duckdb(paths.warehouse, home=scratch)
    t0 = time.perf_counter()
    built = update_panel(con).months
    features_s = time.perf_counter() - t0
    con.close()
    t0 = time.perf_counter()
    skipped = sum(r.skipped for r in ingest_month(paths, last))
    con = connect_duckdb(paths.warehouse, home=scratch)
    rebuilt_again = update_panel(con).months
    con.close()
    unchanged_s = time.perf_counter() - t0
    return {"month": last, "rows": rows, "ingest_s": round(ingest_s, 2), "features_s": round(features_s, 2),
            "wall_s": round(ingest_s + features_s, 2), "months_rebuilt": len(built),
            "unchanged_rerun_s": round(unchanged_s, 2), "unchanged_files_skipped": skipped,
            "unchanged_months_rebuilt": len(rebuilt_again)}


# one configuration at Paris scale: the grid search is a demo-size luxury on 2 cores
PARIS_TRAIN: dict[str, Any] = dict(param_grid=({"num_leaves": 15, "learning_rate": 0.08, "min_data_in_leaf": 500,
                                "feature_fraction": 0.8},), max_rounds=300, early_stopping=30, n_splits=2)


def bench_config():
    """The bench's training configuration, with the threads and negatives cap of the settings."""
    from models.train import TrainConfig

    settings = load_settings()
    return TrainConfig(**PARIS_TRAIN, threads=settings.train_threads, max_negatives=settings.train_max_negatives)


def stage_train(home: Path) -> dict:
    from models.registry import ModelRegistry
    from models.workflow import train_candidate

    con = connect_duckdb(home / "warehouse.duckdb", home=home)
    registry = ModelRegistry(home / "models")
    config = bench_config()
    t0 = time.perf_counter()
    version = train_candidate(con, registry, config)
    wall = time.perf_counter() - t0
    meta = registry.metadata(version)
    return {"version": version, "wall_s": round(wall, 1), "training_rows": meta["rows"]["train"],
            "energy_kwh": meta["energy"]["kwh"], "kg_co2e": meta["energy"]["kg_co2e"],
            "metrics": {m["scorer"]: {k: round(m[k], 4) for k in ("precision_at_k", "recall_at_k", "roc_auc")}
                        for m in meta["metrics"]},
            "lead_time": meta.get("lead_time")}


def stage_score(home: Path) -> dict:
    import shap

    from features.declare import FEATURE_NAMES
    from models import reasons
    from models.registry import ModelRegistry
    from models.workflow import score_month

    con = connect_duckdb(home / "warehouse.duckdb", home=home)
    registry = ModelRegistry(home / "models")
    version = registry.entries()[-1]["version"]
    t0 = time.perf_counter()
    out = score_month(con, registry, version)
    wall = time.perf_counter() - t0
    booster = registry.load(version)
    X = con.execute(f"SELECT household_key, snapshot_month, {', '.join(FEATURE_NAMES)} FROM features "
                    "USING SAMPLE 12000 ROWS (reservoir, 1)").df()
    t0 = time.perf_counter()
    ours = reasons.contributions(booster, X)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = shap.TreeExplainer(booster).shap_values(X[list(FEATURE_NAMES)])
    t_shap = time.perf_counter() - t0
    theirs = theirs[1] if isinstance(theirs, list) else theirs
    return {"scored": out["scored"], "listed": out["listed"], "wall_s": round(wall, 1),
            "households_scored_per_s": round(out["scored"] / wall),
            "explanations_per_s": round(len(X) / t_ours), "shap_treeexplainer_per_s": round(len(X) / t_shap),
            "explanation_speed_ratio": round(t_shap / t_ours, 2),
            "explained_rows": len(X), "max_abs_diff_vs_shap": float(np.abs(ours[:, :-1] - theirs).max())}


def stage_ceiling(home: Path) -> dict:
    """precision@k of the model, the rule and the logistic regression against the ceiling:
    the top-k households by the demo city's true probability, on the same backtest months."""
    import pandas as pd

    from abri.config import Paths
    from ingest import load_key
    from ingest.pseudonym import Pseudonymiser
    from models import metrics

    paths = Paths.from_env(home)
    pz = Pseudonymiser(load_key(paths.key_file))
    con = connect_duckdb(home / "warehouse.duckdb", home=home, read_only=True)
    version = con.execute("SELECT max(model_version) FROM backtest_scores").fetchall()[0][0]
    bt = con.execute("SELECT household_key, strftime(snapshot_month, '%Y-%m') AS month, score, rule, logistic, "
                     "judgment_within_horizon AS y FROM backtest_scores WHERE model_version = ?", [version]).df()
    truth = pd.read_parquet(home / "truth" / "household_months.parquet",
                            columns=["id_menage", "month", "p_judgment_12m"])
    truth = truth[truth["month"].isin(bt["month"].unique())]
    truth["household_key"] = [pz.household_key(i) for i in truth["id_menage"]]
    df = bt.merge(truth[["household_key", "month", "p_judgment_12m"]], on=["household_key", "month"], how="left")
    df["p_judgment_12m"] = df["p_judgment_12m"].fillna(0.0)
    ev = metrics.evaluate(df.rename(columns={"month": "snapshot_month"}), label="y",
                          scores={"model": "score", "rule": "rule", "logistic": "logistic", "ceiling": "p_judgment_12m"})
    p = ev[ev["month"] == "all"].set_index("scorer")["precision_at_k"]
    judged = con.execute("SELECT household_key, judgment_date FROM judgments").df()
    return {"precision_at_k": {k: round(float(v), 4) for k, v in p.items()},
            "model_over_rule": round(float(p["model"] / p["rule"]), 3),
            "model_over_logistic": round(float(p["model"] / p["logistic"]), 3),
            "model_over_ceiling": round(float(p["model"] / p["ceiling"]), 3),
            "rule_over_ceiling": round(float(p["rule"] / p["ceiling"]), 3),
            **lead_against_ceiling(df.merge(judged, on="household_key", how="left"))}


def lead_against_ceiling(df) -> dict:
    """Issue 10's lead time (share of the later-judged households listed 3 or more months before
    their judgment, models.metrics.lead_figures) of the model, the rule and the ceiling's list,
    on the backtest months; and `reachable_3m_before`, that share for a list holding every
    household every month: what any list could have reached. Columns: household_key, month, y,
    judgment_date and the scorers' columns (score, rule, p_judgment_12m)."""
    from models import metrics

    frame = df.rename(columns={"month": "snapshot_month"})
    lead = metrics.lead_time_summary(frame, scores={"model": "score", "rule": "rule", "ceiling": "p_judgment_12m"},
                                     label="y").set_index("scorer")
    judged = frame.loc[frame["y"].astype(bool), ["household_key", "judgment_date"]].drop_duplicates("household_key")
    everyone = metrics.lead_figures(metrics.lead_time(frame[["household_key", "snapshot_month"]], judged))
    three = lead["reached_3m_before"]
    return {"lead_time_3m": {k: round(float(v), 4) for k, v in three.items()},
            "median_lead_months": {k: float(v) for k, v in lead["median_lead_months"].items()},
            **{f"{k}_lead_over_rule": round(float(three[k] / three["rule"]), 3) if three["rule"] else None
               for k in ("model", "ceiling")},
            "reachable_3m_before": round(everyone["reached_3m_before"], 4)}


HOUSEHOLDS_CHECKED = 40


def stage_dashboard(home: Path) -> dict:
    """Publish serving.duckdb from the Paris warehouse, then time the server side of the two
    pages a social worker opens most: the largest sector's list and one of its households
    (Streamlit AppTest runs the page script exactly as the server does). Then every page of
    every role, in French and English, and the sector's first HOUSEHOLDS_CHECKED households are
    rendered once: the city's real data reaches the pages only here (a household in no CAF file
    crashed its page, found so), and any exception fails the stage."""
    import os

    from streamlit.testing.v1 import AppTest

    from models.registry import ModelRegistry
    from pipelines.publish import publish

    t0 = time.perf_counter()
    out = publish(home / "warehouse.duckdb", home / "serving.duckdb", registry=ModelRegistry(home / "models"))
    publish_s = time.perf_counter() - t0
    os.environ["ABRI_HOME"] = str(home)
    from casework.sessions import open_session
    from casework.users import add_user, get_user
    from dashboard import data
    from dashboard.access import ROLE_PAGES
    from dashboard.auth import browser_binding

    with connect_duckdb(home / "serving.duckdb", home=home, read_only=True) as con:
        sector = con.execute("SELECT sector FROM outreach_list GROUP BY sector ORDER BY count(*) DESC LIMIT 1"
                             ).fetchall()[0][0]
        keys = [r[0] for r in con.execute("SELECT household_key FROM outreach_list WHERE sector = ? "
                                          "ORDER BY rank_in_sector LIMIT ?", [sector, HOUSEHOLDS_CHECKED]).fetchall()]
    app = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
    store = data.casework()  # a real account and session, as a sign-in opens one
    for role in ROLE_PAGES:  # one account per role, as a sign-in opens a session
        if get_user(store, f"bench_{role}") is None:
            add_user(store, f"bench_{role}", role=role, sectors=[sector] if role == "travailleur_social" else [],
                     password="bench-" + "x" * 16)

    def opened(user: str, query: dict, lang: str = "fr") -> AppTest:
        at = AppTest.from_file(str(app), default_timeout=120)
        at.session_state["lang"] = lang
        at.session_state["abri_session"] = open_session(store, user, binding=browser_binding())
        at.query_params.update(query)
        return at

    def render(page: str | None, query: dict) -> float:
        at = opened("bench_travailleur_social", query)
        at.run()  # warm: the first run imports the page modules
        times = []
        for _ in range(3):
            t = time.perf_counter()
            (at.switch_page(page) if page else at).run()
            times.append(time.perf_counter() - t)
            if at.exception:
                raise RuntimeError(str(at.exception))
        return min(times)

    def check(user: str, pages: list[str], query: dict, lang: str) -> int:
        """Each of `pages` rendered in turn in one session, without an exception (else raised)."""
        at = opened(user, query, lang)
        for page in [None, *pages]:
            (at.switch_page(page) if page else at).run()
            if at.exception:
                raise RuntimeError(f"{page or 'accueil'} ({user}, {lang}) : {at.exception[0].message}")
        return len(pages)

    timings = {"list_render_s": round(render(None, {}), 3),
               "household_render_s": round(render("app_pages/household.py", {"menage": keys[0]}), 3)}
    rendered = sum(check(f"bench_{role}", [f"app_pages/{name}.py" for names in sections.values() for name in names],
                         {}, lang) for role, sections in ROLE_PAGES.items() for lang in ("fr", "en"))
    for k in keys:
        check("bench_travailleur_social", ["app_pages/household.py"], {"menage": k}, "fr")
    return {"serving_mb": round((home / "serving.duckdb").stat().st_size / 2**20, 1), "publish_s": round(publish_s, 1),
            "tables": out.tables, "sector": sector, **timings, "pages_rendered": rendered,
            "households_rendered": len(keys)}


def stage_gap(home: Path) -> dict:
    """Where the precision goes (benchmarks/gap.py): ceiling, oracle, information limit, model
    and its learning curve, rule and logistic regression, on the same backtest months."""
    from benchmarks.gap import decompose

    return decompose(home, bench_config())


STAGES: dict[str, Callable[..., dict]] = {"simulate": stage_simulate, "ingest": stage_ingest, "features": stage_features, "monthly": stage_monthly,
          "train": stage_train,
          "score": stage_score, "ceiling": stage_ceiling, "gap": stage_gap, "dashboard": stage_dashboard}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=list(STAGES))
    p.add_argument("--home", required=True)
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--months", type=int, default=None, help="ingest: only the first N months, in a scratch home")
    p.add_argument("--scale", choices=("demo", "paris"), default="paris", help="simulate: the city's scale")
    args = p.parse_args(argv)
    home = Path(args.home)
    t0 = time.perf_counter()
    fn = STAGES[args.stage]
    if args.stage == "simulate":
        out = fn(home, args.households, args.scale)
    elif args.stage == "ingest":
        out = fn(home, args.months)
    else:
        out = fn(home)
    out.setdefault("wall_s", round(time.perf_counter() - t0, 1))
    out["peak_memory_mb"] = _peak_mb()
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
