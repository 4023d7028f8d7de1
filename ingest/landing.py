"""What is in landing/: the months to ingest, and every other path as a warning.

A partner's misnamed file (caf/2026_09.csv, caf/2026-09.CSV, notes.txt) used to be skipped
without a word, and a stray file named for a future month blocked every month. `inventory`
lists them all; `abri ingest` prints the warnings and skips the future months.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from abri.config import Paths
from ingest.contract import SOURCES


@dataclass
class Inventory:
    months: list[str] = field(default_factory=list)       # YYYY-MM with at least one expected file
    future: list[str] = field(default_factory=list)       # files named for a month after `today`
    unexpected: list[str] = field(default_factory=list)   # paths relative to landing/

    def warnings(self) -> list[str]:
        """One French line per skipped path (names only, never a file's content)."""
        return ([f"fichier d'un mois futur ignoré : landing/{p}" for p in self.future]
                + [f"fichier inattendu ignoré (attendu : <source>/<AAAA-MM>.<csv|parquet>) : landing/{p}"
                   for p in self.unexpected])


def is_month(text: str) -> bool:
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return False
    return 1 <= int(text[5:]) <= 12


def inventory(paths: Paths, *, today: date | None = None) -> Inventory:
    """Expected files are landing/<source>/<YYYY-MM>.<extension of the source>; months after
    today's month are future. Symbolic links and other non-regular entries are listed as
    unexpected only when their name is not an expected one (ingestion then refuses them by name)."""
    out = Inventory()
    if not paths.landing.is_dir():
        return out
    current = (today or date.today()).strftime("%Y-%m")
    months: set[str] = set()
    for entry in sorted(paths.landing.iterdir()):
        src = SOURCES.get(entry.name)
        if src is None or entry.is_symlink() or not entry.is_dir():
            out.unexpected.append(entry.name + ("/" if entry.is_dir() else ""))
            continue
        for f in sorted(entry.iterdir()):
            rel = f.relative_to(paths.landing).as_posix()
            expected = f.suffix == f".{src.extension}" and is_month(f.stem)
            if not expected:
                out.unexpected.append(rel + ("/" if _is_dir(f) else ""))
            elif f.stem > current:
                out.future.append(rel)
            else:
                months.add(f.stem)
    out.months = sorted(months)
    return out


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False
