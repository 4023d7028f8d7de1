"""`abri ingest`: run the ingestion assets through Dagster, in-process, against the persistent
instance at <home>/dagster_home, so the runs show in the Dagster UI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def prepare_dagster_home(home: Path) -> Path:
    """<home>/dagster_home with telemetry off; sets DAGSTER_HOME for this process."""
    dagster_home = (home / "dagster_home").resolve()
    dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = dagster_home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    return dagster_home


def _failure_message(result) -> str:
    """The IngestError's own words (file, row, column), else the innermost error's message."""
    fallback = None
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        err = event.step_failure_data.error
        while err is not None:
            if err.cls_name == "IngestError":
                return err.message.split("IngestError: ", 1)[-1].strip()
            fallback = err.message.strip()  # the innermost cause says what went wrong
            err = err.cause
    return fallback or "échec de l'exécution Dagster (voir l'interface Dagster pour le détail)"


def ingest_command(home: str | None, month: str | None) -> int:
    """Ingest one month (YYYY-MM) or every month found in landing/; 0 on success, 1 on failure."""
    from dagster import DagsterInstance, materialize

    from abri.config import Paths
    from features.ingest import landing_months
    from pipelines.assets import ingest_assets
    from pipelines.checks import ingest_checks
    from pipelines.partitions import monthly
    from pipelines.resources import build_resources

    paths = Paths.from_env(home)
    found = landing_months(paths)
    if month is None and not found:
        print(f"abri ingest : aucun extrait dans {paths.landing} (lancez d'abord `abri simulate`).",
              file=sys.stderr)
        return 1
    months = [month] if month else found
    keys = set(monthly.get_partition_keys())
    outside = [m for m in months if m not in keys]
    if outside:
        print(f"abri ingest : mois hors de la plage des partitions ({monthly.get_first_partition_key()} "
              f"à {monthly.get_last_partition_key()}) : {', '.join(outside)}", file=sys.stderr)
        return 1
    prepare_dagster_home(paths.home)
    print(f"Ingestion de {months[0]}" + (f" à {months[-1]}" if len(months) > 1 else "")
          + f" ({len(months)} mois, 8 sources) -> {paths.warehouse}", flush=True)
    tags = {} if len(months) == 1 else {"dagster/asset_partition_range_start": months[0],
                                        "dagster/asset_partition_range_end": months[-1]}
    with DagsterInstance.get() as instance:
        result = materialize(
            [*ingest_assets, *ingest_checks],
            instance=instance,
            resources=build_resources(str(paths.home), echo=True),
            partition_key=months[0] if len(months) == 1 else None,
            tags=tags,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
    if not result.success:
        print(f"abri ingest : échec — {_failure_message(result)}", file=sys.stderr)
        print("L'état précédent de l'entrepôt pour ce fichier est intact.", file=sys.stderr)
        return 1
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    for e in failed:
        print(f"  contrôle {e.asset_key.to_user_string()}.{e.check_name} : "
              f"{'ÉCHEC' if e.severity.value == 'ERROR' else 'avertissement'}", flush=True)
    if any(e.severity.value == "ERROR" for e in failed):
        print("abri ingest : un contrôle bloquant a échoué.", file=sys.stderr)
        return 1
    print(f"Terminé : run {result.run_id} (visible dans l'interface Dagster, DAGSTER_HOME="
          f"{os.environ['DAGSTER_HOME']})")
    return 0


def _run(home: str | None, assets: list, *, months: list[str] | None = None, label: str,
         demonstration: bool = False) -> int:
    """Materialise `assets` (and their checks) in one in-process Dagster run against the
    persistent instance; months: partition range for partitioned assets. 0 on success."""
    from dagster import DagsterInstance, materialize

    from abri.config import Paths
    from pipelines.resources import build_resources

    paths = Paths.from_env(home)
    prepare_dagster_home(paths.home)
    tags = {}
    if months and len(months) > 1:
        tags = {"dagster/asset_partition_range_start": months[0], "dagster/asset_partition_range_end": months[-1]}
    print(f"{label}…", flush=True)
    with DagsterInstance.get() as instance:
        result = materialize(assets, instance=instance,
                             resources=build_resources(str(paths.home), demonstration=demonstration),
                             partition_key=months[0] if months and len(months) == 1 else None, tags=tags,
                             raise_on_error=False,
                             run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    if not result.success:
        print(f"abri : échec — {_failure_message(result)}", file=sys.stderr)
        print("Les tables précédentes sont intactes.", file=sys.stderr)
        return 1
    for e in result.get_asset_check_evaluations():
        if not e.passed:
            level = "ÉCHEC" if e.severity.value == "ERROR" else "avertissement"
            print(f"  contrôle {e.asset_key.to_user_string()}.{e.check_name} : {level}", flush=True)
            if e.severity.value == "ERROR":
                print("abri : un contrôle bloquant a échoué.", file=sys.stderr)
                return 1
    lines = []  # a partitioned asset reports once per partition: show each line once
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        shown = {k: v.value for k, v in mat.metadata.items()
                 if k in ("rows", "months", "label_rows", "positives", "version", "status", "scored", "listed",
                          "report", "snapshot_month", "energy_kwh", "design", "held_out", "cases_opened")}
        line = f"  {mat.asset_key.to_user_string()} : " + ", ".join(f"{k}={v}" for k, v in shown.items())
        if shown and line not in lines:
            lines.append(line)
            print(line, flush=True)
    return 0


def ingested_months(home: str | None) -> list[str]:
    import duckdb

    from abri.config import Paths

    paths = Paths.from_env(home)
    if not paths.warehouse.exists():
        return []
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        try:
            return [r[0] for r in con.execute("SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM ingest_log "
                                              "WHERE source = 'menages' ORDER BY 1").fetchall()]
        except duckdb.CatalogException:
            return []


def features_command(home: str | None, month: str | None = None) -> int:
    """Features for every ingested month (or one), then labels, with their checks."""
    from pipelines.feature_checks import feature_checks
    from pipelines.model_assets import features, labels

    months = [month] if month else ingested_months(home)
    if not months:
        print("abri features : aucun mois ingéré (lancez d'abord `abri ingest`).", file=sys.stderr)
        return 1
    code = _run(home, [features, *feature_checks], months=months,
                label=f"Indicateurs de {months[0]} à {months[-1]} ({len(months)} mois)")
    return code or _run(home, [labels], label="Étiquettes (jugement dans les 12 mois)")


def train_command(home: str | None) -> int:
    """Train a candidate and write its committee report (never promotes)."""
    from pipelines.model_assets import audit_report, candidate_model

    return _run(home, [candidate_model, audit_report], label="Entraînement d'un modèle candidat et rapport d'audit")


def score_command(home: str | None, *, demonstration: bool = False) -> int:
    """The champion scores the latest month; serving.duckdb is published."""
    from pipelines.impact_assets import interventions
    from pipelines.model_assets import outreach_lists, serving_database

    return _run(home, [outreach_lists, interventions, serving_database], demonstration=demonstration,
                label="Scores du mois, listes de contact par secteur et publication")
