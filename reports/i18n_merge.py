"""Fold a Python dict of strings into the one catalogue (both PO files), once, at merge time.

    python -m reports.i18n_merge MODULE NAME   (e.g. a branch's new strings)

MODULE.NAME is {key: (french, english)} or {key: {"fr": ..., "en": ...}}. A key already in the
catalogue with the same texts is skipped; with different texts it is an error naming the key
(rename one of them), and nothing is written. Then delete the dict and run `make i18n`.
"""

from __future__ import annotations

import importlib
import sys

from babel.messages.pofile import read_po, write_po

from reports.i18n import LANGS, catalogue, po_path


def _texts(value) -> tuple[str, str]:
    return (value["fr"], value["en"]) if isinstance(value, dict) else tuple(value)


def merge(entries: dict) -> list[str]:
    """Add `entries` to both PO files; returns the keys added. Raises ValueError on a clash."""
    known = {lang: catalogue(lang)[0] for lang in LANGS}
    clashes = [k for k, v in entries.items() if k in known["fr"]
               and (known["fr"][k], known["en"].get(k)) != _texts(v)]
    if clashes:
        raise ValueError(f"keys already in the catalogue with other texts: {', '.join(sorted(clashes))}")
    new = [k for k in entries if k not in known["fr"]]
    for i, lang in enumerate(LANGS):
        with po_path(lang).open("rb") as fh:
            po = read_po(fh, locale=lang)
        for key in new:
            po.add(key, _texts(entries[key])[i])
        with po_path(lang).open("wb") as fh:
            write_po(fh, po, width=100, no_location=True)
    catalogue.cache_clear()
    return new


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    module, name = argv
    added = merge(getattr(importlib.import_module(module), name))
    print(f"{len(added)} keys added to {', '.join(str(po_path(lang)) for lang in LANGS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
