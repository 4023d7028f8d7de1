"""Checks that need more than one row or more than one file: a date format that is not the
contract's, a snapshot whose volume collapses, events already delivered in an earlier month, the
crosswalk after a corrected household file, and the identity store agreeing with the warehouse.

Each runs inside the file's transaction (`load._load`) over the temp tables `typed` and `good`;
a file-level problem raises IngestError (nothing of the month changes), a row-level one adds
quarantine cells. Messages give counts and months, never a value.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from ingest import errors as E
from ingest.contract import Source
from ingest.read import ROW
from ingest.store import hashed
from ingest.validate import lit, q
from reports import fmt

MIN_SHARE_OTHER_FORMAT = 0.2   # this share of dates in another format: the export is wrong
MIN_VOLUME_SHARE = 0.5         # a snapshot under half of the previous month's rows is refused
MIN_ROWS_FOR_COLLAPSE = 20     # below this the previous month is too small to judge
MAX_ALREADY_DELIVERED = 0.5    # beyond this share of known events the file is a resend
ACCEPT_VOLUME_ENV = "ABRI_ACCEPT_VOLUME_DROP"  # "caf/2026-09.csv,..." accepted on purpose

_FORMATS = {"%d/%m/%Y": "JJ/MM/AAAA", "%m/%d/%Y": "MM/JJ/AAAA (format américain)",
            "%Y-%m-%d": "AAAA-MM-JJ", "%d-%m-%Y": "JJ-MM-AAAA", "%Y/%m/%d": "AAAA/MM/JJ",
            "%d.%m.%Y": "JJ.MM.AAAA"}


def check_date_formats(con: duckdb.DuckDBPyConnection, src: Source, *, rel: str) -> None:
    """A date column whose values parse in another format (US month/day order above all): the
    whole export is wrong, and the ambiguous dates (day <= 12) would load with day and month
    swapped, so the file is refused naming the column and the format found."""
    if src.format != "csv":
        return
    for col in (c for c in src.columns if c.dtype == "date"):
        txt = q("txt__" + col.name)
        others = [f for f in _FORMATS if f != src.date_format]
        counts = con.execute(
            f"SELECT count({txt}), " + ", ".join(
                f"count(*) FILTER (WHERE try_strptime({txt}, {lit(src.date_format)}) IS NULL "
                f"AND try_strptime({txt}, {lit(f)}) IS NOT NULL)" for f in others)
            + " FROM typed").fetchall()[0]
        n, found = counts[0], dict(zip(others, counts[1:], strict=True))
        fmt, k = max(found.items(), key=lambda kv: kv[1])
        if k and k >= MIN_SHARE_OTHER_FORMAT * n:
            raise E.IngestError(
                E.WRONG_DATE_FORMAT, file=rel, column=col.name,
                detail=f"{k} date(s) sur {n} sont au format {_FORMATS[fmt]} alors que le contrat prévoit "
                       f"{_FORMATS.get(src.date_format, src.date_format)} : les autres seraient lues avec "
                       "le jour et le mois inversés, le fichier est refusé")


def check_volume(con: duckdb.DuckDBPyConnection, src: Source, *, rel: str, start: date, rows_in: int) -> None:
    """A snapshot with fewer than MIN_VOLUME_SHARE of the previous month's rows was cut short
    (or filtered by mistake): refused unless ABRI_ACCEPT_VOLUME_DROP names the file."""
    if src.kind != "snapshot":
        return
    row = con.execute("SELECT strftime(extract_month, '%Y-%m'), rows_in FROM ingest_log WHERE source = ? "
                      "AND extract_month < ? ORDER BY extract_month DESC LIMIT 1", [src.name, start]).fetchone()
    if row is None or row[1] < MIN_ROWS_FOR_COLLAPSE or rows_in >= MIN_VOLUME_SHARE * row[1]:
        return
    if rel in {s.strip() for s in os.environ.get(ACCEPT_VOLUME_ENV, "").split(",")}:
        return
    raise E.IngestError(
        E.VOLUME_COLLAPSE, file=rel,
        detail=f"{fmt.integer(rows_in, 'fr')} lignes contre {fmt.integer(row[1], 'fr')} dans le fichier de {row[0]} "
               f"({fmt.percent(rows_in / row[1], 'fr', 0)}) : "
               "instantané probablement tronqué, demandez au partenaire de le renvoyer (si la baisse est "
               f"réelle, relancez avec {ACCEPT_VOLUME_ENV}={rel})")


def key_match_sql(src: Source) -> str:
    """SQL joining `good g` to `stg_<source> s` on the contract key (hashed as in staging)."""
    conds = []
    for k in src.keys:
        col = src.column(k)
        if col.role in ("key", "link"):
            conds.append(f"s.{q(k + '_hash')} = g.{hashed(k)}")
        else:
            conds.append(f"s.{q(k)} = g.{q(k)}")
    return " AND ".join(conds)


def already_delivered(con: duckdb.DuckDBPyConnection, src: Source, *, rel: str, start: date) -> int:
    """Events of `good` whose contract key was loaded from an earlier month's file. Most of the
    file known already: a resend under the next month's name, refused. Otherwise each known
    event is quarantined (`already_delivered`) and removed from `good`; returns their number."""
    if src.kind != "events":
        return 0
    con.execute(f"""CREATE OR REPLACE TEMP TABLE delivered AS
        SELECT DISTINCT g.{q(ROW)}, s.extract_month FROM good g JOIN stg_{src.name} s ON {key_match_sql(src)}
        WHERE s.extract_month < ?""", [start])
    known, total, months = con.execute(
        f"SELECT (SELECT count(DISTINCT {q(ROW)}) FROM delivered), (SELECT count(*) FROM good), "
        "(SELECT string_agg(DISTINCT strftime(extract_month, '%Y-%m'), ', ' ORDER BY "
        "strftime(extract_month, '%Y-%m')) FROM delivered)").fetchall()[0]
    if not known:
        return 0
    if known > MAX_ALREADY_DELIVERED * total:
        raise E.IngestError(
            E.ALREADY_DELIVERED_FILE, file=rel,
            detail=f"{known} des {total} événements valides ont déjà été livrés dans le(s) fichier(s) de "
                   f"{months} : ce fichier semble être un renvoi d'un mois précédent sous un autre nom")
    con.execute(f"INSERT INTO q_cells SELECT DISTINCT {q(ROW)}, {lit(', '.join(src.keys))}, "
                f"'{E.ALREADY_DELIVERED}' FROM delivered")
    con.execute(f"DELETE FROM good WHERE {q(ROW)} IN (SELECT {q(ROW)} FROM delivered)")
    return known


def retract_crosswalk(con: duckdb.DuckDBPyConnection, start: date) -> None:
    """After a household file (re)load of month `start` (its pairs in `xw_new`, new pairs already
    inserted with seen_again = false): mark the pairs seen in another month than their first,
    and withdraw the pairs first seen in `start` that the file no longer holds, so a corrected
    resend removes a wrong link instead of leaving it beside the right one. Such a pair seen in
    no other month is deleted; one seen again keeps its place, first month moved after `start`.
    Only pairs not yet marked are joined: after two months the work is the month's new pairs."""
    match = ("c.link_type = n.link_type AND c.link_hash = n.link_hash AND c.household_key = n.household_key")
    con.execute(f"""UPDATE crosswalk c SET seen_again = true, extract_month = least(c.extract_month, $m)
                    FROM xw_new n WHERE {match} AND ((c.seen_again IS NOT TRUE AND c.extract_month <> $m)
                    OR c.extract_month > $m)""", {"m": start})
    con.execute("""CREATE OR REPLACE TEMP TABLE xw_gone AS SELECT c.link_type, c.link_hash, c.household_key,
                   c.seen_again IS NOT FALSE AS seen_again FROM crosswalk c
                   ANTI JOIN xw_new n USING (link_type, link_hash, household_key) WHERE c.extract_month = $m""",
                {"m": start})
    gone = ("(link_type, link_hash, household_key) IN (SELECT link_type, link_hash, household_key FROM xw_gone "
            "WHERE seen_again = {})")
    con.execute(f"DELETE FROM crosswalk WHERE extract_month = $m AND {gone.format('false')}", {"m": start})
    con.execute(f"UPDATE crosswalk SET extract_month = CAST(extract_month + INTERVAL 1 MONTH AS DATE) "
                f"WHERE extract_month = $m AND {gone.format('true')}", {"m": start})


