"""Fairness audit of any scored table: by-group metrics with intervals, verdicts against a
tolerance stated in advance, small-cell suppression, a JSON record and an HTML report."""

from fairness.audit import Audit, AuditInputError, AuditResult, OperatingPoint, audit

__all__ = ["Audit", "AuditInputError", "AuditResult", "OperatingPoint", "audit"]
