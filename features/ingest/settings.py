"""Where ingestion keeps its own files, derived from `abri.config.Paths` (one place: ABRI_HOME)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from abri.config import Paths


@dataclass(frozen=True)
class IngestPaths:
    """landing/ (read), warehouse.duckdb, identity.duckdb and secrets/pseudonym.key under home."""

    home: Path

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> IngestPaths:
        return cls(Paths.from_env(home).home)

    @property
    def landing(self) -> Path:
        return Paths(self.home).landing

    @property
    def resend(self) -> Path:
        return Paths(self.home).resend

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def identity_store(self) -> Path:
        return self.home / "identity.duckdb"

    @property
    def key_file(self) -> Path:
        return self.home / "secrets" / "pseudonym.key"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"
