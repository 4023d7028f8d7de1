"""`abri dashboard` and `abri users`: the functions abri/cli.py wires as subcommands.

    abri dashboard --home DIR [--port P] [--address 127.0.0.1]
    abri users add NAME --role ROLE [--sector 19e ...] --password-stdin [--home DIR]
    abri users list [--home DIR]
    abri users disable NAME [--home DIR]
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from pathlib import Path

from abri.config import Paths
from abri.settings import load_settings
from casework import Casework, CaseworkError
from casework.store import ROLES
from casework.users import add_user, disable_user, list_users

APP = Path(__file__).with_name("app.py")


def streamlit_args(port: int, *, address: str = "127.0.0.1") -> list[str]:
    """The `streamlit run` command line: headless, no usage statistics, toolbar in viewer mode (no
    Deploy button), the system sans-serif font (no external font); listening on `address` only
    (loopback unless told otherwise: a TLS reverse proxy faces the network, docs/security.md);
    no traceback or error detail shown to the browser; XSRF protection on."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
            "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--theme.font", "sans-serif",
            "--client.showErrorDetails", "false", "--server.enableXsrfProtection", "true",
            "--server.enableCORS", "true"]


def dashboard_command(home: str | None, port: int, *, address: str = "127.0.0.1") -> int:
    """Run the dashboard on `address`:`port` with ABRI_HOME set; returns Streamlit's exit code (2
    with a French message when nothing is published under home)."""
    paths = Paths.from_env(home)
    if not paths.serving.exists():
        print(f"abri dashboard : aucune donnée publiée dans {paths.home} (serving.duckdb absent). "
              "Lancez d'abord le pipeline, ou indiquez le bon dossier avec --home.", file=sys.stderr)
        return 2
    env = {**os.environ, "ABRI_HOME": str(paths.home.resolve()), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    shown = "localhost" if address in ("127.0.0.1", "localhost", "::1") else address
    print(f"Tableau de bord Abri : http://{shown}:{port}  (données : {paths.home})")
    try:
        return subprocess.call(streamlit_args(port, address=address), env=env)
    except KeyboardInterrupt:
        return 0


def _users_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="abri users", description="Comptes locaux du tableau de bord.")
    p.add_argument("--home", default=None, help="runtime folder (default $ABRI_HOME or ./var)")
    sub = p.add_subparsers(dest="action", required=True)
    a = sub.add_parser("add", help="create an account")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--sector", action="append", default=[], help="a sector (repeat): 'Paris Centre', 5e ... 20e")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.add_argument("--home", default=argparse.SUPPRESS)
    ls = sub.add_parser("list", help="list accounts (never the password hashes)")
    ls.add_argument("--home", default=argparse.SUPPRESS)
    d = sub.add_parser("disable", help="refuse further sign-ins for an account")
    d.add_argument("username")
    d.add_argument("--home", default=argparse.SUPPRESS)
    return p


def users_command(argv: list[str]) -> int:
    """Manage local accounts; returns 0, or 2 with a French message on a refused action."""
    args = _users_parser().parse_args(argv)
    store = Casework(Paths.from_env(args.home).casework)
    try:
        if args.action == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass("Mot de passe : ")
                if getpass.getpass("Confirmez : ") != password:
                    print("abri users : les deux mots de passe diffèrent", file=sys.stderr)
                    return 2
            account = add_user(store, args.username, role=args.role, sectors=args.sector, password=password,
                               city=load_settings().city)
            print(f"Compte « {account.username} » créé ({account.role}"
                  + (f", secteurs : {', '.join(account.sectors)}" if account.sectors else "") + ")")
        elif args.action == "list":
            for a in list_users(store):
                state = "actif" if a.active else "désactivé"
                print(f"{a.username}\t{a.role}\t{', '.join(a.sectors) or '-'}\t{state}\t{a.created_at}")
        else:
            disable_user(store, args.username)
            print(f"Compte « {args.username} » désactivé")
    except CaseworkError as exc:
        print(f"abri users : {exc}", file=sys.stderr)
        return 2
    return 0


# Demo accounts (`make demo`): one per role; the 19th arrondissement's social worker first (another
# city: the sectors of its file's demo.worker_sectors).
DEMO_PASSWORD = "demo-abri-2026"
DEMO_ACCOUNTS = (("ts19", "travailleur_social", ["19e"]), ("ts18", "travailleur_social", ["18e"]),
                 ("encadrante", "encadrant", []), ("comite", "comite", []), ("datascience", "data_scientist", []),
                 ("admin", "admin", []), ("dpo", "dpo", []))


def demo_accounts(home: str | None) -> list[tuple[str, str, list[str], str]]:
    """Create the demo accounts that do not exist yet; returns (username, role, sectors, password)."""
    from casework.users import get_user

    store = Casework(Paths.from_env(home).casework)
    city = load_settings().city
    own = dict(zip(("ts19", "ts18"), ([s] for s in city.demo.worker_sectors), strict=True))
    accounts = [(u, r, own.get(u, s)) for u, r, s in DEMO_ACCOUNTS]
    for username, role, sectors in accounts:
        if get_user(store, username) is None:
            add_user(store, username, role=role, sectors=sectors, password=DEMO_PASSWORD, city=city)
    return [(u, r, s, DEMO_PASSWORD) for u, r, s in accounts]
