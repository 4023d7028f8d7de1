"""The one catalogue: every key in both languages with the same placeholders, every key the code
names exists, plurals follow each language's rules, and a missing key fails loudly."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from reports import i18n
from reports.i18n import LANGS, set_lang_resolver, t, tn

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("abri", "benchmarks", "casework", "dashboard", "fairness", "features", "governance", "ingest",
            "models", "pipelines", "reports", "synthetic")


def _po(lang):
    with i18n.po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def _fields(text: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f)


def _forms(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def test_both_languages_have_the_same_keys_every_value_filled_and_the_same_placeholders():
    po = {lang: {_key(m): m for m in _po(lang) if m.id} for lang in LANGS}
    assert len(po["fr"]) > 700
    assert set(po["fr"]) == set(po["en"])
    for key, fr in po["fr"].items():
        en = po["en"][key]
        forms = {lang: _forms(m) for lang, m in (("fr", fr), ("en", en))}
        assert all(s.strip() for f in forms.values() for s in f), key
        assert not fr.fuzzy and not en.fuzzy, key
        placeholders = {_fields(s) for f in forms.values() for s in f}
        assert len(placeholders) == 1, key  # every form of both languages names the same values
        assert fr.pluralizable == en.pluralizable, key


def test_plural_entries_have_one_form_per_plural_category_of_their_language():
    for lang, n in (("fr", 3), ("en", 2)):  # CLDR: French one/many/other, English one/other
        po = _po(lang)
        assert po.num_plurals == n
        plurals = [m for m in po if m.id and m.pluralizable]
        assert plurals and all(len(m.string) == n for m in plurals), lang


def _literal_keys() -> dict[str, list[str]]:
    """Every key written as a string literal in a call to t()/tn() (Python) or t('...') (templates)."""
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "tn")
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for path in (ROOT / "reports" / "templates").glob("*.j2"):
        for m in re.finditer(r"\bt\(\s*['\"]([\w.]+)['\"]\s*[,)]", path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), []).append(str(path.relative_to(ROOT)))
    return found


def test_every_key_the_code_names_is_in_the_catalogue():
    used = _literal_keys()
    assert len(used) > 300  # the scan finds the calls (a broken scan would pass vacuously)
    missing = {k: where for k, where in used.items() if not i18n.has(k)}
    assert missing == {}


def test_a_missing_key_fails_and_an_unknown_language_reads_french():
    with pytest.raises(KeyError):
        t("no.such.key")
    with pytest.raises(KeyError):
        tn("no.such.key", 2, "en")
    assert t("metric.precision", "de") == t("metric.precision", "fr") == "Précision"
    assert t("metric.precision", "en") == "Precision"


def test_values_fill_the_placeholders():
    assert t("report.source", "fr", source="x.csv") == "Table auditée : x.csv"
    with pytest.raises(KeyError):  # a value the sentence needs is not given
        t("report.source", "fr", other="x")


def test_plurals_follow_each_languages_rules():
    assert tn("unit.households", 1, "fr") == "1 ménage"
    assert tn("unit.households", 0, "fr") == "0 ménage"  # French: 0 and 1 are singular
    assert tn("unit.households", 2, "fr") == "2 ménages"
    assert tn("unit.households", 19676, "fr") == "19\u202f676 ménages"
    assert tn("unit.households", 0, "en") == "0 households"  # English: only 1 is singular
    assert tn("unit.households", 1, "en") == "1 household"
    assert tn("rule_reason.arrears", 1, "en") == "1 month of rent arrears"
    assert tn("rule_reason.arrears", 3, "en") == "3 months of rent arrears"


def test_the_default_language_is_french_unless_a_front_end_says_otherwise():
    previous = set_lang_resolver(None)
    try:
        assert t("metric.precision") == "Précision"
        set_lang_resolver(lambda: "en")
        assert t("metric.precision") == "Precision"
        assert t("metric.precision", "fr") == "Précision"  # an explicit language wins
        set_lang_resolver(lambda: "xx")
        assert t("metric.precision") == "Précision"  # a language without a catalogue: French
    finally:
        set_lang_resolver(previous)


def test_no_entry_writes_a_plural_as_s_in_brackets():
    """A count agrees with its noun through a plural entry (tn), never "groupe(s)"; "(s)" after a
    space is the unit seconds ("Calcul (s)") and stays."""
    bracketed = re.compile(r"\w\(s\)")
    found = {(lang, _key(m)) for lang in LANGS for m in _po(lang) if m.id
             for form in _forms(m) if bracketed.search(form)}
    assert found == set()
    assert bracketed.search("ménage(s)") and not bracketed.search("Calcul (s)")  # the pattern bites


def test_a_converted_sentence_agrees_with_its_count_in_both_languages():
    one = tn("report.suppressed_note", 1, "fr", rows=tn("report.suppressed_rows", 1, "fr"), min_cell=11)
    two = tn("report.suppressed_note", 2, "fr", rows=tn("report.suppressed_rows", 23, "fr"), min_cell=11)
    assert one == ("1 groupe masqué (1 ligne au total) : moins de 11 lignes, ou masqué pour qu'on ne "
                   "puisse pas le retrouver par soustraction.")
    assert two.startswith("2 groupes masqués (23 lignes au total) :") and "les retrouver" in two
    assert tn("report.suppressed_note", 1, "en", rows=tn("report.suppressed_rows", 1, "en"),
              min_cell=11).startswith("1 group suppressed (1 row in all): ")
    assert tn("report.suppressed_note", 2, "en", rows=tn("report.suppressed_rows", 23, "en"),
              min_cell=11).startswith("2 groups suppressed (23 rows in all): ")
    assert tn("x.stability_text", 1, "fr").startswith("Le même modèle a été réentraîné avec 1 autre graine aléatoire.")
    assert tn("x.stability_text", 2, "en").startswith("The same model was retrained with 2 other random seeds.")
    assert tn("common.lag", 1, "en") == "delivery lag: 1 month"
    assert tn("common.lag", 2, "en") == "delivery lag: 2 months"
    assert tn("common.lag", 2, "fr") == "délai de livraison : 2 mois"


def test_no_python_call_chooses_its_key_inside_t():
    """`t("a" if c else "b")` reads as one key "ab" to pybabel's extractor (make i18n then adds a
    glued, empty entry); write `t("a") if c else t("b")`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\btn?\(\s*\"[^\"]*\"\s+if\b")
    offenders = [f"{p.relative_to(root)}:{i}" for pkg in ("abri", "ingest", "features", "models", "fairness",
                                                         "governance", "reports", "casework", "pipelines", "dashboard")
                 for p in (root / pkg).rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []
