"""The `abri` command: one click tree for the data team's tasks (`abri --help`, `abri CMD --help`).

The commands of other packages are attached here: `abri audit` (fairness/cli.py), `abri dashboard`
and `abri users` (dashboard/cli.py), `abri design` (abri/design_cli.py), `abri subject`,
`abri audit-log` and `abri purge` (abri/rights_cli.py); the pipeline commands call
pipelines/cli.py. `--home` is accepted on the group (`abri --home X run`) and on each command
(`abri run --home X`), default $ABRI_HOME then ./var."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from abri.cli_common import AbriGroup, home_option, run_stages
from abri.config import Paths
from abri.settings import load_settings
from reports import fmt

# The demo city's history: 48 months, so that after the 15 months a label needs to mature the
# backtests still train on a full year (with 36 months they train on 4-6 months only).
DEMO_MONTHS = 48
SCALES = click.Choice(("demo", "paris"))


@click.group(cls=AbriGroup, name="abri")
@home_option
def cli(home: str | None) -> None:
    """Abri : prévention des expulsions locatives."""


def _command(name: str, short_help: str, *, locked: bool = False, **kwargs):
    """`@cli.command` with the help line the command list shows (commands that write the stores
    take the pipeline lock: `locked=True`)."""
    def decorate(f):
        command = cli.command(name, short_help=short_help, locked=locked, **kwargs)(f)
        command.help = command.help or short_help[:1].upper() + short_help[1:] + "."  # the docstring, else the line
        return command

    return decorate


@_command("simulate", "fabriquer les extraits des partenaires et la vérité terrain de la ville de démonstration")
@click.option("--scale", type=click.Choice(("demo", "paris", "city")), default="demo", show_default=True,
              help="demo : ~20 000 ménages locataires (ou toute la ville si elle est plus petite) ; paris : "
                   "~700 000 ; city : tous les ménages locataires du fichier de la ville ($ABRI_CITY)")
@click.option("--months", type=int, default=36, help="mois d'extraits (36 par défaut)")
@click.option("--seed", type=int, default=42, show_default=True, help="graine du tirage")
@click.option("--end", default="2026-10", help="dernier mois d'extrait, AAAA-MM (2026-10 par défaut)")
@click.option("--households", type=int, default=None, help="remplace le nombre de ménages de l'échelle")
@home_option
@click.option("--force", is_flag=True, help="remplace les extraits existants")
@click.option("--quiet", is_flag=True, help="sans barres de progression")
def simulate_cmd(scale, months, seed, end, households, home, force, quiet) -> int:
    from synthetic.simulate import simulate

    paths = Paths.from_env(home)
    if paths.landing.exists() and any(paths.landing.iterdir()) and not force:
        print(f"abri simulate: {paths.landing} contient déjà des extraits. "
              "Relancez avec --force pour les remplacer, ou choisissez un autre --home.",
              file=sys.stderr)
        return 2
    if force:
        import shutil
        for sub in (paths.landing, paths.resend, paths.truth):
            shutil.rmtree(sub, ignore_errors=True)
    print(f"Ville de démonstration ({scale}, graine {seed}) -> {paths.home}")
    summary = simulate(paths.home, scale=scale, months=months, seed=seed,
                       end_month=end, households=households, progress=not quiet,
                       city=load_settings().city)
    for line in summary.lines():
        print("  " + line)
    print(f"Extraits des partenaires : {paths.landing}/<source>/<AAAA-MM>.<csv|parquet>")
    print(f"Vérité terrain (jamais lue par le pipeline) : {paths.truth}")
    return 0


@_command("loop", "la ville de démonstration mois par mois, Abri dans la boucle (impact mesuré)")
@home_option
@click.option("--scale", type=SCALES, default="demo", show_default=True, help="taille de la ville de démonstration")
@click.option("--seed", type=int, default=42, show_default=True, help="graine du tirage")
@click.option("--months", type=int, default=None, help="mois de déploiement avec listes (24 par défaut)")
@click.option("--quiet", is_flag=True, help="sans barres de progression")
@click.option("--households", type=int, default=None, hidden=True)
@click.option("--history", type=int, default=None, help="mois avant le déploiement (36 par défaut)")
@click.option("--follow-up", type=int, default=None, help="mois après la dernière liste (15 par défaut)")
@click.option("--design", type=click.Choice(("none", "margin", "tiered")), default=None,
              help="plan randomisé (par défaut tiered [[1, 0.5], [4, 1/6]])")
@click.option("--param", multiple=True, metavar="KEY=JSON", help="paramètre du plan clé=JSON, par exemple low=0.5")
@click.option("--contact-rate", type=float, default=None, help="part du bras « contact » effectivement jointe (0.6 par défaut)")
@click.option("--retrain-every", type=int, default=None, help="mois entre deux réentraînements (6 par défaut)")
@click.option("--naive", is_flag=True, help="réentraînement naïf (ménages contactés gardés comme négatifs)")
@click.option("--compare-training", is_flag=True,
              help="réentraîne aussi de l'autre façon (jamais déployé) et écrit truth/retraining.json")
def loop_cmd(home, scale, seed, months, quiet, households, history, follow_up, design, param, contact_rate,
             retrain_every, naive, compare_training) -> int:
    """La boucle fermée : la ville de démonstration mois par mois, Abri décidant des contacts."""
    import json

    from synthetic.loop import DEFAULT_DESIGN, LoopConfig, run_loop

    paths = Paths.from_env(home)
    if paths.landing.exists() and any(paths.landing.iterdir()):
        print(f"abri loop : {paths.landing} contient déjà des extraits ; choisissez un --home vide.", file=sys.stderr)
        return 2
    plan = dict(DEFAULT_DESIGN) if design is None else {"name": design, "params": {}}
    for item in param:
        key, _, value = item.partition("=")
        plan.setdefault("params", {})[key] = json.loads(value)
    kw = {k: v for k, v in (("households", households), ("deployment", months), ("history", history),
                            ("follow_up", follow_up), ("contact_rate", contact_rate),
                            ("retrain_every", retrain_every))
          if v is not None}
    config = LoopConfig(scale=scale, seed=seed, design=plan, treatment_aware=not naive,
                        compare_training=compare_training, city=load_settings().city.path, **kw)
    print(f"Boucle fermée sur la ville de démonstration ({scale}, graine {seed}, plan {plan['name']}) "
          f"-> {paths.home}")
    summary = run_loop(paths.home, config, progress=not quiet)
    for line in summary.lines():
        print("  " + line)
    return 0


@_command("ingest", "valider, mettre en quarantaine, pseudonymiser et charger les extraits des partenaires (Dagster)", locked=True)
@home_option
@click.option("--month", default=None, metavar="YYYY-MM",
              help="AAAA-MM ; par défaut : les mois de landing/ dont un fichier est nouveau ou modifié")
@click.option("--force", is_flag=True, help="recharge les fichiers déjà chargés (même SHA-256)")
def ingest_cmd(home, month, force) -> int:
    from pipelines.cli import ingest_command

    return ingest_command(home, month, force=force)


@_command("features", "calculer les indicateurs (à date) et les étiquettes des mois ingérés (Dagster)", locked=True)
@home_option
@click.option("--month", default=None, metavar="YYYY-MM",
              help="AAAA-MM ; par défaut : les mois que changent les fichiers ingérés depuis le dernier calcul")
def features_cmd(home, month) -> int:
    from pipelines.cli import features_command

    return features_command(home, month)


@_command("train", "entraîner un modèle candidat et écrire son rapport pour le comité (Dagster)", locked=True)
@home_option
@click.option("--engine", type=click.Choice(("lightgbm", "dask")), default="lightgbm",
              help="lightgbm : un processus (par défaut) ; dask : lightgbm.dask sur un cluster Dask, qui lit le lac")
@click.option("--workers", type=int, default=2, help="dask : nombre de processus de calcul locaux (2 par défaut)")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="dask : l'ordonnanceur d'un cluster existant (tcp://hôte:8786) au lieu d'un cluster local")
def train_cmd(home, engine, workers, scheduler) -> int:
    from pipelines.cli import train_command

    if workers < 1:
        print(f"abri train : --workers {workers} : au moins 1", file=sys.stderr)
        return 2
    return train_command(home, engine=engine, workers=workers, scheduler=scheduler)


@_command("score", "scorer le dernier mois avec le champion et publier serving.duckdb", locked=True)
@home_option
def score_cmd(home) -> int:
    from pipelines.cli import score_command

    return score_command(home)


@_command("run", "ingestion, indicateurs, entraînement, audit, scores et publication, de bout en bout", locked=True)
@home_option
@click.option("--demo", is_flag=True, help="marque la publication comme une démonstration")
@click.option("--quiet", is_flag=True, help="sans barre de progression (absente aussi quand la sortie n'est pas un terminal)")
def run_cmd(home, demo, quiet) -> int:
    """Tout, de bout en bout : ingestion, indicateurs, étiquettes, entraînement, audit, scores,
    publication (les scores demandent un champion : voir abri review et abri promote). Une barre
    montre laquelle des six étapes tourne, et sur un terminal où elle en est."""
    from pipelines.cli import run_steps

    return run_stages(run_steps(home, demonstration=demo), quiet=quiet, what="abri run")


@_command("review", "enregistrer la décision du comité d'éthique sur une version de modèle")
@click.argument("version")
@click.option("--decision", required=True, type=click.Choice(("approve", "reject", "conditions", "suspend")),
              help="reject ou suspend sur le champion le retire aussitôt")
@click.option("--by", required=True, help="qui décide (nom du comité ou de sa présidence)")
@click.option("--comment", required=True, help="les motifs, et les conditions s'il y en a")
@click.option("--demonstration", is_flag=True, hidden=True)
@home_option
def review_cmd(version, decision, by, comment, demonstration, home) -> int:
    """La décision du comité d'éthique sur une version de modèle et son rapport."""
    registry, casework, paths = _registry_and_casework(home)
    registry.metadata(version)
    digest = _report_sha256(paths, version)
    casework.record_decision(version, decision=decision, by=by, comment=comment,
                             report_sha256=digest, demonstration=demonstration)
    if decision in ("approve", "conditions") and registry.status(version) == "candidate":
        registry.set_status(version, "approved")
    print(f"Décision « {decision} » enregistrée pour {version} (rapport {digest[:12]}…).")
    from casework import WITHDRAWING

    if decision in WITHDRAWING and registry.status(version) == "champion":
        _withdraw(registry, casework, version, reason=f"décision « {decision} » du comité : {comment}")
    return 0


