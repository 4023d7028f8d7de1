"""Data-subject rights for the data protection officer (`abri subject ...`): find a household,
export everything held on it, record its objection, rectify its identity, erase it.

Stores searched: the identity store (names and contacts), the warehouse and serving.duckdb (every
table with a `household_key` column), and the casework store (cases, history, notes, overrides,
exclusions, access-log entries). Every act is written to the access log, with the household key
but never a name, an address or the identifier searched for.

Legal limits (Abri runs for a public-interest mission, GDPR art. 6(1)(e)), stated in
`ERASURE_LIMITS` and docs/security.md: the access log is kept (a legal obligation to trace
every access, AI Act art. 12/26, CNIL), a record of the erasure itself is kept (to honour it at
every later run, art. 17 and 19), models already trained are not retrained at once (the next
training no longer sees the household), and the partners' raw extracts in landing/ are the
partners' deliveries: they are deleted at the end of their retention period, and any
re-ingestion is cleaned again by `abri purge`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from abri.config import Paths
from abri.db import transaction
from casework.store import Casework, CaseworkError
from reports.render import render

IDENTITY_FIELDS = ("nom", "prenom", "adresse", "telephone", "date_naissance")
# partner identifiers the DPO may search by -> (crosswalk link_type, pseudonym prefix)
PARTNER_IDS = {"id_menage": ("menage", "menage:"), "numero_allocataire": ("allocataire", "allocataire:"),
               "ref_bail": ("bail", "bail:")}
CASEWORK_TABLES = ("cases", "case_history", "notes", "overrides")
ERASURE_LIMITS = (
    "Le journal des accès est conservé jusqu'au terme de sa durée de conservation : tracer chaque "
    "accès aux données est une obligation légale (AI Act art. 12 et 26, sécurité art. 32 RGPD) ; "
    "il ne contient que la clé pseudonyme du ménage.",
    "Une trace de l'effacement (clé pseudonyme, date, auteur) est conservée pour l'honorer à chaque "
    "exécution suivante (RGPD art. 17 et 19) : le ménage reste exclu du score et des listes.",
    "Les modèles déjà entraînés ne sont pas modifiés ; le prochain entraînement ne voit plus le ménage.",
    "Les extraits bruts des partenaires (landing/) sont supprimés au terme de leur durée de "
    "conservation ; si un mois est ré-ingéré d'ici là, `abri purge` efface de nouveau le ménage. "
    "Informez les partenaires pour l'effacement à la source (RGPD art. 19).",
    "Mission d'intérêt public (RGPD art. 6-1-e, art. 17-3-b) : l'effacement peut être refusé tant "
    "qu'une procédure d'accompagnement en cours l'exige ; la décision et sa motivation relèvent du DPO.",
)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _check_key(household_key: str) -> str:
    k = household_key.strip().lower()
    if len(k) != 64 or any(c not in "0123456789abcdef" for c in k):
        raise CaseworkError("clé de ménage invalide : 64 caractères hexadécimaux attendus "
                            "(donnée par `abri subject find`)")
    return k


def _tables_with_key(con: duckdb.DuckDBPyConnection, *, views: bool = True) -> list[str]:
    """Tables (and views, unless `views=False`: an erasure deletes from the tables they read)
    with a household_key column."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.columns JOIN information_schema.tables "
        "USING (table_schema, table_name) WHERE column_name = 'household_key' AND table_schema = 'main' "
        "AND (? OR table_type = 'BASE TABLE') ORDER BY table_name", [views]).fetchall()]


