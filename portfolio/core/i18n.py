"""Language choice and the Danish (or English) way of writing numbers and dates."""

import datetime as dt
import functools
from decimal import Decimal

from babel import Locale, support
from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations

from portfolio.config import PROJECT_ROOT
from portfolio.core.months import Month
from portfolio.core.periods import Frequency, period_label

TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


def N_(text: str) -> str:
    """Mark text for the catalogue where it is defined; it is translated where it is shown."""
    return text


@functools.lru_cache(maxsize=4)
def _catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(str(TRANSLATIONS_DIR), [locale])


def translate(text: str, locale: str) -> str:
    """Translate Danish source text into `locale` from the catalogue, without needing an app
    (charts and workbooks are built in CLI commands and for PDF reports too)."""
    if locale == "da":
        return text
    return _catalogue(locale).gettext(text)


@functools.lru_cache(maxsize=8)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> Locale:
    """Danish unless the user chose English (or asks for it with ?lang=en, or, from the
    JSON API, with Accept-Language).

    A Locale, parsed once per language: Flask-Babel parses a name anew on every request.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return _locale(default)
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen is None and request.path.startswith("/api/"):
        # A script has no language switch: the API answers in the language it asks for.
        chosen = request.accept_languages.best_match(languages)
    return _locale(chosen if chosen in languages else default)


def locale_code() -> str:
    return str(get_locale() or "da")


@functools.lru_cache(maxsize=32)
def _number_pattern(pattern: str) -> NumberPattern:
    """Parse a number pattern once; Babel parses it anew on every call otherwise."""
    return parse_pattern(pattern)


def _format(value, pattern: str, locale: str | None) -> str:
    return format_decimal(
        value, format=_number_pattern(pattern), locale=_locale(locale or locale_code())
    )


def _decimal(value):
    """Accept the decimal strings frozen snapshots hold as well as numbers."""
    return Decimal(value) if isinstance(value, str) else value


def format_amount(value: Decimal | str | None, locale: str | None = None) -> str:
    """Write mio. kr. with one to three decimals: 2,9 / 12,45 / 0,125."""
    if value is None or value == "":
        return "–"
    value = _decimal(value)
    return _format(value, "#,##0.0##", locale)


def format_mio(value: Decimal | str | None, locale: str | None = None) -> str:
    """Write an amount with its unit: "58,1 mio. kr." (Danish) or "DKK 58.1m" (English)."""
    if value is None or value == "":
        return "–"
    locale = locale or locale_code()
    amount = format_amount(value, locale)
    return f"DKK {amount}m" if locale == "en" else f"{amount} mio. kr."


def format_number(value, places: int | None = None, locale: str | None = None) -> str:
    if value is None:
        return "–"
    if places is None:
        pattern = "#,##0.###"
    elif places == 0:
        pattern = "#,##0"
    else:
        pattern = "#,##0." + "0" * places
    return _format(value, pattern, locale)


def format_percent(value: Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return "–"
    return _format(value, "#,##0.0", locale) + " %"


def format_share(value: Decimal | str | None, locale: str | None = None) -> str:
    """Write a fraction as a percentage with one decimal: 0.943 → "94,3 %" (achievement)."""
    if value is None or value == "":
        return "–"
    return format_percent(Decimal(str(value)) * 100, locale)


def format_day(value: dt.date | str | None, locale: str | None = None) -> str:
    """Write a date: "18. januar 2023" / "18 January 2023" (also from an ISO string)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    locale = locale or locale_code()
    return format_date(value, "d. MMMM y" if locale == "da" else "d MMMM y", locale=locale)


def format_month(value: Month | str | None, locale: str | None = None) -> str:
    """Write a month: "februar 2023" / "February 2023" (also from "YYYY-MM")."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = Month.parse(value)
    return _month_text(value, locale or locale_code())


@functools.lru_cache(maxsize=2048)
def _month_text(value: Month, locale: str) -> str:
    """Babel's month name and year, written once per month and language (a roadmap table
    writes the same few dozen months hundreds of times)."""
    return format_date(value.first_day, "LLLL y", locale=locale)


def format_timestamp(value: dt.datetime | str | None, locale: str | None = None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return format_moment(
        value, current_app.config["BABEL_DEFAULT_TIMEZONE"], locale or locale_code()
    )


def format_moment(value: dt.datetime, timezone: str, locale: str) -> str:
    """Write a moment in a time zone without an app: "21. november 2025 kl. 14:03"."""
    pattern = "d. MMMM y 'kl.' HH:mm" if locale == "da" else "d MMMM y, HH:mm"
    return format_datetime(value, pattern, tzinfo=get_timezone(timezone), locale=locale)


def format_period(start: Month | None, end: Month | None, by_year: bool = False) -> str:
    """Write a period: "februar 2023 – november 2026", or "2023–2026" when dated by year."""
    if start is None and end is None:
        return "–"
    if by_year:
        first = start.year if start else "?"
        last = end.year if end else "?"
        return f"{first}–{last}" if first != last else str(first)
    return f"{format_month(start)} – {format_month(end)}"


def _install_template_gettext(app: Flask) -> None:
    """Give the templates gettext functions that remember each translation per language.

    Flask-Babel finds the request's catalogue through several context lookups for every
    string; the status page has some 150 of them, and that was a tenth of its time. The
    catalogues do not change while the app runs, so (language, text) → translation is kept
    per app. The language is still asked for on every call, so a page in English is never
    served Danish text.
    """
    singular: dict[tuple[str, str], str] = {}

    def gettext(string: str) -> str:
        key = (str(get_locale()), string)
        try:
            return singular[key]
        except KeyError:
            text = singular[key] = get_translations().ugettext(string)
            return text

    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )


def format_period_name(period: Month | None, frequency: Frequency) -> str:
    """Name a measurement period as everywhere else: "2023", "K3 2023", "jan. 2022"."""
    if period is None:
        return "–"
    return period_label(period, frequency, locale_code())


def init_app(app: Flask) -> None:
    from portfolio.core.lights import rollup_label, rollup_rule
    from portfolio.core.text import paragraphs

    _install_template_gettext(app)

    app.jinja_env.filters.update(
        paragraphs=paragraphs,
        amount=format_amount,
        mio=format_mio,
        number=format_number,
        percent=format_percent,
        share=format_share,
        day=format_day,
        month=format_month,
        period_name=format_period_name,
        timestamp=format_timestamp,
    )
    app.jinja_env.globals.update(
        format_period=format_period,
        locale_code=locale_code,
        rollup_label=rollup_label,
        rollup_rule=rollup_rule,
    )
