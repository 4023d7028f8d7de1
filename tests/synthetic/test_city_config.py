"""The demo city and the contract read the city passed in (abri/cities/<city>.toml)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abri.city import load_city
from ingest.contract import source
from synthetic.city import NamePools, make_households
from synthetic.simulate import scale_households

VALMONT = load_city("valmont")


def test_a_smaller_city_is_simulated_at_its_own_size_paris_as_a_sample():
    assert scale_households("demo", load_city("paris")) == 20_000
    assert 14_000 < scale_households("demo", VALMONT) == scale_households("city", VALMONT) < 16_000


def test_households_live_in_the_citys_districts_postcodes_and_iris():
    h = make_households(3000, np.random.default_rng(0), first_number=1, entry_month=pd.Period("2024-01"),
                        pools=NamePools(0), established=True, city=VALMONT)
    iris = {c: d.number for d in VALMONT.districts for c in d.iris}
    assert set(h["code_postal"]) == {"49900", "49910"}
    assert (h["iris"].map(iris) == h["arrondissement"]).all()
    # La Roseraie (district 3, 55% social housing) is the social-housing neighbourhood
    social = h.groupby("arrondissement")["tenure"].apply(lambda s: (s == "social").mean())
    assert social.idxmax() == 3 and h.loc[h["qpv"], "arrondissement"].isin([3, 5]).all()


def test_a_city_without_demo_figures_cannot_be_simulated(tmp_path):
    path = tmp_path / "reelle.toml"
    path.write_text('name = "Réelle"\nservice = "CCAS"\n[demo]\nworker_sectors = ["A", "A"]\n'
                    '[[sectors]]\nname = "A"\ndistricts = [{ number = 1, postcode = "12000", iris = ["12202"] }]\n',
                    encoding="utf-8")
    with pytest.raises(ValueError, match="reelle.toml.*median_income"):
        scale_households("demo", load_city(path))


def test_the_contract_checks_the_citys_postcodes_and_districts():
    menages = source("menages", city=VALMONT)
    assert menages.column("code_postal").allowed == ("49900", "49910")
    assert (menages.column("arrondissement").min, menages.column("arrondissement").max) == (1, 6)
    assert "75019" in source("menages").column("code_postal").allowed  # Paris by default