def _duck(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection | None:
    if not path.exists():
        return None
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException:
        raise CaseworkError(f"{path.name} est ouvert par une autre exécution (pipeline en cours ?) : "
                            "réessayez quand elle est terminée") from None


# -- find ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    household_key: str
    arrondissement: int | None
    first_month: str
    last_month: str


def find_by_identity(paths: Paths, *, nom: str, date_naissance: str, prenom: str | None = None,
                     by: str) -> list[Match]:
    """Households whose reference person has this name (accents and case ignored) and birth date
    (YYYY-MM-DD), from the identity store. The search is logged without the name."""
    from ingest.pseudonym import normalise

    try:
        born = date.fromisoformat(date_naissance)
    except ValueError:
        raise CaseworkError(f"date de naissance « {date_naissance} » : format AAAA-MM-JJ attendu") from None
    want_nom, want_prenom = normalise(nom), normalise(prenom) if prenom else None
    con = _duck(paths.identity_store, read_only=True)
    rows = []
    if con is not None:
        try:
            rows = con.execute("SELECT household_key, nom, prenom, arrondissement, strftime(extract_month, '%Y-%m') "
                               "FROM identity WHERE date_naissance = ?", [born]).fetchall()
        finally:
            con.close()
    hits: dict[str, list] = {}
    for key, n, p, arr, month in rows:
        if normalise(n) == want_nom and (want_prenom is None or normalise(p) == want_prenom):
            hits.setdefault(key, []).append((month, arr))
    Casework(paths.casework).log_access(by, "subject_find", None, {"by": "identity", "found": len(hits)})
    return [_match(k, v) for k, v in sorted(hits.items())]


def _match(key: str, seen: list) -> Match:
    seen.sort()
    return Match(key, seen[-1][1], seen[0][0], seen[-1][0])


def partner_identifiers() -> dict[str, list[tuple[str, str]]]:
    """Every partner identifier of the source contract (its key and link columns) -> the
    (source, pseudonym prefix) pairs where it is delivered."""
    from ingest.contract import SOURCES
    from ingest.store import hash_prefix

    out: dict[str, list[tuple[str, str]]] = {}
    for name, src in SOURCES.items():
        for c in src.columns:
            if c.role in ("key", "link"):
                out.setdefault(c.name, []).append((name, hash_prefix(src, c.name)))
    return out


def find_by_partner(paths: Paths, *, kind: str, identifier: str, by: str) -> list[Match]:
    """Households linked to a partner identifier (any key or link column of the contract:
    numero_allocataire, ref_bail, identifiant_ft, ...), through the pseudonym function, the
    warehouse's crosswalk and the staging rows that carry it. Needs the pseudonymisation key."""
    from ingest.pseudonym import KEY_ENV, Pseudonymiser, load_key

    known = partner_identifiers()
    if kind not in known:
        raise CaseworkError(f"identifiant « {kind} » inconnu : choisissez parmi {', '.join(sorted(known))}")
    if not os.environ.get(KEY_ENV) and not paths.key_file.exists():
        raise CaseworkError(f"pas de clé de pseudonymisation ({paths.key_file}) : rien n'a été ingéré sous ce dossier")
    pz = Pseudonymiser(load_key(paths.key_file))
    keys: dict[str, list] = {}
    con = _duck(paths.warehouse, read_only=True)
    if con is not None:
        try:
            columns = {(t, c) for t, c in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'").fetchall()}
            queries = []
            if kind in PARTNER_IDS and ("crosswalk", "link_hash") in columns:
                link_type, prefix = PARTNER_IDS[kind]
                queries.append(("SELECT household_key, strftime(extract_month, '%Y-%m') FROM crosswalk "
                                "WHERE link_type = ? AND link_hash = ?", [link_type, pz.hash(prefix + identifier.strip())]))
            for source, prefix in known[kind]:
                if (f"stg_{source}", f"{kind}_hash") in columns:
                    queries.append((f'SELECT household_key, strftime(extract_month, \'%Y-%m\') FROM "stg_{source}" '
                                    f'WHERE "{kind}_hash" = ? AND household_key IS NOT NULL',
                                    [pz.hash(prefix + identifier.strip())]))
            for sql, params in queries:
                for key, month in con.execute(sql, params).fetchall():
                    keys.setdefault(key, []).append((month, None))
        finally:
            con.close()
    Casework(paths.casework).log_access(by, "subject_find", None, {"by": kind, "found": len(keys)})
    return [_match(k, v) for k, v in sorted(keys.items())]


# -- export -------------------------------------------------------------------------------------
def _rows(con: duckdb.DuckDBPyConnection, table: str, key: str) -> list[dict]:
    cur = con.execute(f'SELECT * FROM "{table}" WHERE household_key = ?', [key])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, (_plain(v) for v in r), strict=True)) for r in cur.fetchall()]


