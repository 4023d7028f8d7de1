"""The `abri` command: one entry point for the data team's tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from abri.config import Paths
from abri.settings import load_settings

# The demo city's history: 48 months, so that after the 15 months a label needs to mature the
# backtests still train on a full year (with 36 months they train on 4-6 months only).
DEMO_MONTHS = 48
# commands that write the stores: one at a time per home (abri/lock.py)
LOCKED = frozenset({"ingest", "features", "train", "score", "run", "key"})  # demo: its own steps


def _simulate(args: argparse.Namespace) -> int:
    from synthetic.simulate import simulate

    paths = Paths.from_env(args.home)
    if paths.landing.exists() and any(paths.landing.iterdir()) and not args.force:
        print(f"abri simulate: {paths.landing} contient déjà des extraits. "
              "Relancez avec --force pour les remplacer, ou choisissez un autre --home.",
              file=sys.stderr)
        return 2
    if args.force:
        import shutil
        for sub in (paths.landing, paths.resend, paths.truth):
            shutil.rmtree(sub, ignore_errors=True)
    print(f"Ville de démonstration ({args.scale}, graine {args.seed}) -> {paths.home}")
    summary = simulate(paths.home, scale=args.scale, months=args.months, seed=args.seed,
                       end_month=args.end, households=args.households, progress=not args.quiet,
                       city=load_settings().city)
    for line in summary.lines():
        print("  " + line)
    print(f"Extraits des partenaires : {paths.landing}/<source>/<AAAA-MM>.<csv|parquet>")
    print(f"Vérité terrain (jamais lue par le pipeline) : {paths.truth}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    """`make demo`: the whole flow on the embedded demo city, then the dashboard (which runs
    without the pipeline lock, so a command can run beside it)."""
    from abri.files import secure_home
    from abri.lock import pipeline_lock

    paths = Paths.from_env(args.home)
    secure_home(paths)
    with pipeline_lock(paths, what="abri demo"):
        code = _demo_pipeline(args)
    return code or _demo_dashboard(paths, args)


def _demo_pipeline(args: argparse.Namespace) -> int:
    from pipelines.cli import features_command, ingest_command, score_command, train_command
    from synthetic.simulate import simulate

    paths = Paths.from_env(args.home)
    home = str(paths.home)
    print("Abri — démonstration de bout en bout sur la ville fictive\n")
    print(f"1/6 Ville de démonstration (~20 000 ménages locataires, {DEMO_MONTHS} mois d'extraits de 8 partenaires)")
    if paths.landing.exists() and any(paths.landing.iterdir()):
        print(f"  Extraits déjà présents dans {paths.landing} : réutilisés (supprimez {paths.home} pour tout refaire).")
    else:
        for line in simulate(paths.home, scale="demo", months=DEMO_MONTHS, seed=args.seed, progress=True,
                             city=load_settings().city).lines():
            print("  " + line)
    steps = (("2/6 Ingestion : validation, quarantaine, pseudonymisation", lambda: ingest_command(home, None)),
             ("3/6 Indicateurs à date et étiquettes", lambda: features_command(home)))
    for title, step in steps:
        print("\n" + title)
        if step():
            return 1
    from models.registry import gate

    registry, casework, _ = _registry_and_casework(home)
    before = len(registry.entries())
    print("\n4/6 Modèle candidat, comparaison aux règles actuelles, rapport d'audit")
    trained = train_command(home)
    if len(registry.entries()) == before:
        return trained or 1  # no candidate at all: a real failure
    version = registry.entries()[-1]["version"]
    passed, reasons = gate(registry.metadata(version))
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
        print(f"  {label:<22} précision@k {m['precision_at_k']:.2f}  rappel@k {m['recall_at_k']:.2f}  "
              f"ROC-AUC {m['roc_auc']:.2f}")
    print(f"  Énergie de l'entraînement : {meta['energy']['kwh'] * 1000:.2f} Wh, "
          f"{meta['energy']['kg_co2e'] * 1000:.3f} g CO2e")
    report = paths.home / "reports" / version / "audit.html"
    if report.exists():
        print(f"\nRapport du comité : {report}")
    print(f"Interface Dagster : DAGSTER_HOME={paths.home / 'dagster_home'} .venv/bin/dagster dev -m pipelines.definitions")
    return 0


def _demo_dashboard(paths: Paths, args: argparse.Namespace) -> int:
    try:
        from dashboard.cli import dashboard_command, demo_accounts
    except ImportError:
        print("\nLe tableau de bord n'est pas encore livré.")
        return 0
    accounts = demo_accounts(str(paths.home))
    print("\nComptes de démonstration (à ne jamais utiliser en production) :")
    for username, role, sectors, password in accounts:
        print(f"  {username:<14} {role:<20} {', '.join(sectors) or '—':<14} mot de passe : {password}")
    if args.no_dashboard:
        return 0
    return dashboard_command(str(paths.home), args.port)


def _loop(args: argparse.Namespace) -> int:
    """The closed loop: the demo city month by month with Abri deciding its outreach."""
    import json

    from synthetic.loop import DEFAULT_DESIGN, LoopConfig, run_loop

    paths = Paths.from_env(args.home)
    if paths.landing.exists() and any(paths.landing.iterdir()):
        print(f"abri loop : {paths.landing} contient déjà des extraits ; choisissez un --home vide.", file=sys.stderr)
        return 2
    design = dict(DEFAULT_DESIGN) if args.design is None else {"name": args.design, "params": {}}
    for item in args.param or []:
        key, _, value = item.partition("=")
        design.setdefault("params", {})[key] = json.loads(value)
    kw = {k: v for k, v in (("households", args.households), ("deployment", args.months),
                            ("history", args.history), ("follow_up", args.follow_up),
                            ("contact_rate", args.contact_rate), ("retrain_every", args.retrain_every))
          if v is not None}
    config = LoopConfig(scale=args.scale, seed=args.seed, design=design, treatment_aware=not args.naive,
                        compare_training=args.compare_training, city=load_settings().city.path, **kw)
    print(f"Boucle fermée sur la ville de démonstration ({args.scale}, graine {args.seed}, plan {design['name']}) "
          f"-> {paths.home}")
    summary = run_loop(paths.home, config, progress=not args.quiet)
    for line in summary.lines():
        print("  " + line)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from pipelines.cli import ingest_command

    return ingest_command(args.home, args.month, force=args.force)


def _features(args: argparse.Namespace) -> int:
    from pipelines.cli import features_command

    return features_command(args.home, args.month)


def _train(args: argparse.Namespace) -> int:
    from pipelines.cli import train_command

    if args.workers < 1:
        print(f"abri train : --workers {args.workers} : au moins 1", file=sys.stderr)
        return 2
    return train_command(args.home, engine=args.engine, workers=args.workers, scheduler=args.scheduler)


def _score(args: argparse.Namespace) -> int:
    from pipelines.cli import score_command

    return score_command(args.home)


def _run(args: argparse.Namespace) -> int:
    """Everything that exists, end to end: ingest, features, labels, training, audit, scoring,
    publication (scoring needs a champion: see abri review / abri promote)."""
    from pipelines.cli import features_command, ingest_command, score_command, train_command

    for step in (lambda: ingest_command(args.home, None), lambda: features_command(args.home),
                 lambda: train_command(args.home), lambda: score_command(args.home, demonstration=args.demo)):
        code = step()
        if code:
            return code
    return 0


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


def _review(args: argparse.Namespace) -> int:
    """The ethics committee's decision on one model version and its report."""
    registry, casework, paths = _registry_and_casework(args.home)
    registry.metadata(args.version)
    digest = _report_sha256(paths, args.version)
    casework.record_decision(args.version, decision=args.decision, by=args.by, comment=args.comment,
                             report_sha256=digest, demonstration=args.demonstration)
    if args.decision in ("approve", "conditions") and registry.status(args.version) == "candidate":
        registry.set_status(args.version, "approved")
    print(f"Décision « {args.decision} » enregistrée pour {args.version} (rapport {digest[:12]}…).")
    from casework import WITHDRAWING

    if args.decision in WITHDRAWING and registry.status(args.version) == "champion":
        _withdraw(registry, casework, args.version, reason=f"décision « {args.decision} » du comité : {args.comment}")
    return 0


