"""Casework store (SQLite, WAL): committee decisions, case statuses, notes, overrides, access log."""

from casework.store import (
    CASE_STATUSES,
    DECISIONS,
    OUTCOMES,
    Casework,
    CaseworkError,
    ConflictError,
)

__all__ = ["CASE_STATUSES", "DECISIONS", "OUTCOMES", "Casework", "CaseworkError", "ConflictError"]
