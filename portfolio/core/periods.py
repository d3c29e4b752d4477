"""How often something is measured, and how its periods are written.

One enum for the indicators' stored frequency, the charts and the workshop snapshots; one
way to name a period, on the pages, in the charts and in their text alternatives.
"""

from __future__ import annotations

import enum

from babel.dates import format_date
from flask_babel import lazy_gettext as _l

from portfolio.core.months import Month


class Frequency(enum.Enum):
    """How often a value is measured (stored as the value); a skipped period is missing."""

    MONTHLY = "month"
    QUARTERLY = "quarter"
    HALF_YEARLY = "half_year"
    YEARLY = "year"

    @property
    def months(self) -> int:
        return _MONTHS[self]

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}
_LABELS = {
    Frequency.MONTHLY: _l("Månedlig"),
    Frequency.QUARTERLY: _l("Kvartalsvis"),
    Frequency.HALF_YEARLY: _l("Halvårlig"),
    Frequency.YEARLY: _l("Årlig"),
}
# Written the way Danish and English statistics write them: "K3 2025" / "Q3 2025".
_QUARTER = {"da": "K{number} {year}", "en": "Q{number} {year}"}
_HALF_YEAR = {"da": "{number}. halvår {year}", "en": "H{number} {year}"}


def period_label(period: Month, frequency: Frequency, locale: str) -> str:
    """Name the period starting in `period`: "2025", "K3 2025", "1. halvår 2025", "jan. 2025"."""
    language = "en" if locale.startswith("en") else "da"
    if frequency is Frequency.YEARLY:
        return str(period.year)
    if frequency is Frequency.QUARTERLY:
        number = (period.month - 1) // 3 + 1
        return _QUARTER[language].format(number=number, year=period.year)
    if frequency is Frequency.HALF_YEARLY:
        number = (period.month - 1) // 6 + 1
        return _HALF_YEAR[language].format(number=number, year=period.year)
    return format_date(period.first_day, "MMM y", locale=language)