@_command("promote", "faire d'une version approuvée le modèle champion")
@click.argument("version")
@click.option("--tolerance", type=float, default=0.05,
              help="écart accepté sous le champion (précision@k, en absolu)")
@click.option("--ece-tolerance", type=float, default=None,
              help="plus grande erreur de calibration attendue acceptée (en absolu ; par défaut $ABRI_ECE_TOLERANCE, sinon 0.02)")
@home_option
def promote_cmd(version, tolerance, ece_tolerance, home) -> int:
    """Fait d'une version approuvée le champion, si elle bat la règle, est calibrée dans la
    tolérance et ne fait pas moins bien que le champion actuel sur les mêmes mois."""
    from models.registry import gate, not_worse

    registry, casework, paths = _registry_and_casework(home)
    meta = registry.metadata(version)
    approved = casework.is_approved(version, _report_sha256(paths, version))
    if ece_tolerance is None:
        ece_tolerance = load_settings().ece_tolerance  # ABRI_ECE_TOLERANCE
    passed, reasons = gate(meta, ece_tolerance=ece_tolerance)
    for line in reasons:
        print(f"  {line}")
    if not passed:
        print(f"abri promote : {version} est refusée (moins bien que la règle actuelle ou mal calibrée) ; "
              "elle reste candidate.", file=sys.stderr)
        return 1
    champion = registry.champion()
    champion = None if champion == version else champion
    ok, why = not_worse(_backtests(paths, [version, champion]) if champion else None,
                        challenger=version, champion=champion,
                        capacity=meta.get("config", {}).get("capacity", 0.01), tolerance=tolerance)
    print(why)
    if not ok:
        print(f"abri promote : {version} reste candidat.", file=sys.stderr)
        return 1
    registry.promote(version, approved=approved)
    print(f"{version} est désormais le modèle champion.")
    return 0


