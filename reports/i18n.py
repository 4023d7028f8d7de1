"""Abri's one text catalogue: `t(key, lang, **values)` and its plural `tn(key, n, lang, **values)`.

Every user-facing string of every package lives in ONE gettext catalogue per language,
reports/locales/<lang>/LC_MESSAGES/abri.po, read at first use with Babel (`read_po`, cached):
msgid is the dotted key ("metric.precision"), msgstr the text with `{name}` placeholders filled
by str.format. French is the source language; a key missing in English falls back to French, a
key missing in French is an error (KeyError), and tests/reports/ checks both files hold the
same keys and placeholders. Plural entries (`msgid_plural`) hold one form per plural category
of the language (Babel's CLDR rules: French has three, English two); `tn` picks the form with the
catalogue's own Plural-Forms expression. Translators: `make i18n` (docs/architecture.md).

The default language: `lang=None` asks `current_lang()`, which is French unless a front end
registered its own resolver (the dashboard registers the session's choice): libraries pass
`lang` explicitly and never depend on Streamlit.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGS = ("fr", "en")
DOMAIN = "abri"
LOCALES = Path(__file__).with_name("locales")

_resolver: Callable[[], str] | None = None


def set_lang_resolver(resolver: Callable[[], str] | None) -> Callable[[], str] | None:
    """Which language `lang=None` means (the dashboard: the session's choice); returns the
    resolver it replaces."""
    global _resolver
    previous, _resolver = _resolver, resolver
    return previous


def current_lang() -> str:
    """The reader's language: the registered resolver's answer, French otherwise."""
    lang = _resolver() if _resolver is not None else "fr"
    return lang if lang in LANGS else "fr"


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> tuple[dict[str, str | tuple[str, ...]], Callable[[int], int]]:
    """{key: text, or the plural forms} of `lang`'s PO file, and its plural-form chooser."""
    with po_path(lang).open("rb") as fh:
        po = read_po(fh, locale=lang, domain=DOMAIN)
    texts: dict[str, str | tuple[str, ...]] = {}
    for message in po:
        if not message.id:  # the header
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        string = message.string if message.string is not None else ""  # typed Optional; read_po sets it
        texts[key] = tuple(string) if isinstance(string, tuple | list) else string
    return texts, gettext.c2py(po.plural_expr)


def keys(lang: str = "fr") -> set[str]:
    return set(catalogue(lang)[0])


def has(key: str) -> bool:
    """Whether the catalogue has `key` (for labels that exist for some values only)."""
    return key in catalogue("fr")[0]


def _entry(key: str, lang: str | None) -> tuple[str | tuple[str, ...], Callable[[int], int]]:
    lang = lang if lang in LANGS else current_lang()
    texts, plural = catalogue(lang)
    text = texts.get(key)
    if not text or (isinstance(text, tuple) and not all(text)):
        if lang == "fr":
            raise KeyError(key)
        return _entry(key, "fr")
    return text, plural


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for `key` in `lang` (default: `current_lang()`), formatted with `values`.
    Raises KeyError for a key missing from the catalogue."""
    text, _ = _entry(key, lang)
    if isinstance(text, tuple):  # a plural entry read without a count: its "other" form
        text = text[-1]
    return text.format(**values) if values else text


def tn(key: str, n: int, lang: str | None = None, **values: object) -> str:
    """The plural entry `key` in the form `n` calls for in `lang`; `{n}` is filled with `n`
    formatted for the language ("19 676"), other `values` as in `t`."""
    from reports.fmt import integer

    text, plural = _entry(key, lang)
    if isinstance(text, tuple):
        text = text[min(plural(int(n)), len(text) - 1)]
    return text.format(**{"n": integer(n, lang=lang), **values})
