"""`abri subject`, `abri audit-log verify` and `abri purge` from the command line."""

import json
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "casework"))

from rights_home import ALICE, NAMES, build  # noqa: E402

from abri.cli import main  # noqa: E402


@pytest.fixture
def home(tmp_path, monkeypatch):
    return build(tmp_path / "home", monkeypatch).home


def test_subject_find_export_object_erase_from_the_command_line(home, tmp_path, capsys):
    h = ["--home", str(home), "--by", "dpo"]
    assert main(["subject", "find", "--nom", "ouvrard", "--date-naissance", "1970-03-04", *h]) == 0
    assert ALICE in capsys.readouterr().out
    assert main(["subject", "find", "--partner-id", "numero_allocataire", "--value", "CAF-111", *h]) == 0
    assert ALICE in capsys.readouterr().out
    out = tmp_path / "dpo" / "menage.json"
    assert main(["subject", "export", "--household-key", ALICE, "--out", str(out), *h]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["identity"] and out.with_suffix(".html").exists()
    assert main(["subject", "object", "--household-key", ALICE, "--reason", "lettre", *h]) == 0
    assert "prochaine exécution" in capsys.readouterr().out
    assert main(["subject", "erase", "--household-key", ALICE, "--reason", "demande", *h]) == 0
    printed = capsys.readouterr().out
    assert "identity.identity" in printed and "journal des accès est conservé" in printed
    assert not any(n in printed for n in NAMES)


@pytest.mark.parametrize(("city", "word"), [("paris", "arrondissement"), ("valmont", "quartier")])
def test_subject_find_names_the_district_in_the_citys_word(home, capsys, monkeypatch, city, word):
    monkeypatch.setenv("ABRI_CITY", city)
    assert main(["subject", "find", "--nom", "ouvrard", "--date-naissance", "1970-03-04", "--home", str(home),
                 "--by", "dpo"]) == 0
    line = next(li for li in capsys.readouterr().out.splitlines() if ALICE in li)
    assert line.split("\t")[1].startswith(f"{word} ") and "arr." not in line

def test_subject_errors_are_french_and_name_what_is_expected(home, capsys):
    assert main(["subject", "find", "--nom", "x", "--home", str(home), "--by", "dpo"]) == 2
    assert "--date-naissance" in capsys.readouterr().err
    assert main(["subject", "object", "--household-key", "zz", "--reason", "r", "--home", str(home),
                 "--by", "dpo"]) == 2
    assert "64 caractères hexadécimaux" in capsys.readouterr().err


def test_audit_log_verify_passes_then_fails_on_a_deleted_entry(home, capsys):
    assert main(["audit-log", "verify", "--home", str(home)]) == 0
    assert "Chaîne intacte" in capsys.readouterr().out
    con = sqlite3.connect(home / "casework.sqlite")
    con.execute("DROP TRIGGER access_log_append_only_delete")
    con.execute("DELETE FROM access_log WHERE id = 1")
    con.commit()
    con.close()
    assert main(["audit-log", "verify", "--home", str(home)]) == 1
    assert "l'entrée n° 1 a été supprimée" in capsys.readouterr().err


def test_purge_dry_run_then_applied(home, capsys):
    assert main(["purge", "--dry-run", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Simulation") and "landing.files" in out
    assert len(list((home / "landing").rglob("*.csv"))) == 4
    assert main(["purge", "--home", str(home)]) == 0
    assert "Purge appliquée" in capsys.readouterr().out
    assert len(list((home / "landing").rglob("*.csv"))) < 4


def test_dashboard_listens_on_loopback_unless_told_otherwise(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr("dashboard.cli.dashboard_command",
                        lambda home, port, *, address: seen.append((home, port, address)) or 0)
    assert main(["dashboard", "--home", str(tmp_path)]) == 0
    assert main(["--home", str(tmp_path), "dashboard", "--address", "0.0.0.0", "--port", "8600"]) == 0
    assert seen == [(str(tmp_path), 8501, "127.0.0.1"), (str(tmp_path), 8600, "0.0.0.0")]
