"""`make bench`: Paris-scale figures, printed as a table and written to var/bench/latest.json.

Each stage runs in its own process (benchmarks/stages.py) so its peak memory is its own.
Usage: python -m benchmarks.run [--home var/bench] [--households N] [--stages simulate,ingest,...]
A stage whose inputs are missing fails with its own message; the figures gathered so far are
still written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.stages import STAGES


def run_stage(stage: str, city: Path, households: int | None, ingest_months: int | None = None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.stages", stage, "--home", str(city)]
    if households and stage == "simulate":
        cmd += ["--households", str(households)]
    if ingest_months and stage == "ingest":
        cmd += ["--months", str(ingest_months)]
    print(f"== {stage}", flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rows(results: dict) -> list[tuple[str, str, str]]:
    rows = []
    for stage, figures in results.items():
        if not isinstance(figures, dict) or stage == "machine":
            continue
        for k, v in figures.items():
            if isinstance(v, dict):
                v = ", ".join(f"{a}={b}" for a, b in v.items())
            rows.append((stage, k, str(v)))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make bench")
    p.add_argument("--home", default="var/bench")
    p.add_argument("--households", type=int, default=None, help="override the Paris household count (700,000)")
    p.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, among {', '.join(STAGES)}")
    p.add_argument("--ingest-months", type=int, default=None,
                   help="re-measure ingestion on the first N months only, in a scratch home")
    args = p.parse_args(argv)
    home = Path(args.home)
    city = home / "paris"
    home.mkdir(parents=True, exist_ok=True)
    stages = [s for s in args.stages.split(",") if s]
    if "simulate" in stages and city.exists():
        import shutil

        shutil.rmtree(city)
    out = home / "latest.json"
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    for stage in stages:
        results[stage] = run_stage(stage, city, args.households, args.ingest_months)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        if "error" in results[stage]:
            print(f"stage {stage} failed ({results[stage]['error']}); later stages skipped", file=sys.stderr)
            break
    print()
    print(f"{'stage':<10} {'figure':<28} value")
    for stage, k, v in _rows(results):
        print(f"{stage:<10} {k:<28} {v}")
    print(f"\nwritten to {out}")
    return 0 if all("error" not in results.get(s, {}) for s in stages) else 1


if __name__ == "__main__":
    raise SystemExit(main())
