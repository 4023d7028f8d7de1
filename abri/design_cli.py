"""`abri design NAME [--param key=value ...] --by ... --comment ...`: the committee records the
randomised design the monthly lists follow from the next scoring on (models/design.py)."""

from __future__ import annotations

import json

import click

from abri.cli_common import AbriCommand, home_option
from abri.config import Paths
from models.design import DESIGNS


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


@click.command("design", cls=AbriCommand,
               short_help="enregistrer le plan randomisé du comité d'éthique (none | margin | tiered)")
@click.argument("name", type=click.Choice(DESIGNS))
@click.option("--param", multiple=True, metavar="KEY=VALUE",
              help="un paramètre, par exemple --param low=0.5 --param high=2.0, ou --param 'tiers=[[1,0.5],[10,0.1]]'")
@click.option("--by", required=True, help="qui décide (nom du comité ou de sa présidence)")
@click.option("--comment", required=True, help="les motifs : qui peut être tenu à l'écart, pourquoi, et jusqu'à quand")
@click.option("--demonstration", is_flag=True, hidden=True)
@home_option
def design(name, param, by, comment, demonstration, home) -> int:
    """Enregistre le plan randomisé du comité d'éthique (none | margin | tiered) : les listes
    mensuelles le suivent dès le prochain calcul des scores."""
    from casework import Casework

    store = Casework(Paths.from_env(home).casework)
    store.record_design(name, params=parse_params(list(param)), by=by, comment=comment,
                        demonstration=demonstration)
    current = store.current_design()
    print(f"Plan « {current.name} » enregistré {json.dumps(current.params, ensure_ascii=False)} : "
          "il s'applique aux listes à partir du prochain calcul des scores (abri score).")
    return 0
