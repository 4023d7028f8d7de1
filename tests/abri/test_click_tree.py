"""The `abri` click tree: every command's help, the shared --home, usage errors, and the stage
progress of `abri run`."""

import io

import pytest
from click.testing import CliRunner

from abri.cli import cli, main
from abri.cli_common import run_stages, walk

COMMANDS = {path for path, _ in walk(cli)}


def test_the_tree_has_every_command_and_sub_command():
    for path in [("run",), ("ingest",), ("features",), ("train",), ("score",), ("simulate",), ("loop",),
                 ("demo",), ("review",), ("promote",), ("retire",), ("design",), ("dashboard",), ("audit",),
                 ("users", "add"), ("users", "list"), ("users", "disable"), ("key", "rotate"),
                 ("audit-log", "verify"), ("purge",), ("contract-doc",), ("feature-doc",),
                 *[("subject", a) for a in ("find", "export", "object", "rectify", "erase")]]:
        assert path in COMMANDS, path


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "abri")
def test_every_command_and_sub_command_has_a_working_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: abri {' '.join(path)}".rstrip())
    assert "--help" in result.output


def test_users_help_lists_its_sub_commands(capsys):
    assert main(["users", "--help"]) == 0
    out = capsys.readouterr().out
    for action in ("add", "list", "disable"):
        assert f"  {action} " in out


def test_a_group_without_its_sub_command_is_a_usage_error():
    assert CliRunner().invoke(cli, ["users"]).exit_code == 2
    assert CliRunner().invoke(cli, ["key"]).exit_code == 2


@pytest.mark.parametrize("args", [["run", "--bogus"], ["nonexistent"], ["simulate", "--scale", "lyon"],
                                  ["train", "--workers", "deux"], ["review", "v1", "--by", "x", "--comment", "y"],
                                  ["users", "add", "ts", "--role", "chef"]])
