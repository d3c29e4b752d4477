"""WTForms validators with Danish messages (WTForms ships no Danish translation), and the
one rule for which dates Styrbord takes."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, Length, StopValidation

from portfolio.core.text import has_visible_text

# A programme's dates lie in living memory or in a plan; a year outside these is a typing
# slip (0001, 9999), and such dates broke the pages that compute with them.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2200, 12, 31)

_DAY = re.compile(r"^\s*(\d{1,6})-(\d{1,2})-(\d{1,2})\s*$")


def day_refusal(day: dt.date) -> str | None:
    """Return why a date cannot be taken (outside 1900–2200), or None."""
    return None if EARLIEST_DAY <= day <= LATEST_DAY else _out_of_range()


def _out_of_range() -> str:
    return str(
        _(
            "Datoen skal ligge mellem %(first)s og %(last)s.",
            first=EARLIEST_DAY.isoformat(),
            last=LATEST_DAY.isoformat(),
        )
    )


def month_refusal(month) -> str | None:
    """Return why a month cannot be taken (outside 1900-01–2200-12), or None."""
    if EARLIEST_DAY.year <= month.year <= LATEST_DAY.year:
        return None
    return _(
        "Måneden skal ligge mellem %(first)s og %(last)s.",
        first=EARLIEST_DAY.strftime("%Y-%m"),
        last=LATEST_DAY.strftime("%Y-%m"),
    )


def is_plausible_day(day: dt.date | None) -> bool:
    """Tell whether a stored date lies in the range forms take (charts leave others out)."""
    return day is not None and EARLIEST_DAY <= day <= LATEST_DAY


def parse_day(text: str) -> dt.date:
    """Read a date written YYYY-MM-DD between 1900 and 2200; ValueError says what is wrong."""
    match = _DAY.match(text)
    if match is None:
        raise ValueError(_("Ugyldig dato. Skriv den som ÅÅÅÅ-MM-DD, fx 2026-11-30."))
    year, month, day = (int(part) for part in match.groups())
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise ValueError(_out_of_range())
    try:
        found = dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(_("Ugyldig dato: dagen findes ikke i kalenderen.")) from error
    return found


class _Required(DataRequired):
    """DataRequired that counts only text that shows, and that keeps a field's own error.

    WTForms' DataRequired replaces the error of a value that could not be read (a date
    2026-02-30) by "required"; here what was typed is answered for what it is.
    """

    def __call__(self, form, field):
        typed = any(isinstance(v, str) and v.strip() for v in field.raw_data or ())
        if field.process_errors and typed:
            raise StopValidation()  # the field's own message stands
        data = field.data
        if data and (not isinstance(data, str) or has_visible_text(data)):
            return
        field.errors[:] = []
        raise StopValidation(self.message)


def Required():
    """The field must be filled in, with something that shows (not only zero-width spaces)."""
    return _Required(message=_l("Feltet skal udfyldes."))


def MaxLength(limit: int):
    """The text may be at most `limit` characters long."""
    return Length(max=limit, message=_l("Højst %(max)d tegn.", max=limit))


def ValidEmail():
    return Email(message=_l("Angiv en gyldig e-mailadresse."))
