"""The demo city's tenant households: who they are, where they live, what they earn.

Attributes follow the city file's district figures (abri/cities/<city>.toml; Paris's from
shared/paris-figures.md): tenants per district (arrondissement) from the households and the
social-housing share, composition by tenure, income per consumption unit drawn around each
district's median so that its poverty rate holds, rents from the city's rents per m2.
Groups differ in exposure through income, rent burden and vulnerability, which drive the
dynamics; no attribute raises risk by decree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker

from abri.city import City, District, load_city
from synthetic import dynamics as dyn
from synthetic import paris

COMPOSITIONS = tuple(paris.COMPOSITION)
# Composition by tenure (E): social housing holds more families and single parents.
COMPOSITION_BY_TENURE = {
    dyn.SOCIAL: (0.40, 0.15, 0.22, 0.17, 0.06),
    dyn.PRIVATE: (0.58, 0.21, 0.13, 0.06, 0.02),
}
INCOME_SIGMA = 0.75  # log-sd that reproduces the arrondissements' poverty rates (D)
IRIS_PER_HOUSEHOLDS = 1_140  # Paris: ~992 IRIS for 1.13M households


def _demo_districts(city: City) -> tuple[District, ...]:
    missing = [d.number for d in city.districts
               if None in (d.households, d.social_share, d.poverty, d.median_income)]
    if missing:
        raise ValueError(f"{city.path} : la ville de démonstration a besoin, pour chaque quartier, de households, "
                         f"social_share, poverty et median_income (absents : quartier(s) {missing})")
    return city.districts


def tenant_weights(city: City | None = None) -> pd.DataFrame:
    """Per district: expected social and private tenant households (E from the shares)."""
    city = city or load_city("paris")
    demo = city.demo
    rows = []
    for d in _demo_districts(city):
        assert d.households is not None and d.social_share is not None  # _demo_districts has checked
        # Paris: the SRU share counts dwellings; scale to the census share of HLM tenants (18.1%)
        social = d.households * d.social_share * (demo.social_tenant_share / demo.social_dwelling_share)
        private = d.households * demo.private_tenant_share
        rows.append((d.number, social, private, d.poverty, d.median_income))
    return pd.DataFrame(rows, columns=["arrondissement", "social", "private", "poverty", "median_income"])


def tenant_households(city: City) -> int:
    """The city's expected tenant households: its demo city at its own size."""
    w = tenant_weights(city)
    return round(float(w["social"].sum() + w["private"].sum()))


def iris_codes(district: District) -> tuple[list[str], int]:
    """IRIS codes of a district and how many of the first ones are QPV areas. Full 9-character
    codes are taken as listed; a commune code (Paris: 751AA) gets one code per ~1,140 households."""
    if all(len(c) == 9 for c in district.iris):
        codes = list(district.iris)
    else:
        assert district.households is not None  # a demo city's district (tenant_weights has checked)
        n = max(4, round(district.households / IRIS_PER_HOUSEHOLDS))
        prefixes = [c for c in district.iris if len(c) == 5]
        codes = [f"{prefixes[i % len(prefixes)]}{(i // 20) + 1:02d}{(i % 20) + 1:02d}" for i in range(n)]
    n_qpv = max(1, round(len(codes) * 0.15)) if district.qpv else 0
    return codes, n_qpv


class Columns(dict):
    """Households as named numpy arrays: cheap to index every month, unlike a DataFrame."""

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Columns:
        return cls({c: df[c].to_numpy(dtype=object if df[c].dtype.kind in "OUT" or str(df[c].dtype) in ("str", "string") else None)
                    for c in df.columns})

    def __len__(self) -> int:
        return len(next(iter(self.values()))) if dict.__len__(self) else 0

    def take(self, idx) -> Columns:
        return Columns({k: v[idx] for k, v in self.items()})

    def concat(self, other: Columns) -> Columns:
        return Columns({k: np.concatenate([v, other[k]]) for k, v in self.items()})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(dict(self))


class NamePools:
    """French names and streets from Faker's fr_FR lists, sampled with numpy (fast, seeded)."""

    def __init__(self, seed: int):
        fake = Faker("fr_FR")
        fake.seed_instance(seed)
        prov = fake.provider("faker.providers.person")
        self.last = np.array(sorted(set(prov.last_names)))
        self.first_f = np.array(sorted(set(prov.first_names_female)))
        self.first_m = np.array(sorted(set(prov.first_names_male)))
        self.streets = np.array(sorted({fake.street_name() for _ in range(3_000)}))