@_command("retire", "retirer aussitôt une version de modèle ; l'ancien champion approuvé, sinon la "
                    "règle, fait les listes suivantes")
@click.argument("version")
@click.option("--reason", required=True, help="pourquoi (gardé dans l'historique du registre)")
@home_option
def retire_cmd(version, reason, home) -> int:
    """Retire aussitôt une version (`abri retire VERSION --reason TEXTE`)."""
    registry, casework, _ = _registry_and_casework(home)
    _withdraw(registry, casework, version, reason=reason)
    return 0


@cli.group("key", short_help="clé de pseudonymisation : rotation (tous les pseudonymes recalculés, copie datée gardée)")
@home_option
def key_group(home) -> None:
    """Clé de pseudonymisation : rotation (tous les pseudonymes recalculés, copie datée gardée)."""


@key_group.command("rotate", short_help="recalculer tous les pseudonymes, garder l'ancienne clé en copie datée", locked=True)
@click.option("--chain-unmatched", is_flag=True,
              help="recalcule par chaînage (HMAC de l'ancien) les pseudonymes dont le fichier de landing/ a été purgé")
@home_option
def key_rotate_cmd(chain_unmatched, home) -> int:
    """Tous les pseudonymes recalculés, l'ancienne clé gardée en copie datée (0600)."""
    from ingest.keys import rotate_key

    paths = Paths.from_env(home)
    print(f"Rotation de la clé de pseudonymisation de {paths.home}…", flush=True)
    report = rotate_key(paths, chain_unmatched=chain_unmatched)
    print(f"{report.pseudonyms} pseudonymes recalculés depuis landing/ ; colonnes rééncodées :")
    for line in report.lines():
        print(line)
    return 0


