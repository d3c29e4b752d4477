"""Calendar months: the precision of the programme basis' timeline."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month such as February 2023, with no pretence of a day."""

    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, not {self.month}")
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"year must have four digits, not {self.year}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read 'YYYY-MM'."""
        if cls is Month:
            return _parse_month(str(text))
        return cls(*_month_parts(str(text)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """Return the month a date falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.add(1).first_day - dt.timedelta(days=1)

    def add(self, months: int) -> Month:
        """Return the month `months` later (or earlier, if negative)."""
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def months_until(self, other: Month) -> int:
        """Count whole months from this month to `other` (negative if earlier)."""
        return (other.year - self.year) * 12 + (other.month - self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class MonthType(TypeDecorator):
    """Store a Month as the text 'YYYY-MM', which sorts and compares correctly."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = Month.parse(value)
        return str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Month.parse(value)


def _month_parts(text: str) -> tuple[int, int]:
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError("not a month in the form YYYY-MM")  # never the text: it may be hostile
    return int(match.group(1)), int(match.group(2))


@functools.lru_cache(maxsize=4096)
def _parse_month(text: str) -> Month:
    # Months are immutable and few (a century is 1,200), so each text is read once; long
    # series of observations and timelines parse the same few hundred texts over and over.
    return Month(*_month_parts(text))