def make_households(n: int, rng: np.random.Generator, *, first_number: int, entry_month: pd.Period,
                    pools: NamePools, established: bool, city: City | None = None) -> pd.DataFrame:
    """`n` tenant households of `city` (default Paris) with their attributes, profile and identities.

    established: households already in place at the start (move-in dates spread over past
    years) rather than newcomers of `entry_month`.
    """
    city = city or load_city("paris")
    districts = {d.number: d for d in city.districts}
    w = tenant_weights(city)
    k = len(w)
    cells = np.concatenate([w["social"].to_numpy(), w["private"].to_numpy()])
    cell = rng.choice(len(cells), size=n, p=cells / cells.sum())
    arr = w["arrondissement"].to_numpy()[cell % k]
    tenure = (cell // k).astype(np.int8)  # 0 social, 1 private
    poverty = w["poverty"].to_numpy()[cell % k]
    median = w["median_income"].to_numpy()[cell % k] / 12

    comp = np.empty(n, dtype=np.int8)
    for t, probs in COMPOSITION_BY_TENURE.items():
        m = tenure == t
        comp[m] = rng.choice(5, size=m.sum(), p=probs)
    kids = np.zeros(n, dtype=np.int64)
    kids[comp == 2] = 1 + rng.poisson(0.7, (comp == 2).sum())
    kids[comp == 3] = 1 + rng.poisson(0.5, (comp == 3).sum())
    kids[comp == 4] = rng.poisson(0.3, (comp == 4).sum())
    adults = np.select([comp == 0, comp == 3, comp == 4], [1, 1, 2 + rng.poisson(0.5, n)], 2)
    size = (adults + kids).astype(np.int64)
    cu = 1 + 0.5 * (adults - 1) + 0.3 * kids

    p_female = np.select([comp == 0, comp == 3], [0.55, 0.85], 0.40)
    female = rng.random(n) < p_female
    age = np.where(tenure == dyn.SOCIAL, rng.normal(52, 16, n), rng.normal(41, 14, n))
    age = np.clip(age, 19, 95).astype(int)
    age[(comp == 3) | (comp == 2)] = np.clip(age[(comp == 3) | (comp == 2)], 22, 62)

    foreign_share = np.clip(paris.FOREIGN_SHARE_BASE * (1 + 0.8 * (poverty - 0.15) / 0.1), 0.05, 0.4)
    foreign_share = foreign_share * np.where(tenure == dyn.SOCIAL, 1.2, 1.0)
    foreign = rng.random(n) < foreign_share
    nationality = np.where(~foreign, "FR", np.where(rng.random(n) < paris.EU_SHARE_OF_FOREIGN, "UE", "HORS_UE"))
    disabled = rng.random(n) < np.where(tenure == dyn.SOCIAL, 0.05, 0.02) * (0.6 + age / 60)

    # income per consumption unit: lognormal around the district's median; tenants,
    # single parents and disabled people earn less (Filosofi orders of magnitude, E)
    shift = (np.where(tenure == dyn.SOCIAL, -0.35, -0.05) + np.where(comp == 3, -0.30, 0.0)
             + np.where(disabled, -0.25, 0.0) + np.where(age < 25, -0.25, 0.0)
             + np.where(nationality == "HORS_UE", -0.15, 0.0))
    # capped at EUR 15,000 a month per consumption unit: the lognormal tail is not Paris
    income_cu = np.minimum(median * np.exp(shift + INCOME_SIGMA * rng.standard_normal(n)), 15_000)
    income = np.round(income_cu * cu, 0)

    surface = np.clip(20 + 14 * (size - 1) + rng.normal(0, 6, n), 9, 250).round(0)
    per_m2 = np.where(tenure == dyn.SOCIAL, city.demo.social_rent_per_m2, city.demo.private_rent_per_m2)
    rent = np.round(surface * per_m2 * np.exp(rng.normal(0, 0.15, n)) + 2.5 * surface, 2)

    # housing allowance (APL/ALS/ALF), simplified scale: a share of a capped rent, tapering
    # with income
    rent_cap = 450 + 80 * (size - 1)
    allowance = np.maximum(0, 0.75 * np.minimum(rent, rent_cap) - 0.35 * np.maximum(0, income - 500))
    allowance = np.where(allowance < 15, 0.0, np.round(allowance, 2))
    rsa = np.where(income_cu < 650, np.round(np.maximum(0, 650 * cu - income) * 0.9, 2), 0.0)
    caf = (allowance > 0) | (rsa > 0) | (kids >= 2) | disabled
    net_burden = (rent - allowance) / np.maximum(income, 100)

    # 0 = deep poverty (< 0.8 x the poverty line) ... 3 = comfortable (>= 1.6 x)
    income_class = np.digitize(income_cu / paris.POVERTY_LINE_PER_CU, [0.8, 1.0, 1.6]).astype(int)
    burden_class = np.digitize(net_burden, [0.25, 0.35, 0.5]).astype(int)
    vuln = np.minimum(2, (comp == 3).astype(int) + disabled.astype(int) + (age < 25).astype(int))
    profile = dyn.profile_index(tenure.astype(int), income_class, burden_class, vuln)

    # where they live: IRIS within the district; QPV areas hold social housing
    iris = np.empty(n, dtype=object)
    qpv = np.zeros(n, dtype=bool)
    for a in np.unique(arr):
        m = np.nonzero(arr == a)[0]
        codes, n_qpv = iris_codes(districts[int(a)])
        in_qpv = (rng.random(len(m)) < np.where(tenure[m] == dyn.SOCIAL, 0.35, 0.04)) & (n_qpv > 0)
        qpv[m] = in_qpv
        iris[m] = np.where(in_qpv, np.array(codes)[rng.integers(0, max(n_qpv, 1), len(m))],
                           np.array(codes)[rng.integers(n_qpv, len(codes), len(m))])

    numbers = np.arange(first_number, first_number + n)
    landlords = city.demo.social_landlords
    landlord = rng.choice(list(landlords), size=n, p=list(landlords.values()))
    first = np.where(female, pools.first_f[rng.integers(0, len(pools.first_f), n)],
                     pools.first_m[rng.integers(0, len(pools.first_m), n)])
    start = entry_month.to_timestamp()
    if established:
        years_in = np.minimum(rng.exponential(np.where(tenure == dyn.SOCIAL, 12, 5)), age - 18)
        move_in = start - pd.to_timedelta((years_in * 365.25).astype(int), unit="D")
    else:
        move_in = start + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    birth = start - pd.to_timedelta((age * 365.25 + rng.integers(0, 365, n)).astype(int), unit="D")

    return pd.DataFrame({
        "id_menage": [f"M{x:08d}" for x in numbers],
        "numero_allocataire": np.where(caf, [f"{7_000_000 + x * 7 % 2_999_993:07d}" for x in numbers], None),  # type: ignore[call-overload]  # numpy stubs: None
        "ref_bail": np.where(tenure == dyn.SOCIAL, [f"B{x:09d}" for x in numbers * 3 + 11], None),  # type: ignore[call-overload]  # numpy stubs: None
        "ref_client_energie": [f"E{x * 13 % 99_999_989:08d}" for x in numbers],
        "identifiant_ft": [f"FT{x * 17 % 9_999_991:07d}" for x in numbers],
        "nom": pools.last[rng.integers(0, len(pools.last), n)],
        "prenom": first,
        "date_naissance": birth.normalize(),
        "adresse": [f"{k} {s}" for k, s in zip(rng.integers(1, 180, n), pools.streets[rng.integers(0, len(pools.streets), n)], strict=True)],
        "telephone": [f"0{d} {x // 1_000_000 % 100:02d} {x // 10_000 % 100:02d} {x // 100 % 100:02d} {x % 100:02d}"
                      for d, x in zip(rng.choice([1, 6, 7], n), rng.integers(0, 100_000_000, n), strict=True)],
        "arrondissement": arr.astype(np.int8),
        "code_postal": [districts[int(a)].postcode for a in arr],
        "iris": iris.astype(str),
        "qpv": qpv,
        "tenure": np.where(tenure == dyn.SOCIAL, "social", "prive"),
        "bailleur": np.where(tenure == dyn.SOCIAL, landlord, None),  # type: ignore[call-overload]  # numpy stubs: None
        "composition": np.array(COMPOSITIONS)[comp],
        "nb_personnes": size,
        "nb_enfants": kids,
        "sexe": np.where(female, "F", "M"),
        "age": age.astype(np.int16),
        "nationalite": nationality,
        "handicap": disabled,
        "famille_monoparentale": comp == 3,
        "surface": surface,
        "loyer": rent,
        "revenu_mensuel": income,
        "revenu_par_uc": np.round(income_cu, 0),
        "allocation_logement": allowance,
        "rsa_base": rsa,
        "allocataire_caf": caf,
        "taux_effort_net": np.round(net_burden, 3),
        "income_class": income_class.astype(np.int8),
        "burden_class": burden_class.astype(np.int8),
        "vulnerability": vuln.astype(np.int8),
        "profile": profile.astype(np.int16),
        "date_entree": move_in.normalize(),
        "entry_month": str(entry_month),
    })