@_command("demo", "toutes les étapes sur la ville de démonstration (make demo)")
@home_option
@click.option("--seed", type=int, default=42, show_default=True, help="graine de la ville de démonstration")
@click.option("--port", type=int, default=8501, help="port du tableau de bord (8501 par défaut)")
@click.option("--no-dashboard", is_flag=True, help="s'arrête après la publication, sans lancer le tableau de bord")
def demo_cmd(home, seed, port, no_dashboard) -> int:
    """`make demo` : tout le parcours sur la ville de démonstration embarquée, puis le tableau de
    bord (sans le verrou du pipeline : une commande peut tourner à côté)."""
    from abri.files import secure_home
    from abri.lock import pipeline_lock

    paths = Paths.from_env(home)
    secure_home(paths)
    with pipeline_lock(paths, what="abri demo"):
        code = _demo_pipeline(home, seed=seed)
    return code or _demo_dashboard(paths, port=port, no_dashboard=no_dashboard)


@_command("contract-doc", "écrire docs/data-contract.md depuis le contrat des sources")
@click.option("--out", default="docs/data-contract.md", show_default=True, help="fichier écrit")
def contract_doc_cmd(out) -> int:
    from ingest.contract import render_markdown

    return _write_doc(out, render_markdown(), "Contrat des données")


@_command("feature-doc", "écrire docs/feature-dictionary.md depuis la déclaration des indicateurs")
@click.option("--out", default="docs/feature-dictionary.md", show_default=True, help="fichier écrit")
def feature_doc_cmd(out) -> int:
    from features.declare import render_dictionary

    return _write_doc(out, render_dictionary(), "Dictionnaire des indicateurs")


def _attach() -> None:
    """The commands that live beside their package."""
    from abri.design_cli import design
    from abri.rights_cli import audit_log, purge, subject
    from dashboard.cli import dashboard, users
    from fairness.cli import audit_cmd

    for command in (design, dashboard, users, audit_cmd, subject, audit_log, purge):
        cli.add_command(command)


_attach()


