"""Local accounts (casework/users.py) and the `abri users` / `abri dashboard` commands."""

from __future__ import annotations

import io

import pytest

from abri.cli import main
from casework import Casework, CaseworkError
from casework.users import add_user, disable_user, list_users, normalise_sector, verify
from dashboard.cli import dashboard_command, streamlit_args

PW = "un-mot-de-passe-long"


@pytest.fixture
def store(tmp_path):
    return Casework(tmp_path / "casework.sqlite")


def test_a_password_is_stored_as_an_argon2_hash_and_verified(store):
    add_user(store, "ts19", role="travailleur_social", sectors=["19"], password=PW)
    with store.connect() as con:
        stored = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PW not in stored
    account = verify(store, "ts19", PW)
    assert (account.role, account.sectors) == ("travailleur_social", ("19e",))
    assert verify(store, "ts19", PW + "x") is None


def test_a_disabled_account_no_longer_verifies_but_stays_listed(store):
    add_user(store, "ts19", role="travailleur_social", sectors=["19e"], password=PW)
    disable_user(store, "ts19")
    assert verify(store, "ts19", PW) is None
    assert [(a.username, a.active) for a in list_users(store)] == [("ts19", False)]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role": "chef"}, "rôle inconnu"),
    ({"role": "travailleur_social"}, "au moins un secteur"),
    ({"role": "travailleur_social", "sectors": ["21e"]}, "secteur inconnu « 21e »"),
    ({"role": "comite", "sectors": ["19e"]}, "agrégats"),
    ({"role": "comite", "password": "court"}, "trop court"),
])
def test_bad_accounts_are_refused_with_a_message(store, kwargs, message):
    with pytest.raises(CaseworkError, match=message):
        add_user(store, "x", **{"password": PW, **kwargs})


def test_a_name_cannot_be_taken_twice(store):
    add_user(store, "ds", role="data_scientist", password=PW)
    with pytest.raises(CaseworkError, match="existe déjà"):
        add_user(store, "ds", role="data_scientist", password=PW)


@pytest.mark.parametrize(("raw", "sector"), [("19", "19e"), ("19E", "19e"), ("centre", "Paris Centre"),
                                             ("3", "Paris Centre"), ("Paris Centre", "Paris Centre")])
def test_sectors_are_normalised(raw, sector):
    assert normalise_sector(raw) == sector


def test_users_command_adds_lists_and_disables(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    assert main(["users", "add", "ts19", "--role", "travailleur_social", "--sector", "19e", "--password-stdin",
                          "--home", str(tmp_path)]) == 0
    assert main(["users", "list", "--home", str(tmp_path)]) == 0
    assert "ts19\ttravailleur_social\t19e\tactif" in capsys.readouterr().out
    assert main(["users", "disable", "ts19", "--home", str(tmp_path)]) == 0
    assert main(["users", "disable", "nobody", "--home", str(tmp_path)]) == 2
    assert "aucun compte « nobody »" in capsys.readouterr().err
    assert PW not in (tmp_path / "casework.sqlite").read_bytes().decode("latin-1")


def test_dashboard_command_refuses_a_home_without_published_data(tmp_path, capsys):
    assert dashboard_command(str(tmp_path), 8599) == 2
    assert "serving.duckdb absent" in capsys.readouterr().err


def test_the_dashboard_runs_headless_without_usage_stats_or_deploy_button():
    args = " ".join(streamlit_args(8599))
    for flag in ("--server.headless true", "--browser.gatherUsageStats false", "--client.toolbarMode viewer",
                 "--theme.font sans-serif", "--server.port 8599"):
        assert flag in args


def test_the_dashboard_listens_on_loopback_and_shows_no_error_details_unless_told():
    args = " ".join(streamlit_args(8599))
    for flag in ("--server.address 127.0.0.1", "--client.showErrorDetails false",
                 "--server.enableXsrfProtection true"):
        assert flag in args
    assert "--server.address 10.0.0.5" in " ".join(streamlit_args(8599, address="10.0.0.5"))
