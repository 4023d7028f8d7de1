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

import argparse
import sys

from abri.config import Paths
from abri.settings import load_settings


def _home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", required=True, help="who acts (the data protection officer's account or name)")


def add_parsers(sub) -> None:
    """Add `subject`, `audit-log` and `purge` to the `abri` command's subparsers."""
    s = sub.add_parser("subject", help="data-subject rights (DPO): find | export | object | rectify | erase")
    ssub = s.add_subparsers(dest="action", required=True)
    f = ssub.add_parser("find", help="find a household by name and birth date, or by a partner identifier")
    f.add_argument("--nom")
    f.add_argument("--prenom")
    f.add_argument("--date-naissance", help="YYYY-MM-DD")
    f.add_argument("--partner-id", metavar="COLUMN",
                   help="a partner identifier of the data contract: numero_allocataire, ref_bail, identifiant_ft, ...")
    f.add_argument("--value", help="the partner identifier")
    e = ssub.add_parser("export", help="everything held on a household, as JSON and HTML")
    e.add_argument("--household-key", required=True)
    e.add_argument("--out", required=True, help="JSON file; the HTML is written beside it")
    o = ssub.add_parser("object", help="record an objection (GDPR art. 21): no scoring, no list from the next run")
    o.add_argument("--household-key", required=True)
    o.add_argument("--reason", required=True)
    r = ssub.add_parser("rectify", help="correct an identity field on every store")
    r.add_argument("--household-key", required=True)
    r.add_argument("--field", required=True, choices=("nom", "prenom", "adresse", "telephone", "date_naissance"))
    r.add_argument("--value", required=True)
    x = ssub.add_parser("erase", help="erase a household from every store (legal limits printed)")
    x.add_argument("--household-key", required=True)
    x.add_argument("--reason", required=True)
    for p in (f, e, o, r, x):
        _home(p)
        _by(p)
    s.set_defaults(func=subject_command)

    a = sub.add_parser("audit-log", help="verify the hash chain of the access log and committee decisions")
    asub = a.add_subparsers(dest="action", required=True)
    v = asub.add_parser("verify", help="detect a deleted, altered or forged entry")
    _home(v)
    a.set_defaults(func=audit_log_command)

    pg = sub.add_parser("purge", help="apply the retention periods (abri.toml [retention])")
    pg.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    _home(pg)
    pg.set_defaults(func=purge_command)


def subject_command(args: argparse.Namespace) -> int:
    from casework import Casework
    from casework import subject as sj

    paths = Paths.from_env(args.home)
    if args.action == "find":
        if args.partner_id:
            if not args.value:
                raise ValueError("indiquez l'identifiant avec --value")
            found = sj.find_by_partner(paths, kind=args.partner_id, identifier=args.value, by=args.by)
        elif args.nom and args.date_naissance:
            found = sj.find_by_identity(paths, nom=args.nom, prenom=args.prenom, date_naissance=args.date_naissance,
                                        by=args.by)
        else:
            raise ValueError("cherchez par --nom et --date-naissance, ou par --partner-id et --value")
        if not found:
            print("Aucun ménage trouvé.")
        for m in found:
            arr = f"{m.arrondissement}e arr." if m.arrondissement else "arrondissement inconnu"
            print(f"{m.household_key}\t{arr}\tvu de {m.first_month} à {m.last_month}")
        return 0
    if args.action == "export":
        json_path, html_path = sj.write_export(sj.export(paths, args.household_key, by=args.by), args.out)
        print(f"Export écrit : {json_path} et {html_path} (lecture réservée au propriétaire)")
        return 0
    if args.action == "object":
        sj.record_objection(Casework(paths.casework), args.household_key, reason=args.reason, by=args.by)
        print("Opposition enregistrée : le ménage ne sera plus scoré ni listé à partir de la prochaine exécution.")
        return 0
    if args.action == "rectify":
        n = sj.rectify(paths, args.household_key, field_name=args.field, value=args.value, by=args.by)
        print(f"{n} ligne(s) d'identité rectifiée(s) (champ {args.field}). Les données des partenaires se "
              "rectifient à la source : informez le partenaire (RGPD art. 19), la correction arrivera avec "
              "son prochain extrait.")
        return 0
    result = sj.erase(paths, args.household_key, reason=args.reason, by=args.by)
    print(f"Effacement : {result.total} ligne(s) supprimée(s).")
    for table, n in sorted(result.deleted.items()):
        print(f"  {table:<40} {n}")
    print("Ce qui est conservé, et pourquoi :")
    for line in sj.ERASURE_LIMITS:
        print(f"  - {line}")
    return 0


def audit_log_command(args: argparse.Namespace) -> int:
    from casework import Casework
    from casework.chain import LABELS, verify

    paths = Paths.from_env(args.home)
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


def purge_command(args: argparse.Namespace) -> int:
    from abri.config import Retention
    from casework.retention import purge

    paths = Paths.from_env(args.home)
    report = purge(paths, Retention.load(paths.home), dry_run=args.dry_run, by="abri purge",
                   min_access_log_days=load_settings().min_access_log_days)
    if not args.dry_run:
        from pipelines.retention import purge_dagster_runs

        report.deleted["dagster.runs"] = purge_dagster_runs(paths, Retention.load(paths.home).dagster_runs_days)
    print(("Simulation : " if args.dry_run else "Purge appliquée : ") + ", ".join(report.lines()) + ".")
    return 0