def test_a_bad_option_exits_2_naming_it(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Usage: abri" in err and "Error:" in err and "Traceback" not in err


def test_hidden_options_are_accepted_but_not_shown():
    for path, option in ((("loop",), "--households"), (("review",), "--demonstration"),
                         (("design",), "--demonstration")):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert option not in result.output
        command = dict(walk(cli))[path]
        assert any(option in p.opts for p in command.params)


def _users_listed(args, capsys) -> str:
    capsys.readouterr()
    assert main(args) == 0
    return capsys.readouterr().out


def test_home_on_the_group_and_on_the_command_are_the_same(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ABRI_HOME", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("un-mot-de-passe-long\n"))
    home = str(tmp_path / "h")
    assert main(["--home", home, "users", "add", "ts19", "--role", "travailleur_social", "--sector", "19e",
                 "--password-stdin"]) == 0
    forms = (["users", "list", "--home", home], ["--home", home, "users", "list"],
             ["users", "--home", home, "list"])
    listed = [_users_listed(args, capsys) for args in forms]
    assert listed[0].startswith("ts19\t") and listed.count(listed[0]) == 3
    # the command's own --home wins over the group's; $ABRI_HOME only when neither is given
    other = str(tmp_path / "other")
    assert _users_listed(["--home", other, "users", "list", "--home", home], capsys) == listed[0]
    monkeypatch.setenv("ABRI_HOME", home)
    assert _users_listed(["users", "list"], capsys) == listed[0]
    assert _users_listed(["--home", other, "users", "list"], capsys) == ""


def test_a_refusal_is_one_french_line_and_exit_2(tmp_path, capsys):
    assert main(["users", "disable", "personne", "--home", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["abri users : aucun compte « personne »"]


def test_a_command_that_fails_returns_its_code_through_click(tmp_path):
    # no extract: ingest fails with 1, also under click's own runner (which ignores return values)
    result = CliRunner().invoke(cli, ["ingest", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "aucun extrait" in result.output


def test_run_stages_says_which_step_of_how_many_and_stops_at_the_first_failure(capsys):
    done = []
    stages = [("un", lambda: done.append(1) or 0), ("deux", lambda: done.append(2) or 4),
              ("trois", lambda: done.append(3) or 0)]
    assert run_stages(stages, quiet=True) == 4
    assert done == [1, 2]
    captured = capsys.readouterr()
    assert "[1/3] un" in captured.out and "[2/3] deux" in captured.out and "[3/3]" not in captured.out
    assert "étape 2/3 (deux)" in captured.err


def test_run_stages_without_a_terminal_prints_no_bar(capsys):
    assert run_stages([("un", lambda: 0), ("deux", lambda: 0)]) == 0
    captured = capsys.readouterr()
    assert "[2/2] deux : terminé en" in captured.out
    assert "|" not in captured.err  # stderr is not a terminal under pytest: no bar drawn


def test_run_stages_draws_a_bar_on_a_terminal_and_keeps_the_steps_lines(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err, out = Terminal(), Terminal()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    assert run_stages([("un", lambda: print("ligne de l'étape") or 0), ("deux", lambda: 0)],
                      what="abri run") == 0
    assert "abri run : étape 2/2, deux" in err.getvalue()  # the bar, on stderr
    lines = out.getvalue().splitlines()  # the steps' lines stay on stdout, whole, without the bar
    assert "ligne de l'étape" in lines and "[2/2] deux" in lines and "|" not in out.getvalue()


def _reporting_step() -> int:
    from abri.progress import report

    for i in (1, 2, 3):
        report("entraînement : configuration", i, 3)
    return 0


@pytest.mark.parametrize("terminal", [True, False])
def test_a_steps_inner_progress_shows_on_a_terminal_only(monkeypatch, terminal):
    class Stream(io.StringIO):
        def isatty(self):
            return terminal

    err, out = Stream(), Stream()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", out)
    assert run_stages([("entraînement", _reporting_step), ("deux", lambda: 0)], what="abri run") == 0
    assert ("entraînement : configuration 3/3" in err.getvalue()) is terminal
    assert "configuration" not in out.getvalue()  # stdout (a log file) never carries the bar


def test_inner_progress_is_off_when_quiet_and_outside_abri_run(monkeypatch):
    from abri import progress

    seen = []
    with progress.listening(lambda *a: seen.append(a)):
        progress.report("ingestion menages 2024-01", 1, 2)
    progress.report("ingestion menages 2024-02", 2, 2)  # nobody listens: nothing happens
    assert seen == [("ingestion menages 2024-01", 1, 2)]

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert run_stages([("entraînement", _reporting_step)], quiet=True) == 0
    assert "configuration" not in err.getvalue()


def test_a_failing_listener_never_breaks_the_work():
    from abri import progress

    def broken(*_):
        raise RuntimeError("terminal fermé")

    with progress.listening(broken):
        progress.report("x", 1, 1)  # no exception


def test_run_is_six_steps_in_order(tmp_path):
    from pipelines.cli import run_steps

    titles = [title for title, _ in run_steps(str(tmp_path))]
    assert titles == ["ingestion", "indicateurs et étiquettes", "entraînement", "audit", "scores", "publication"]


def test_only_the_command_line_modules_import_click():
    import subprocess
    from pathlib import Path

    root = Path(__file__).parents[2]
    allowed = {"abri/cli.py", "abri/cli_common.py", "abri/design_cli.py", "abri/rights_cli.py",
               "fairness/cli.py", "dashboard/cli.py", "pipelines/cli.py"}
    found = subprocess.run(["grep", "-rlE", r"^\s*(import click|from click)", "--include=*.py",
                            *[p for p in ("abri", "synthetic", "ingest", "features", "models", "fairness",
                                          "governance", "reports", "casework", "pipelines", "dashboard")
                              if (root / p).is_dir()]],
                           cwd=root, capture_output=True, text=True, check=False).stdout.split()
    assert set(found) <= allowed, set(found) - allowed
