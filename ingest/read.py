"""Read one partner file as the contract says, or raise `IngestError` naming the file.

Everything a partner sends is first read as text (CSV) or as it is typed (Parquet), with a
1-based `source_row` (header excluded), so validation can find every failing cell; nothing is
coerced here. File-level checks (presence, emptiness, encoding, separator, columns, the file
being the source its name says) happen before any row is read.

Nothing read from a file is ever echoed in a message: an unknown header field is named by its
position, a malformed line by its number, and no library error that quotes a row becomes the
cause of an `IngestError` (Dagster would record it). Only regular files are read: a symbolic
link, a directory or a device in landing/ is refused by name before it is opened.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ingest import errors as E
from ingest.contract import SOURCES, Source
from reports import fmt

ROW = "source_row"
PROBLEM = "read_problem"  # a row-level reading problem (a ragged line): its reason code, else NULL
MAX_RAGGED_SHARE = 0.05  # beyond this share of malformed lines the file itself is refused
_SEPARATORS = (",", ";", "\t", "|")
_SEP_FR = {",": "virgule", ";": "point-virgule", "\t": "tabulation", "|": "barre verticale"}


def read_extract(path: Path, src: Source, *, rel: str) -> pa.Table:
    """The file's rows as an Arrow table (contract columns + `source_row` + `read_problem`).

    rel: the name used in messages (e.g. "caf/2025-03.csv"). Raises IngestError for a missing,
    empty, non-regular, compressed, unreadable, wrongly encoded or wrongly separated file, a
    missing or extra column, a file whose columns are those of another source, or one with more
    than MAX_RAGGED_SHARE of malformed lines (fewer are returned as rows with `read_problem`).
    """
    raw = read_regular_file(path, rel=rel)
    if not raw:
        raise E.IngestError(E.EMPTY_FILE, file=rel, detail="fichier vide (0 octet)")
    _check_magic(raw, src, rel)
    if src.format == "parquet":
        table = _read_parquet(raw, src, rel)
        table = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), type=pa.int64()))
        return table.append_column(PROBLEM, pa.nulls(table.num_rows, type=pa.string()))
    return _read_csv(raw, src, rel)


def read_regular_file(path: Path, *, rel: str) -> bytes:
    """The bytes of `path` if it is a regular file; symbolic links, directories, devices and
    pipes are refused without being opened (a link could point at the key or a system file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise E.IngestError(E.FILE_MISSING, file=rel,
                            detail="fichier absent (attendu dans le dossier de dépôt)") from None
    _check_mode(st.st_mode, rel)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        fd = None
    if fd is None:  # raised outside the except block: the OS error (a path) is not kept as cause
        raise E.IngestError(E.UNREADABLE, file=rel, detail="fichier illisible (droits d'accès ?)")
    with os.fdopen(fd, "rb") as f:
        _check_mode(os.fstat(f.fileno()).st_mode, rel)  # replaced between lstat and open
        return f.read()


def _check_mode(mode: int, rel: str) -> None:
    if stat.S_ISREG(mode):
        return
    what = ("est un lien symbolique : seuls les fichiers ordinaires sont lus, déposez le fichier "
            "lui-même" if stat.S_ISLNK(mode) else
            "est un dossier, pas un fichier" if stat.S_ISDIR(mode) else
            "n'est pas un fichier ordinaire (périphérique, tube ou socket)")
    raise E.IngestError(E.NOT_REGULAR, file=rel, detail=f"ce chemin {what}")


def _check_magic(raw: bytes, src: Source, rel: str) -> None:
    """Compressed archives and UTF-16 / BOM-marked text, named before any decoding."""
    head = raw[:4096]
    if head.startswith(b"\x1f\x8b"):
        raise E.IngestError(E.COMPRESSED, file=rel,
                            detail="fichier compressé (gzip) : décompressez-le avant de le déposer")
    if head.startswith(b"PK\x03\x04"):
        raise E.IngestError(E.COMPRESSED, file=rel,
                            detail="archive zip : extrayez le fichier avant de le déposer")
    if src.format == "parquet":
        return
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 4 and head.count(0) * 3 > len(head)):
        raise E.IngestError(E.WRONG_ENCODING, file=rel,
                            detail=f"le fichier est encodé en UTF-16 alors que le contrat prévoit {src.encoding}")
    if head.startswith(b"\xef\xbb\xbf") and src.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise E.IngestError(E.WRONG_ENCODING, file=rel,
                            detail="le fichier commence par une marque d'ordre des octets UTF-8 (BOM) "
                                   f"alors que le contrat prévoit {src.encoding}")


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
    extra = [i for i, c in enumerate(found, 1) if c not in expected]  # positions: never the text
    if missing and len(extra) == len(found):
        raise E.IngestError(
            E.MISSING_COLUMN, file=rel, column=expected[0],
            detail="la première ligne ne contient aucun nom de colonne du contrat : l'en-tête est absent "
                   f"ou illisible (première colonne attendue : {expected[0]})")
    where = f"position(s) {', '.join(map(str, extra[:10]))}" + (" …" if len(extra) > 10 else "")
    if missing:
        raise E.IngestError(E.MISSING_COLUMN, file=rel, column=missing[0],
                            detail=f"colonne(s) absente(s) : {', '.join(missing)}"
                                   + (f" ; {len(extra)} colonne(s) non prévue(s) en {where}" if extra else ""))
    if extra:
        raise E.IngestError(E.EXTRA_COLUMN, file=rel,
                            detail=f"{len(extra)} colonne(s) non prévue(s) par le contrat, en {where} "
                                   "de l'en-tête")
    dupes = sorted({c for c in found if found.count(c) > 1})
    raise E.IngestError(E.EXTRA_COLUMN, file=rel, column=dupes[0] if dupes else None,
                        detail=f"colonne(s) en double : {', '.join(dupes)}")


