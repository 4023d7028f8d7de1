"""The committee audits the lists the version would have sent: per-sector quotas, not a
city-wide top-k."""

import json

import duckdb
import numpy as np

from fairness.model_audit import audit_version
from tests.support import trained_warehouse


def test_the_model_audit_covers_each_sectors_list_as_sent(panel, tmp_path):
    version = trained_warehouse(panel, tmp_path, max_rounds=40)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    keys = con.execute("SELECT household_key, snapshot_month FROM features").df()
    rng = np.random.default_rng(0)
    n = len(keys)
    attrs = keys.assign(sexe=rng.choice(["F", "M"], n), age_band=rng.choice(["<30", "30-59", "60+"], n),
                        nationalite=rng.choice(["FR", "UE", "hors UE"], n), famille_monoparentale=rng.random(n) < 0.2,
                        handicap=rng.random(n) < 0.1, qpv=rng.random(n) < 0.3, tenure=rng.choice(["social", "prive"], n),
                        arrondissement=rng.choice([18, 19, 20], n))
    con.register("a", attrs)
    con.execute("CREATE TABLE audit_attributes AS SELECT * FROM a")
    # each month, each sector's first 2% by score, ties by household_key (750 households per sector: 15)
    expected = con.execute(
        "SELECT count(*) FROM (SELECT row_number() OVER (PARTITION BY b.snapshot_month, f.sector "
        "ORDER BY b.score DESC, b.household_key) AS r FROM backtest_scores b "
        "JOIN features f USING (household_key, snapshot_month) WHERE b.model_version = ?) WHERE r <= 15",
        [version]).fetchone()[0]
    meta = json.loads((tmp_path / "models" / version / "metadata.json").read_text(encoding="utf-8"))
    _, json_path, html_path = audit_version(con, version, out_dir=tmp_path / "out", capacity=0.02, n_boot=20,
                                            metadata=meta)
    record = json.loads(json_path.read_text(encoding="utf-8"))
    assert record["operating_point"]["rule"] == "list"
    assert record["operating_point"]["selected"] == expected
    assert record["lead_time"] == meta["lead_time"] and record["sector_lists"]
    html = html_path.read_text(encoding="utf-8")
    assert "chaque secteur reçoit sa part" in html
    assert "modèle " + version + " (scores hors échantillon)" in html and ["arrondissement"] in [s["group_spec"] for s in record["group_specs"]]
    # a city whose districts are quartiers: the audited attribute is named in its word, never "Arrondissement"
    _, json_path, html_path = audit_version(con, version, out_dir=tmp_path / "valmont", capacity=0.02, n_boot=20,
                                            metadata=meta, district="quartier", lang="en")
    specs = [s["group_spec"] for s in json.loads(json_path.read_text(encoding="utf-8"))["group_specs"]]
    html = html_path.read_text(encoding="utf-8")
    assert ["quartier"] in specs and ["arrondissement"] not in specs
    assert "Neighbourhood (quartier)" in html and "Arrondissement" not in html and "modèle" not in html
