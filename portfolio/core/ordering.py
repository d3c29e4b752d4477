"""Moving a row one place up or down in a list ordered by its `position`.

Several lists are ordered by hand (governance bodies, their members, annexes); some of them
hold each position once (a unique constraint), which both databases check row by row. Two
rows swap places through a free position: the first moves out of the way, the second takes
its place, the first takes the second's. The audit trail records each move of the flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from flask_babel import gettext as _

from portfolio.core.errors import RuleViolation
from portfolio.core.locking import take_turn
from portfolio.extensions import db


class Positioned(Protocol):
    position: int


def move(parent: object, items: Sequence[Positioned], item: Positioned, step: int) -> None:
    """Swap `item` with its neighbour above (step -1) or below (step +1) in `items`.

    `items` is the whole list, ordered by position; `parent` (the programme or body that
    holds the list) is locked first, so two moves in the same list take turns.
    """
    if step not in (-1, 1):
        raise RuleViolation(_("Vælg op eller ned."))
    take_turn(parent)
    ordered = sorted(items, key=lambda i: i.position)
    index = next((n for n, i in enumerate(ordered) if i is item), None)
    if index is None:
        raise RuleViolation(_("Elementet hører ikke til listen."))
    other_index = index + step
    if not 0 <= other_index < len(ordered):
        raise RuleViolation(
            _("Elementet står allerede øverst.")
            if step < 0
            else _("Elementet står allerede nederst.")
        )
    if len({i.position for i in ordered}) < len(ordered):
        # Two share a place (only a list without a unique position can hold that): number
        # the list anew in its present order first, so that swapping changes something.
        for number, each in enumerate(ordered, start=1):
            each.position = number
        db.session.flush()
    other = ordered[other_index]
    mine, theirs = item.position, other.position
    free = max(i.position for i in ordered) + 1
    item.position = free
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    db.session.flush()