def _read_parquet(raw: bytes, src: Source, rel: str) -> pa.Table:
    table = None
    with contextlib.suppress(pa.ArrowException, OSError):
        table = pq.read_table(pa.BufferReader(raw))
    if table is None:  # raised here so that Arrow's message is not recorded as the cause
        looks_csv = _starts_like_text(raw)
        raise E.IngestError(
            E.UNREADABLE, file=rel,
            detail="ce fichier n'est pas un fichier Parquet (il ressemble à un CSV)" if looks_csv
            else "fichier Parquet illisible ou tronqué : demandez au partenaire de le renvoyer")
    _check_columns(table.column_names, src, rel)
    if table.num_rows == 0 and src.kind == "snapshot":
        raise E.IngestError(E.EMPTY_FILE, file=rel,
                            detail="le fichier ne contient aucune ligne (un instantané ne peut être vide)")
    return table.select(list(src.column_names))


def _starts_like_text(raw: bytes) -> bool:
    head = raw[:256]
    return not head.startswith(b"PAR1") and all(b >= 9 for b in head)


def _decode(raw: bytes, src: Source, rel: str) -> str:
    if raw.startswith(b"PAR1"):
        raise E.IngestError(E.UNREADABLE, file=rel,
                            detail="ce fichier est au format Parquet alors que le contrat prévoit un CSV")
    if src.encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad_at = exc.start
        end = raw.find(b"\n")
        _detect_other_source(raw[: end if end >= 0 else len(raw)].decode("latin-1").rstrip("\r"), src, rel)
        line = raw[:bad_at].count(b"\n")  # data row (header is line 0)
        raise E.IngestError(E.WRONG_ENCODING, file=rel, row=line or None,
                            detail="le fichier n'est pas encodé en UTF-8 comme le prévoit le contrat "
                                   "(probablement latin-1 / Windows-1252)")
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


def _header_fields(header_line: str, sep: str) -> list[str]:
    csv.field_size_limit(max(csv.field_size_limit(), len(header_line) + 1))  # a 10 MB "header"
    return next(csv.reader([header_line], delimiter=sep))


def _detect_other_source(header_line: str, src: Source, rel: str) -> None:
    """Raise WRONG_SOURCE when the header is another source's, whatever its separator."""
    for other in SOURCES.values():
        for sep in _SEPARATORS:
            if other.name != src.name and \
                    set(_header_fields(header_line, sep)) == set(other.column_names):
                _check_columns(list(other.column_names), src, rel)


