"""`abri audit`: audit any scored table (CSV or Parquet) and write audit.json + audit.html.

    abri audit scores.csv --score p --label jugement --group sexe --group sexe,monoparental \
        --top-k 200 --reference sexe=F --tolerance 0.8,1.25 --min-cell 11 --lang fr --out rapport/

Bad input prints one French (or --lang en) line naming the file and the column, and exits 2.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pandas as pd

from abri.cli_common import AbriCommand
from fairness.groups import MIN_CELL
from fairness.rates import DEFAULT_CAPACITIES, AuditInputError
from reports.i18n import LANGS, t

_SPEC_SEPARATOR = re.compile(r"\s*[,*×]\s*")


@click.command("audit", cls=AbriCommand,
               short_help="audit d'équité de toute table scorée (CSV/Parquet) -> audit.json + audit.html")
@click.argument("file")
@click.option("--score", required=True, help="colonne du score (plus haut = contacté d'abord)")
@click.option("--label", required=True, help="colonne du résultat observé (0/1)")
@click.option("--group", multiple=True, required=True, metavar="COL[,COL...]",
              help="colonne de groupe, répétable ; sexe,monoparental = leur croisement")
@click.option("--threshold", type=float, default=None, help="retenu si score >= T")
@click.option("--top-k", type=int, default=None, help="retenus : les K scores les plus élevés")
@click.option("--reference", multiple=True, metavar="COL=VALEUR",
              help="groupe de référence, répétable (défaut : le plus grand groupe)")
@click.option("--tolerance", default="0.8,1.25", help="bornes du rapport (défaut 0.8,1.25)")
@click.option("--min-cell", type=int, default=11, help="effectif minimal publié (défaut 11)")
@click.option("--n-boot", type=int, default=1000, help="tirages bootstrap (défaut 1000)")
@click.option("--seed", type=int, default=0, help="graine du bootstrap (défaut 0)")
@click.option("--capacities", default=",".join(str(c) for c in DEFAULT_CAPACITIES),
              help="capacités balayées, parts des lignes (défaut 0.005,0.01,0.02,0.05)")
@click.option("--lang", type=click.Choice(LANGS), default="fr", help="langue du rapport (défaut fr)")
@click.option("--out", required=True, help="dossier de sortie")
def audit_cmd(**options) -> int:
    """Audit d'équité d'une table scorée FILE (CSV ou Parquet) : écrit audit.json et audit.html."""
    return audit_command(**options)


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (',' or ';' separated, UTF-8 or Latin-1, read as text so that codes such as "01"
    survive) or a Parquet file. Raises AuditInputError for a missing, unknown or unreadable file."""
    if not path.is_file():
        raise AuditInputError("file_missing")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise AuditInputError("file_format")
    try:
        if suffix != ".csv":
            return pd.read_parquet(path)
        for encoding in ("utf-8", "latin-1"):
            try:
                with path.open(encoding=encoding) as f:
                    header = f.readline()
                sep = ";" if header.count(";") > header.count(",") else ","
                return pd.read_csv(path, sep=sep, dtype=str, encoding=encoding,
                                   keep_default_na=True)
            except UnicodeDecodeError:
                continue
        raise AuditInputError("file_unreadable", value="encoding")
    except pd.errors.EmptyDataError as exc:
        raise AuditInputError("empty") from exc
    except (pd.errors.ParserError, OSError, ValueError) as exc:
        if isinstance(exc, AuditInputError):
            raise
        raise AuditInputError("file_unreadable", value=type(exc).__name__) from exc


def _floats(text: str, code: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise AuditInputError(code, value=text) from exc


def _references(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        col, sep, value = item.partition("=")
        if not sep or not col.strip():
            raise AuditInputError("reference_syntax", value=item)
        out[col.strip()] = value.strip()
    return out


def audit_command(file: str, *, score: str, label: str, group, out: str, threshold: float | None = None,
                  top_k: int | None = None, reference=(), tolerance: str = "0.8,1.25", min_cell: int = MIN_CELL,
                  n_boot: int = 1000, seed: int = 0, capacities: str = "0.005,0.01,0.02,0.05",
                  lang: str = "fr") -> int:
    """Run `abri audit`. Returns 0 on success, 2 on bad input (one line on stderr naming the file
    and the column)."""
    try:
        if (threshold is None) == (top_k is None):
            raise AuditInputError("threshold_xor_top_k")
        bounds = _floats(tolerance, "tolerance_invalid")
        if len(bounds) != 2:
            raise AuditInputError("tolerance_invalid", value=tolerance)
        swept = _floats(capacities, "parameter_invalid")
        references = _references(reference)
        groups = [tuple(c for c in _SPEC_SEPARATOR.split(g.strip()) if c) for g in group]
        table = read_table(Path(file))
        from fairness.audit import audit  # Fairlearn and scikit-learn: only when auditing

        result = audit(table, label=label, score=score, groups=groups,
                       threshold=threshold, top_k=top_k, reference=references,
                       tolerance=(bounds[0], bounds[1]), min_cell=min_cell,
                       n_boot=n_boot, seed=seed, capacities=swept)
    except AuditInputError as exc:
        print(t("cli.prefix", lang, file=file, message=exc.message(lang)), file=sys.stderr)
        return 2
    from fairness.report import write_report  # matplotlib only when there is a report to draw

    json_path, html_path = write_report(result, out, lang=lang, source=Path(file).name)
    print(t("cli.written", lang, json=json_path, html=html_path))
    return 0


if __name__ == "__main__":
    audit_cmd(prog_name="abri audit")
