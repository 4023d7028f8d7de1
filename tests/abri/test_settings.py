"""The one settings object (abri/settings.py) and the city files (abri/city.py)."""

from __future__ import annotations

import pytest

from abri.city import load_city
from abri.settings import Settings, SettingsError, load_settings
from casework.store import CaseworkError
from casework.users import normalise_sector

ENV = ("ABRI_HOME", "ABRI_MEMORY_LIMIT", "ABRI_HORIZON_MONTHS", "ABRI_COURT_DELAY_MONTHS", "ABRI_CAPACITY",
       "ABRI_MIN_CELL", "ABRI_FAIRNESS_TOLERANCE", "ABRI_ECE_TOLERANCE", "ABRI_SEED", "ABRI_AUDIT_BOOTSTRAP",
       "ABRI_MIN_ACCESS_LOG_DAYS", "ABRI_CITY", "ABRI_LEAKAGE_SAMPLE_ROWS", "ABRI_DRIFT_SAMPLE_ROWS",
       "ABRI_LOGISTIC_MAX_ROWS", "ABRI_SEED_BOOSTERS", "ABRI_SEED_BOOSTER_ROWS", "ABRI_EXPLANATION_SAMPLE_ROWS",
       "ABRI_MITIGATION_MAX_ROWS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_the_defaults_run_the_demo_in_paris():
    s = load_settings()
    assert (s.horizon_months, s.court_delay_months, s.capacity, s.min_cell) == (12, 3, 0.01, 11)
    assert (s.fairness_tolerance, s.ece_tolerance, s.seed) == ((0.8, 1.25), 0.02, 42)
    assert s.city.name == "Paris" and len(s.city.sectors) == 17 and s.memory_limit == ""


def test_environment_variables_override_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("ABRI_HORIZON_MONTHS", "18")
    monkeypatch.setenv("ABRI_CAPACITY", "0.02")
    monkeypatch.setenv("ABRI_FAIRNESS_TOLERANCE", "0.75,1.33")
    monkeypatch.setenv("ABRI_CITY", "valmont")
    monkeypatch.setenv("ABRI_HOME", str(tmp_path))
    s = load_settings()
    assert (s.horizon_months, s.capacity, s.fairness_tolerance) == (18, 0.02, (0.75, 1.33))
    assert s.city.name == "Valmont-sur-Loire" and s.home == tmp_path


def test_arguments_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("ABRI_MIN_CELL", "20")
    assert load_settings(min_cell=5).min_cell == 5


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("ABRI_HORIZON_MONTHS", "douze", "un nombre entier est attendu"),
    ("ABRI_HORIZON_MONTHS", "0", "au moins 1"),
    ("ABRI_CAPACITY", "1,5", "un nombre est attendu"),
    ("ABRI_FAIRNESS_TOLERANCE", "1.25,0.8", "le premier sous 1"),
    ("ABRI_MIN_ACCESS_LOG_DAYS", "30", "au moins 183"),
    ("ABRI_CITY", "atlantis", "ville inconnue"),
])
def test_a_bad_value_names_the_variable_in_french(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}=") as err:
        load_settings()
    assert expected in str(err.value)


def test_the_memory_limit_keeps_its_message(monkeypatch):
    monkeypatch.setenv("ABRI_MEMORY_LIMIT", " 12 XB ")
    with pytest.raises(ValueError) as err:
        load_settings()
    assert str(err.value) == "ABRI_MEMORY_LIMIT='12 XB' : une taille est attendue, par exemple 8GB, 1GiB ou 512MB"


def test_settings_are_frozen():
    with pytest.raises(ValueError):
        Settings().seed = 1  # type: ignore[misc]


def test_both_cities_are_valid_and_distinct():
    paris, valmont = load_city("paris"), load_city("valmont")
    assert paris.district_sectors[3] == "Paris Centre" and paris.district_sectors[19] == "19e"
    assert paris.postcodes[0] == "75001" and len(paris.postcodes) == 20
    assert len(valmont.sectors) == 6 and set(valmont.postcodes) == {"49900", "49910"}
    assert all(len(code) == 9 for d in valmont.districts for code in d.iris)


def _city_file(tmp_path, sectors: str):
    path = tmp_path / "ailleurs.toml"
    path.write_text('name = "Ailleurs"\nservice = "CCAS"\n[demo]\nworker_sectors = ["Nord", "Nord"]\n'
                    + sectors, encoding="utf-8")
    return path


def test_a_sector_without_postcode_is_an_error_naming_the_file(tmp_path):
    path = _city_file(tmp_path, '[[sectors]]\nname = "Nord"\ndistricts = []\n')
    with pytest.raises(ValueError, match="ailleurs.toml") as err:
        load_city(path)
    assert "Nord" in str(err.value) and "code postal" in str(err.value)


