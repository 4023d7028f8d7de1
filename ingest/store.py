"""Warehouse and identity-store tables written by ingestion (DDL generated from the contract).

Warehouse (warehouse.duckdb), keyed by (source, extract_month):
- stg_<source>: valid rows, typed; identity columns dropped; key and link columns replaced by
  keyed hashes `<column>_hash` (id_menage becomes `household_key`); plus extract_month,
  source_row (1-based row in the partner's file) and household_key (NULL when not linked).
- quarantine: one row per failing cell (or duplicate row), with a reason code and a value-free
  French description; `value` holds the raw text only for attribute/audit columns.
- ingest_log: one row per loaded file; rows_in = rows_loaded + rows_quarantined.
- linkage: rows loaded and rows linked to a household, per source and month.
- crosswalk: link hashes of the household reference (menages) -> household_key, one row per
  pair (first month seen, and whether seen in another month, so that a corrected resend
  withdraws a wrong link); crosswalk_unique: the links that point to exactly one household.
- warehouse_key: a fingerprint of the pseudonymisation key the rows were loaded under (never
  the key), so an unchanged file is skipped only under the same key.
Identity store (identity.duckdb): `identity`, names and contacts per household and month.
"""

from __future__ import annotations

from ingest.contract import SOURCES, Source
from ingest.pseudonym import ALLOCATAIRE, BAIL, MENAGE
from ingest.validate import q

SQL_TYPES = {"string": "VARCHAR", "category": "VARCHAR", "int": "BIGINT", "float": "DOUBLE",
             "date": "DATE", "month": "DATE", "bool": "BOOLEAN"}

# key/link columns -> prefix of their keyed hash; the same prefix in every source
HASH_PREFIX = {"id_menage": MENAGE, "numero_allocataire": ALLOCATAIRE, "ref_bail": BAIL}
IDENTITY_COLUMNS = ("household_key", "arrondissement", "nom", "prenom", "adresse", "telephone",
                    "date_naissance")


def hashed(column: str) -> str:
    """The quoted column of ingestion's `good` table holding a key or link column's pseudonym."""
    return q(f"h__{column}")


def hash_prefix(src: Source, column: str) -> str:
    return HASH_PREFIX.get(column, f"{src.name}.{column}:")


def staging_columns(src: Source) -> list[tuple[str, str]]:
    """(name, SQL type) of stg_<source>, in order."""
    cols = [("extract_month", "DATE"), ("source_row", "BIGINT"), ("household_key", "VARCHAR")]
    for c in src.columns:
        if c.role == "identity":
            continue
        if c.role in ("key", "link"):
            if c.name != "id_menage" or src.name != "menages":
                cols.append((f"{c.name}_hash", "VARCHAR"))
        else:
            cols.append((c.name, SQL_TYPES[c.dtype]))
    if src.name == "menages":
        # the age the audit needs, so the birth date itself stays in the identity store
        cols.append(("age", "INTEGER"))
    return cols


def warehouse_ddl() -> list[str]:
    stmts = [
        """CREATE TABLE IF NOT EXISTS quarantine (source VARCHAR, extract_month DATE, file VARCHAR,
           source_row BIGINT, column_name VARCHAR, reason_code VARCHAR, description VARCHAR,
           value VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS ingest_log (source VARCHAR, extract_month DATE, file VARCHAR,
           file_hash VARCHAR, rows_in BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
           loaded_at TIMESTAMP)""",
        """CREATE TABLE IF NOT EXISTS linkage (source VARCHAR, extract_month DATE,
           rows_loaded BIGINT, rows_linked BIGINT, linkage_rate DOUBLE)""",
        """CREATE TABLE IF NOT EXISTS crosswalk (extract_month DATE, link_type VARCHAR,
           link_hash VARCHAR, household_key VARCHAR, seen_again BOOLEAN)""",
        # warehouses created before seen_again (NULL there: taken as seen in another month)
        "ALTER TABLE crosswalk ADD COLUMN IF NOT EXISTS seen_again BOOLEAN",
        "CREATE TABLE IF NOT EXISTS warehouse_key (key_id VARCHAR)",
        """CREATE TABLE IF NOT EXISTS crosswalk_unique (link_type VARCHAR, link_hash VARCHAR,
           household_key VARCHAR)""",
    ]
    for name, src in SOURCES.items():
        # every loaded row has its file row: the cohort's audit attributes join on it
        cols = ", ".join(f'"{n}" {t}' + (" NOT NULL" if n == "source_row" else "") for n, t in staging_columns(src))
        stmts.append(f"CREATE TABLE IF NOT EXISTS stg_{name} ({cols})")
    return stmts


IDENTITY_DDL = """CREATE TABLE IF NOT EXISTS identity (extract_month DATE, household_key VARCHAR,
    arrondissement BIGINT, nom VARCHAR, prenom VARCHAR, adresse VARCHAR, telephone VARCHAR,
    date_naissance DATE)"""
