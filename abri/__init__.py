"""Abri: eviction-prevention analytics for a city's social services."""

__version__ = "0.1.0"
