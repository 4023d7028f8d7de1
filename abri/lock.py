"""One pipeline run at a time per ABRI_HOME: a lock file held with flock.

Two `abri ingest` (or `abri run`, a Dagster sensor run and a command) writing the same DuckDB
files together fail half-way or interleave months. `pipeline_lock(paths)` takes
<home>/run.lock, writes the holder's pid and start time into it, and refuses a second run with a
French message naming them. The kernel releases the lock when the process dies, so a crashed
run never leaves a stale lock; the file's text is only there to name the holder. Re-entrant
within a process (`abri run` holds it across its steps).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from abri.config import Paths

_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth) in this process


class LockedError(RuntimeError):
    """Another run holds the lock of this home."""


@contextmanager
def pipeline_lock(paths: Paths, *, what: str = "abri") -> Iterator[None]:
    path = paths.lock_file
    key = str(path.resolve()) if path.parent.exists() else str(path)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    paths.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(fd)
        os.close(fd)
        raise LockedError(
            f"un autre traitement Abri est en cours sur {paths.home} ({holder}) : attendez qu'il se termine "
            f"(le verrou {path.name} se libère seul à la fin du processus)") from None
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                             "command": what}).encode())
    os.fsync(fd)
    _held[key] = (fd, 1)
    try:
        yield
    finally:
        del _held[key]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {int(info['pid'])}, « {info.get('command', '?')} » démarré le {info['started']}"
    except (ValueError, KeyError, TypeError, OSError):
        return "processus inconnu"