def test_a_malformed_postcode_or_iris_is_an_error_naming_the_setting(tmp_path):
    path = _city_file(tmp_path, '[[sectors]]\nname = "Nord"\n'
                                'districts = [{ number = 1, postcode = "4990", iris = ["4999901"] }]\n')
    with pytest.raises(ValueError, match="ailleurs.toml") as err:
        load_city(path)
    assert "postcode" in str(err.value) and "IRIS" in str(err.value)


def test_a_city_file_through_abri_city_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ABRI_CITY", str(_city_file(tmp_path, "")))
    with pytest.raises(SettingsError, match="^ABRI_CITY=.*ailleurs.toml"):
        load_settings()


def test_sectors_are_the_citys():
    valmont = load_city("valmont")
    assert normalise_sector("roseraie", city=valmont) == "La Roseraie"
    assert normalise_sector("3", city=valmont) == "La Roseraie"
    with pytest.raises(CaseworkError, match="Centre-Ville"):
        normalise_sector("19e", city=valmont)


def test_accounts_take_the_sectors_of_abri_city(monkeypatch, tmp_path, capsys):
    import io

    from abri.cli import main
    from dashboard.cli import demo_accounts

    def users_command(argv):
        return main(["users", *argv])

    monkeypatch.setenv("ABRI_CITY", "valmont")
    monkeypatch.setattr("sys.stdin", io.StringIO("x" * 12 + "\n"))
    assert users_command(["add", "ts_r", "--role", "travailleur_social", "--sector", "roseraie",
                          "--password-stdin", "--home", str(tmp_path)]) == 0
    assert "secteurs : La Roseraie" in capsys.readouterr().out
    assert users_command(["add", "ts_p", "--role", "travailleur_social", "--sector", "19e",
                          "--password-stdin", "--home", str(tmp_path)]) == 2
    assert "secteur inconnu « 19e »" in capsys.readouterr().err
    workers = {u: s for u, r, s, _ in demo_accounts(str(tmp_path)) if r == "travailleur_social"}
    assert workers == {"ts19": ["La Roseraie"], "ts18": ["Saint-Martin"]}


def test_the_sample_sizes_default_to_the_libraries_own():
    from fairness.mitigation import compare_mitigations
    from features.checks import LEAKAGE_SAMPLE
    from governance.committee import (
        EXPLANATION_SAMPLE,
        MITIGATION_MAX_ROWS,
        SEED_BOOSTER_ROWS,
        SEED_BOOSTERS,
    )
    from models.train import LOGISTIC_MAX_ROWS, TrainConfig
    from models.workflow import DRIFT_SAMPLE_ROWS
    from pipelines.resources import SAMPLE_SIZES, AbriResource

    s = load_settings()
    assert (s.leakage_sample_rows, s.drift_sample_rows, s.logistic_max_rows, s.train_max_negatives, s.seed_boosters,
            s.seed_booster_rows, s.explanation_sample_rows, s.mitigation_max_rows) == (
        LEAKAGE_SAMPLE, DRIFT_SAMPLE_ROWS, LOGISTIC_MAX_ROWS, TrainConfig.max_negatives, SEED_BOOSTERS,
        SEED_BOOSTER_ROWS, EXPLANATION_SAMPLE, MITIGATION_MAX_ROWS)
    assert compare_mitigations.__kwdefaults__["max_rows"] == MITIGATION_MAX_ROWS
    resource = AbriResource(home="var")
    assert all(getattr(resource, k) == getattr(s, k) for k in SAMPLE_SIZES)


def test_a_sample_size_from_the_environment_reaches_the_library_call(monkeypatch, tmp_path):
    import features.checks
    from pipelines.features import features_no_leakage
    from pipelines.resources import build_resources

    monkeypatch.setenv("ABRI_LEAKAGE_SAMPLE_ROWS", "1234")
    abri = build_resources(str(tmp_path))["abri"]
    assert abri.leakage_sample_rows == 1234
    seen = {}

    def leakage(con, *, sample):
        seen["sample"] = sample
        return True, {}

    monkeypatch.setattr(features.checks, "leakage_in_warehouse", leakage)
    assert features_no_leakage(abri=abri).passed
    assert seen == {"sample": 1234}


@pytest.mark.parametrize(("name", "value"), [("ABRI_MITIGATION_MAX_ROWS", "10"), ("ABRI_SEED_BOOSTERS", "-1"),
                                             ("ABRI_DRIFT_SAMPLE_ROWS", "beaucoup")])
def test_a_bad_sample_size_is_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}="):
        load_settings()
