"""Fairness audit of any scored table: by-group metrics with intervals, verdicts against a
tolerance stated in advance, small-cell suppression, a JSON record and an HTML report.

`from fairness.audit import audit`. The package imports nothing at start-up, so that
fairness.groups (the one top-k tie rule, small-cell suppression and group labels, used by
models/ and the dashboard) does not pull in Fairlearn; the result classes load on first use."""

_LAZY = {"Audit", "AuditInputError", "AuditResult", "OperatingPoint"}


def __getattr__(name: str):
    if name in _LAZY:
        from fairness import audit as module

        return getattr(module, name)
    raise AttributeError(f"module 'fairness' has no attribute {name!r}")


__all__ = sorted(_LAZY)
