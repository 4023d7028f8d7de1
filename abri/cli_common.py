"""What every `abri` command shares: the `--home` option (on the group and on each command), the
command class that sets file permissions, takes the pipeline lock and turns our errors into one
French line and an exit code, and the stage progress of `abri run`.

Only the command-line modules (abri/*cli*.py, fairness/cli.py, dashboard/cli.py, pipelines/cli.py)
import click; the libraries never do."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Sequence

import click

HOME_HELP = "dossier des données (par défaut $ABRI_HOME, sinon ./var)"

# exit codes: our own refusals (bad input, unknown version, ...) and a held lock
BAD_INPUT = 2
LOCKED = 3


def home_option(f):
    """`--home DIR`; on a command, a group or the `abri` group itself: the nearest one given wins."""
    return click.option("--home", default=None, metavar="DIR", help=HOME_HELP)(f)


def resolve_home(ctx: click.Context | None) -> str | None:
    """The `--home` given nearest to the command (the command's, else its group's, else `abri
    --home`); None lets abri.config.Paths fall back to $ABRI_HOME, then ./var."""
    while ctx is not None:
        home = ctx.params.get("home")
        if home:
            return home
        ctx = ctx.parent
    return None


def top_name(ctx: click.Context) -> str:
    """`abri run`, `abri users`, ...: the first-level command, as messages have always named it."""
    while ctx.parent is not None and ctx.parent.parent is not None:
        ctx = ctx.parent
    return f"abri {ctx.info_name}" if ctx.parent is not None else str(ctx.info_name)


HELP_HELP = "affiche cette aide et quitte"


class _FrenchHelp:
    """`--help`'s own line in French, like every other."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_HELP
        return option


class AbriCommand(_FrenchHelp, click.Command):
    """A command whose callback returns an exit code. `locked=True`: it writes the stores, so it
    takes <home>/run.lock (one such command at a time per home, abri/lock.py)."""

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked

    def invoke(self, ctx: click.Context):
        from abri.config import Paths
        from abri.files import owner_only, secure_home
        from abri.lock import LockedError, pipeline_lock
        from casework import CaseworkError
        from models.registry import RegistryError

        if "home" in ctx.params:
            ctx.params["home"] = resolve_home(ctx)
        name = top_name(ctx)
        owner_only()  # every store, folder and report this process (and its children) creates
        try:
            if not self.locked:
                code = super().invoke(ctx)
            else:
                paths = Paths.from_env(ctx.params.get("home"))
                secure_home(paths)
                with pipeline_lock(paths, what=name):
                    code = super().invoke(ctx)
        except LockedError as exc:
            click.echo(f"{name} : {exc}", err=True)
            ctx.exit(LOCKED)
        except (ValueError, KeyError, RegistryError, CaseworkError) as exc:
            click.echo(f"{name} : {exc}", err=True)
            ctx.exit(BAD_INPUT)
        if code:
            ctx.exit(code)  # click ignores a callback's return value: the code must travel as Exit
        return 0


class AbriGroup(_FrenchHelp, click.Group):
    """A group of AbriCommands (and of groups like itself), each with its `--help`."""

    command_class = AbriCommand
    group_class = type  # nested groups are AbriGroups too

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"], "max_content_width": 110})
        super().__init__(*args, **kwargs)


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """Every (path, command) of the tree under `command`, itself first (for tests and docs)."""
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(click.Context(command)):
            sub = command.get_command(click.Context(command), name)
            assert sub is not None, name  # list_commands names only registered commands
            yield from walk(sub, (*path, name))


Stage = tuple[str, Callable[[], int]]


def run_stages(stages: Sequence[Stage], *, quiet: bool = False, what: str = "abri run") -> int:
    """Run `stages` (title, step returning an exit code) in order, stopping at the first failure.

    A bar under the output shows which step of how many is running and the time spent; each step's
    own lines (and its own bars) scroll above it. The bar is off with `quiet` or when stderr is not
    a terminal; the "k/n title" header lines are printed either way. Inside a step, the units its
    code reports (abri.progress: a source's month, a training configuration) show on the bar
    after the clock, e.g. ", entraînement : configuration 3/12". Only stage titles, unit names
    and counts are shown, never a value read from the data."""
    from tqdm import tqdm

    from abri.progress import listening

    n = len(stages)
    bar = tqdm(total=n, desc=what, unit="étape", file=sys.stderr, disable=True if quiet else None, leave=False,
               dynamic_ncols=True, bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} [{elapsed}]{postfix}")
    with bar, contextlib.ExitStack() as shown:
        if not bar.disable:  # the steps' lines go above the bar instead of through it
            for redirect, stream in ((contextlib.redirect_stdout, sys.stdout), (contextlib.redirect_stderr, sys.stderr)):
                above = _AboveBar(bar, stream)
                shown.enter_context(redirect(above))
                shown.callback(above.drain)
            shown.enter_context(_ticking(bar))
            shown.enter_context(listening(lambda unit, done, total: bar.set_postfix_str(
                f"{unit} {done}/{total}")))
        for i, (title, step) in enumerate(stages, 1):
            bar.set_description_str(f"{what} : étape {i}/{n}, {title}")
            bar.set_postfix_str("", refresh=False)
            print(f"\n[{i}/{n}] {title}", flush=True)
            start = time.monotonic()
            code = step()
            if code:
                print(f"{what} : arrêt à l'étape {i}/{n} ({title}).", file=sys.stderr, flush=True)
                return code
            print(f"[{i}/{n}] {title} : terminé en {_duration(time.monotonic() - start)}", flush=True)
            bar.update()
    return 0


class _AboveBar:
    """A stream whose whole lines are written above `bar`: the bar is wiped, the lines written,
    the bar drawn again below them (stdout stays stdout, so `abri run > log` keeps its lines)."""

    def __init__(self, bar, stream):
        self.bar, self.stream, self.pending = bar, stream, ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            lines, _, self.pending = self.pending.rpartition("\n")
            self._emit(lines + "\n")
        return len(text)

    def flush(self) -> None:  # a partial line waits for its end, so the bar never follows it
        self.stream.flush()

    def drain(self) -> None:
        if self.pending:
            self._emit(self.pending + "\n")
            self.pending = ""

    def _emit(self, text: str) -> None:
        with self.bar.get_lock():
            self.bar.clear(nolock=True)
            self.stream.write(text)
            self.stream.flush()
            self.bar.refresh(nolock=True)

    def __getattr__(self, name):  # isatty, encoding, fileno, ...: the real stream's
        return getattr(self.stream, name)


@contextlib.contextmanager
def _ticking(bar, every: float = 1.0):
    """Redraw `bar` every second, so its clock runs through a long silent step (training)."""
    import threading

    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            bar.refresh()

    thread = threading.Thread(target=tick, name="abri-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
