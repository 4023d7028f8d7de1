"""Configuration in one place: where Abri keeps its runtime data.

Everything runtime lives under ABRI_HOME (default ./var): landing/ (partner extracts),
resend/ (the demo city's late redeliveries), truth/ (the demo city's ground truth, read only by
tests and benchmarks), warehouse.duckdb, serving.duckdb, casework.sqlite, models/, reports/,
bench/, dagster_home/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("var")


@dataclass(frozen=True)
class Paths:
    home: Path

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> Paths:
        """Paths under `home`, else $ABRI_HOME, else ./var."""
        return cls(Path(home or os.environ.get("ABRI_HOME") or DEFAULT_HOME))

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def resend(self) -> Path:
        return self.home / "resend"

    @property
    def truth(self) -> Path:
        return self.home / "truth"

    @property
    def bench(self) -> Path:
        return self.home / "bench"
