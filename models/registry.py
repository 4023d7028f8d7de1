"""The model registry: one folder per version, and a status table.

var/models/<version>/model.txt       LightGBM's text format (never a pickle)
var/models/<version>/metadata.json   training window, data snapshot hash, features, parameters,
                                     metrics with baselines, calibration, library and code
                                     versions, seed, training time, energy and CO2
var/models/registry.json             [{version, status, created_at, ...}] status history

Statuses: candidate -> approved -> champion -> retired. Only `promote` makes a champion, and
only for an approved version (the ethics committee's approval); the previous champion retires.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path

import lightgbm as lgb

STATUSES = ("candidate", "approved", "champion", "retired")

# Energy estimate: measured CPU time x a documented power per busy core. 12 W per core is a
# typical share of a server CPU's TDP (E); France's grid averaged ~32 gCO2/kWh in 2023 (RTE, S)
# and ~52 gCO2e/kWh in life-cycle terms (ADEME Base Empreinte, S): we use the latter.
WATTS_PER_CORE = 12.0
KG_CO2_PER_KWH = 0.052


class RegistryError(Exception):
    """A registry action that cannot be done (unknown version, wrong status)."""


def energy(cpu_seconds: float) -> dict:
    kwh = cpu_seconds * WATTS_PER_CORE / 3600 / 1000
    return {"cpu_seconds": round(cpu_seconds, 2), "kwh": round(kwh, 6), "kg_co2e": round(kwh * KG_CO2_PER_KWH, 8),
            "method": f"CPU time x {WATTS_PER_CORE:g} W per core; {KG_CO2_PER_KWH * 1000:g} gCO2e/kWh (French mix, ADEME)"}


def library_versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("lightgbm", "duckdb", "numpy", "pandas", "scikit-learn", "shap", "fairlearn"):
        try:
            out[pkg] = importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def code_version() -> str:
    try:
        root = Path(__file__).resolve().parents[1]
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
        return sha or "unknown"
    except OSError:
        return "unknown"


@dataclass(frozen=True)
class ModelRegistry:
    root: Path

    @property
    def index(self) -> Path:
        return self.root / "registry.json"

    def entries(self) -> list[dict]:
        if not self.index.exists():
            return []
        return json.loads(self.index.read_text(encoding="utf-8"))

    def _write(self, entries: list[dict]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f, indent=2, ensure_ascii=False)
        os.replace(tmp, self.index)  # atomic: readers never see half a file

    def save(self, booster: lgb.Booster, meta: dict) -> str:
        """Store a new candidate; its version is derived from the model's own bytes."""
        text = booster.model_to_string()
        digest = hashlib.sha256(text.encode()).hexdigest()
        version = f"{meta.get('as_of', 'model')}-{digest[:8]}"
        folder = self.root / version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.txt").write_text(text, encoding="utf-8")
        meta = {**meta, "version": version, "model_sha256": digest,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        (folder / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str),
                                              encoding="utf-8")
        entries = [e for e in self.entries() if e["version"] != version]
        entries.append({"version": version, "status": "candidate", "created_at": meta["created_at"],
                        "history": [{"status": "candidate", "at": meta["created_at"]}]})
        self._write(entries)
        return version

    def metadata(self, version: str) -> dict:
        path = self.root / version / "metadata.json"
        if not path.exists():
            raise RegistryError(f"version de modèle inconnue : {version}")
        return json.loads(path.read_text(encoding="utf-8"))

    def load(self, version: str) -> lgb.Booster:
        self.metadata(version)
        return lgb.Booster(model_file=str(self.root / version / "model.txt"))

    def status(self, version: str) -> str:
        for e in self.entries():
            if e["version"] == version:
                return e["status"]
        raise RegistryError(f"version de modèle inconnue : {version}")

    def champion(self) -> str | None:
        for e in self.entries():
            if e["status"] == "champion":
                return e["version"]
        return None

    def set_status(self, version: str, status: str) -> None:
        if status not in STATUSES:
            raise RegistryError(f"statut inconnu : {status}")
        entries = self.entries()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        found = False
        for e in entries:
            if e["version"] == version:
                e["status"] = status
                e["history"].append({"status": status, "at": now})
                found = True
            elif status == "champion" and e["status"] == "champion":
                e["status"] = "retired"
                e["history"].append({"status": "retired", "at": now})
        if not found:
            raise RegistryError(f"version de modèle inconnue : {version}")
        self._write(entries)

    def promote(self, version: str, *, approved: bool) -> None:
        """Make `version` the champion. Refused unless the ethics committee approved it."""
        current = self.status(version)
        if current == "champion":
            return
        if not approved:
            raise RegistryError(
                f"promotion refusée : la version {version} n'a pas été approuvée par le comité d'éthique "
                "(abri review VERSION --decision approve ...)")
        if current == "retired":
            raise RegistryError(f"promotion refusée : la version {version} est retirée")
        self.set_status(version, "champion")


def not_worse(challenger: dict, champion: dict | None, *, tolerance: float = 0.05,
              metric: str = "precision_at_k") -> tuple[bool, str]:
    """Is the challenger's backtest `metric` at least the champion's minus `tolerance` (absolute)?
    Both are metadata dicts; no champion means nothing to compare with."""
    def value(meta):
        for m in meta.get("metrics", []):
            if m.get("scorer") == "model":
                return float(m.get(metric, float("nan")))
        return float("nan")
    if champion is None:
        return True, "aucun champion en place"
    c, ch = value(challenger), value(champion)
    ok = c >= ch - tolerance
    return ok, (f"{metric} du challenger {c:.3f} contre {ch:.3f} pour le champion (tolérance {tolerance:.2f}) : "
                + ("accepté" if ok else "refusé"))
