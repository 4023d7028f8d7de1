"""A second city, end to end, with no code change: ABRI_CITY=valmont (abri/cities/valmont.toml, a
fictional commune whose sectors are groups of IRIS) runs the demo city, `make demo`'s pipeline
(ingest, features, train, demonstration approval, score) and the social worker's list page.
Slow (a few minutes), run in CI."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from abri.city import load_city
from abri.settings import load_settings

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
VALMONT = load_city("valmont")


@pytest.fixture(scope="module")
def valmont_home(tmp_path_factory):
    from abri.cli import _demo_pipeline
    from synthetic.simulate import simulate

    home = tmp_path_factory.mktemp("valmont")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ABRI_CITY", "valmont")
        mp.setenv("ABRI_HOME", str(home))
        city = load_settings().city
        simulate(home, households=2500, months=33, seed=3, progress=False, city=city)
        # make demo's own pipeline; it reuses the extracts already in landing/
        assert _demo_pipeline(str(home), seed=3) == 0
    return home


def test_the_demo_city_writes_valmont_postcodes_and_iris(valmont_home):
    m = pd.read_parquet(valmont_home / "landing" / "menages" / "2026-10.parquet")
    assert set(m["code_postal"].dropna()) <= {"49900", "49910"}
    assert set(m["arrondissement"].dropna().astype(int)) == {1, 2, 3, 4, 5, 6}
    assert m["iris"].dropna().str.startswith("49999").mean() > 0.95  # a few typos, by design


def test_serving_holds_valmont_sectors_only(valmont_home):
    with duckdb.connect(str(valmont_home / "serving.duckdb"), read_only=True) as con:
        listed = {s for (s,) in con.execute("SELECT DISTINCT sector FROM outreach_list").fetchall()}
        summary = {s for (s,) in con.execute("SELECT sector FROM sector_summary").fetchall()}
    assert summary == set(VALMONT.sector_names)
    assert listed == set(VALMONT.sector_names)  # each sector's quota is at least one


def test_a_valmont_social_worker_sees_the_list_of_her_sector(valmont_home, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from casework import Casework
    from casework.sessions import open_session
    from casework.users import add_user
    from dashboard import data
    from dashboard.auth import browser_binding
    from reports.i18n import t

    monkeypatch.setenv("ABRI_CITY", "valmont")
    monkeypatch.setenv("ABRI_HOME", str(valmont_home))
    store = Casework(valmont_home / "casework.sqlite")
    add_user(store, "ts_roseraie", role="travailleur_social", sectors=["roseraie"], password="x" * 12,
             city=VALMONT)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["lang"] = "fr"
    at.session_state["abri_session"] = open_session(data.casework(), "ts_roseraie", binding=browser_binding())
    at.run()
    assert not at.exception
    assert set(at.dataframe[0].value[t("col.sector")]) == {"La Roseraie"}
    # her households' names come from the identity store, through the city's district -> sector map
    with duckdb.connect(str(valmont_home / "serving.duckdb"), read_only=True) as con:
        (key,) = con.execute("SELECT household_key FROM outreach_list WHERE sector = 'La Roseraie' "
                             "ORDER BY rank_in_sector LIMIT 1").fetchone()
    scope = data.Scope("ts_roseraie", "travailleur_social", ("La Roseraie",))
    assert data.identity(scope, key) is not None
    other = data.Scope("ts_gare", "travailleur_social", ("Gare-Faubourg",))
    with pytest.raises(data.AccessDenied):
        data.identity(other, key)