def _plain(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, float) and v != v:  # NaN
        return None
    return v if isinstance(v, str | int | float | bool | type(None)) else str(v)


def _store_tables(path: Path, key: str) -> dict[str, list[dict]]:
    con = _duck(path, read_only=True)
    if con is None:
        return {}
    try:
        return {t: rows for t in _tables_with_key(con) if (rows := _rows(con, t, key))}
    finally:
        con.close()


def export(paths: Paths, household_key: str, *, by: str) -> dict:
    """Everything Abri holds on one household: identity, warehouse (features, scores, reasons,
    lists, staging rows), serving, case history, notes, overrides, exclusions and access-log
    entries about it. Logged (the export itself is listed in the access log)."""
    key = _check_key(household_key)
    store = Casework(paths.casework)
    store.log_access(by, "subject_export", key, None)
    with store.connect() as con:
        con.row_factory = None
        casework = {}
        for table in (*CASEWORK_TABLES, "exclusions", "access_log"):
            cur = con.execute(f"SELECT * FROM {table} WHERE household_key = ? ORDER BY id"
                              if table != "cases" else "SELECT * FROM cases WHERE household_key = ?", (key,))
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
            if rows:
                casework[table] = rows
    return {
        "household_key": key,
        "exported_at": _now(),
        "exported_by": by,
        "identity": _store_tables(paths.identity_store, key).get("identity", []),
        "warehouse": _store_tables(paths.warehouse, key),
        "serving": _store_tables(paths.serving, key),
        "casework": casework,
        "limits": list(ERASURE_LIMITS),
    }


def render_export_html(record: dict) -> str:
    return render("subject_export.html.j2", r=record)


