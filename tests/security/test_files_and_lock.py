"""Owner-only files and folders, and one pipeline run at a time per home."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from abri.cli import main
from abri.config import Paths
from abri.files import owner_only, secure_home
from abri.lock import LockedError, pipeline_lock
from synthetic.simulate import simulate

MONTH = "2026-10"


@pytest.fixture(autouse=True)
def keep_umask():
    previous = os.umask(0o022)  # the usual default: what abri must not rely on
    yield
    os.umask(previous)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    home = tmp_path_factory.mktemp("files_city")
    simulate(home, households=300, months=1, seed=4, progress=False)
    return home


def _open_to_others(home: Path) -> list[str]:
    out = []
    for p in [home, *home.rglob("*")]:
        mode = p.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            out.append(f"{p.relative_to(home)} {stat.S_IMODE(mode):04o}")
    return out


def test_abri_ingest_leaves_only_owner_only_files_and_skips_a_future_stray_file(city, tmp_path, capfd):
    home = tmp_path / "home"
    shutil.copytree(city / "landing", home / "landing")
    (home / "landing" / "fsl" / "2031-01.csv").write_text("numero_dossier\n")  # a future month
    (home / "landing" / "caf" / "2026_10.csv").write_text("x")                  # misnamed
    assert _open_to_others(home)  # copied with the usual 0644/0755
    assert main(["ingest", "--home", str(home)]) == 0
    out, err = capfd.readouterr()
    assert "mois futur ignoré : landing/fsl/2031-01.csv" in err
    assert "fichier inattendu ignoré" in err and "landing/caf/2026_10.csv" in err
    assert f"caf {MONTH}" in out
    for made in ("warehouse.duckdb", "identity.duckdb", "secrets/pseudonym.key", "dagster_home", "run.lock"):
        assert (home / made).exists(), made
    assert _open_to_others(home) == []


def test_stores_made_under_owner_only_are_0600_and_folders_0700(tmp_path):
    from casework import Casework

    previous = owner_only()
    try:
        Casework(tmp_path / "casework.sqlite").log_access("admin", "test")
        (tmp_path / "reports" / "v1").mkdir(parents=True)
        (tmp_path / "reports" / "v1" / "audit.html").write_text("<html></html>")
    finally:
        os.umask(previous)
    assert _open_to_others(tmp_path) == []


def test_secure_home_tightens_an_existing_home_and_leaves_links_alone(tmp_path):
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    (home / "warehouse.duckdb").write_text("x")
    (home / "models" / "m.txt").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    (home / "link").symlink_to(outside)
    os.chmod(home, 0o755)
    changed = secure_home(Paths(home))
    assert _open_to_others(home) == [] and len(changed) == 4
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link's target is not ours to change


HOLD = """
import sys, time
from abri.config import Paths
from abri.lock import pipeline_lock
with pipeline_lock(Paths.from_env(sys.argv[1]), what="abri ingest"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_run_is_refused_naming_the_holder_pid_and_start_time(tmp_path, capsys):
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["ingest", "--home", str(home), "--month", MONTH]) == 3
        err = capsys.readouterr().err
        assert f"pid {holder.pid}" in err and "démarré le" in err and "UTC" in err and "abri ingest" in err
        with pytest.raises(LockedError), pipeline_lock(Paths(home)):
            pass
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10  # the kernel releases the lock with the process
    while True:
        try:
            with pipeline_lock(Paths(home)):
                break
        except LockedError:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_the_lock_is_reentrant_within_one_process(tmp_path):
    paths = Paths(tmp_path)
    with pipeline_lock(paths, what="abri run"), pipeline_lock(paths, what="ingestion Dagster"):
        assert "abri run" in paths.lock_file.read_text()
    with pipeline_lock(paths):
        pass
