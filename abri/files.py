"""Owner-only files: Abri's stores hold names, debts and the pseudonymisation key.

`owner_only()` sets the process umask to 077, so every file and folder it (or a child: Dagster,
Streamlit) creates is 0600/0700; `secure_home(paths)` also tightens a home created before, or
by another tool, walking it once (symbolic links are left alone, never followed).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from abri.config import Paths

UMASK = 0o077


def owner_only() -> int:
    """Set the umask to 077; returns the previous one."""
    return os.umask(UMASK)


def private(path: Path) -> None:
    """chmod 0600 (file) or 0700 (folder) if group or others have any right; links untouched."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or not st.st_mode & 0o077:
        return
    with contextlib.suppress(PermissionError):  # a partner account's file: read, not ours to change
        path.chmod(0o700 if stat.S_ISDIR(st.st_mode) else 0o600)


def secure_home(paths: Paths) -> list[Path]:
    """Create the home 0700 if absent, then make every entry under it owner-only; returns the
    paths changed (for a test or a log line: paths, never contents)."""
    paths.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    changed = []
    for root, dirs, files in os.walk(paths.home):  # os.walk does not follow links by default
        for name in [".", *dirs, *files]:
            p = Path(root) if name == "." else Path(root) / name
            try:
                mode = p.lstat().st_mode
            except FileNotFoundError:
                continue
            if not stat.S_ISLNK(mode) and mode & 0o077:
                private(p)
                changed.append(p)
    return changed
