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


def _approve(path, version):
    assert main(["review", version, "--decision", "approve", "--by", "Comité", "--comment", "vu",
                 "--home", str(path)]) == 0


def _second_version(path, version):
    """Another version of the same model (another as_of), backtested on the same months."""
    import duckdb

    registry = ModelRegistry(path / "models")
    v2 = registry.save(registry.load(version), {**registry.metadata(version), "as_of": "2099-01"})
    with duckdb.connect(str(path / "warehouse.duckdb")) as con:
        con.execute("INSERT INTO backtest_scores SELECT * REPLACE (? AS model_version) FROM backtest_scores "
                    "WHERE model_version = ?", [v2, version])
    (path / "reports" / v2).mkdir(parents=True)
    (path / "reports" / v2 / "audit.html").write_text("<html>rapport 2</html>", encoding="utf-8")
    return v2


def _set_metric(path, version, scorer, key, value):
    import json

    meta_path = path / "models" / version / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for m in meta["metrics"]:
        if m["scorer"] == scorer:
            m[key] = value
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


def test_a_version_worse_than_the_rule_is_refused_even_when_approved(home, capsys):
    path, version = home
    _approve(path, version)
    _set_metric(path, version, "rule", "precision_at_k", 0.99)
    assert main(["promote", version, "--home", str(path)]) == 1
    assert "inférieure à celle de la règle" in capsys.readouterr().out
    assert ModelRegistry(path / "models").champion() is None


def test_a_calibration_error_beyond_the_tolerance_is_refused_unless_the_tolerance_is_raised(home, capsys):
    path, version = home
    _approve(path, version)
    _set_metric(path, version, "model", "ece", 0.05)
    assert main(["promote", version, "--home", str(path)]) == 1
    assert "au-delà de la tolérance" in capsys.readouterr().out
    assert main(["promote", version, "--ece-tolerance", "0.1", "--home", str(path)]) == 0


def test_the_challenger_is_compared_with_the_champion_on_the_same_months(home, capsys):
    path, version = home
    _approve(path, version)
    assert main(["promote", version, "--home", str(path)]) == 0
    v2 = _second_version(path, version)
    _approve(path, v2)
    capsys.readouterr()
    assert main(["promote", v2, "--home", str(path)]) == 0
    assert "sur les mêmes" in capsys.readouterr().out


def test_a_rejection_after_promotion_retires_the_champion_and_the_previous_one_serves(home, capsys):
    path, version = home
    _approve(path, version)
    assert main(["promote", version, "--home", str(path)]) == 0
    v2 = _second_version(path, version)
    _approve(path, v2)
    assert main(["promote", v2, "--home", str(path)]) == 0
    assert main(["review", v2, "--decision", "reject", "--by", "Comité", "--comment", "écart découvert",
                 "--home", str(path)]) == 0
    registry = ModelRegistry(path / "models")
    assert registry.status(v2) == "retired" and registry.champion() == version
    assert "champion précédent approuvé" in capsys.readouterr().out
    # a suspension of the one left: the rule serves
    assert main(["review", version, "--decision", "suspend", "--by", "Comité", "--comment", "suspendu",
                 "--home", str(path)]) == 0
    assert registry.champion() is None
    assert "règle actuelle" in capsys.readouterr().out


def test_retire_withdraws_the_champion_with_its_reason(home, capsys):
    path, version = home
    _approve(path, version)
    assert main(["promote", version, "--home", str(path)]) == 0
    assert main(["retire", version, "--reason", "données d'un partenaire corrompues", "--home", str(path)]) == 0
    registry = ModelRegistry(path / "models")
    assert registry.champion() is None
    history = next(e for e in registry.entries() if e["version"] == version)["history"]
    assert history[-1]["reason"] == "données d'un partenaire corrompues"
    assert "règle actuelle" in capsys.readouterr().out
    assert main(["retire", version, "--reason", " ", "--home", str(path)]) == 2


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
