"""Abri's one typed settings object: every policy value, read from ABRI_* environment variables.

`load_settings()` (or `Settings(...)` with overrides) gives the values; libraries never read
them: the `abri` command, the dashboard and the Dagster resources (pipelines/resources.py) pass
them on as arguments. The defaults run the demo. Every variable is listed in
docs/configuration.md. A bad value raises `SettingsError` (a ValueError) naming the variable,
the value and what is expected, in French:

    ABRI_HORIZON_MONTHS='douze' : un nombre entier est attendu

Retention periods are set per home in <home>/abri.toml (abri.config.Retention, legal bases in
docs/security.md); only their legal floor for the access log is here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from abri.city import City, load_city

ENV_PREFIX = "ABRI_"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


_UNIT = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
         "tib": 2**40}


def size_bytes(text: str) -> int:
    """'8GB', '1GiB', '953.6 MiB' (DuckDB's own spelling) in bytes; ValueError otherwise."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"taille illisible : {text!r}")
    return int(float(m.group(1)) * _UNIT[m.group(2).lower()])


class SettingsError(ValueError):
    """A setting with a bad value; the message names the ABRI_* variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore",
                                      env_ignore_empty=True, validate_default=True)

    # where runtime data lives (abri.config.Paths)
    home: Path = Path("var")
    # DuckDB's memory cap on every connection ("8GB", "1GiB", "512MB"); empty: half the RAM
    memory_limit: str = ""
    # labels: a judgment within this many months of the snapshot
    horizon_months: int = Field(12, ge=1, le=36)
    # court acts reach the city up to this many months late: a label matures horizon + delay
    court_delay_months: int = Field(3, ge=0, le=12)
    # each sector's monthly list: this share of its active households (at least one)
    capacity: float = Field(0.01, gt=0, le=1)
    # fairness: groups (and rates) over fewer people show no figure
    min_cell: int = Field(11, ge=1)
    # fairness: a group's rate ratio to the reference outside this band is flagged
    fairness_tolerance: Annotated[tuple[float, float], NoDecode] = (0.8, 1.25)
    # largest expected calibration error a version may carry to serve (abri promote)
    ece_tolerance: float = Field(0.02, gt=0, lt=1)
    # training (tuning, bagging) and the committee audit's bootstrap draws
    seed: int = 42
    # the committee audit's bootstrap: its number of resamples (the intervals)
    audit_bootstrap: int = Field(500, ge=10)
    # sample sizes: enough rows for a stable figure, bounded so Paris's scale stays quick.
    # the leakage check: labelled feature rows drawn to rank each feature alone against the label
    leakage_sample_rows: int = Field(100_000, ge=100)
    # drift: training-window rows drawn as the reference each scored month is compared with
    drift_sample_rows: int = Field(200_000, ge=100)
    # the logistic baseline is fitted on at most this many rows (every positive kept)
    logistic_max_rows: int = Field(300_000, ge=100)
    # each LightGBM fit keeps every positive and at most this many negatives (weighted back)
    train_max_negatives: int = Field(2_000_000, ge=1000)
    # LightGBM's threads per fit (0: every core); the model file is the same at any count
    train_threads: int = Field(0, ge=0)
    # the explanation report's stability check: this many refits with other seeds...
    seed_boosters: int = Field(2, ge=0)
    # ...each on a sample of this many training rows
    seed_booster_rows: int = Field(300_000, ge=100)
    # the explanation report: households whose SHAP values are computed
    explanation_sample_rows: int = Field(5000, ge=100)
    # the mitigation comparison: Fairlearn's mitigations are fitted on at most this many rows
    mitigation_max_rows: int = Field(200_000, ge=100)
    # access-log entries are kept at least this long (AI Act art. 19 and 26: six months)
    min_access_log_days: int = Field(183, ge=183)
    # the city served: abri/cities/<city>.toml, or a path to a .toml file
    city: Annotated[City, NoDecode] = "paris"  # type: ignore[assignment]

    @field_validator("memory_limit", mode="before")
    @classmethod
    def _size(cls, v: Any) -> str:
        value = str(v or "").strip()
        if not value:
            return ""
        m = _SIZE.match(value)
        if not m or float(m.group(1)) <= 0:
            raise ValueError("une taille est attendue, par exemple 8GB, 1GiB ou 512MB")
        return f"{m.group(1)}{m.group(2)}"

    @field_validator("fairness_tolerance", mode="before")
    @classmethod
    def _band(cls, v: Any) -> Any:
        if isinstance(v, str):
            parts = [p for p in re.split(r"[\s,;\[\]]+", v) if p]
            try:
                v = tuple(float(p) for p in parts)
            except ValueError:
                raise ValueError("deux nombres sont attendus, par exemple 0.8,1.25") from None
        if len(v) != 2 or not (0 < float(v[0]) < 1 < float(v[1])):
            raise ValueError("deux nombres sont attendus, le premier sous 1, le second au-dessus, "
                             "par exemple 0.8,1.25")
        return v

    @field_validator("city", mode="before")
    @classmethod
    def _city(cls, v: Any) -> Any:
        return load_city(v) if isinstance(v, str | Path) else v


_MESSAGES = {
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "greater_than_equal": "au moins {ge} est attendu",
    "greater_than": "plus de {gt} est attendu",
    "less_than_equal": "au plus {le} est attendu",
    "less_than": "moins de {lt} est attendu",
    "path_type": "un chemin est attendu",
}


def _french(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    template = _MESSAGES.get(error["type"])
    return template.format(**error.get("ctx", {})) if template else error["msg"]


def load_settings(**overrides: Any) -> Settings:
    """The settings: `overrides` (field names), else ABRI_* variables, else the defaults.
    Raises SettingsError naming each variable at fault."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            name = ENV_PREFIX + str(e["loc"][0]).upper()
            value = e.get("input")
            shown = value.strip() if isinstance(value, str) else value
            lines.append(f"{name}={shown!r} : {_french(e)}")
        raise SettingsError("\n".join(lines)) from None
