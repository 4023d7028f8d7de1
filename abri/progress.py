"""Progress inside a long step: the code doing the work (a Dagster asset, a training callback)
calls `report` after each unit (a source's month ingested, a training configuration evaluated);
whoever shows progress listens. `abri run` listens when stderr is a terminal
(abri.cli_common.run_stages) and shows the unit on its bar; otherwise `report` does nothing.

Only unit names and counts (a source, a month, "configuration 3/12") travel here, never a value
read from the data. Kept apart from the command line so assets import it without click."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

Listener = Callable[[str, int, int], None]
_listeners: list[Listener] = []


def report(what: str, done: int, total: int) -> None:
    """Unit `done` of `total` of the running step is finished; `what` names it (no data value)."""
    for listener in list(_listeners):
        with contextlib.suppress(Exception):  # showing progress never breaks the work
            listener(what, done, total)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call `listener(what, done, total)` on every `report` inside the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
