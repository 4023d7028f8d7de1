"""The committee's randomised design, recorded as a decision (append-only, like an approval).

The latest decision is the design in force: the pipeline assigns each month's list with it
(models/design.py). With no decision the design is "none": the top of each sector's list, as
before, and nobody is held out.

Mixed into casework.store.Casework (which provides connect() and _log()).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from models.design import Design, DesignError


class DesignMethods:
    """Design decisions of the casework store."""

    # provided by casework.store.Casework, which mixes this class in
    connect: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _log: Callable[..., None]

    def record_design(self, name: str, *, params: dict, by: str, comment: str, demonstration: bool = False) -> int:
        """Record the committee's design (validated by models.design.Design); returns its id."""
        from casework.store import CaseworkError

        if not by.strip() or not comment.strip():
            raise CaseworkError("une décision du comité doit être signée (--by) et motivée (--comment)")
        try:
            design = Design(name, dict(params or {}))
        except DesignError as e:
            raise CaseworkError(str(e)) from None
        with self.connect() as con:
            cur = con.execute(
                "INSERT INTO design_decisions (design, params, decided_by, comment, demonstration, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (design.name, json.dumps(design.params, sort_keys=True), by, comment, int(demonstration),
                 datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")))
            self._log(con, by, "design_decision", None, {"design": design.name})
            assert cur.lastrowid is not None  # set by the INSERT
            return cur.lastrowid

    def design_decisions(self) -> list[dict]:
        with self.connect() as con:
            con.row_factory = sqlite3.Row
            out = [dict(r) for r in con.execute("SELECT * FROM design_decisions ORDER BY id")]
        for d in out:
            d["params"] = json.loads(d["params"])
        return out

    def current_design(self) -> Design:
        """The design in force: the latest decision, else Design("none")."""
        decisions = self.design_decisions()
        if not decisions:
            return Design()
        last = decisions[-1]
        return Design(last["design"], last["params"])
