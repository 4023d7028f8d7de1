"""A pybabel extractor for the French catalogue itself (babel.cfg, `make i18n`).

Keys built at run time (`t(f"metric.{name}")`) are invisible to the Python extractor, so the
template (abri.pot) also takes every key of the French PO file, the source language, with its
French text as a comment for translators; `pybabel update` then never marks a key that is in use
as obsolete.
"""

from __future__ import annotations

from babel.messages.pofile import read_po


def extract_catalogue(fileobj, keywords, comment_tags, options):
    """(line, function, key(s), comments) for each entry, as Babel's extractors yield them:
    a plural entry as a `tn` call (msgid and msgid_plural are both the key)."""
    for message in read_po(fileobj):
        if not message.id:
            continue
        forms = message.string if message.pluralizable else (message.string,)
        comments = [f"fr: {' | '.join(forms)}"]
        if message.pluralizable:
            yield 0, "tn", (message.id[0],), comments
        else:
            yield 0, "t", message.id, comments