def _withdraw(registry, casework, version: str, *, reason: str) -> None:
    """Retire `version` now and say who serves the next lists."""
    serving = registry.retire(version, reason=reason, approved=casework.still_approved)
    print(f"{version} est retiré ({reason}).")
    if serving:
        print(f"Les prochaines listes seront celles du champion précédent approuvé : {serving}.")
    else:
        print("Les prochaines listes seront celles de la règle actuelle (aucune autre version approuvée).")


def _retire(args: argparse.Namespace) -> int:
    """Withdraw a version at once (`abri retire VERSION --reason TEXT`)."""
    registry, casework, _ = _registry_and_casework(args.home)
    _withdraw(registry, casework, args.version, reason=args.reason)
    return 0


def _promote(args: argparse.Namespace) -> int:
    """Make an approved version the champion, if it beats the rule, is calibrated within
    tolerance, and is not worse than the current champion on the same months."""
    from models.registry import gate, not_worse

    registry, casework, paths = _registry_and_casework(args.home)
    meta = registry.metadata(args.version)
    approved = casework.is_approved(args.version, _report_sha256(paths, args.version))
    ece = load_settings().ece_tolerance if args.ece_tolerance is None else args.ece_tolerance  # ABRI_ECE_TOLERANCE
    passed, reasons = gate(meta, ece_tolerance=ece)
    for line in reasons:
        print(f"  {line}")
    if not passed:
        print(f"abri promote : {args.version} est refusée (moins bien que la règle actuelle ou mal calibrée) ; "
              "elle reste candidate.", file=sys.stderr)
        return 1
    champion = registry.champion()
    champion = None if champion == args.version else champion
    ok, why = not_worse(_backtests(paths, [args.version, champion]) if champion else None,
                        challenger=args.version, champion=champion,
                        capacity=meta.get("config", {}).get("capacity", 0.01), tolerance=args.tolerance)
    print(why)
    if not ok:
        print(f"abri promote : {args.version} reste candidat.", file=sys.stderr)
        return 1
    registry.promote(args.version, approved=approved)
    print(f"{args.version} est désormais le modèle champion.")
    return 0


