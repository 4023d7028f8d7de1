"""`abri audit` on files: both outputs written, every bad input exits 2 naming the column."""

import json

import numpy as np
import pandas as pd
import pytest

from abri.cli import main


def table(n=400, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"sexe": rng.choice(["F", "M"], n), "monoparental": rng.choice([0, 1], n),
                       "score": rng.random(n)})
    df["jugement"] = (rng.random(n) < df.score * 0.4).astype(int)
    return df


def run(path, out, *extra):
    return main(["audit", str(path), "--score", "score", "--label", "jugement",
                 "--group", "sexe", "--group", "sexe,monoparental",
                 "--n-boot", "50", "--out", str(out), *extra])


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_cli_on_a_scored_file_writes_json_and_html(tmp_path, suffix):
    path = tmp_path / f"scores.{suffix}"
    df = table()
    df.to_csv(path, index=False) if suffix == "csv" else df.to_parquet(path)
    assert run(path, tmp_path / "out", "--top-k", "40", "--reference", "sexe=F") == 0
    record = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert record["group_specs"][0]["reference"] == "F"
    assert [s["name"] for s in record["group_specs"]] == ["sexe", "sexe × monoparental"]
    assert (tmp_path / "out" / "audit.html").read_text().startswith("<!doctype html>")


def test_cli_reads_french_csv_with_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "scores.csv"
    table().to_csv(path, index=False, sep=";", decimal=",")
    assert run(path, tmp_path / "out", "--threshold", "0.9", "--lang", "en") == 0
    assert json.loads((tmp_path / "out" / "audit.json").read_text())["operating_point"][
        "selected"] > 0


def bad(df: pd.DataFrame, column: str, value) -> pd.DataFrame:
    df = df.copy().astype({column: object})
    df.loc[7, column] = value
    return df


@pytest.mark.parametrize(("make", "extra", "named"), [
    (lambda df: df.drop(columns="sexe"), ["--top-k", "5"], '"sexe"'),
    (lambda df: bad(df, "jugement", 2), ["--top-k", "5"], '"jugement"'),
    (lambda df: bad(df, "jugement", "oui"), ["--top-k", "5"], '"jugement"'),
    (lambda df: bad(df, "score", "élevé"), ["--top-k", "5"], '"score"'),
    (lambda df: df, ["--top-k", "5", "--threshold", "0.5"], "--threshold"),
    (lambda df: df, [], "--top-k"),
    (lambda df: df, ["--top-k", "5", "--reference", "sexe=Z"], '"Z"'),
    (lambda df: df, ["--top-k", "5", "--reference", "statut=prive"], '"statut"'),
    (lambda df: df, ["--top-k", "5", "--tolerance", "1.2,0.8"], "1.2,0.8"),
])
def test_bad_input_exits_2_with_a_message_naming_file_and_column(
        tmp_path, capsys, make, extra, named):
    path = tmp_path / "scores.csv"
    make(table()).to_csv(path, index=False)
    assert run(path, tmp_path / "out", *extra) == 2
    err = capsys.readouterr().err
    assert named in err and "scores.csv" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_empty_csv_and_header_only_csv_exit_2(tmp_path, capsys):
    for name, text in (("vide.csv", ""), ("entete.csv", "sexe,monoparental,score,jugement\n")):
        path = tmp_path / name
        path.write_text(text)
        assert run(path, tmp_path / "out", "--top-k", "5") == 2
        err = capsys.readouterr().err
        assert name in err and "aucune ligne" in err


def test_missing_file_and_unknown_format_exit_2(tmp_path, capsys):
    assert run(tmp_path / "absent.csv", tmp_path / "out", "--top-k", "5") == 2
    assert "absent.csv" in capsys.readouterr().err
    other = tmp_path / "scores.xlsx"
    other.write_text("x")
    assert run(other, tmp_path / "out", "--top-k", "5") == 2
    assert ".parquet" in capsys.readouterr().err


def test_errors_follow_the_report_language(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    table().drop(columns="sexe").to_csv(path, index=False)
    assert run(path, tmp_path / "out", "--top-k", "5", "--lang", "en") == 2
    assert 'column "sexe" is missing' in capsys.readouterr().err