def write_export(record: dict, out: Path) -> tuple[Path, Path]:
    """`out` (JSON) and the same name with .html, both created owner-only (0600)."""
    out = Path(out)
    html = out.with_suffix(".html")
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((out, json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n"),
                       (html, render_export_html(record))):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    return out, html


# -- objection and exclusions -------------------------------------------------------------------
def record_objection(store: Casework, household_key: str, *, reason: str, by: str) -> None:
    """GDPR art. 21: the household is left out of scoring and lists from the next run on."""
    key = _check_key(household_key)
    if not reason.strip():
        raise CaseworkError("indiquez le motif de l'opposition (--reason)")
    _exclude(store, key, kind="objection", reason=reason, by=by)


def _exclude(store: Casework, key: str, *, kind: str, reason: str, by: str) -> None:
    with store.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
        con.execute("INSERT INTO exclusions (household_key, kind, reason, recorded_by, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?)", (key, kind, reason, by, _now()))
        store._log(con, by, f"subject_{'object' if kind == 'objection' else 'erase'}", key, None)


def excluded_households(store: Casework, *, refusal_months: int, today: date | None = None) -> frozenset[str]:
    """Keys never to score or list: objections and erasures, and households whose latest case
    status is "refus" (help refused) set within the last `refusal_months` months."""
    since = ((today or datetime.now(UTC).date()) - timedelta(days=round(refusal_months * 30.44))).isoformat()
    with store.connect() as con:
        keys = {r[0] for r in con.execute("SELECT household_key FROM exclusions")}
        keys |= {r[0] for r in con.execute(
            "SELECT h.household_key FROM case_history h WHERE h.id = (SELECT max(id) FROM case_history "
            "WHERE household_key = h.household_key) AND h.status = 'refus' AND h.changed_at >= ?", (since,))}
    return frozenset(keys)


# -- rectify and erase --------------------------------------------------------------------------
def rectify(paths: Paths, household_key: str, *, field_name: str, value: str, by: str) -> int:
    """Correct one identity field on every identity row of the household; returns rows changed.
    Partner data (arrears, allowances, procedures) are corrected at the source and flow in with
    the next extract. Logged with the field's name, never its value."""
    key = _check_key(household_key)
    if field_name not in IDENTITY_FIELDS:
        raise CaseworkError(f"champ « {field_name} » : rectifiable parmi {', '.join(IDENTITY_FIELDS)}")
    typed: object = value
    if field_name == "date_naissance":
        try:
            typed = date.fromisoformat(value)
        except ValueError:
            raise CaseworkError(f"date de naissance « {value} » : format AAAA-MM-JJ attendu") from None
    con = _duck(paths.identity_store, read_only=False)
    if con is None:
        raise CaseworkError(f"pas de registre d'identité ({paths.identity_store.name})")
    try:
        n = con.execute(f"UPDATE identity SET {field_name} = ? WHERE household_key = ?", [typed, key]).fetchall()[0][0]
    finally:
        con.close()
    Casework(paths.casework).log_access(by, "subject_rectify", key, {"field": field_name, "rows": int(n)})
    return int(n)


@dataclass
class Erasure:
    household_key: str
    deleted: dict[str, int] = field(default_factory=dict)  # "store.table" -> rows

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def _delete_keys(path: Path, keys: list[str], label: str, out: dict[str, int]) -> None:
    con = _duck(path, read_only=False)
    if con is None or not keys:
        if con is not None:
            con.close()
        return
    try:
        with transaction(con):
            for t in _tables_with_key(con, views=False):
                n = con.execute(f'DELETE FROM "{t}" WHERE household_key IN (SELECT unnest(?))',
                                [keys]).fetchall()[0][0]
                if n:
                    out[f"{label}.{t}"] = out.get(f"{label}.{t}", 0) + int(n)
    finally:
        con.close()


def _delete_casework(store: Casework, keys: list[str], out: dict[str, int]) -> None:
    with store.connect() as con, transaction(con, begin="BEGIN IMMEDIATE"):
        for t in CASEWORK_TABLES:
            n = con.execute(f"DELETE FROM {t} WHERE household_key IN ({', '.join('?' for _ in keys)})",
                            keys).rowcount
            if n:
                out[f"casework.{t}"] = out.get(f"casework.{t}", 0) + n


def erase(paths: Paths, household_key: str, *, reason: str, by: str) -> Erasure:
    """Delete the household from every store (identity, warehouse, serving, casework cases,
    history, notes, overrides) and keep it excluded; see ERASURE_LIMITS for what stays and why."""
    key = _check_key(household_key)
    if not reason.strip():
        raise CaseworkError("indiquez le motif de l'effacement (--reason)")
    store = Casework(paths.casework)
    _exclude(store, key, kind="erasure", reason=reason, by=by)  # first: honoured even if a store is busy
    result = Erasure(key)
    erase_keys(paths, [key], result.deleted)
    store.log_access(by, "subject_erase_done", key, {"rows": result.total})
    return result


def erase_keys(paths: Paths, keys: list[str], out: dict[str, int]) -> None:
    """Delete these households' rows from every store (used by erase and by the monthly purge,
    which cleans any re-ingestion of an erased household)."""
    _delete_keys(paths.identity_store, keys, "identity", out)
    before = sum(n for k, n in out.items() if k.startswith("warehouse."))
    _delete_keys(paths.warehouse, keys, "warehouse", out)
    if sum(n for k, n in out.items() if k.startswith("warehouse.")) > before:
        from features.lake import sync_home

        sync_home(paths.warehouse)  # the lake's Parquet copies lose the rows too
    _delete_keys(paths.serving, keys, "serving", out)
    if keys:
        _delete_casework(Casework(paths.casework), keys, out)


def erased_keys(store: Casework) -> list[str]:
    with store.connect() as con:
        return [r[0] for r in con.execute("SELECT DISTINCT household_key FROM exclusions WHERE kind = 'erasure'")]
