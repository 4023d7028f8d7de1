"""Every extract follows the source contract, except the defects the city declares."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from ingest.contract import SOURCES
from synthetic.simulate import simulate


def _read_raw(src, path):
    if src.format == "parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, sep=src.separator, encoding=src.encoding, dtype=str, keep_default_na=False)


def _bad_cells(src, df):
    """(row, column) of every cell that breaks the contract, rows 1-based."""
    bad = set()
    csv = src.format == "csv"
    for c in src.columns:
        v = df[c.name]
        empty = v.isna() | (v.astype(str) == "") if csv else v.isna()
        if c.required:
            bad |= {(i + 1, c.name) for i in np.nonzero(empty.to_numpy())[0]}
        present = ~empty.to_numpy()
        if c.dtype in ("float", "int"):
            s = v.astype(str).str.replace(src.decimal, ".", regex=False) if csv else v
            num = pd.to_numeric(s, errors="coerce")
            wrong = present & num.isna().to_numpy()
            if c.min is not None:
                wrong |= present & ((num < c.min) | (num > c.max)).fillna(False).to_numpy()
            bad |= {(i + 1, c.name) for i in np.nonzero(wrong)[0]}
        elif c.dtype in ("date", "month"):
            fmt = src.month_format if c.dtype == "month" else src.date_format
            d = pd.to_datetime(v, format=fmt, errors="coerce") if csv else pd.to_datetime(v, errors="coerce")
            wrong = present & (d.isna() | (d > pd.Timestamp("2030-01-01"))).to_numpy()
            bad |= {(i + 1, c.name) for i in np.nonzero(wrong)[0]}
        elif c.dtype == "bool" and csv:
            wrong = present & ~v.isin(["O", "N"]).to_numpy()
            bad |= {(i + 1, c.name) for i in np.nonzero(wrong)[0]}
        elif c.allowed:
            wrong = present & ~v.astype(str).isin(c.allowed).to_numpy()
            bad |= {(i + 1, c.name) for i in np.nonzero(wrong)[0]}
    return bad


def test_every_source_writes_one_file_per_month(small_city):
    home, summary = small_city
    for name, src in SOURCES.items():
        files = sorted(p.name for p in (home / "landing" / name).iterdir())
        assert files == [f"{m}.{src.extension}" for m in summary.months], name


def test_extracts_follow_the_contract_but_for_declared_defects(small_city):
    home, _ = small_city
    defects = pd.read_parquet(home / "truth" / "defects.parquet")
    assert len(defects) > 0  # the city does inject defects
    for name, src in SOURCES.items():
        for path in sorted((home / "landing" / name).iterdir()):
            df = _read_raw(src, path)
            assert list(df.columns) == list(src.column_names), path
            rel = f"landing/{name}/{path.name}"
            declared = {(int(r), c) for r, c in defects.loc[defects["file"] == rel, ["row", "column"]].to_numpy()}
            found = _bad_cells(src, df)
            assert found <= declared, (rel, sorted(found - declared)[:5])
            assert declared <= found, (rel, sorted(declared - found)[:5])


def test_csv_extracts_use_each_partners_own_format(small_city):
    home, summary = small_city
    caf = (home / "landing" / "caf" / f"{summary.months[0]}.csv").read_bytes()
    assert caf.split(b"\n")[0].startswith(b"numero_allocataire;mois_reference;")
    assert "Isolé".encode("latin-1") in caf  # latin-1, not UTF-8
    assert b",00;" in caf  # decimal commas
    justice = (home / "landing" / "justice" / f"{summary.months[-1]}.csv").read_text(encoding="utf-8")
    assert justice.startswith("numero_procedure,type_evenement,date_evenement")


def test_private_tenants_have_no_landlord_data(small_city):
    home, summary = small_city
    m = summary.months[-1]
    menages = pd.read_parquet(home / "landing" / "menages" / f"{m}.parquet")
    bailleurs = pd.read_parquet(home / "landing" / "bailleurs" / f"{m}.parquet")
    private_refs = set(menages.loc[menages["statut_occupation"] == "prive", "ref_bail"].dropna())
    assert not private_refs
    assert bailleurs["ref_bail"].isin(menages["ref_bail"].dropna()).mean() > 0.95


def test_partner_ids_link_to_the_household_reference(small_city):
    home, summary = small_city
    menages = pd.concat(pd.read_parquet(p) for p in (home / "landing" / "menages").iterdir())
    caf = pd.concat(_read_raw(SOURCES["caf"], p) for p in (home / "landing" / "caf").iterdir())
    linked = caf["numero_allocataire"].isin(menages["numero_allocataire"].dropna())
    assert linked.mean() > 0.97  # a few keys are declared defects


def test_a_resent_month_completes_its_first_delivery(small_city):
    home, _ = small_city
    resent = sorted((home / "resend").rglob("*.*"))
    assert len(resent) == 2
    for path in resent:
        src = SOURCES[path.parent.name]
        first = _read_raw(src, home / "landing" / path.parent.name / path.name)
        full = _read_raw(src, path)
        assert len(first) <= len(full)


def _digest(folder):
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes() if p.suffix == ".csv" else pd.read_parquet(p).to_csv().encode())
    return h.hexdigest()


def test_same_seed_gives_the_same_city_and_another_seed_another(tmp_path):
    runs = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        simulate(tmp_path / name, households=600, months=3, seed=seed, progress=False)
        runs.append(_digest(tmp_path / name))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        simulate(tmp_path, scale="lyon")
