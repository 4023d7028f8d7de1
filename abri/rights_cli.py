"""`abri subject`, `abri audit-log` and `abri purge`: the data protection officer's commands.

    abri subject find --nom NOM --date-naissance AAAA-MM-JJ [--prenom P] --by DPO
    abri subject find --partner-id numero_allocataire --value X --by DPO
    abri subject export --household-key K --out FILE.json --by DPO   (FILE.html beside it)
    abri subject object --household-key K --reason TEXT --by DPO
    abri subject rectify --household-key K --field adresse --value V --by DPO
    abri subject erase --household-key K --reason TEXT --by DPO
    abri audit-log verify
    abri purge [--dry-run]
All take --home DIR. Messages never show a name, an address or a partner identifier.
"""

from __future__ import annotations

import sys

import click

from abri.cli_common import AbriGroup, home_option
from abri.config import Paths
from abri.settings import load_settings


def _by(f):
    return click.option("--by", required=True, help="who acts (the data protection officer's account or name)")(f)


@click.group("subject", cls=AbriGroup,
             short_help="data-subject rights (DPO): find | export | object | rectify | erase")
@home_option
def subject(home) -> None:
    """Data-subject rights (DPO): find | export | object | rectify | erase. Every act is written
    to the access log with --by."""


@subject.command("find", short_help="find a household by name and birth date, or by a partner identifier")
@click.option("--nom")
@click.option("--prenom")
@click.option("--date-naissance", help="YYYY-MM-DD")
@click.option("--partner-id", metavar="COLUMN",
              help="a partner identifier of the data contract: numero_allocataire, ref_bail, identifiant_ft, ...")
@click.option("--value", help="the partner identifier")
@home_option
@_by
def find(nom, prenom, date_naissance, partner_id, value, home, by) -> int:
    """Find a household by --nom and --date-naissance (--prenom optional), or by --partner-id
    and --value; prints its key, district (the city's word) and months, never a name."""
    from casework import subject as sj

    paths = Paths.from_env(home)
    if partner_id:
        if not value:
            raise ValueError("indiquez l'identifiant avec --value")
        found = sj.find_by_partner(paths, kind=partner_id, identifier=value, by=by)
    elif nom and date_naissance:
        found = sj.find_by_identity(paths, nom=nom, prenom=prenom, date_naissance=date_naissance, by=by)
    else:
        raise ValueError("cherchez par --nom et --date-naissance, ou par --partner-id et --value")
    if not found:
        print("Aucun ménage trouvé.")
    district = load_settings().city.district_label  # "arrondissement" in Paris, "quartier" in Valmont
    for m in found:
        where = f"{district} {m.arrondissement}" if m.arrondissement else f"{district} inconnu"
        print(f"{m.household_key}\t{where}\tvu de {m.first_month} à {m.last_month}")
    return 0


@subject.command("export", short_help="everything held on a household, as JSON and HTML")
@click.option("--household-key", required=True)
@click.option("--out", required=True, help="JSON file; the HTML is written beside it")
@home_option
@_by
def export(household_key, out, home, by) -> int:
    """Everything held on a household, as JSON and HTML (owner-only files)."""
    from casework import subject as sj

    json_path, html_path = sj.write_export(sj.export(Paths.from_env(home), household_key, by=by), out)
    print(f"Export écrit : {json_path} et {html_path} (lecture réservée au propriétaire)")
    return 0


@subject.command("object", short_help="record an objection (GDPR art. 21): no scoring, no list from the next run")
@click.option("--household-key", required=True)
@click.option("--reason", required=True)
@home_option
@_by
def object_(household_key, reason, home, by) -> int:
    """Record an objection (GDPR art. 21): no scoring, no list from the next run."""
    from casework import Casework
    from casework import subject as sj

    sj.record_objection(Casework(Paths.from_env(home).casework), household_key, reason=reason, by=by)
    print("Opposition enregistrée : le ménage ne sera plus scoré ni listé à partir de la prochaine exécution.")
    return 0


@subject.command("rectify", short_help="correct an identity field on every store")
@click.option("--household-key", required=True)
@click.option("--field", required=True, type=click.Choice(("nom", "prenom", "adresse", "telephone", "date_naissance")))
@click.option("--value", required=True)
@home_option
@_by
def rectify(household_key, field, value, home, by) -> int:
    """Correct an identity field on every store (the partner corrects its own data at the source)."""
    from casework import subject as sj

    n = sj.rectify(Paths.from_env(home), household_key, field_name=field, value=value, by=by)
    print(f"{n} ligne(s) d'identité rectifiée(s) (champ {field}). Les données des partenaires se "
          "rectifient à la source : informez le partenaire (RGPD art. 19), la correction arrivera avec "
          "son prochain extrait.")
    return 0


@subject.command("erase", short_help="erase a household from every store (legal limits printed)")
@click.option("--household-key", required=True)
@click.option("--reason", required=True)
@home_option
@_by
def erase(household_key, reason, home, by) -> int:
    """Erase a household from every store; prints what is kept, and why."""
    from casework import subject as sj

    result = sj.erase(Paths.from_env(home), household_key, reason=reason, by=by)
    print(f"Effacement : {result.total} ligne(s) supprimée(s).")
    for table, n in sorted(result.deleted.items()):
        print(f"  {table:<40} {n}")
    print("Ce qui est conservé, et pourquoi :")
    for line in sj.ERASURE_LIMITS:
        print(f"  - {line}")
    return 0


@click.group("audit-log", cls=AbriGroup,
             short_help="verify the hash chain of the access log and committee decisions")
@home_option
def audit_log(home) -> None:
    """The hash-chained access log and committee decisions: verify."""


@audit_log.command("verify", short_help="detect a deleted, altered or forged entry")
@home_option
def verify(home) -> int:
    """Detect a deleted, altered or forged entry (exit 1 when the chain is broken)."""
    return audit_log_command(home)


@click.command("purge", cls=AbriGroup.command_class,
               short_help="apply the retention periods (abri.toml [retention])")
@click.option("--dry-run", is_flag=True, help="count what would be deleted, delete nothing")
@home_option
def purge(dry_run, home) -> int:
    """Apply the retention periods (abri.toml [retention])."""
    return purge_command(home, dry_run=dry_run)


def audit_log_command(home: str | None) -> int:
    from casework import Casework
    from casework.chain import LABELS, verify

    paths = Paths.from_env(home)
    if not paths.casework.exists():
        raise ValueError(f"pas de registre de suivi ({paths.casework})")
    with Casework(paths.casework).connect() as con:
        result = verify(con)
    for kind, n in result.checked.items():
        print(f"{LABELS[kind]} : {n} entrée(s) vérifiée(s), dernière empreinte {result.heads[kind]}")
    if result.ok:
        print("Chaîne intacte.")
        return 0
    for p in result.problems:
        print(f"  {p}", file=sys.stderr)
    print(f"abri audit-log verify : {len(result.problems)} anomalie(s) : le journal a été altéré.", file=sys.stderr)
    return 1


def purge_command(home: str | None, *, dry_run: bool = False) -> int:
    from abri.config import Retention
    from casework.retention import purge

    paths = Paths.from_env(home)
    report = purge(paths, Retention.load(paths.home), dry_run=dry_run, by="abri purge",
                   min_access_log_days=load_settings().min_access_log_days)
    if not dry_run:
        from pipelines.retention import purge_dagster_runs

        report.deleted["dagster.runs"] = purge_dagster_runs(paths, Retention.load(paths.home).dagster_runs_days)
    print(("Simulation : " if dry_run else "Purge appliquée : ") + ", ".join(report.lines()) + ".")
    return 0
