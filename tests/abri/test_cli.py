"""The command line: the committee's gate, clear errors, and simulate's guard."""

import pytest

from abri.cli import main
from models.registry import ModelRegistry
from tests.support import trained_warehouse


@pytest.fixture
def home(panel, tmp_path):
    version = trained_warehouse(panel, tmp_path, max_rounds=40)
    (tmp_path / "reports" / version).mkdir(parents=True)
    (tmp_path / "reports" / version / "audit.html").write_text("<html>rapport</html>", encoding="utf-8")
    return tmp_path, version


def test_promotion_is_refused_without_the_committees_approval(home, capsys):
    path, version = home
    assert main(["promote", version, "--home", str(path)]) == 2
    assert "n'a pas été approuvée" in capsys.readouterr().err
    assert ModelRegistry(path / "models").champion() is None


def test_an_approved_version_becomes_champion(home):
    path, version = home
    assert main(["review", version, "--decision", "approve", "--by", "Comité", "--comment", "vu",
                 "--home", str(path)]) == 0
    assert main(["promote", version, "--home", str(path)]) == 0
    assert ModelRegistry(path / "models").champion() == version


def test_an_approval_of_another_report_does_not_count(home):
    path, version = home
    main(["review", version, "--decision", "approve", "--by", "Comité", "--comment", "vu", "--home", str(path)])
    (path / "reports" / version / "audit.html").write_text("<html>rapport modifié</html>", encoding="utf-8")
    assert main(["promote", version, "--home", str(path)]) == 2


def test_a_rejected_version_stays_candidate(home):
    path, version = home
    main(["review", version, "--decision", "reject", "--by", "Comité", "--comment", "écart", "--home", str(path)])
    assert main(["promote", version, "--home", str(path)]) == 2
    assert ModelRegistry(path / "models").status(version) == "candidate"


def test_review_of_an_unknown_version_says_so(home, capsys):
    path, _ = home
    assert main(["review", "v-inconnue", "--decision", "approve", "--by", "x", "--comment", "y",
                 "--home", str(path)]) == 2
    assert "version de modèle inconnue" in capsys.readouterr().err


def test_simulate_refuses_to_overwrite_extracts_without_force(tmp_path, capsys):
    (tmp_path / "landing" / "caf").mkdir(parents=True)
    (tmp_path / "landing" / "caf" / "2025-01.csv").write_text("x", encoding="utf-8")
    assert main(["simulate", "--home", str(tmp_path), "--households", "300", "--months", "2", "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err


def test_the_committee_records_a_design(tmp_path, capsys):
    from casework import Casework

    assert main(["design", "tiered", "--param", "tiers=[[1, 0.5], [10, 0.1]]", "--by", "Comité",
                 "--comment", "essai d'un an, pas de mise à l'écart au-delà", "--home", str(tmp_path)]) == 0
    assert "tiered" in capsys.readouterr().out
    d = Casework(tmp_path / "casework.sqlite").current_design()
    assert d.name == "tiered" and d.params["tiers"] == [[1, 0.5], [10, 0.1]]


def test_a_bad_design_is_refused_clearly(tmp_path, capsys):
    assert main(["design", "margin", "--param", "low=3", "--by", "C", "--comment", "x", "--home", str(tmp_path)]) == 2
    assert "low" in capsys.readouterr().err
    assert main(["design", "margin", "--param", "low", "--by", "C", "--comment", "x", "--home", str(tmp_path)]) == 2
    assert "clé=valeur" in capsys.readouterr().err
