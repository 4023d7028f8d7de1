"""How cost grows with the population: ingestion, features and training measured on cities of
1x and 2x a base number of households (the same dynamics, the same 36 months), each stage in its
own process for its own peak memory, and the growth exponent of each: cost ~ households^b, so
b = log(cost_2 / cost_1) / log(2). b = 1 is linear; above 1 the stage outgrows the population.

`make bench` runs it at Paris scale (1x = the Paris city it just measured, 2x = 1,400,000
households simulated beside it); on its own:

    python -m benchmarks.growth --home var/bench/growth --households 700000

`project` extrapolates a measured figure to another population with its exponent; the
population at which one machine stops sufficing (docs/architecture.md) comes from it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
from pathlib import Path

STAGES = ("ingest", "features", "train")
FIGURES = ("wall_s", "peak_memory_mb")


def exponent(cost_1: float | None, cost_2: float | None, *, factor: float = 2.0) -> float | None:
    """b such that cost_2 = cost_1 * factor^b; None when a cost is missing or not positive."""
    if cost_1 is None or cost_2 is None or cost_1 <= 0 or cost_2 <= 0:
        return None
    return round(math.log(cost_2 / cost_1) / math.log(factor), 3)


def project(cost: float, *, households: int, to: int, b: float) -> float:
    """`cost` measured at `households`, extrapolated to `to` households with exponent b."""
    return cost * (to / households) ** b


def growth(one: dict, two: dict, *, factor: float = 2.0) -> dict:
    """{stage: {figure: exponent}} from the stage results at 1x (`one`) and factor x (`two`)."""
    out: dict[str, dict] = {}
    for stage in STAGES:
        a, b = one.get(stage) or {}, two.get(stage) or {}
        if "error" in a or "error" in b:
            continue
        out[stage] = {f: exponent(a.get(f), b.get(f), factor=factor) for f in FIGURES}
    return out


def scaled_limit(limit: str, factor: float) -> str:
    """ABRI_MEMORY_LIMIT for a city `factor` times larger: the same memory per household. At 2 x
    Paris the full feature rebuild under the 1 x cap spilled more than the machine's 47 GB of
    free disk (docs/architecture.md)."""
    from abri.settings import size_bytes

    return f"{int(size_bytes(limit) * factor) >> 20}MiB"


def twice_the_cap() -> str | None:
    """The memory cap of the twice larger city: twice this run's ABRI_MEMORY_LIMIT, if set."""
    limit = os.environ.get("ABRI_MEMORY_LIMIT")
    return scaled_limit(limit, 2) if limit else None


def measure(home: Path, households: int, *, scale: str = "paris", memory_limit: str | None = None) -> dict:
    """Simulate `households` under home, then run ingest, features and train there (with
    ABRI_MEMORY_LIMIT=`memory_limit` when given)."""
    from benchmarks.run import run_stage

    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    before = os.environ.get("ABRI_MEMORY_LIMIT")
    if memory_limit:
        os.environ["ABRI_MEMORY_LIMIT"] = memory_limit
    try:
        results = {"simulate": run_stage("simulate", home, households, scale=scale)}
        for stage in STAGES:
            results[stage] = run_stage(stage, home, None, scale=scale)
            if "error" in results[stage]:
                break
    finally:
        if before is None:
            os.environ.pop("ABRI_MEMORY_LIMIT", None)
        else:
            os.environ["ABRI_MEMORY_LIMIT"] = before
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.growth")
    p.add_argument("--home", default="var/bench/growth")
    p.add_argument("--households", type=int, default=700_000, help="the 1x city (default Paris, 700,000)")
    args = p.parse_args(argv)
    home = Path(args.home)
    one = measure(home / "x1", args.households)
    twice_limit = twice_the_cap()
    two = measure(home / "x2", 2 * args.households, memory_limit=twice_limit)
    exponents = growth(one, two)
    out = {"households": [args.households, 2 * args.households], "memory_limits": [os.environ.get("ABRI_MEMORY_LIMIT"), twice_limit],
           "x1": one, "x2": two, "exponents": exponents}
    (home / "growth.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\n{'stage':<10} {'1x s':>8} {'2x s':>8} {'b time':>7} {'1x MiB':>8} {'2x MiB':>8} {'b mem':>6}")
    for stage, b in exponents.items():
        print(f"{stage:<10} {one[stage]['wall_s']:>8} {two[stage]['wall_s']:>8} {b['wall_s']!s:>7} "
              f"{one[stage]['peak_memory_mb']:>8} {two[stage]['peak_memory_mb']:>8} {b['peak_memory_mb']!s:>6}")
    print(f"\nwritten to {home / 'growth.json'}")
    return 0 if all("error" not in r for r in (*one.values(), *two.values())) else 1


if __name__ == "__main__":
    raise SystemExit(main())
