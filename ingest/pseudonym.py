"""Keyed pseudonyms: HMAC-SHA256 of normalised identifiers.

The same identifier gives the same pseudonym in every month and every source (one key per city),
and a different one under another key. The key comes from $ABRI_PSEUDONYM_KEY, else from a key
file created on first use with mode 0600; a key under 32 bytes or a key file others can
read is refused. The key is never printed, logged or put in an error.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import unicodedata
from pathlib import Path
from typing import overload

KEY_ENV = "ABRI_PSEUDONYM_KEY"

# prefixes keep the kinds of identifier apart: a CAF number never collides with a lease ref
MENAGE = "menage:"
ALLOCATAIRE = "allocataire:"
BAIL = "bail:"
PERSONNE = "personne:"
ADRESSE = "adresse:"


MIN_KEY_BYTES = 32
_BLOCK = 64  # SHA-256's block size, in bytes


def load_key(key_file: Path) -> bytes:
    """The pseudonymisation key: $ABRI_PSEUDONYM_KEY, else key_file (created 0600 if absent).

    Refused with a French message (ValueError, naming the file, never the key): a key shorter
    than MIN_KEY_BYTES, and a key file that its group or other users can read or write.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return _strong(env.encode("utf-8"), f"la variable {KEY_ENV}")
    if key_file.exists():
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise ValueError(f"le fichier de clé {key_file} est accessible à d'autres utilisateurs "
                             f"(droits {mode:04o}) : refusé ; faites `chmod 600 {key_file}` puis, la clé "
                             "ayant pu être lue, `abri key rotate`")
        key = key_file.read_bytes().strip()
        if not key:
            raise ValueError(f"le fichier de clé {key_file} est vide")
        return _strong(key, f"le fichier de clé {key_file}")
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = new_key()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def new_key() -> bytes:
    """A fresh key: 32 random bytes, as 64 hexadecimal characters."""
    return secrets.token_hex(32).encode("ascii")


def _strong(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{where} contient une clé trop courte ({len(key)} octets ; {MIN_KEY_BYTES} au moins) : "
                         "refusée ; une clé se crée avec `python -c \"import secrets; print(secrets.token_hex(32))\"`")
    return key


def normalise(text: str | None) -> str | None:
    """Upper case, accents stripped, every run of non-alphanumerics as one space."""
    if text is None:
        return None
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch)).upper()
    out, space = [], False
    for ch in t:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            space = False
        elif not space and out:
            out.append(" ")
            space = True
    return "".join(out).strip() or None


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The key padded to SHA-256's block and XORed with RFC 2104's ipad and opad: HMAC(m) is
    SHA-256(opad || SHA-256(ipad || m)). Secret: they are the key."""
    block = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    block = block.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


class Pseudonymiser:
    """hash(prefix, value) -> 64 hex characters; None stays None.

    This is the form for a few values at a time (subject rights, key rotation, benchmarks).
    Ingestion computes the same HMAC in DuckDB's SQL (`abri_hmac`, ingest.load), once per key
    and link column of a file; their equality is tested."""

    def __init__(self, key: bytes):
        # HMAC (RFC 2104) from two SHA-256 states keyed once: hmac.HMAC.copy() builds Python
        # objects per message, twice the cost of copying the two C states (measured 0.9 against
        # 1.7 s per million); equality with hmac.new is tested
        inner, outer = hmac_pads(key)
        self._inner = hashlib.sha256(inner)
        self._outer = hashlib.sha256(outer)

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(<clé masquée>)"

    @overload
    def hash(self, message: str) -> str: ...
    @overload
    def hash(self, message: None) -> None: ...
    def hash(self, message: str | None) -> str | None:
        if message is None:
            return None
        inner = self._inner.copy()
        inner.update(message.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def household_key(self, id_menage: str | None) -> str | None:
        return self.hash(MENAGE + id_menage) if id_menage else None