def _backtests(paths: Paths, versions: list[str]):
    """The warehouse's backtest_scores rows of `versions` (read-only)."""
    import duckdb

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute("SELECT household_key, snapshot_month, model_version, score, judgment_within_horizon "
                           "FROM backtest_scores WHERE model_version IN (SELECT unnest(?))", [versions]).df()


def _dashboard(args: argparse.Namespace) -> int:
    from dashboard.cli import dashboard_command

    return dashboard_command(args.home, args.port, address=args.address)


def _users(args: argparse.Namespace) -> int:
    from dashboard.cli import users_command

    return users_command(args.rest)


def _key(args: argparse.Namespace) -> int:
    """`abri key rotate`: every pseudonym re-keyed, the old key kept as a dated backup."""
    from ingest.keys import rotate_key

    paths = Paths.from_env(args.home)
    print(f"Rotation de la clé de pseudonymisation de {paths.home}…", flush=True)
    report = rotate_key(paths, chain_unmatched=args.chain_unmatched)
    print(f"{report.pseudonyms} pseudonymes recalculés depuis landing/ ; colonnes rééncodées :")
    for line in report.lines():
        print(line)
    return 0


def _write_doc(out: str, text: str, what: str) -> int:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{what} écrit dans {path}")
    return 0


def _contract_doc(args: argparse.Namespace) -> int:
    from ingest.contract import render_markdown

    return _write_doc(args.out, render_markdown(), "Contrat des données")


