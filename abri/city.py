"""The city Abri serves, as data: abri/cities/<name>.toml, validated into a `City`.

A city is its sectors (a social worker's territory, exactly as `outreach_list.sector`), each a
group of districts: the value of the household reference's `arrondissement` column (Paris: the
arrondissement; a commune without arrondissements numbers its quartiers), with the district's
postcode and its IRIS codes (a full 9-character code, or a prefix such as Paris's "75119" that
covers every IRIS of the arrondissement). Ingestion checks postcodes and districts against it,
the features map districts to sectors, accounts and pages list its sectors, notices name its
service. The district figures (households, social-housing share, poverty, median income) and
the [demo] section only feed the demo city (synthetic/); a real city may leave them out.

Worked example (abri/cities/valmont.toml): district 3 "La Roseraie", postcode 49910, IRIS
499990301..499990305, is the sector "La Roseraie"; a household whose reference row says
arrondissement = 3 is on that sector's list.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CITIES_DIR = Path(__file__).parent / "cities"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class District(_Strict):
    number: int = Field(ge=1)
    postcode: str = Field(pattern=r"^\d{5}$")
    iris: tuple[str, ...] = Field(min_length=1)  # 9-digit IRIS codes, or a 5-digit commune code (all its IRIS)
    households: int | None = Field(default=None, gt=0)  # demo city: households (all tenures)
    social_share: float | None = Field(default=None, ge=0, le=1)  # social-housing share of dwellings
    poverty: float | None = Field(default=None, ge=0, le=1)  # poverty rate
    median_income: float | None = Field(default=None, gt=0)  # median income per consumption unit, EUR/year
    qpv: bool = False  # has priority neighbourhoods (QPV)

    @field_validator("iris")
    @classmethod
    def _iris(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for code in v:
            if not (code.isdigit() and len(code) in (5, 9)):
                raise ValueError(f"code IRIS « {code} » : 9 chiffres, ou les 5 de la commune (tous ses IRIS)")
        return v


class Sector(_Strict):
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()  # what `abri users add --sector` also accepts ("19" for "19e")
    districts: tuple[District, ...] = ()

    @property
    def postcodes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.postcode for d in self.districts))

    @property
    def district_numbers(self) -> tuple[int, ...]:
        return tuple(d.number for d in self.districts)


class Demo(_Strict):
    """City-wide figures of the demo city (defaults: Paris's, shared/paris-figures.md)."""

    social_tenant_share: float = 0.181  # households that are social tenants (census)
    social_dwelling_share: float = 0.233  # social dwellings (SRU count): district shares are scaled by their ratio
    private_tenant_share: float = 0.438  # households that rent privately
    private_rent_per_m2: float = 24.6
    social_rent_per_m2: float = 8.0
    social_landlords: dict[str, float] = Field(default_factory=lambda: {
        "PARIS_HABITAT": 0.45, "RIVP": 0.22, "ELOGIE_SIEMP": 0.10, "AUTRE_ESH": 0.23})
    # the sectors of the two demo social workers' accounts (ts19, ts18: `make demo`)
    worker_sectors: tuple[str, str] = ("19e", "18e")


class City(_Strict):
    key: str  # the file's stem: ABRI_CITY
    path: str  # the file it was read from (what resources and subprocesses pass on)
    name: str
    service: str  # who runs Abri, named on notices and pages
    contact: str = ""  # where a household asks (address or service), on notices
    district_label: str = "arrondissement"
    # each source's partner as the city's notices name it (source name -> partner); a source not
    # named keeps the data contract's (ingest/contract.py, Paris's partners)
    partners: dict[str, str] = Field(default_factory=dict)
    demo: Demo = Field(default_factory=Demo)
    sectors: tuple[Sector, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> City:
        for name in self.demo.worker_sectors:
            if name not in [s.name for s in self.sectors]:
                raise ValueError(f"demo.worker_sectors : secteur inconnu « {name} »")
        for s in self.sectors:
            if not s.districts:
                raise ValueError(f"secteur « {s.name} » : aucun quartier, donc aucun code postal")
        names: list[object] = [s.name for s in self.sectors]
        numbers: list[object] = [n for s in self.sectors for n in s.district_numbers]
        for what, values in (("secteur", names), ("quartier (number)", numbers)):
            dup = sorted({str(v) for v in values if values.count(v) > 1})
            if dup:
                raise ValueError(f"{what} en double : {', '.join(dup)}")
        return self

    @property
    def sector_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sectors)

    @property
    def districts(self) -> tuple[District, ...]:
        return tuple(d for s in self.sectors for d in s.districts)

    @property
    def postcodes(self) -> tuple[str, ...]:
        return tuple(sorted({d.postcode for d in self.districts}))

    @property
    def district_sectors(self) -> dict[int, str]:
        """district number -> sector name (the features' `sector`)."""
        return {d.number: s.name for s in self.sectors for d in s.districts}

    def sector_districts(self) -> dict[str, tuple[int, ...]]:
        return {s.name: s.district_numbers for s in self.sectors}

    def normalise_sector(self, value: str) -> str | None:
        """The sector `value` names (its name or an alias, any case), else None."""
        v = value.strip().lower()
        for s in self.sectors:
            if v == s.name.lower() or v in (a.lower() for a in s.aliases):
                return s.name
        return None


def city_path(name: str | Path) -> Path:
    """`name` as a file path when it ends in .toml, else abri/cities/<name>.toml."""
    p = Path(name)
    return p if p.suffix == ".toml" else CITIES_DIR / f"{name}.toml"


def load_city(name: str | Path = "paris") -> City:
    """The city of abri/cities/<name>.toml (or of the file `name`). Raises ValueError naming the
    file and the setting at fault (unknown city, unreadable TOML, a sector without postcode...)."""
    return _load(str(city_path(name)))


@cache
def _load(path: str) -> City:
    p = Path(path)
    if not p.is_file():
        known = ", ".join(sorted(f.stem for f in CITIES_DIR.glob("*.toml")))
        raise ValueError(f"{p} : ville inconnue (fichier absent ; villes fournies : {known})")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{p} : fichier TOML illisible ({exc})") from None
    try:
        return City(key=p.stem, path=str(p), **data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'ville'} : {e['msg']}" for e in exc.errors())
        raise ValueError(f"{p} : {problems}") from None
