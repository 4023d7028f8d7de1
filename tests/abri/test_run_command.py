"""`abri run` end to end on a small city: six steps announced in order, each run through Dagster,
the committee's report written and the rule's lists published. Slow (about two minutes)."""

import re

import pytest

from abri.cli import main
from models.registry import ModelRegistry
from synthetic.simulate import simulate

pytestmark = pytest.mark.slow


def test_run_announces_its_six_steps_and_publishes(tmp_path, capsys):
    simulate(tmp_path, households=2500, months=33, seed=3, progress=False)
    assert main(["--home", str(tmp_path), "run", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^\[(\d)/6\] ([^:\n]+)$", out, flags=re.M) == [
        ("1", "ingestion"), ("2", "indicateurs et étiquettes"), ("3", "entraînement"), ("4", "audit"),
        ("5", "scores"), ("6", "publication")]
    assert out.count("terminé en") == 6
    version = ModelRegistry(tmp_path / "models").entries()[-1]["version"]
    assert (tmp_path / "reports" / version / "audit.html").exists()
    assert (tmp_path / "serving.duckdb").exists() and "règle actuelle" in out
