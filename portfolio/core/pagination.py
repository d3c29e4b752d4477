"""Long lists shown a page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request

from portfolio.extensions import db


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, its number (from 1) and where it sits in the whole."""

    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def first_index(self) -> int:
        """The position (from 1) of the page's first item in the whole list."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1 if self.items else 0


def requested_page() -> int:
    """Return the page number asked for in `?page=`, 1 when absent or not a number."""
    return max(request.args.get("page", 1, type=int), 1)


def paginate(query: sa.Select, number: int, per_page: int) -> Page:
    """Run the query for one page (two statements: the count, and the page's rows).

    A page number past the end shows the last page rather than an empty one, and is never
    turned into an offset the database cannot hold.
    """
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    last = max(math.ceil(total / per_page), 1)
    number = min(max(number, 1), last)
    items = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)


def paged(items: list[Any], number: int, per_page: int) -> Page:
    """Return one page of a list already in memory (the same rules as `paginate`)."""
    total = len(items)
    last = max(math.ceil(total / per_page), 1)
    number = min(max(number, 1), last)
    start = (number - 1) * per_page
    return Page(
        items=items[start : start + per_page], number=number, per_page=per_page, total=total
    )
