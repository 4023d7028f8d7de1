"""Resources, configured in one place from ABRI_HOME (see abri.config.Paths)."""

from __future__ import annotations

import duckdb
from dagster import ConfigurableResource

from features.ingest import IngestPaths, IngestResult, connect_warehouse, ingest_source


class IngestResource(ConfigurableResource):
    """Where ingestion reads and writes; `echo` prints one line per source-month (CLI)."""

    home: str
    echo: bool = False

    @property
    def paths(self) -> IngestPaths:
        return IngestPaths.from_env(self.home)

    def ingest(self, source_name: str, month: str) -> IngestResult:
        result = ingest_source(self.paths, source_name=source_name, month=month)
        if self.echo:
            print("  " + result.line(), flush=True)
        return result

    def warehouse(self) -> duckdb.DuckDBPyConnection:
        return connect_warehouse(self.paths)


def build_resources(home: str | None = None, *, echo: bool = False) -> dict:
    return {"ingest": IngestResource(home=str(IngestPaths.from_env(home).home), echo=echo)}
