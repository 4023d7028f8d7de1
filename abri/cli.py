"""The `abri` command: one entry point for the data team's tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from abri.config import Paths


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
                       end_month=args.end, households=args.households, progress=not args.quiet)
    for line in summary.lines():
        print("  " + line)
    print(f"Extraits des partenaires : {paths.landing}/<source>/<AAAA-MM>.<csv|parquet>")
    print(f"Vérité terrain (jamais lue par le pipeline) : {paths.truth}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    """`make demo`: every stage that exists, on the embedded demo city."""
    from synthetic.simulate import simulate

    paths = Paths.from_env(args.home)
    print("Abri — démonstration de bout en bout sur la ville fictive")
    print("Étape 1/1 : ville de démonstration (~20 000 ménages locataires, 36 mois d'extraits)")
    if paths.landing.exists() and any(paths.landing.iterdir()):
        print(f"  Extraits déjà présents dans {paths.landing} : réutilisés "
              "(supprimez ce dossier pour les reconstruire).")
    else:
        summary = simulate(paths.home, scale="demo", months=36, seed=args.seed, progress=True)
        for line in summary.lines():
            print("  " + line)
    print()
    print("Ce que vous avez :")
    print(f"  - {paths.landing}/<source>/<AAAA-MM>.<csv|parquet> : les extraits mensuels des 8 partenaires")
    print(f"  - {paths.resend} : deux livraisons corrigées, renvoyées plus tard par un partenaire")
    print(f"  - {paths.truth} : la vérité terrain (risque exact à 12 mois), réservée aux tests et benchmarks")
    print("  - docs/data-contract.md : le contrat des données, docs/demo-city.md : comment la ville est simulée")
    print("Prochaines étapes du projet (pas encore livrées) : ingestion (Dagster, DuckDB), indicateurs,")
    print("modèle LightGBM, audit d'équité, tableau de bord Streamlit.")
    return 0


def _contract_doc(args: argparse.Namespace) -> int:
    from features.contract import render_markdown

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_markdown() + "\n", encoding="utf-8")
    print(f"Contrat des données écrit dans {out}")
    return 0


def _feature_doc(args: argparse.Namespace) -> int:
    from features.declare import render_dictionary

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_dictionary() + "\n", encoding="utf-8")
    print(f"Dictionnaire des indicateurs écrit dans {out}")
    return 0


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

    d = sub.add_parser("demo", help="run every stage that exists on the demo city (make demo)")
    d.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    d.add_argument("--seed", type=int, default=42)
    d.set_defaults(func=_demo)

    c = sub.add_parser("contract-doc", help="write docs/data-contract.md from the source contract")
    c.add_argument("--out", default="docs/data-contract.md")
    c.set_defaults(func=_contract_doc)

    f = sub.add_parser("feature-doc", help="write docs/feature-dictionary.md from the feature declarations")
    f.add_argument("--out", default="docs/feature-dictionary.md")
    f.set_defaults(func=_feature_doc)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, KeyError) as exc:
        print(f"abri {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
