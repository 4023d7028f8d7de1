"""Folding another branch's dict of strings into the catalogue: new keys added to both files,
identical ones skipped, a clash refused before anything is written."""

from __future__ import annotations

import shutil

import pytest

from reports import i18n
from reports.i18n_merge import merge


@pytest.fixture
def locales(tmp_path, monkeypatch):
    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, copy, ignore=shutil.ignore_patterns("*.pot"))
    monkeypatch.setattr(i18n, "LOCALES", copy)
    i18n.catalogue.cache_clear()
    yield copy
    i18n.catalogue.cache_clear()


def test_new_keys_join_both_languages_and_known_ones_are_skipped(locales):
    added = merge({"pg.new": ("Nouveau", "New"), "metric.precision": {"fr": "Précision", "en": "Precision"}})
    assert added == ["pg.new"]
    assert i18n.t("pg.new", "fr") == "Nouveau" and i18n.t("pg.new", "en") == "New"
    assert i18n.t("report.source", "en", source="x") == "Audited table: x"  # the rest untouched


def test_a_key_with_other_texts_is_refused_and_nothing_is_written(locales):
    before = (locales / "fr" / "LC_MESSAGES" / "abri.po").read_bytes()
    with pytest.raises(ValueError, match="metric.precision"):
        merge({"pg.other": ("Autre", "Other"), "metric.precision": ("Exactitude", "Accuracy")})
    assert (locales / "fr" / "LC_MESSAGES" / "abri.po").read_bytes() == before
