"""The model registry: one folder per version, and a status table.

var/models/<version>/model.txt       LightGBM's text format (never a pickle)
var/models/<version>/metadata.json   training window, data snapshot hash, features, parameters,
                                     metrics with baselines, calibration, library and code
                                     versions, seed, training time, energy and CO2
var/models/registry.json             [{version, status, created_at, ...}] status history

Statuses: candidate -> approved -> champion -> retired. Only `promote` makes a champion, and
only for an approved version (the ethics committee's approval) that passes the gate (`gate`:
not worse than the rule at capacity, calibration within tolerance); the previous champion
retires. `retire` withdraws a champion at once, with a reason kept in its history; the previous
approved champion then serves again, else the rule (models.score.RULE_VERSION).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path

import lightgbm as lgb
import pandas as pd

from reports import fmt

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
    out: dict[str, str | None] = {"python": platform.python_version()}
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
        """Store a new candidate; its version is derived from the model's own bytes. The same
        model trained again (same data and seed) is the same version: its status and history
        (approved, champion...) are kept, never reset to candidate."""
        text = booster.model_to_string()
        digest = hashlib.sha256(text.encode()).hexdigest()
        version = f"{meta.get('as_of', 'model')}-{digest[:8]}"
        if any(e["version"] == version for e in self.entries()):
            return version
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

    def set_status(self, version: str, status: str, *, reason: str | None = None) -> None:
        if status not in STATUSES:
            raise RegistryError(f"statut inconnu : {status}")
        entries = self.entries()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        found = False
        for e in entries:
            if e["version"] == version:
                e["status"] = status
                e["history"].append({"status": status, "at": now, **({"reason": reason} if reason else {})})
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

    def withdrawn(self, version: str) -> bool:
        """Was `version` ever retired with a reason (withdrawn, not merely replaced)?"""
        for e in self.entries():
            if e["version"] == version:
                return any(h["status"] == "retired" and h.get("reason") for h in e["history"])
        return False

    def retire(self, version: str, *, reason: str, approved: Callable[[str], bool] = lambda v: True) -> str | None:
        """Withdraw `version` at once, keeping `reason` in its history. If it was the champion,
        the most recent former champion that was replaced (not withdrawn) and is still
        `approved` becomes champion again. Returns the version now serving, None for the rule.
        Raises RegistryError for an unknown version or an empty reason."""
        if not reason.strip():
            raise RegistryError("un retrait doit être motivé (--reason)")
        was_champion = self.status(version) == "champion"
        self.set_status(version, "retired", reason=reason)
        if not was_champion:
            return self.champion()
        former = []
        for e in self.entries():
            times = [h["at"] for h in e["history"] if h["status"] == "champion"]
            if e["version"] != version and times and e["status"] == "retired" and not self.withdrawn(e["version"]):
                former.append((max(times), e["version"]))
        for _, candidate in sorted(former, reverse=True):
            if approved(candidate):
                self.set_status(candidate, "champion", reason=f"retour après le retrait de {version}")
                return candidate
        return None




def _scorer(meta: dict, name: str) -> dict | None:
    return next((m for m in meta.get("metrics") or [] if m.get("scorer") == name), None)


def gate(meta: dict, *, ece_tolerance: float = 0.02, lang: str = "fr") -> tuple[bool, list[str]]:
    """May this version serve? Refused when its out-of-time precision@k at capacity is below the
    rule's (both computed on the same backtest months: the metadata's `metrics` rows), or when
    its expected calibration error `ece` is measured and above `ece_tolerance`. A missing
    `ece` is "not measured", said but not refused. Returns (passed, reasons in `lang`)."""
    from reports import fmt
    from reports.i18n import t

    model, rule = _scorer(meta, "model"), _scorer(meta, "rule")
    if model is None or rule is None or model.get("precision_at_k") is None or rule.get("precision_at_k") is None:
        return False, [t("gate.no_metrics", lang)]
    pm, pr = float(model["precision_at_k"]), float(rule["precision_at_k"])
    figures = {"model": fmt.number(pm, lang, 3), "rule": fmt.number(pr, lang, 3)}
    ok = pm >= pr
    why = [t("gate.at_least_rule", lang, **figures) if ok else t("gate.below_rule", lang, **figures)]
    ece = model.get("ece")
    if ece is None or (isinstance(ece, float) and ece != ece):
        why.append(t("gate.ece_missing", lang))
    else:
        within = float(ece) <= ece_tolerance
        ok = ok and within
        values = {"ece": fmt.number(float(ece), lang, 3), "tolerance": fmt.number(ece_tolerance, lang, 3)}
        why.append(t("gate.ece_within", lang, **values) if within else t("gate.ece_above", lang, **values))
    return ok, why


def not_worse(backtest: pd.DataFrame, *, challenger: str, champion: str | None, capacity: float = 0.01,
              tolerance: float = 0.05, label: str = "judgment_within_horizon") -> tuple[bool, str]:
    """Is the challenger's precision@k at least the champion's minus `tolerance` (absolute),
    both recomputed on the months both were backtested on?

    backtest: the warehouse's `backtest_scores` rows of both versions (household_key,
    snapshot_month, model_version, score, label). No champion: nothing to compare with. No
    month in common: refused, since the two cannot be compared."""
    if champion is None:
        return True, "aucun champion en place"
    from models.metrics import evaluate

    months = backtest["snapshot_month"].astype(str).str[:7]
    mine = set(months[backtest["model_version"] == challenger])
    theirs = set(months[backtest["model_version"] == champion])
    common = sorted(mine & theirs)
    if not common:
        return False, (f"aucun mois de validation commun entre {challenger} et le champion {champion} : "
                       "comparaison impossible sur les mêmes mois, promotion refusée")

    def precision(version: str) -> float:
        rows = backtest[(backtest["model_version"] == version) & months.isin(common)]
        ev = evaluate(rows, label=label, scores={version: "score"}, capacity=capacity)
        return float(ev.loc[ev["month"] == "all", "precision_at_k"].iloc[0])

    c, ch = precision(challenger), precision(champion)
    ok = c >= ch - tolerance
    span = common[0] if len(common) == 1 else f"{common[0]} à {common[-1]}"
    return ok, (f"précision@k sur les mêmes {len(common)} mois ({span}) : challenger {fmt.number(c, 'fr', 3)} "
                f"contre {fmt.number(ch, 'fr', 3)} pour le champion (tolérance {fmt.number(tolerance, 'fr', 2)}) : "
                + ("accepté" if ok else "refusé"))


def serving_version(registry: ModelRegistry, *, ece_tolerance: float = 0.02) -> tuple[str | None, str]:
    """The version whose lists go out this month: the champion if it passes the gate, else
    None (the rule's lists). Returns (version or None, why in French)."""
    champion = registry.champion()
    if champion is None:
        return None, ("listes de la règle actuelle : aucune version approuvée ne fait mieux que la règle "
                      "(pas de modèle champion)")
    ok, why = gate(registry.metadata(champion), ece_tolerance=ece_tolerance)
    if not ok:
        return None, (f"listes de la règle actuelle : le champion {champion} ne fait pas mieux que la règle ("
                      + "; ".join(why) + ")")
    return champion, f"listes du modèle champion {champion}"
