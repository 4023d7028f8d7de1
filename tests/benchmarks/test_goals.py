"""The bench's goals: each figure measured becomes {value, goal, met}; missing figures are left out."""

from benchmarks.run import goals


def test_goals_compare_each_figure_with_its_target():
    results = {"ingest": {"wall_s": 60.0, "ratio_to_fair_floor": 2.5, "peak_memory_mb": 3000.0},
               "features": {"wall_s": 20.0, "ratio_to_scan_and_write": 3.5, "month_ratio_to_month_scan": 2.0},
               "monthly": {"wall_s": 10.0},
               "score": {"explanation_speed_ratio": 1.5, "max_abs_diff_vs_shap": 1e-14},
               "train": {"error": "exit 1"}}
    g = goals(results, "demo")
    assert g["monthly_run_ratio"] == {"value": 0.125, "goal": "<= 0.15", "met": True}
    assert g["ingest_ratio_to_fair_floor"]["met"] is True
    assert g["features_ratio_to_scan_and_write"]["met"] is False
    assert g["explanation_speed_ratio"] == {"value": 1.5, "goal": ">= 2", "met": False}
    assert g["explanation_max_abs_diff"]["met"] is True
    assert g["ingest_peak_memory_mib"]["met"] is False  # over 2 GiB at demo scale
    assert "train_peak_memory_mib" not in g and "train_wall_s" not in g  # failed stage, demo scale
    assert goals(results, "paris")["monthly_run_ratio"]["met"] is False  # 0.125 > 0.05


def test_a_sampled_ingestion_gives_no_monthly_ratio():
    results = {"ingest": {"wall_s": 6.0, "sample": True}, "features": {"wall_s": 2.0}, "monthly": {"wall_s": 1.0}}
    assert "monthly_run_ratio" not in goals(results, "demo")


def test_growth_exponents_say_how_each_cost_grows_with_the_population():
    from benchmarks.growth import exponent, growth, project

    assert exponent(10.0, 20.0) == 1.0 and exponent(10.0, 40.0) == 2.0 and exponent(10.0, 14.142) == 0.5
    assert exponent(0.0, 5.0) is None and exponent(None, 5.0) is None
    one = {"ingest": {"wall_s": 100.0, "peak_memory_mb": 500.0}, "features": {"wall_s": 50.0, "peak_memory_mb": 800.0},
           "train": {"error": "exit 1"}}
    two = {"ingest": {"wall_s": 230.0, "peak_memory_mb": 600.0}, "features": {"wall_s": 100.0, "peak_memory_mb": 800.0},
           "train": {"wall_s": 9.0}}
    g = growth(one, two)
    assert g["ingest"]["wall_s"] == round(__import__("math").log2(2.3), 3) and g["features"]["peak_memory_mb"] == 0.0
    assert "train" not in g  # a failed stage has no exponent
    assert project(100.0, households=700_000, to=2_800_000, b=1.0) == 400.0


def test_the_bench_total_counts_the_pipeline_not_the_analyses():
    from benchmarks.stages import STAGES

    results = {s: {"wall_s": 100.0} for s in STAGES}
    results["gap"] = {"wall_s": 5000.0, "peak_memory_mb": 10_000.0}
    assert "gap_peak_memory_mib" not in goals(results, "paris")  # an analysis, not a pipeline stage
    total = goals(results, "paris")["bench_wall_s"]
    assert total["value"] == 100.0 * (len(STAGES) - 1) and total["met"] is True
    results["ingest"]["process_s"] = 400.0  # the stage's whole process, floors included, when known
    assert goals(results, "paris")["bench_wall_s"]["value"] == 100.0 * (len(STAGES) - 2) + 400.0
    del results["score"]
    assert "bench_wall_s" not in goals(results, "paris")  # a stage missing: no total


def test_the_twice_larger_city_gets_twice_the_memory_cap_for_the_stages_only(monkeypatch, tmp_path):
    import os

    import benchmarks.growth as g
    import benchmarks.run

    assert g.scaled_limit("5GB", 2) == f"{10 * 10**9 >> 20}MiB" and g.scaled_limit("1GiB", 2) == "2048MiB"
    seen = []
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", "5GB")
    monkeypatch.setattr(benchmarks.run, "run_stage",
                        lambda stage, home, n, scale="paris": seen.append((stage, os.environ["ABRI_MEMORY_LIMIT"]))
                        or {"wall_s": 1.0})
    g.measure(tmp_path / "x2", 10, memory_limit="9537MiB")
    assert seen == [(s, "9537MiB") for s in ("simulate", *g.STAGES)]
    assert os.environ["ABRI_MEMORY_LIMIT"] == "5GB"  # restored for what follows


def test_the_lead_time_against_the_ceiling_counts_households_listed_three_months_ahead():
    """Three households judged, two test months of 100 households (a list of one): the ceiling
    and the model list A in 2025-01 (judged 2025-05: 4 months ahead) and B in 2025-02 (judged
    2025-04: 2 months ahead); the rule lists C both months (judged 2025-03: 2 and 1 months)."""
    import pandas as pd

    from benchmarks.stages import lead_against_ceiling

    rows = []
    for month in ("2025-01", "2025-02"):
        for i in range(100):
            key = "ABC"[i] if i < 3 else f"n{i}"
            judged = {"A": "2025-05-10", "B": "2025-04-03", "C": "2025-03-20"}.get(key)
            rows.append({"household_key": key, "month": month, "y": judged is not None,
                         "judgment_date": pd.Timestamp(judged) if judged else pd.NaT,
                         "p_judgment_12m": 0.9 if (key, month) in {("A", "2025-01"), ("B", "2025-02")} else 0.01 * (i % 7),
                         "rule": 1.0 if key == "C" else 0.0,
                         "score": 0.9 if (key, month) in {("A", "2025-01"), ("B", "2025-02")} else 0.0})
    out = lead_against_ceiling(pd.DataFrame(rows))
    assert out["lead_time_3m"] == {"model": round(1 / 3, 4), "rule": 0.0, "ceiling": round(1 / 3, 4)}
    assert out["median_lead_months"]["ceiling"] == 3.0  # A 4 months ahead, B 2: C never listed
    assert out["model_lead_over_rule"] is None  # the rule reached no one 3 months ahead
    assert out["reachable_3m_before"] == round(2 / 3, 4)  # listed every month: A 4, B 3, C 2 months ahead


def test_make_bench_runs_the_pipeline_stages_and_the_analyses_only_when_asked(monkeypatch, tmp_path):
    import benchmarks.run

    seen = []
    monkeypatch.setattr(benchmarks.run, "run_stage",
                        lambda stage, *a, **k: seen.append(stage) or {"wall_s": 1.0})
    monkeypatch.setattr(benchmarks.run, "run_growth", lambda *a, **k: seen.append("growth") or {})
    benchmarks.run.main(["--home", str(tmp_path), "--scale", "demo"])
    assert seen[0] == "simulate" and "dashboard" in seen and "gap" not in seen and "growth" not in seen
    seen.clear()
    benchmarks.run.main(["--home", str(tmp_path), "--scale", "demo", "--stages", "gap,growth"])  # make bench-analyses
    assert seen == ["gap", "growth"]
