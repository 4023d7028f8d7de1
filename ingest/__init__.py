"""Ingestion: read, validate, quarantine, pseudonymise and load the partners' monthly extracts.

A plain library (no Dagster): `ingest_source` loads one file, `ingest_month` every source of a
month; both raise `IngestError` (with a reason code, naming the file) when a file cannot be
ingested, and leave the previous state of the month intact. A file already loaded (same
SHA-256, same key) is skipped (`IngestResult.skipped`); `pending_files` lists those that are not.
"""

from ingest.errors import IngestError
from ingest.load import (
    ORDER,
    IngestResult,
    complete_months,
    connect_warehouse,
    ingest_month,
    ingest_source,
    landing_months,
    pending_files,
)
from ingest.pseudonym import Pseudonymiser, load_key, normalise

__all__ = [
    "ORDER",
    "IngestError",
    "IngestResult",
    "Pseudonymiser",
    "complete_months",
    "connect_warehouse",
    "ingest_month",
    "ingest_source",
    "landing_months",
    "load_key",
    "normalise",
    "pending_files",
]
