"""`abri audit`: audit any scored table (CSV or Parquet) and write audit.json + audit.html.

    abri audit scores.csv --score p --label jugement --group sexe --group sexe,monoparental \
        --top-k 200 --reference sexe=F --tolerance 0.8,1.25 --min-cell 11 --lang fr --out rapport/

Bad input prints one French (or --lang en) line naming the file and the column, and exits 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from fairness.audit import DEFAULT_CAPACITIES, AuditInputError, audit
from reports.i18n import LANGS, t

_SPEC_SEPARATOR = re.compile(r"\s*[,*×]\s*")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors: usage, then one line, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"abri audit : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="abri audit",
                description="Audit d'équité d'une table scorée (CSV ou Parquet) : "
                            "écrit audit.json et audit.html.")
    p.add_argument("file", help="table scorée, .csv ou .parquet")
    p.add_argument("--score", required=True, help="colonne du score (plus haut = contacté d'abord)")
    p.add_argument("--label", required=True, help="colonne du résultat observé (0/1)")
    p.add_argument("--group", action="append", required=True, metavar="COL[,COL...]",
                   help="colonne de groupe, répétable ; sexe,monoparental = leur croisement")
    p.add_argument("--threshold", type=float, default=None, help="retenu si score >= T")
    p.add_argument("--top-k", type=int, default=None, help="retenus : les K scores les plus élevés")
    p.add_argument("--reference", action="append", default=[], metavar="COL=VALEUR",
                   help="groupe de référence, répétable (défaut : le plus grand groupe)")
    p.add_argument("--tolerance", default="0.8,1.25", help="bornes du rapport (défaut 0.8,1.25)")
    p.add_argument("--min-cell", type=int, default=11, help="effectif minimal publié (défaut 11)")
    p.add_argument("--n-boot", type=int, default=1000, help="tirages bootstrap (défaut 1000)")
    p.add_argument("--seed", type=int, default=0, help="graine du bootstrap (défaut 0)")
    p.add_argument("--capacities", default=",".join(str(c) for c in DEFAULT_CAPACITIES),
                   help="capacités balayées, parts des lignes (défaut 0.005,0.01,0.02,0.05)")
    p.add_argument("--lang", choices=LANGS, default="fr", help="langue du rapport (défaut fr)")
    p.add_argument("--out", required=True, help="dossier de sortie")
    return p


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


def audit_command(argv: list[str] | None = None) -> int:
    """Run `abri audit`. Returns 0 on success, 2 on bad input (one line on stderr)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or an argparse error (2), already printed
        return int(exc.code or 0)
    lang = args.lang
    try:
        if (args.threshold is None) == (args.top_k is None):
            raise AuditInputError("threshold_xor_top_k")
        tolerance = _floats(args.tolerance, "tolerance_invalid")
        if len(tolerance) != 2:
            raise AuditInputError("tolerance_invalid", value=args.tolerance)
        capacities = _floats(args.capacities, "parameter_invalid")
        reference = _references(args.reference)
        groups = [tuple(c for c in _SPEC_SEPARATOR.split(g.strip()) if c) for g in args.group]
        table = read_table(Path(args.file))
        result = audit(table, label=args.label, score=args.score, groups=groups,
                       threshold=args.threshold, top_k=args.top_k, reference=reference,
                       tolerance=(tolerance[0], tolerance[1]), min_cell=args.min_cell,
                       n_boot=args.n_boot, seed=args.seed, capacities=capacities)
    except AuditInputError as exc:
        print(t("cli.prefix", lang, file=args.file, message=exc.message(lang)), file=sys.stderr)
        return 2
    from fairness.report import write_report  # matplotlib only when there is a report to draw

    json_path, html_path = write_report(result, args.out, lang=lang, source=Path(args.file).name)
    print(t("cli.written", lang, json=json_path, html=html_path))
    return 0


if __name__ == "__main__":
    sys.exit(audit_command())