def _demo_pipeline(home: str | None, *, seed: int) -> int:
    from pipelines.cli import (
        features_command,
        gated_training,
        ingest_command,
        score_command,
        train_command,
    )
    from synthetic.simulate import simulate

    paths = Paths.from_env(home)
    home = str(paths.home)
    print("Abri — démonstration de bout en bout sur la ville fictive\n")
    print(f"1/6 Ville de démonstration (~20 000 ménages locataires, {DEMO_MONTHS} mois d'extraits de 8 partenaires)")
    if paths.landing.exists() and any(paths.landing.iterdir()):
        print(f"  Extraits déjà présents dans {paths.landing} : réutilisés (supprimez {paths.home} pour tout refaire).")
    else:
        for line in simulate(paths.home, scale="demo", months=DEMO_MONTHS, seed=seed, progress=True,
                             city=load_settings().city).lines():
            print("  " + line)
    steps = (("2/6 Ingestion : validation, quarantaine, pseudonymisation", lambda: ingest_command(home, None)),
             ("3/6 Indicateurs à date et étiquettes", lambda: features_command(home)))
    for title, step in steps:
        print("\n" + title)
        if step():
            return 1

    registry, casework, _ = _registry_and_casework(home)
    print("\n4/6 Modèle candidat, comparaison aux règles actuelles, rapport d'audit")
    trained, version, passed, reasons = gated_training(home, lambda: train_command(home))
    if version is None:
        return trained or 1  # no candidate at all: a real failure
    if trained and passed:
        return trained
    if not passed:
        # never worse than today's practice: the candidate is not submitted, the rule's lists go out
        print(f"\n5/6 {version} ne fait pas mieux que la règle actuelle ({'; '.join(reasons)}) : il n'est pas "
              "soumis au comité ni promu, les listes seront celles de la règle.")
    else:
        print(f"\n5/6 Décision du comité d'éthique sur {version} (DÉMONSTRATION)")
        digest = _report_sha256(paths, version)
        casework.record_decision(
            version, decision="approve", by="make demo (démonstration, pas un comité réel)",
            comment="Approbation de démonstration enregistrée automatiquement par make demo : elle n'a aucune "
                    "valeur de décision. En production, seul le comité d'éthique approuve, après lecture du rapport.",
            report_sha256=digest, demonstration=True)
        registry.set_status(version, "approved")
        registry.promote(version, approved=casework.is_approved(version, digest))
        print(f"  Approbation de démonstration enregistrée ; {version} devient le modèle champion.")
    print("\n6/6 Listes de contact du mois et publication pour le tableau de bord")
    if score_command(home, demonstration=True):
        return 1
    meta = registry.metadata(version)
    best = {m["scorer"]: m for m in meta["metrics"]}
    print("\nRésultats (validation hors échantillon, capacité 1 % des ménages par mois) :")
    for name, label in (("model", "modèle LightGBM"), ("rule", "règle actuelle"), ("logistic", "régression logistique")):
        m = best[name]
        print(f"  {label:<22} précision@k {fmt.number(m['precision_at_k'], 'fr')}  "
              f"rappel@k {fmt.number(m['recall_at_k'], 'fr')}  ROC-AUC {fmt.number(m['roc_auc'], 'fr')}")
    print(f"  Énergie de l'entraînement : {fmt.number(meta['energy']['kwh'] * 1000, 'fr')} Wh, "
          f"{fmt.number(meta['energy']['kg_co2e'] * 1000, 'fr', 3)} g CO2e")
    report = paths.home / "reports" / version / "audit.html"
    if report.exists():
        print(f"\nRapport du comité : {report}")
    print(f"Interface Dagster : DAGSTER_HOME={paths.home / 'dagster_home'} .venv/bin/dagster dev -m pipelines.definitions")
    return 0


def _demo_dashboard(paths: Paths, *, port: int, no_dashboard: bool) -> int:
    from dashboard.cli import dashboard_command, demo_accounts

    accounts = demo_accounts(str(paths.home))
    print("\nComptes de démonstration (à ne jamais utiliser en production) :")
    for username, role, sectors, password in accounts:
        print(f"  {username:<14} {role:<20} {', '.join(sectors) or '—':<14} mot de passe : {password}")
    if no_dashboard:
        return 0
    return dashboard_command(str(paths.home), port)


def _registry_and_casework(home: str | None):
    from casework import Casework
    from models.registry import ModelRegistry

    paths = Paths.from_env(home)
    return ModelRegistry(paths.models), Casework(paths.casework), paths


def _report_sha256(paths: Paths, version: str) -> str:
    import hashlib

    report = paths.reports / version / "audit.html"
    if not report.exists():
        raise ValueError(f"pas de rapport d'audit pour {version} ({report}) : lancez `abri train` qui le produit")
    return hashlib.sha256(report.read_bytes()).hexdigest()


def _withdraw(registry, casework, version: str, *, reason: str) -> None:
    """Retire `version` now and say who serves the next lists."""
    serving = registry.retire(version, reason=reason, approved=casework.still_approved)
    print(f"{version} est retiré ({reason}).")
    if serving:
        print(f"Les prochaines listes seront celles du champion précédent approuvé : {serving}.")
    else:
        print("Les prochaines listes seront celles de la règle actuelle (aucune autre version approuvée).")


def _backtests(paths: Paths, versions: list[str]):
    """The warehouse's backtest_scores rows of `versions` (read-only)."""
    import duckdb

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute("SELECT household_key, snapshot_month, model_version, score, judgment_within_horizon "
                           "FROM backtest_scores WHERE model_version IN (SELECT unnest(?))", [versions]).df()


def _write_doc(out: str, text: str, what: str) -> int:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{what} écrit dans {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`abri ARGS`: the exit code (0 done, 1 failed, 2 bad input or usage, 3 another command holds
    the lock), also when called from Python: `main(["run", "--home", "var"])`."""
    try:
        code = cli.main(args=sys.argv[1:] if argv is None else list(argv), prog_name="abri",
                        standalone_mode=False)
    except click.ClickException as exc:  # a usage error: usage, then one line
        exc.show()
        return exc.exit_code
    except click.Abort:
        print("Interrompu.", file=sys.stderr)
        return 1
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