def _read_csv(raw: bytes, src: Source, rel: str) -> pa.Table:
    text = _decode(raw, src, rel)
    end = text.find("\n")
    header_line = (text if end < 0 else text[:end]).rstrip("\r")
    if not header_line.strip():
        raise E.IngestError(E.EMPTY_FILE, file=rel, detail="fichier vide (pas de ligne d'en-tête)")
    found = _header_fields(header_line, src.separator)
    if set(found) != set(src.column_names):
        _detect_other_source(header_line, src, rel)
        for sep in _SEPARATORS:
            if sep != src.separator and set(_header_fields(header_line, sep)) == set(src.column_names):
                raise E.IngestError(
                    E.WRONG_SEPARATOR, file=rel,
                    detail=f"séparateur « {sep} » ({_SEP_FR[sep]}) alors que le contrat prévoit "
                           f"« {src.separator} » ({_SEP_FR[src.separator]})")
    _check_columns(found, src, rel)
    names = list(src.column_names)
    data = text.encode("utf-8")
    table = _arrow_csv(data, src, names)
    ragged: list[int] = []
    if table is None:
        # a malformed line or a field longer than Arrow's block: read again with the whole file
        # as one block, setting malformed lines aside (Arrow's own message quotes the line)
        def keep_aside(row) -> str:
            ragged.append(row.number - 1 if row.number else -1)  # record number, header is 1
            return "skip"
        table = _arrow_csv(data, src, names, block_size=len(data) + 1, invalid_row_handler=keep_aside)
        if table is None or -1 in ragged:  # one thread: Arrow knows every line's number
            raise E.IngestError(E.UNREADABLE, file=rel,
                                detail="fichier CSV illisible (guillemet non fermé ?) : demandez au "
                                       "partenaire de le renvoyer")
    table = table.select(names)
    n = table.num_rows + len(ragged)
    if ragged and len(ragged) > MAX_RAGGED_SHARE * n:
        raise E.IngestError(
            E.UNREADABLE, file=rel, row=min(ragged),
            detail=f"{fmt.integer(len(ragged), 'fr')} lignes sur {fmt.integer(n, 'fr')} n'ont pas le nombre de "
                   f"colonnes de l'en-tête ({len(found)} attendues), plus de {fmt.percent(MAX_RAGGED_SHARE, 'fr', 0)} : "
                   "fichier refusé")
    if n == 0 and src.kind == "snapshot":
        raise E.IngestError(E.EMPTY_FILE, file=rel,
                            detail="le fichier ne contient aucune ligne (un instantané ne peut être vide)")
    return _with_rows(table, ragged)


def _arrow_csv(data: bytes, src: Source, names: list[str], **options) -> pa.Table | None:
    """Every column as text; None when Arrow refuses the file (its message quotes a row)."""
    block = options.pop("block_size", None)
    try:
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(**({"block_size": block, "use_threads": False} if block else {})),
            parse_options=pacsv.ParseOptions(delimiter=src.separator, **options),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names}, strings_can_be_null=True,
                null_values=[""], quoted_strings_can_be_null=True))
    except pa.ArrowInvalid:
        return None


def _with_rows(table: pa.Table, ragged: list[int]) -> pa.Table:
    """Number the rows as in the file (malformed lines included), and put each malformed line
    back as an empty row with `read_problem` so that it is counted and quarantined."""
    n = table.num_rows + len(ragged)
    if not ragged:
        return (table.append_column(ROW, pa.array(range(1, n + 1), type=pa.int64()))
                .append_column(PROBLEM, pa.nulls(n, type=pa.string())))
    bad = set(ragged)
    good_rows = [i for i in range(1, n + 1) if i not in bad]
    good = (table.append_column(ROW, pa.array(good_rows, type=pa.int64()))
            .append_column(PROBLEM, pa.nulls(table.num_rows, type=pa.string())))
    aside = pa.table({**{c: pa.nulls(len(bad), type=pa.string()) for c in table.column_names},
                      ROW: pa.array(sorted(bad), type=pa.int64()),
                      PROBLEM: pa.array([E.WRONG_FIELD_COUNT] * len(bad), type=pa.string())})
    return pa.concat_tables([good, aside]).sort_by(ROW)
