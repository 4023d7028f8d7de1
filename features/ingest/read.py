"""Read one partner file as the contract says, or raise `IngestError` naming the file.

Everything a partner sends is first read as text (CSV) or as it is typed (Parquet), with a
1-based `source_row` (header excluded), so validation can find every failing cell; nothing is
coerced here. File-level checks (presence, emptiness, encoding, separator, columns, the file
being the source its name says) happen before any row is read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from features.contract import SOURCES, Source
from features.ingest import errors as E

ROW = "source_row"
_SEPARATORS = (",", ";", "\t", "|")
_SEP_FR = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}


def read_extract(path: Path, src: Source, *, rel: str) -> pa.Table:
    """The file's rows as an Arrow table (contract columns + `source_row`).

    rel: the name used in messages (e.g. "caf/2025-03.csv"). Raises IngestError for a missing,
    empty, unreadable, wrongly encoded or wrongly separated file, a missing or extra column, or
    a file whose columns are those of another source.
    """
    if not path.exists():
        raise E.IngestError(E.FILE_MISSING, file=rel,
                            detail="fichier absent (attendu dans le dossier de dépôt)")
    if path.stat().st_size == 0:
        raise E.IngestError(E.EMPTY_FILE, file=rel, detail="fichier vide (0 octet)")
    table = _read_parquet(path, src, rel) if src.format == "parquet" else _read_csv(path, src, rel)
    return table.append_column(ROW, pa.array(range(1, table.num_rows + 1), type=pa.int64()))


def _check_columns(found: list[str], src: Source, rel: str, *, separator: str | None = None) -> None:
    expected = list(src.column_names)
    if set(found) == set(expected) and len(found) == len(expected):
        return
    for other in SOURCES.values():
        if other.name != src.name and set(found) == set(other.column_names):
            raise E.IngestError(
                E.WRONG_SOURCE, file=rel,
                detail=f"ce fichier a les colonnes de l'extrait « {other.name} » ({other.label_fr}), "
                       f"pas celles de « {src.name} » : vérifiez le nom du fichier déposé")
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    if missing:
        raise E.IngestError(E.MISSING_COLUMN, file=rel, column=missing[0],
                            detail=f"colonne(s) absente(s) : {', '.join(missing)}"
                                   + (f" ; colonne(s) en trop : {', '.join(extra)}" if extra else ""))
    if extra:
        raise E.IngestError(E.EXTRA_COLUMN, file=rel, column=extra[0],
                            detail=f"colonne(s) non prévue(s) par le contrat : {', '.join(extra)}")
    dupes = sorted({c for c in found if found.count(c) > 1})
    raise E.IngestError(E.EXTRA_COLUMN, file=rel, column=dupes[0] if dupes else None,
                        detail=f"colonne(s) en double : {', '.join(dupes)}")


def _read_parquet(path: Path, src: Source, rel: str) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        looks_csv = src.format == "parquet" and _starts_like_text(path)
        raise E.IngestError(
            E.UNREADABLE, file=rel,
            detail="ce fichier n'est pas un fichier Parquet (il ressemble à un CSV)" if looks_csv
            else "fichier Parquet illisible ou tronqué : demandez au partenaire de le renvoyer",
        ) from exc
    _check_columns(table.column_names, src, rel)
    if table.num_rows == 0 and src.kind == "snapshot":
        raise E.IngestError(E.EMPTY_FILE, file=rel,
                            detail="le fichier ne contient aucune ligne (un instantané ne peut être vide)")
    return table.select(list(src.column_names))


def _starts_like_text(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(256)
    return not head.startswith(b"PAR1") and all(b >= 9 for b in head)


def _decode(raw: bytes, src: Source, rel: str) -> str:
    if raw.startswith(b"PAR1"):
        raise E.IngestError(E.UNREADABLE, file=rel,
                            detail="ce fichier est au format Parquet alors que le contrat prévoit un CSV")
    if src.encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            end = raw.find(b"\n")
            _detect_other_source(raw[: end if end >= 0 else len(raw)].decode("latin-1").rstrip("\r"), src, rel)
            line = raw[: exc.start].count(b"\n")  # data row (header is line 0)
            raise E.IngestError(E.WRONG_ENCODING, file=rel, row=line or None,
                                detail="le fichier n'est pas encodé en UTF-8 comme le prévoit le contrat "
                                       "(probablement latin-1 / Windows-1252)") from exc
    # a latin-1 file that decodes as UTF-8 with accented characters was exported in UTF-8
    if not raw.isascii():  # C speed; a Python loop over every byte took seconds per CAF file
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise E.IngestError(E.WRONG_ENCODING, file=rel,
                                detail=f"le fichier est encodé en UTF-8 alors que le contrat prévoit {src.encoding}")
    return raw.decode(src.encoding)


def _detect_other_source(header_line: str, src: Source, rel: str) -> None:
    """Raise WRONG_SOURCE when the header is another source's, whatever its separator."""
    for other in SOURCES.values():
        for sep in _SEPARATORS:
            if other.name != src.name and \
                    set(next(csv.reader([header_line], delimiter=sep))) == set(other.column_names):
                _check_columns(list(other.column_names), src, rel)


def _read_csv(path: Path, src: Source, rel: str) -> pa.Table:
    text = _decode(path.read_bytes(), src, rel)
    end = text.find("\n")
    header_line = (text if end < 0 else text[:end]).rstrip("\r")
    if not header_line.strip():
        raise E.IngestError(E.EMPTY_FILE, file=rel, detail="fichier vide (pas de ligne d'en-tête)")
    found = next(csv.reader([header_line], delimiter=src.separator))
    if set(found) != set(src.column_names):
        _detect_other_source(header_line, src, rel)
        for sep in _SEPARATORS:
            if sep != src.separator and set(next(csv.reader([header_line], delimiter=sep))) == set(src.column_names):
                raise E.IngestError(
                    E.WRONG_SEPARATOR, file=rel,
                    detail=f"séparateur « {sep} » ({_SEP_FR[sep]}) alors que le contrat prévoit "
                           f"« {src.separator} » ({_SEP_FR[src.separator]})")
        _check_columns(found, src, rel)
    _check_columns(found, src, rel)
    names = list(src.column_names)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(delimiter=src.separator),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names}, strings_can_be_null=True,
                null_values=[""], quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        # Arrow's message quotes the row: find it ourselves so no value is echoed
        row = _first_ragged_row(text, src.separator, len(found))
        raise E.IngestError(E.UNREADABLE, file=rel, row=row,
                            detail="cette ligne n'a pas le nombre de colonnes de l'en-tête "
                                   f"({len(found)} attendues)") from exc
    if table.num_rows == 0 and src.kind == "snapshot":
        raise E.IngestError(E.EMPTY_FILE, file=rel,
                            detail="le fichier ne contient aucune ligne (un instantané ne peut être vide)")
    return table.select(names)


def _first_ragged_row(text: str, sep: str, width: int) -> int | None:
    for i, fields in enumerate(csv.reader(io.StringIO(text), delimiter=sep)):
        if i and fields and len(fields) != width:
            return i
    return None
