"""Where Abri keeps its runtime data, how DuckDB is opened, and each home's retention periods.
The values themselves (ABRI_HOME, ABRI_MEMORY_LIMIT, ...) are read once, typed, by
abri.settings.Settings (every variable: docs/configuration.md).

Everything runtime lives under ABRI_HOME (default ./var): landing/ (partner extracts),
resend/ (the demo city's late redeliveries), truth/ (the demo city's ground truth, read only by
tests and benchmarks), warehouse.duckdb, lake/ (its Parquet copy per month), serving.duckdb, casework.sqlite, models/, reports/,
bench/, dagster_home/, secrets/, run.lock, duckdb_tmp/ (DuckDB's spill files). Everything is
owner-only (0700/0600).

ABRI_MEMORY_LIMIT (e.g. "8GB", "1GiB", "512MB"; default: half the machine's RAM) caps every DuckDB
connection Abri opens (`connect_duckdb`): DuckDB spills to ABRI_HOME/duckdb_tmp beyond it, with
insertion order not preserved (no query relies on it: orders are explicit) so it can stream.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from abri.settings import load_settings

DEFAULT_MEMORY_SHARE = 0.5  # of the machine's RAM: leaves room for the model and the OS


def machine_memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_limit() -> str:
    """DuckDB's memory_limit: $ABRI_MEMORY_LIMIT, else half the machine's RAM (in MiB). Raises
    ValueError (abri.settings.SettingsError) naming the variable when its value is not a size."""
    value = load_settings().memory_limit
    return value or f"{int(machine_memory_bytes() * DEFAULT_MEMORY_SHARE) >> 20}MiB"


def duckdb_config(home: Path) -> dict[str, str | bool | int | float | list[str]]:
    """The settings every DuckDB connection of Abri gets (see the module's docstring)."""
    tmp = Path(home) / "duckdb_tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return {"memory_limit": memory_limit(), "temp_directory": str(tmp), "preserve_insertion_order": False}


def connect_duckdb(path: Path | str | None = None, *, home: Path, read_only: bool = False):
    """Open a DuckDB database (None: in memory) with the memory cap of `duckdb_config(home)`.
    The one way Abri opens DuckDB: the cap then holds for every stage."""
    import duckdb

    con = duckdb.connect(":memory:" if path is None else str(path), read_only=read_only,
                         config=duckdb_config(home))
    con.execute("SET enable_progress_bar = false")  # our own progress lines instead
    return con


@dataclass(frozen=True)
class Paths:
    home: Path

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> Paths:
        """Paths under `home`, else $ABRI_HOME, else ./var (Settings.home)."""
        return cls(Path(home) if home else load_settings().home)

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
    def lake(self) -> Path:
        """Hive-partitioned Parquet copies of staging and features (features/lake.py)."""
        return self.home / "lake"

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


# Retention: each period once, here, with its legal basis in docs/security.md. A city changes
# them in <home>/abri.toml, section [retention] (same names), e.g. `notes_months = 36`; the
# access log's legal floor is Settings.min_access_log_days (ABRI_MIN_ACCESS_LOG_DAYS, >= 183).


@dataclass(frozen=True)
class Retention:
    identity_months: int = 24       # identity rows (names, contacts) after their extract month
    landing_months: int = 12        # partners' raw extracts in landing/ after their month
    notes_months: int = 24          # casework notes and overrides after they were written
    access_log_days: int = 365      # access-log entries (never below Settings.min_access_log_days)
    dagster_runs_days: int = 365    # Dagster run records and their event logs
    refusal_exclusion_months: int = 12  # a household that refused help is not listed again for this long

    @classmethod
    def load(cls, home: str | Path | None = None) -> Retention:
        """Defaults, overridden by <home>/abri.toml [retention]. Raises ValueError naming the
        file and the setting when a value is not a positive whole number or too short."""
        import tomllib

        path = Paths.from_env(home).home / "abri.toml"
        if not path.exists():
            return cls()
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("retention", {})
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path} : fichier TOML illisible ({exc})") from None
        known = set(cls.__dataclass_fields__)
        for name, value in section.items():
            if name not in known:
                raise ValueError(f"{path}, [retention] : réglage inconnu « {name} » "
                                 f"(attendus : {', '.join(sorted(known))})")
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{path}, [retention] {name} : un nombre entier positif est attendu")
        r = cls(**section)
        floor = load_settings().min_access_log_days
        if r.access_log_days < floor:
            raise ValueError(f"{path}, [retention] access_log_days : au moins {floor} jours "
                             "(journaux d'un système d'IA à haut risque, AI Act art. 19 et 26)")
        return r
