"""Every figure a reader sees, formatted by Babel in the reader's locale: the one formatter.

    number(3.25, "fr") -> "3,25"           number(3.25, "en") -> "3.25"
    integer(19675.67, "fr") -> "19 676"    integer(19675.67, "en") -> "19,676"
    percent(0.045, "fr") -> "4,5 %"        percent(0.045, "en") -> "4.5%"
    months(3.2, "fr") -> "3,2 mois"        months(3.2, "en") -> "3.2 months"
    count(19676, "households", "fr") -> "19 676 ménages"
    date(2026-03-05, "fr") -> "5 mars 2026"; month("2026-03", "fr") -> "mars 2026"
    moment("2026-11-30T14:05:09", "fr") -> "30/11/2026 14:05" (UTC, as the stores keep it)

French groups thousands with a narrow no-break space and puts a no-break space before "%"
(CLDR, as Babel ships it). A missing value (None, NaN, NA) is an en dash, never "nan" or "None".
`lang=None` is the reader's language (reports.i18n.current_lang).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from reports.i18n import LANGS, current_lang, t, tn

MISSING = "–"


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else current_lang()


def missing(x: object) -> bool:
    """None, NaN, pandas' NA/NaT: nothing to show."""
    if x is None:
        return True
    try:
        return bool(x != x) or (isinstance(x, float) and not math.isfinite(x))
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


@cache
def _pattern(kind: str, lang: str, digits: int) -> str:
    """The locale's decimal or percent pattern with exactly `digits` decimals."""
    loc = Locale.parse(lang)
    base = (loc.percent_formats if kind == "percent" else loc.decimal_formats)[None].pattern
    base = base.split(";")[0]
    head, _, tail = base.partition("0")
    while tail[:1] in ("0", "#", "."):  # drop the locale's own decimals
        tail = tail[1:]
    return f"{head}0{'.' + '0' * digits if digits else ''}{tail}"


def number(x: float | None, lang: str | None = None, digits: int = 2) -> str:
    """A decimal with `digits` decimals: 1.25 -> "1,25" (fr), "1.25" (en); 1234.5 -> "1 234,50"."""
    if x is None or missing(x):  # `x is None` first: narrows the type for mypy
        return MISSING
    lang = _lang(lang)
    return format_decimal(float(x), format=_pattern("decimal", lang, digits), locale=lang)


def integer(x: float | None, lang: str | None = None) -> str:
    """A count, rounded to a whole number: 19675.67 -> "19 676" (fr), "19,676" (en)."""
    if x is None or missing(x):
        return MISSING
    return format_decimal(round(float(x)), locale=_lang(lang))


def percent(x: float | None, lang: str | None = None, digits: int = 1) -> str:
    """A share as a percentage: 0.045 -> "4,5 %" (fr), "4.5%" (en)."""
    if x is None or missing(x):
        return MISSING
    lang = _lang(lang)
    return format_percent(float(x), format=_pattern("percent", lang, digits), locale=lang)


def interval(low: float | None, high: float | None, lang: str | None = None, *,
             format_one: Callable[..., str] = number, missing_text: str = MISSING) -> str:
    """An interval: "[3,1 % ; 5,0 %]" in French (";" between the ends: a decimal comma would
    read ambiguously), "[3.1%, 5.0%]" in English; `format_one(x, lang)` formats each end."""
    if missing(low) or missing(high):
        return missing_text
    sep = " ; " if _lang(lang) == "fr" else ", "
    return f"[{format_one(low, lang)}{sep}{format_one(high, lang)}]"


def months(x: float | None, lang: str | None = None, digits: int = 1) -> str:
    """A duration in months: 3.2 -> "3,2 mois" (fr), "3.2 months" (en)."""
    if missing(x):
        return MISSING
    return t("unit.months", _lang(lang), value=number(x, lang, digits))


def count(n: float | None, unit: str, lang: str | None = None) -> str:
    """A whole number of things, the noun agreeing with it: count(19676, "households") ->
    "19 676 ménages"; count(1, "households") -> "1 ménage". `unit` names a plural entry
    `unit.<unit>` of the catalogue."""
    if n is None or missing(n):
        return MISSING
    return tn(f"unit.{unit}", round(float(n)), _lang(lang))


def date(d: dt.date | str | None, lang: str | None = None, *, style: str = "long") -> str:
    """A calendar date: 2026-03-05 -> "5 mars 2026" (fr), "March 5, 2026" (en)."""
    if missing(d):
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return format_date(d, format=style, locale=_lang(lang))


def moment(x: dt.datetime | str | None, lang: str | None = None, *, style: str = "short") -> str:
    """A date and time (UTC): "2026-11-30T14:05:09" -> "30/11/2026 14:05" (fr), "11/30/26, 2:05 PM"
    (en); style="medium" keeps the seconds ("30 nov. 2026, 14:05:09")."""
    if x is None or missing(x):
        return MISSING
    if isinstance(x, str):
        x = dt.datetime.fromisoformat(x)
    return format_datetime(x, format=style, locale=_lang(lang), tzinfo=dt.UTC)


def month(m: dt.date | str | None, lang: str | None = None) -> str:
    """A calendar month: "2026-03" -> "mars 2026" (fr), "March 2026" (en)."""
    if missing(m):
        return MISSING
    if isinstance(m, str):
        m = dt.date.fromisoformat(m[:7] + "-01")
    return format_date(m, format="LLLL y", locale=_lang(lang))