def identity_months_agree(con: duckdb.DuckDBPyConnection, identity_store: Path) -> tuple[bool, dict]:
    """The months of the household reference in the warehouse (ingest_log) and in the identity
    store are the same: a crash between the two commits, or a restore of one store only, shows.
    Warehouse months older than every identity month are the retention purge's, not a gap."""
    loaded = {r[0] for r in con.execute(
        "SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM ingest_log WHERE source = 'menages'").fetchall()}
    held: set[str] = set()
    if identity_store.exists():
        ident = duckdb.connect(str(identity_store), read_only=True)
        try:
            if ident.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'identity'"
                             ).fetchall()[0][0]:
                held = {r[0] for r in ident.execute(
                    "SELECT DISTINCT strftime(extract_month, '%Y-%m') FROM identity").fetchall()}
        finally:
            ident.close()
    # months before the oldest identity month were purged by retention (casework/retention.py)
    oldest = min(held) if held else None
    purged = sorted(m for m in loaded - held if oldest and m < oldest)
    only_wh, only_id = sorted(loaded - held - set(purged)), sorted(held - loaded)
    return not only_wh and not only_id, {"months": len(loaded), "only_in_warehouse": only_wh[:24],
                                         "only_in_identity_store": only_id[:24],
                                         "purged_from_identity_store": len(purged)}
