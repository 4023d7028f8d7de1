"""Local accounts on the casework store's `users` table: add, list, disable, verify.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile); the
clear password never leaves `add_user`/`verify`. A disabled account stays in the table (who
had access, and when, must remain answerable) but can no longer sign in.

Sectors are a social worker's territories, the city's (abri/cities/<city>.toml, passed in;
Paris's by default: "Paris Centre" (arrondissements 1-4) and "5e" ... "20e"), exactly as
`outreach_list.sector`. A social worker needs at least one; a supervisor with none sees every
sector; the other roles see aggregates only and carry no sector.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from abri.city import City, load_city
from casework.sessions import end_sessions_of
from casework.store import ROLES, Casework, CaseworkError

_HASHER = PasswordHasher()
# Verified against when the account does not exist, so a wrong name costs as long as a wrong
# password (no account enumeration through timing).
_DUMMY_HASH = _HASHER.hash("abri-compte-inexistant")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    sectors: tuple[str, ...]
    active: bool
    created_at: str


def _account(row: sqlite3.Row) -> Account:
    return Account(row["username"], row["role"], tuple(json.loads(row["sectors"])), bool(row["active"]),
                   row["created_at"])


def normalise_sector(value: str, *, city: City | None = None) -> str:
    """The `city` sector (default Paris) `value` names, by its name or an alias in any case:
    Paris: '19', '19e', '19E' -> '19e'; 'centre', '1'..'4', 'Paris Centre' -> 'Paris Centre'.
    Raises CaseworkError naming the value and the allowed sectors."""
    city = city or load_city("paris")
    sector = city.normalise_sector(value)
    if sector is None:
        raise CaseworkError(f"secteur inconnu « {value} » : choisissez parmi {', '.join(city.sector_names)}")
    return sector


def add_user(store: Casework, username: str, *, role: str, sectors: list[str] | tuple[str, ...] = (),
             password: str, by: str = "cli", city: City | None = None) -> Account:
    """Create an active account; `sectors` are `city`'s (default Paris). Raises CaseworkError
    (unknown role or sector, a social worker without sector, a short password, a name already
    taken)."""
    name = username.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise CaseworkError("nom d'utilisateur invalide : 1 à 64 caractères, sans espace")
    if role not in ROLES:
        raise CaseworkError(f"rôle inconnu « {role} » : choisissez parmi {', '.join(ROLES)}")
    secs = tuple(dict.fromkeys(normalise_sector(s, city=city) for s in sectors))
    if role == "travailleur_social" and not secs:
        raise CaseworkError("un travailleur social doit avoir au moins un secteur (--sector 19e)")
    if role not in ("travailleur_social", "encadrant") and secs:
        raise CaseworkError(f"le rôle {role} ne voit que des agrégats : ne lui donnez pas de secteur")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CaseworkError(f"mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères")
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    with store.connect() as con:
        try:
            con.execute("INSERT INTO users (username, password_hash, role, sectors, active, created_at) "
                        "VALUES (?, ?, ?, ?, 1, ?)", (name, _HASHER.hash(password), role, json.dumps(secs), created))
        except sqlite3.IntegrityError:
            raise CaseworkError(f"le compte « {name} » existe déjà") from None
    store.log_access(by, "user_add", None, {"username": name, "role": role})
    return Account(name, role, secs, True, created)


def list_users(store: Casework) -> list[Account]:
    """Every account (active or not), by name; never the hashes."""
    with store.connect() as con:
        con.row_factory = sqlite3.Row
        return [_account(r) for r in con.execute(
            "SELECT username, role, sectors, active, created_at FROM users ORDER BY username")]


def get_user(store: Casework, username: str) -> Account | None:
    with store.connect() as con:
        con.row_factory = sqlite3.Row
        r = con.execute("SELECT username, role, sectors, active, created_at FROM users WHERE username = ?",
                        (username,)).fetchone()
        return _account(r) if r else None


def disable_user(store: Casework, username: str, *, by: str = "cli") -> None:
    """Refuse further sign-ins for this account. Raises CaseworkError if it does not exist."""
    with store.connect() as con:
        cur = con.execute("UPDATE users SET active = 0 WHERE username = ?", (username,))
        if cur.rowcount == 0:
            raise CaseworkError(f"aucun compte « {username} »")
    end_sessions_of(store, username, reason="disabled")  # open dashboard sessions end at once
    store.log_access(by, "user_disable", None, {"username": username})


def verify(store: Casework, username: str, password: str) -> Account | None:
    """The active account when the password matches, else None (unknown, disabled or wrong
    password are indistinguishable to the caller). Rehashes when argon2's parameters changed."""
    with store.connect() as con:
        con.row_factory = sqlite3.Row
        r = con.execute("SELECT * FROM users WHERE username = ?", (username.strip(),)).fetchone()
        stored = r["password_hash"] if r else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if r is None or not r["active"]:
            return None
        if _HASHER.check_needs_rehash(stored):
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                        (_HASHER.hash(password), r["username"]))
        return _account(r)
