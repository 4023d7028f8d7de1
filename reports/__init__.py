"""Rendering shared by every report and document: one Jinja environment (`render`), the
templates (reports/templates/), charts and locale formatting."""
