"""`abri dashboard` and `abri users`: click commands abri/cli.py attaches to the `abri` tree.

    abri dashboard --home DIR [--port P] [--address 127.0.0.1]
    abri users add NAME --role ROLE [--sector 19e ...] --password-stdin [--home DIR]
    abri users list [--home DIR]
    abri users disable NAME [--home DIR]
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import click

from abri.cli_common import AbriCommand, AbriGroup, home_option
from abri.config import Paths
from abri.settings import load_settings
from casework import Casework
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


@click.command("dashboard", cls=AbriCommand, short_help="lancer le tableau de bord Streamlit (statistiques d'usage coupées)")
@home_option
@click.option("--port", type=int, default=8501, show_default=True, help="port d'écoute")
@click.option("--address", default="127.0.0.1",
              help="interface d'écoute (127.0.0.1 par défaut : placez devant un proxy inverse TLS, docs/security.md)")
def dashboard(home, port, address) -> int:
    """Lance le tableau de bord Streamlit sur ADDRESS:PORT (statistiques d'usage coupées)."""
    return dashboard_command(home, port, address=address)


@click.group("users", cls=AbriGroup, short_help="comptes du tableau de bord : add | list | disable")
@home_option
def users(home) -> None:
    """Comptes locaux du tableau de bord : add | list | disable."""


@users.command("add", short_help="créer un compte")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="rôle du compte")
@click.option("--sector", multiple=True, help="un secteur de la ville (répétable), tel que abri/cities/<ville>.toml le nomme, par exemple 19e à Paris")
@click.option("--password-stdin", is_flag=True, help="lit le mot de passe sur l'entrée standard")
@home_option
def add(username, role, sector, password_stdin, home) -> int:
    """Crée un compte ; le mot de passe est demandé deux fois, ou lu sur l'entrée standard."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez : ") != password:
            print("abri users : les deux mots de passe diffèrent", file=sys.stderr)
            return 2
    account = add_user(_store(home), username, role=role, sectors=list(sector), password=password,
                       city=load_settings().city)
    print(f"Compte « {account.username} » créé ({account.role}"
          + (f", secteurs : {', '.join(account.sectors)}" if account.sectors else "") + ")")
    return 0


@users.command("list", short_help="lister les comptes (jamais les empreintes des mots de passe)")
@home_option
def list_(home) -> int:
    """Liste les comptes : nom, rôle, secteurs, état, date de création (jamais les empreintes des mots de passe)."""
    for a in list_users(_store(home)):
        state = "actif" if a.active else "désactivé"
        print(f"{a.username}\t{a.role}\t{', '.join(a.sectors) or '-'}\t{state}\t{a.created_at}")
    return 0


@users.command("disable", short_help="refuser toute nouvelle connexion à un compte")
@click.argument("username")
@home_option
def disable(username, home) -> int:
    """Refuse toute nouvelle connexion à un compte (ses sessions ouvertes prennent fin) ; il reste listé."""
    disable_user(_store(home), username)
    print(f"Compte « {username} » désactivé")
    return 0


def _store(home: str | None) -> Casework:
    return Casework(Paths.from_env(home).casework)


# Demo accounts (`make demo`): one per role; the 19th arrondissement's social worker first.
DEMO_PASSWORD = "demo-abri-2026"
DEMO_ACCOUNTS: tuple[tuple[str, str, list[str]], ...] = (("ts19", "travailleur_social", ["19e"]), ("ts18", "travailleur_social", ["18e"]),
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
