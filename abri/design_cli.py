"""`abri design NAME [--param key=value ...] --by ... --comment ...`: the committee records the
randomised design the monthly lists follow from the next scoring on (models/design.py)."""

from __future__ import annotations

import argparse
import json

from abri.config import Paths


def parse_params(pairs: list[str]) -> dict:
    """key=value pairs; each value read as JSON when it is JSON (0.4, [[1, 0.5], [10, 0.1]]),
    else kept as text."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param « {pair} » : attendu clé=valeur (ex. low=0.5)")
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


def add_parser(sub) -> None:
    from models.design import DESIGNS

    p = sub.add_parser("design", help="record the ethics committee's randomised design (none | margin | tiered)")
    p.add_argument("name", choices=DESIGNS)
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter, e.g. --param low=0.5 --param high=2.0, or --param 'tiers=[[1,0.5],[10,0.1]]'")
    p.add_argument("--by", required=True, help="who decides (name of the committee or its chair)")
    p.add_argument("--comment", required=True, help="the reasons: who may be held out, why, and until when")
    p.add_argument("--demonstration", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    p.set_defaults(func=design_command)


def design_command(args: argparse.Namespace) -> int:
    from casework import Casework

    store = Casework(Paths.from_env(args.home).casework)
    store.record_design(args.name, params=parse_params(args.param), by=args.by, comment=args.comment,
                        demonstration=args.demonstration)
    design = store.current_design()
    print(f"Plan « {design.name} » enregistré {json.dumps(design.params, ensure_ascii=False)} : "
          "il s'applique aux listes à partir du prochain calcul des scores (abri score).")
    return 0
