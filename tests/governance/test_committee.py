"""The committee's pack in one library call: audit, explanations, mitigation and documents of the
version the caller names."""

import duckdb
import pytest

from governance.committee import committee_pack, mitigation_frames
from models.registry import ModelRegistry
from tests.support import add_audit_attributes, trained_warehouse

pytestmark = pytest.mark.slow  # trains a model and the explanations' two seed models


@pytest.fixture(scope="module")
def home(panel, tmp_path_factory):
    home = tmp_path_factory.mktemp("committee")
    version = trained_warehouse(panel, home, max_rounds=40)
    add_audit_attributes(home)
    return home, version


def test_one_call_writes_the_four_artefacts_of_the_named_version(home):
    path, version = home
    registry = ModelRegistry(path / "models")
    out = path / "reports" / version
    with duckdb.connect(str(path / "warehouse.duckdb"), read_only=True) as con:
        pack = committee_pack(con, version, booster=registry.load(version), metadata=registry.metadata(version),
                              out_dir=out, capacity=0.02, seed=1)
    assert pack.version == version and pack.audit_html == out / "audit.html"
    for name in ("audit.json", "audit.html", "explanations.json", "explanations.html", "mitigation.html",
                 "model_card.html", "etalab.json", "annex_iv.html"):
        assert (out / name).exists(), name
    assert set(pack.documents) >= {"model_card.html", "annex_iv.html"}
    assert "audit.html" in (out / "annex_iv.html").read_text(encoding="utf-8")


def test_the_mitigation_learns_only_from_months_whose_labels_were_known(home):
    path, version = home
    with duckdb.connect(str(path / "warehouse.duckdb"), read_only=True) as con:
        train, test = mitigation_frames(con, version)
        last = con.execute("SELECT max(snapshot_month) FROM backtest_scores").fetchone()[0]
        months = con.execute("SELECT DISTINCT snapshot_month FROM features f JOIN labels l "
                             "USING (household_key, snapshot_month) WHERE f.snapshot_month + INTERVAL 15 MONTH <= ? "
                             "ORDER BY 1 DESC LIMIT 2", [last]).fetchall()
    assert len(test) and len(train) == 2 * 1500 and len(months) == 2


def test_a_version_never_scored_is_refused_by_name(home):
    path, _ = home
    with duckdb.connect(str(path / "warehouse.duckdb"), read_only=True) as con, \
            pytest.raises(ValueError, match="v-absente"):
        mitigation_frames(con, "v-absente")
