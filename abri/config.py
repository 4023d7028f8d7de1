"""Configuration in one place: where Abri keeps its runtime data.

Everything runtime lives under ABRI_HOME (default ./var): landing/ (partner extracts),
resend/ (the demo city's late redeliveries), truth/ (the demo city's ground truth, read only by
tests and benchmarks), warehouse.duckdb, serving.duckdb, casework.sqlite, models/, reports/,
bench/, dagster_home/, secrets/, run.lock. Everything is owner-only (0700/0600).
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

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def identity_store(self) -> Path:
        return self.home / "identity.duckdb"

    @property
    def key_file(self) -> Path:
        """The pseudonymisation key, created with mode 0600 (var/ is outside git)."""
        return self.home / "secrets" / "pseudonym.key"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def serving(self) -> Path:
        return self.home / "serving.duckdb"

    @property
    def casework(self) -> Path:
        return self.home / "casework.sqlite"

    @property
    def lock_file(self) -> Path:
        """Held (flock) by the running pipeline command; names its pid and start time."""
        return self.home / "run.lock"