def _feature_doc(args: argparse.Namespace) -> int:
    from features.declare import render_dictionary

    return _write_doc(args.out, render_dictionary(), "Dictionnaire des indicateurs")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="abri", description="Abri : prévention des expulsions locatives.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("simulate", help="build the demo city's partner extracts and ground truth")
    s.add_argument("--scale", choices=("demo", "paris"), default="demo",
                   help="demo: ~20,000 tenant households; paris: ~700,000")
    s.add_argument("--months", type=int, default=36, help="months of extracts (default 36)")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--end", default="2026-10", help="last extract month, YYYY-MM (default 2026-10)")
    s.add_argument("--households", type=int, default=None, help="override the scale's household count")
    s.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    s.add_argument("--force", action="store_true", help="replace existing extracts")
    s.add_argument("--quiet", action="store_true", help="no progress bars")
    s.set_defaults(func=_simulate)

    lp = sub.add_parser("loop", help="the demo city month by month with Abri in the loop (impact measured)")
    lp.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    lp.add_argument("--scale", choices=("demo", "paris"), default="demo")
    lp.add_argument("--seed", type=int, default=42)
    lp.add_argument("--months", type=int, default=None, help="deployment months with lists (default 24)")
    lp.add_argument("--quiet", action="store_true", help="no progress bars")
    lp.add_argument("--households", type=int, default=None, help=argparse.SUPPRESS)
    lp.add_argument("--history", type=int, default=None, help="months before deployment (default 36)")
    lp.add_argument("--follow-up", type=int, default=None, help="months after the last list (default 15)")
    lp.add_argument("--design", choices=("none", "margin", "tiered"), default=None,
                    help="randomised design (default tiered [[1, 0.5], [4, 1/6]])")
    lp.add_argument("--param", action="append", help="design parameter key=JSON, e.g. low=0.5")
    lp.add_argument("--contact-rate", type=float, default=None, help="share of the outreach arm reached (default 0.6)")
    lp.add_argument("--retrain-every", type=int, default=None, help="months between retrains (default 6)")
    lp.add_argument("--naive", action="store_true", help="retrain naively (outreach households kept as negatives)")
    lp.add_argument("--compare-training", action="store_true",
                    help="also retrain the other way (never deployed) and write truth/retraining.json")
    lp.set_defaults(func=_loop)

    def home_arg(parser):
        parser.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")

    i = sub.add_parser("ingest", help="validate, quarantine, pseudonymise and load the partners' extracts (Dagster)")
    home_arg(i)
    i.add_argument("--month", default=None,
                   help="YYYY-MM; default: the months of landing/ with a new or changed file")
    i.add_argument("--force", action="store_true", help="reload files already loaded (same SHA-256)")
    i.set_defaults(func=_ingest)

    f = sub.add_parser("features", help="build point-in-time features and labels for the ingested months (Dagster)")
    home_arg(f)
    f.add_argument("--month", default=None,
                   help="YYYY-MM; default: the months that files ingested since the last build change")
    f.set_defaults(func=_features)

    t = sub.add_parser("train", help="train a candidate model and write its committee report (Dagster)")
    home_arg(t)
    t.add_argument("--engine", choices=("lightgbm", "dask"), default="lightgbm",
                   help="lightgbm: one process (default); dask: lightgbm.dask on a Dask cluster, reading the lake")
    t.add_argument("--workers", type=int, default=2, help="dask: number of local worker processes (default 2)")
    t.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask: an existing cluster's scheduler (tcp://host:8786) instead of a local one")
    t.set_defaults(func=_train)

    sc = sub.add_parser("score", help="score the latest month with the champion and publish serving.duckdb")
    home_arg(sc)
    sc.set_defaults(func=_score)

    r = sub.add_parser("run", help="ingest, features, train, audit, score and publish, end to end")
    home_arg(r)
    r.add_argument("--demo", action="store_true", help="mark the publication as a demonstration")
    r.set_defaults(func=_run)

    rv = sub.add_parser("review", help="record the ethics committee's decision on a model version")
    rv.add_argument("version")
    rv.add_argument("--decision", required=True, choices=("approve", "reject", "conditions", "suspend"),
                    help="reject or suspend recorded on the champion retires it at once")
    rv.add_argument("--by", required=True, help="who decides (name of the committee or its chair)")
    rv.add_argument("--comment", required=True, help="the reasons, and the conditions if any")
    rv.add_argument("--demonstration", action="store_true", help=argparse.SUPPRESS)
    home_arg(rv)
    rv.set_defaults(func=_review)

    from abri.design_cli import add_parser as add_design_parser

    add_design_parser(sub)

    pr = sub.add_parser("promote", help="make an approved model version the champion")
    pr.add_argument("version")
    pr.add_argument("--tolerance", type=float, default=0.05,
                    help="how much worse than the champion (precision@k, absolute) is still accepted")
    pr.add_argument("--ece-tolerance", type=float, default=None,
                    help="largest expected calibration error accepted (absolute, default $ABRI_ECE_TOLERANCE or 0.02)")
    home_arg(pr)
    pr.set_defaults(func=_promote)

    rt = sub.add_parser("retire", help="withdraw a model version at once; the previous approved champion, "
                                       "else the rule, serves the next lists")
    rt.add_argument("version")
    rt.add_argument("--reason", required=True, help="why (kept in the registry history)")
    home_arg(rt)
    rt.set_defaults(func=_retire)

    db = sub.add_parser("dashboard", help="run the Streamlit dashboard (usage statistics off)")
    home_arg(db)
    db.add_argument("--port", type=int, default=8501)
    db.add_argument("--address", default="127.0.0.1",
                    help="interface to listen on (default 127.0.0.1: put a TLS reverse proxy in front, docs/security.md)")
    db.set_defaults(func=_dashboard)

    u = sub.add_parser("users", help="dashboard accounts: add | list | disable", add_help=False)
    u.add_argument("rest", nargs=argparse.REMAINDER)
    u.set_defaults(func=_users)

    k = sub.add_parser("key", help="pseudonymisation key: rotate (re-key every pseudonym, keep a dated backup)")
    k.add_argument("action", choices=("rotate",))
    k.add_argument("--chain-unmatched", action="store_true",
                   help="re-key pseudonyms whose landing file was purged by chaining (HMAC of the old one)")
    home_arg(k)
    k.set_defaults(func=_key)

    sub.add_parser("audit", add_help=False, help="fairness audit of any scored table (CSV/Parquet) -> audit.json + audit.html")

    d = sub.add_parser("demo", help="run every stage that exists on the demo city (make demo)")
    d.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    d.add_argument("--seed", type=int, default=42)
    d.add_argument("--port", type=int, default=8501, help="dashboard port (default 8501)")
    d.add_argument("--no-dashboard", action="store_true", help="stop after publishing, without starting the dashboard")
    d.set_defaults(func=_demo)

    from abri.rights_cli import add_parsers

    add_parsers(sub)

    c = sub.add_parser("contract-doc", help="write docs/data-contract.md from the source contract")
    c.add_argument("--out", default="docs/data-contract.md")
    c.set_defaults(func=_contract_doc)

    f = sub.add_parser("feature-doc", help="write docs/feature-dictionary.md from the feature declarations")
    f.add_argument("--out", default="docs/feature-dictionary.md")
    f.set_defaults(func=_feature_doc)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["audit"]:  # its own parser: options may come before the file
        from fairness.cli import audit_command

        return audit_command(argv[1:])
    args = build_parser().parse_args(argv)
    from abri.files import owner_only, secure_home
    from abri.lock import LockedError, pipeline_lock
    from casework import CaseworkError
    from models.registry import RegistryError

    owner_only()  # every store, folder and report this process (and its children) creates
    try:
        if args.command not in LOCKED:
            return args.func(args)
        paths = Paths.from_env(getattr(args, "home", None))
        secure_home(paths)
        with pipeline_lock(paths, what=f"abri {args.command}"):
            return args.func(args)
    except LockedError as exc:
        print(f"abri {args.command} : {exc}", file=sys.stderr)
        return 3
    except (ValueError, KeyError, RegistryError, CaseworkError) as exc:
        print(f"abri {args.command} : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
