"""No identity and no key leaves ingestion: not in stdout, stderr, Dagster's run storage or the
warehouse, whatever the partner drops in landing/ (a symbolic link to the key, a file without
its header, swapped headers, a 10 MB field)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from abri.cli import main
from abri.config import Paths
from ingest import IngestError, ingest_source
from ingest import errors as E
from synthetic.simulate import simulate

MONTH = "2026-10"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("leak_city")
    simulate(home, households=600, months=1, seed=5, progress=False)
    return home


def _home(city: Path, tmp_path: Path) -> Paths:
    shutil.copytree(city / "landing", tmp_path / "home" / "landing")
    return Paths(tmp_path / "home")


def _secrets(city: Path) -> set[str]:
    """Every name, first name, address, phone, birth date, CAF number, household number of the city."""
    out: set[str] = set()
    t = pq.read_table(city / "landing" / "menages" / f"{MONTH}.parquet").to_pylist()
    for r in t:
        for c in ("nom", "prenom", "adresse", "telephone", "numero_allocataire", "id_menage", "ref_bail"):
            if r[c]:
                out.add(str(r[c]))
        out.add(r["date_naissance"].strftime("%d/%m/%Y"))
        out.add(r["date_naissance"].isoformat())
    return {s for s in out if len(s) >= 6}  # short names also match ordinary words


def _occurs(secret: str, data: bytes) -> bool:
    """`secret` in `data`; an all-digit secret (a CAF number) only as a whole number, not inside
    a longer one: the event store's timestamps are long runs of digits where any 7-digit number
    turns up by chance."""
    if not secret.isdigit():
        return secret.encode() in data
    return re.search(rb"(?<![0-9])" + secret.encode() + rb"(?![0-9])", data) is not None


def _lines(path: Path, encoding: str) -> list[str]:
    return path.read_bytes().decode(encoding).rstrip("\n").split("\n")


def _write(path: Path, lines: list[str], encoding: str) -> None:
    path.unlink()
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def _break_landing(paths: Paths, other_file: Path) -> None:
    """One bad file per source: each case of the attack, in one Dagster run."""
    land = paths.landing
    paths.key_file.parent.mkdir(parents=True, exist_ok=True)
    paths.key_file.write_text("k" * 64)
    paths.key_file.chmod(0o600)
    (land / "caf" / f"{MONTH}.csv").unlink()
    (land / "caf" / f"{MONTH}.csv").symlink_to(paths.key_file)            # the key itself
    (land / "justice" / f"{MONTH}.csv").unlink()
    (land / "justice" / f"{MONTH}.csv").symlink_to(other_file)            # a system file
    ft = land / "france_travail" / f"{MONTH}.csv"
    _write(ft, _lines(ft, "utf-8")[1:], "utf-8")                          # no header: names first
    en = land / "energie" / f"{MONTH}.csv"
    lines = _lines(en, "utf-8")
    header = lines[0].split(",")
    i, j = header.index("nom"), header.index("code_postal")
    header[i], header[j] = header[j], header[i]                           # swapped headers
    _write(en, [",".join(header)] + lines[1:6], "utf-8")
    fsl = land / "fsl" / f"{MONTH}.csv"
    lines = _lines(fsl, "utf-8")
    _write(fsl, lines + [lines[1].replace(";", ";" + "Z" * 10_000_000, 1)], "utf-8")  # a 10 MB field


def _everything_written(paths: Paths) -> bytes:
    """The bytes of every file of dagster_home (run and event storage, logs)."""
    return b"".join(p.read_bytes() for p in sorted(paths.dagster_home.rglob("*")) if p.is_file())


def _warehouse_text(paths: Paths) -> set[str]:
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        out = set()
        for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                         "WHERE data_type = 'VARCHAR'").fetchall():
            out.update(v for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall() if v)
        return out
    finally:
        con.close()


def test_abri_ingest_leaks_no_key_and_no_identity(city, tmp_path, capfd):
    paths = _home(city, tmp_path)
    system_file = tmp_path / "passwd"
    system_file.write_text("root:x:0:0:LIGNE-SYSTEME-SECRETE:/root:/bin/bash\n")
    _break_landing(paths, system_file)
    key = paths.key_file.read_text()
    code = main(["ingest", "--home", str(paths.home), "--month", MONTH])
    out, err = capfd.readouterr()
    assert code == 1
    assert "abri ingest : échec" in err
    secrets = _secrets(city) | {key, "LIGNE-SYSTEME-SECRETE", "Z" * 100}
    dagster = _everything_written(paths)
    assert len(dagster) > 10_000  # the run was recorded
    stored = _warehouse_text(paths)
    for s in secrets:
        assert s not in out and s not in err, "leak on the console"
        assert not _occurs(s, dagster), "leak in Dagster's storage"
        assert s not in stored, "leak in the warehouse"
    # the cases were recognised, each naming its file (Dagster recorded the messages)
    for name in (b"caf/2026-10.csv", b"justice/2026-10.csv", b"france_travail/2026-10.csv"):
        assert name in dagster
    assert b"lien symbolique" in dagster


def _fails(paths: Paths, source: str, code: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        ingest_source(paths, source_name=source, month=MONTH)
    assert info.value.reason_code == code
    assert f"{source}/{MONTH}." in str(info.value)
    # no library message that quotes a row is kept as the error's cause (Dagster records it)
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)
    return info.value


def test_each_leak_case_gives_a_clear_french_error(city, tmp_path):
    paths = _home(city, tmp_path)
    ingest_source(paths, source_name="menages", month=MONTH)
    system_file = tmp_path / "passwd"
    system_file.write_text("root:x:0:0:LIGNE-SYSTEME-SECRETE\n")
    _break_landing(paths, system_file)
    secrets = _secrets(city) | {paths.key_file.read_text(), "LIGNE-SYSTEME-SECRETE"}
    messages = [
        str(_fails(paths, "caf", E.NOT_REGULAR)),
        str(_fails(paths, "justice", E.NOT_REGULAR)),
        str(_fails(paths, "france_travail", E.MISSING_COLUMN)),
    ]
    assert "lien symbolique" in messages[0]
    assert "en-tête est absent" in messages[2]
    for m in messages:
        assert not any(s in m for s in secrets)


def test_swapped_headers_never_put_names_in_the_quarantine(city, tmp_path):
    paths = _home(city, tmp_path)
    ingest_source(paths, source_name="menages", month=MONTH)
    _break_landing(paths, tmp_path / "absent")
    r = ingest_source(paths, source_name="energie", month=MONTH)
    assert r.rows_in >= 2 and r.rows_quarantined == r.rows_in  # every surname fails as a postcode
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    rows = con.execute("SELECT column_name, reason_code, value FROM quarantine WHERE source = 'energie'").fetchall()
    con.close()
    assert ("code_postal", E.UNKNOWN_VALUE, None) in rows
    assert not any(v in _secrets(city) for _, _, v in rows if v)


def test_a_ten_megabyte_field_is_quarantined_in_its_row_and_column(city, tmp_path):
    paths = _home(city, tmp_path)
    ingest_source(paths, source_name="menages", month=MONTH)
    _break_landing(paths, tmp_path / "absent")
    r = ingest_source(paths, source_name="fsl", month=MONTH)
    assert r.rows_in == r.rows_loaded + r.rows_quarantined
    assert ("id_menage", E.TOO_LONG, 1) in r.quarantine_summary


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_directory_or_a_pipe_in_place_of_a_file_is_named(city, tmp_path, kind):
    import os

    paths = _home(city, tmp_path)
    f = paths.landing / "services_sociaux" / f"{MONTH}.csv"
    f.unlink()
    f.mkdir() if kind == "directory" else os.mkfifo(f)
    err = _fails(paths, "services_sociaux", E.NOT_REGULAR)
    assert ("dossier" if kind == "directory" else "fichier ordinaire") in str(err)
