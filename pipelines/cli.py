"""`abri ingest`, `abri features`, ...: run the assets through Dagster, in-process, against the
persistent instance at <home>/dagster_home, so the runs show in the Dagster UI. Without --month,
ingest and features do only the month's work: unchanged files are skipped by their SHA-256 and
only the months that the new or changed files affect are rebuilt."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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


# errors whose message is ours, in French and free of any value read from a file; any other
# (a library's) may quote a row: only its class is printed, the detail stays in Dagster
OWN_ERRORS = ("IngestError", "LockedError", "ValueError", "RegistryError", "CaseworkError")


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
            # the innermost cause says what went wrong
            fallback = (err.message.split(": ", 1)[-1].strip() if err.cls_name in OWN_ERRORS else
                        f"erreur {err.cls_name} (détail dans l'interface Dagster, DAGSTER_HOME)")
            err = err.cause
    return fallback or "échec de l'exécution Dagster (voir l'interface Dagster pour le détail)"


def ingest_command(home: str | None, month: str | None, *, force: bool = False) -> int:
    """Ingest one month (YYYY-MM), or without `month` the months of landing/ with a new or
    changed file (unchanged files are skipped by their SHA-256); 0 on success, 1 on failure."""
    from dagster import DagsterInstance, materialize

    from abri.config import Paths
    from ingest import pending_files
    from ingest.landing import inventory
    from pipelines.ingest import ingest_assets, ingest_checks
    from pipelines.partitions import monthly
    from pipelines.resources import build_resources

    paths = Paths.from_env(home)
    found = inventory(paths)
    for warning in found.warnings():  # misnamed and future files: listed, never silently skipped
        print(f"abri ingest : attention, {warning}", file=sys.stderr)
    keys = set(monthly.get_partition_keys())
    if month is None:
        too_old = [m for m in found.months if m not in keys]
        for m in too_old:
            print(f"abri ingest : attention, mois {m} hors de la plage des partitions "
                  f"(à partir de {monthly.get_first_partition_key()}) : ignoré", file=sys.stderr)
        found.months = [m for m in found.months if m in keys]
    if month is None and not found.months:
        print(f"abri ingest : aucun extrait dans {paths.landing} (lancez d'abord `abri simulate`).",
              file=sys.stderr)
        return 1
    found_months = found.months
    months = [month] if month else found_months
    if not month and not force:
        pending = sorted({m for _, m in pending_files(paths, found_months)})
        if not pending:
            print(f"Rien de nouveau : les {len(found_months)} mois de {paths.landing} sont déjà chargés "
                  "(fichiers inchangés, ignorés).", flush=True)
            return 0
        months = found_months[found_months.index(pending[0]): found_months.index(pending[-1]) + 1]
        if len(months) < len(found_months):
            print(f"{len(found_months) - len(months)} mois inchangés ignorés (déjà chargés).", flush=True)
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
            resources=build_resources(str(paths.home), echo=True, force=force),
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
         demonstration: bool = False, options: dict | None = None, selection: list | None = None) -> int:
    """Materialise `assets` (and their checks) in one in-process Dagster run against the
    persistent instance; months: partition range for partitioned assets; selection: only these
    of `assets` run, the others' values are read from the instance's storage. 0 on success."""
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
        result = materialize(assets, instance=instance, selection=selection,
                             resources=build_resources(str(paths.home), demonstration=demonstration, **(options or {})),
                             partition_key=months[0] if months and len(months) == 1 else None, tags=tags,
                             raise_on_error=False,
                             run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
    blocked = False
    for e in result.get_asset_check_evaluations():
        if not e.passed:
            level = "ÉCHEC" if e.severity.value == "ERROR" else "avertissement"
            why = e.metadata.get("raison")
            print(f"  contrôle {e.asset_key.to_user_string()}.{e.check_name} : {level}"
                  + (f" — {why.value}" if why is not None else ""), flush=True)
            blocked = blocked or e.severity.value == "ERROR"
    if blocked:
        print("abri : un contrôle bloquant a échoué.", file=sys.stderr)
        return 1
    if not result.success:
        print(f"abri : échec — {_failure_message(result)}", file=sys.stderr)
        print("Les tables précédentes sont intactes.", file=sys.stderr)
        return 1
    lines = []  # a partitioned asset reports once per partition: show each line once
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        shown = {k: v.value for k, v in mat.metadata.items()
                 if k in ("rows", "months", "label_rows", "positives", "version", "status", "scored", "listed",
                          "report", "snapshot_month", "energy_kwh", "design", "held_out", "cases_opened",
                          "months_rebuilt", "months_loaded", "months_skipped")}
        line = f"  {mat.asset_key.to_user_string()} : " + ", ".join(f"{k}={v}" for k, v in shown.items())
        if shown and line not in lines:
            lines.append(line)
            print(line, flush=True)
    return 0


def ingested_months(home: str | None) -> list[str]:
    import duckdb

    from abri.config import Paths, connect_duckdb

    paths = Paths.from_env(home)
    if not paths.warehouse.exists():
        return []
    with connect_duckdb(paths.warehouse, home=paths.home, read_only=True) as con:
        try:
            return [r[0] for r in con.execute("SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM ingest_log "
                                              "WHERE source = 'menages' ORDER BY 1").fetchall()]
        except duckdb.CatalogException:
            return []


def features_command(home: str | None, month: str | None = None) -> int:
    """Features of one month, or without `month` of the months the files ingested since the
    last build change (nothing when nothing changed), then labels, with their checks."""
    from abri.config import Paths
    from features.build import pending_months
    from ingest import connect_warehouse
    from pipelines.features import feature_checks, features, labels

    if not ingested_months(home):
        print("abri features : aucun mois ingéré (lancez d'abord `abri ingest`).", file=sys.stderr)
        return 1
    if month:
        months = [month]
    else:
        con = connect_warehouse(Paths.from_env(home))
        try:
            months = pending_months(con)
            has_labels = con.execute("SELECT count(*) FROM information_schema.tables "
                                     "WHERE table_name = 'labels'").fetchall()[0][0] > 0
        finally:
            con.close()
        if not months:
            print("Indicateurs à jour : aucun fichier nouveau ou modifié depuis la dernière construction.",
                  flush=True)
            return 0 if has_labels else _run(home, [labels], label="Étiquettes (jugement dans les 12 mois)")
    code = _run(home, [features, *feature_checks], months=months,
                label=f"Indicateurs de {months[0]} à {months[-1]} ({len(months)} mois)")
    return code or _run(home, [labels], label="Étiquettes (jugement dans les 12 mois)")


def train_command(home: str | None, *, engine: str = "lightgbm", workers: int = 2,
                  scheduler: str | None = None) -> int:
    """Train a candidate and write its committee report (never promotes); `engine="dask"`:
    lightgbm.dask on `workers` local processes or on the cluster at `scheduler`."""
    from pipelines.committee import committee_assets
    from pipelines.models import candidate_model, model_checks

    label = "Entraînement d'un modèle candidat et rapport d'audit"
    if engine == "dask":
        label += f" (moteur dask, {'grappe ' + scheduler if scheduler else f'{workers} workers locaux'})"
    return _run(home, [candidate_model, *model_checks, *committee_assets], label=label,
                options={"engine": engine, "workers": workers, "scheduler": scheduler})


def score_command(home: str | None, *, demonstration: bool = False) -> int:
    """The champion scores the latest month; serving.duckdb is published."""
    from abri.config import Paths
    from pipelines.serving import latest_feature_month, serving_assets

    month = latest_feature_month(Paths.from_env(home))
    if month is None:
        print("abri score : aucun indicateur (lancez d'abord `abri features`).", file=sys.stderr)
        return 1
    return _run(home, serving_assets, months=[month], demonstration=demonstration,
                label="Scores du mois, listes de contact par secteur et publication")


def gated_training(home: str | None, run: Callable[[], int]) -> tuple[int, str | None, bool, list[str]]:
    """`run` (a training run), then the version it registered (not the registry's last entry)
    through the promotion gate with the configured tolerance (ABRI_ECE_TOLERANCE), as the
    blocking check judged it: (exit code, version or None, passed, reasons)."""
    from abri.config import Paths
    from abri.settings import load_settings
    from models.registry import ModelRegistry, gate

    registry = ModelRegistry(Paths.from_env(home).models)
    before = {e["version"] for e in registry.entries()}
    code = run()
    new = [e["version"] for e in registry.entries() if e["version"] not in before]
    if not new:
        return code, None, False, []
    (version,) = new
    passed, reasons = gate(registry.metadata(version), ece_tolerance=load_settings().ece_tolerance)
    return code, version, passed, reasons


def run_steps(home: str | None, *, demonstration: bool = False) -> list[tuple[str, Callable[[], int]]]:
    """`abri run`'s six steps in order, (title, step returning an exit code): the train and score
    commands' runs split in two (each asset hangs on the warehouse and the registry, not on the
    previous run), so the command line can show which step is running."""
    from abri.config import Paths
    from pipelines.committee import committee_assets
    from pipelines.models import candidate_model, model_checks
    from pipelines.serving import (
        interventions,
        latest_feature_month,
        outreach_lists,
        serving_database,
    )

    def assets(*selected, label: str, monthly: bool = False, upstream: tuple = ()) -> Callable[[], int]:
        def step() -> int:
            month = latest_feature_month(Paths.from_env(home)) if monthly else None
            if monthly and month is None:
                print("abri run : aucun indicateur à scorer.", file=sys.stderr)
                return 1
            return _run(home, [*upstream, *selected], label=label, demonstration=demonstration,
                        months=[month] if month else None, selection=list(selected) if upstream else None)
        return step

    refused: list[str] = []  # a candidate the gate refused: no committee pack, the lists still go out

    def train() -> int:
        code, version, passed, reasons = gated_training(
            home, assets(candidate_model, *model_checks, label="Entraînement d'un modèle candidat"))
        if code and version and not passed:  # never worse than today's practice: the champion (else the rule) serves
            refused.append(version)
            print(f"  {version} n'est pas soumis au comité ({'; '.join(reasons)}) ; les listes du mois "
                  "sont celles du champion en service, sinon de la règle.", flush=True)
            return 0
        return code

    audit = assets(*committee_assets, upstream=(candidate_model,),
                   label="Rapports du comité d'éthique (audit, explications, atténuation, documents)")

    return [
        ("ingestion", lambda: ingest_command(home, None)),
        ("indicateurs et étiquettes", lambda: features_command(home)),
        ("entraînement", train),
        # the committee's assets take the version trained by the previous step (its stored value)
        ("audit", lambda: 0 if refused else audit()),
        ("scores", assets(outreach_lists, interventions, label="Scores du mois et listes de contact par secteur",
                          monthly=True)),
        ("publication", assets(serving_database, label="Publication pour le tableau de bord (serving.duckdb)")),
    ]
