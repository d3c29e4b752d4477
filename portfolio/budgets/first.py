"""The first approved budget of a programme that has none, typed in from the web.

The budget rows are made from the programme's tracks that are not retired (labelled
"Spor 1: …" as the track is named now) and one cross-cutting row, each only if it gets an
amount; then the amounts become baseline version 1 through `services.rebaseline`, the
same way every later version is registered. The approved document's printed totals are
not typed in: the budget page shows the computed sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portfolio.auth.permissions import Action, require
from portfolio.budgets import services
from portfolio.budgets.models import LASTING, Baseline, BudgetRow
from portfolio.core.errors import RuleViolation
from portfolio.core.locking import take_turn
from portfolio.core.text import has_visible_text
from portfolio.extensions import db

CROSS_CUTTING = "tvaergaaende"  # the key of the cross-cutting row in the form's cells


@dataclass(frozen=True)
class FirstRow:
    """A row the first budget may have: a track's, or the cross-cutting one."""

    key: str
    label: str
    track_id: int | None


def first_rows(programme: Any, cross_cutting_label: str | None = None) -> list[FirstRow]:
    """The rows offered for the first budget: each track in use, then the cross-cutting row."""
    rows = [
        FirstRow(str(track.id), track.label, track.id)
        for track in sorted(programme.tracks, key=lambda t: t.number)
        if track.retired_at is None
    ]
    label = (cross_cutting_label or "").strip() or _("Tværgående")
    rows.append(FirstRow(CROSS_CUTTING, label, None))
    return rows


def first_periods(programme: Any) -> list[str]:
    """The years of the programme's period, then the lasting operation."""
    return [*services.programme_years(programme), LASTING]


def create_first_baseline(
    actor: Any,
    programme: Any,
    *,
    approved_on: dt.date,
    approved_by: str,
    decision: str,
    amounts: dict[tuple[str, str], Decimal | None],
    document: str = "",
    cross_cutting_label: str = "",
) -> Baseline:
    """Register the programme's first approved budget (version 1) from amounts per row key.

    `amounts` maps (row key, period) to mio. kr.; a key is a track's id or CROSS_CUTTING,
    a period a year of the programme or "varigt". Rows without any amount are left out.
    """
    require(actor, Action.REBASELINE, programme)
    take_turn(programme)  # two first budgets at once: the second finds the first
    if services.latest_baseline(programme.id) is not None:
        raise RuleViolation(
            _("Programmet har allerede et godkendt budget. Registrér en ny budgetversion.")
        )
    if programme.start_month is None or programme.end_month is None:
        raise RuleViolation(
            _("Angiv programmets start- og slutmåned i stamdata, før budgettet oprettes.")
        )
    rows = {row.key: row for row in first_rows(programme, cross_cutting_label)}
    periods = set(first_periods(programme))
    errors: dict[str, list[str]] = {}
    if any(key not in rows or period not in periods for key, period in amounts):
        errors["amounts"] = [_("Et beløb hører ikke til programmets spor eller år.")]
    given = {k: v for k, v in amounts.items() if v is not None}
    if not given:
        errors["amounts"] = [_("Skriv mindst ét beløb.")]
    if not has_visible_text(approved_by):
        errors["approved_by"] = [_("Angiv, hvem der har godkendt budgettet.")]
    if not has_visible_text(decision):
        errors["decision"] = [_("Angiv beslutningen bag budgettet.")]
    if errors:
        raise RuleViolation(_("Budgettet blev ikke oprettet."), errors=errors)
    made: dict[str, BudgetRow] = {}
    used = [key for key in rows if any(k == key for k, _p in given)]
    # Rows left from an earlier import keep their places; the new ones come after them.
    after = max((r.position for r in services.budget_rows(programme.id)), default=0)
    for position, key in enumerate(used, after + 1):
        row = rows[key]
        budget_row = BudgetRow(
            programme_id=programme.id,
            position=position,
            label=row.label,
            track_id=row.track_id,
            is_cross_cutting=row.track_id is None,
        )
        db.session.add(budget_row)
        made[key] = budget_row
    db.session.flush()
    return services.rebaseline(
        actor,
        programme,
        approved_on=approved_on,
        approved_by=approved_by,
        reason=_("Programmets første godkendte budget."),
        decision=decision,
        document=document,
        amounts={(made[key].id, period): amount for (key, period), amount in given.items()},
    )
