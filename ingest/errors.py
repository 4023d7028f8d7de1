"""Reason codes and the one exception class of ingestion.

Row-level problems become quarantine rows carrying a reason code; file-level problems raise
`IngestError`, which carries a reason code too and names the file (and the row and column when
there is one) in words a partner's data officer understands. Messages never contain the value of
an identity, key or link column, nor the pseudonymisation key.
"""

from __future__ import annotations

from reports.fmt import integer

# -- row-level reason codes (quarantine.reason_code) ------------------------------------------
NOT_A_NUMBER = "not_a_number"
BAD_DATE = "bad_date"
UNKNOWN_VALUE = "unknown_value"
OUT_OF_RANGE = "out_of_range"
MISSING_REQUIRED = "missing_required"
FUTURE_DATE = "future_date"
WRONG_MONTH_ROW = "wrong_month"
DUPLICATE = "duplicate"
DUPLICATE_KEY = "duplicate_key"
NOT_AN_INTEGER = "not_an_integer"
DECIMAL_POINT = "decimal_point"
CONTROL_CHARACTER = "control_character"
TOO_LONG = "too_long"
WRONG_FIELD_COUNT = "wrong_field_count"
ALREADY_DELIVERED = "already_delivered"

MAX_FIELD_CHARS = 2000  # longer cells are quarantined (an address is under 200 characters)

ROW_REASONS_FR = {
    NOT_A_NUMBER: "n'est pas un nombre",
    BAD_DATE: "n'est pas une date valide",
    UNKNOWN_VALUE: "ne fait pas partie des valeurs autorisées",
    OUT_OF_RANGE: "est hors de la plage autorisée",
    MISSING_REQUIRED: "est vide alors que la colonne est obligatoire",
    FUTURE_DATE: "est une date postérieure au mois du fichier",
    WRONG_MONTH_ROW: "ne correspond pas au mois du fichier",
    DUPLICATE: "ligne identique à une ligne précédente du fichier (doublon exact)",
    DUPLICATE_KEY: "identifiant déjà présent dans une ligne précédente du fichier, avec un contenu différent",
    NOT_AN_INTEGER: "n'est pas un nombre entier",
    DECIMAL_POINT: "contient un point (séparateur de milliers ?) alors que le contrat prévoit une virgule "
                   "décimale et aucun séparateur de milliers",
    CONTROL_CHARACTER: "contient un caractère de contrôle (octet nul ou autre caractère invisible)",
    TOO_LONG: f"dépasse {MAX_FIELD_CHARS} caractères",
    WRONG_FIELD_COUNT: "ligne mal formée : elle n'a pas le nombre de colonnes de l'en-tête",
    ALREADY_DELIVERED: "événement déjà livré dans le fichier d'un mois précédent",
}

# -- file-level reason codes (IngestError.reason_code) ----------------------------------------
FILE_MISSING = "file_missing"
EMPTY_FILE = "empty_file"
WRONG_ENCODING = "wrong_encoding"
WRONG_SEPARATOR = "wrong_separator"
MISSING_COLUMN = "missing_column"
EXTRA_COLUMN = "extra_column"
WRONG_SOURCE = "wrong_source"
WRONG_MONTH = "wrong_month"
UNREADABLE = "unreadable_file"
WRONG_TYPE = "wrong_type"
NOT_REGULAR = "not_a_regular_file"
COMPRESSED = "compressed_file"
WRONG_DATE_FORMAT = "wrong_date_format"
VOLUME_COLLAPSE = "volume_collapse"
ALREADY_DELIVERED_FILE = "already_delivered_file"


class IngestError(Exception):
    """A file that cannot be ingested at all; nothing of its month was changed.

    reason_code: one of the file-level codes above; file: the path relative to the landing
    folder (e.g. "caf/2025-03.csv"); row: 1-based data row (header excluded) or None;
    column: the column name or None; detail: the French explanation, free of identity values.
    """

    def __init__(self, reason_code: str, *, file: str, detail: str, row: int | None = None,
                 column: str | None = None):
        self.reason_code = reason_code
        self.file = file
        self.row = row
        self.column = column
        self.detail = detail
        where = file
        if row is not None:
            where += f", ligne {integer(row, 'fr')}"
        if column is not None:
            where += f', colonne "{column}"'
        super().__init__(f"{where} : {detail}")
