"""`make bench`: Paris-scale figures, printed as a table and written to var/bench/latest.json.

Each stage adds its figures under its own key; a stage that does not exist yet is absent.
Usage: python -m benchmarks.run [--home var/bench] [--households N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import time
from pathlib import Path

from synthetic.simulate import SCALES, simulate


def bench_simulate(home: Path, households: int | None) -> dict:
    city = home / "paris"
    shutil.rmtree(city, ignore_errors=True)
    s = simulate(city, scale="paris", households=households, progress=True)
    files = [p for p in (city / "landing").rglob("*") if p.is_file()]
    return {
        "households": s.households,
        "households_ever": s.households_ever,
        "months": len(s.months),
        "judgments_per_year": round(s.judgments_per_year),
        "judgment_rate": round(s.judgment_rate, 5),
        "funnel_per_year": {k: round(v / (len(s.months) / 12)) for k, v in s.funnel.items()},
        "social_in_arrears": round(s.social_in_arrears, 4),
        "private_in_arrears": round(s.private_in_arrears, 4),
        "files": s.files_written,
        "rows": s.rows_written,
        "landing_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "wall_s": round(s.seconds, 1),
        "rows_per_s": round(s.rows_written / s.seconds),
        "peak_memory_mb": round(s.peak_memory_mb),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make bench")
    p.add_argument("--home", default="var/bench")
    p.add_argument("--households", type=int, default=None,
                   help=f"override the Paris household count ({SCALES['paris']:,})")
    args = p.parse_args(argv)
    home = Path(args.home)
    home.mkdir(parents=True, exist_ok=True)
    results = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
               "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    results["simulate"] = bench_simulate(home, args.households)
    out = home / "latest.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print()
    print(f"{'stage':<10} {'figure':<22} value")
    for stage, figures in results.items():
        if stage in ("machine", "started"):
            continue
        for k, v in figures.items():
            print(f"{stage:<10} {k:<22} {v}")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
