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
    return click.option("--by", required=True, help="qui agit (compte ou nom du délégué à la protection des données)")(f)


@click.group("subject", cls=AbriGroup,
             short_help="droits des personnes (DPO) : find | export | object | rectify | erase")
@home_option
def subject(home) -> None:
    """Droits des personnes (DPO) : find | export | object | rectify | erase. Chaque acte est
    écrit au journal des accès avec --by."""


@subject.command("find", short_help="retrouver un ménage par nom et date de naissance, ou par un identifiant partenaire")
@click.option("--nom", help="nom de famille")
@click.option("--prenom", help="prénom (facultatif)")
@click.option("--date-naissance", help="date de naissance, AAAA-MM-JJ")
@click.option("--partner-id", metavar="COLUMN",
              help="un identifiant partenaire du contrat des données : numero_allocataire, ref_bail, identifiant_ft…")
@click.option("--value", help="la valeur de l'identifiant partenaire")
@home_option
@_by
def find(nom, prenom, date_naissance, partner_id, value, home, by) -> int:
    """Retrouve un ménage par --nom et --date-naissance (--prenom facultatif), ou par --partner-id
    et --value ; affiche sa clé, son quartier (le mot de la ville) et ses mois, jamais un nom."""
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


@subject.command("export", short_help="tout ce qui est détenu sur un ménage, en JSON et HTML")
@click.option("--household-key", required=True, help="la clé du ménage (abri subject find)")
@click.option("--out", required=True, help="fichier JSON ; le HTML est écrit à côté")
@home_option
@_by
def export(household_key, out, home, by) -> int:
    """Tout ce qui est détenu sur un ménage, en JSON et HTML (fichiers lisibles par leur seul propriétaire)."""
    from casework import subject as sj

    json_path, html_path = sj.write_export(sj.export(Paths.from_env(home), household_key, by=by), out)
    print(f"Export écrit : {json_path} et {html_path} (lecture réservée au propriétaire)")
    return 0


@subject.command("object", short_help="enregistrer une opposition (RGPD art. 21) : ni score ni liste dès le prochain calcul")
@click.option("--household-key", required=True, help="la clé du ménage (abri subject find)")
@click.option("--reason", required=True, help="le motif de l'opposition")
@home_option
@_by
def object_(household_key, reason, home, by) -> int:
    """Enregistre une opposition (RGPD art. 21) : ni score ni liste dès le prochain calcul."""
    from casework import Casework
    from casework import subject as sj

    sj.record_objection(Casework(Paths.from_env(home).casework), household_key, reason=reason, by=by)
    print("Opposition enregistrée : le ménage ne sera plus scoré ni listé à partir de la prochaine exécution.")
    return 0


@subject.command("rectify", short_help="corriger un champ d'identité dans tous les stockages")
@click.option("--household-key", required=True, help="la clé du ménage (abri subject find)")
@click.option("--field", required=True, type=click.Choice(("nom", "prenom", "adresse", "telephone", "date_naissance")),
              help="le champ corrigé")
@click.option("--value", required=True, help="la valeur corrigée")
@home_option
@_by
def rectify(household_key, field, value, home, by) -> int:
    """Corrige un champ d'identité dans tous les stockages (le partenaire corrige ses propres données à la source)."""
    from casework import subject as sj

    n = sj.rectify(Paths.from_env(home), household_key, field_name=field, value=value, by=by)
    print(f"{n} ligne(s) d'identité rectifiée(s) (champ {field}). Les données des partenaires se "
          "rectifient à la source : informez le partenaire (RGPD art. 19), la correction arrivera avec "
          "son prochain extrait.")
    return 0


@subject.command("erase", short_help="effacer un ménage de tous les stockages (limites légales affichées)")
@click.option("--household-key", required=True, help="la clé du ménage (abri subject find)")
@click.option("--reason", required=True, help="le motif de l'effacement")
@home_option
@_by
def erase(household_key, reason, home, by) -> int:
    """Efface un ménage de tous les stockages ; affiche ce qui est gardé, et pourquoi."""
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
             short_help="vérifier la chaîne d'empreintes du journal des accès et des décisions du comité")
@home_option
def audit_log(home) -> None:
    """Le journal des accès et les décisions du comité, chaînés par empreintes : verify."""


@audit_log.command("verify", short_help="détecter une entrée supprimée, modifiée ou forgée")
@home_option
def verify(home) -> int:
    """Détecte une entrée supprimée, modifiée ou forgée (code de sortie 1 si la chaîne est rompue)."""
    return audit_log_command(home)


@click.command("purge", cls=AbriGroup.command_class,
               short_help="appliquer les durées de conservation (abri.toml [retention])")
@click.option("--dry-run", is_flag=True, help="compte ce qui serait supprimé, sans rien supprimer")
@home_option
def purge(dry_run, home) -> int:
    """Applique les durées de conservation (abri.toml [retention])."""
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
