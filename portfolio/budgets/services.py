"""The budget table: amounts per row and period, computed sums beside the printed ones."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.auth.permissions import Action, require
from portfolio.budgets.figures import BudgetOverview, RowFigures, assess_cost, closed_years
from portfolio.budgets.models import (
    LASTING,
    TOTAL,
    Baseline,
    BudgetKind,
    BudgetLine,
    BudgetRow,
    PrintedTotal,
    period_sort_key,
)
from portfolio.budgets.tables import BudgetTable, TableRow
from portfolio.core import clock
from portfolio.core.errors import NotFound, RuleViolation, StaleEdit
from portfolio.core.locking import next_number, take_turn
from portfolio.core.text import has_visible_text
from portfolio.extensions import db

ZERO = Decimal("0.0")


def budget_rows(programme_id: int) -> list[BudgetRow]:
    return list(
        db.session.scalars(
            sa.select(BudgetRow)
            .where(BudgetRow.programme_id == programme_id)
            .options(selectinload(BudgetRow.track))
            .order_by(BudgetRow.position)
        )
    )


def baselines(programme_id: int) -> list[Baseline]:
    return list(
        db.session.scalars(
            sa.select(Baseline)
            .where(Baseline.programme_id == programme_id)
            .order_by(Baseline.number)
        )
    )


def latest_baseline(programme_id: int) -> Baseline | None:
    return db.session.scalar(
        sa.select(Baseline)
        .where(Baseline.programme_id == programme_id)
        .order_by(Baseline.number.desc())
        .limit(1)
    )


def get_baseline(programme_id: int, number: int) -> Baseline:
    baseline = db.session.scalar(
        sa.select(Baseline).where(Baseline.programme_id == programme_id, Baseline.number == number)
    )
    if baseline is None:
        raise NotFound(_("Budgetversionen findes ikke."))
    return baseline


def baseline_table(programme_id: int, baseline: Baseline | None = None) -> BudgetTable | None:
    """Build the approved budget table (latest version unless one is given)."""
    baseline = baseline or latest_baseline(programme_id)
    if baseline is None:
        return None
    rows = budget_rows(programme_id)
    lines = db.session.scalars(
        sa.select(BudgetLine).where(BudgetLine.baseline_id == baseline.id)
    ).all()
    printed = db.session.scalars(
        sa.select(PrintedTotal).where(PrintedTotal.baseline_id == baseline.id)
    ).all()
    return _table(BudgetKind.BASELINE, rows, lines, printed, baseline)


def _table(kind, rows, lines, printed=(), baseline=None) -> BudgetTable:
    amounts: dict[int, dict[str, Decimal]] = {r.id: {} for r in rows}
    periods = set()
    for line in lines:
        amounts.setdefault(line.row_id, {})[line.period] = line.amount
        periods.add(line.period)
    years = sorted((p for p in periods if p != LASTING), key=period_sort_key)
    row_totals = {p.row_id: p.amount for p in printed if p.row_id is not None}
    table_rows = [TableRow(r, amounts[r.id], row_totals.get(r.id)) for r in rows]
    columns = {p.column: p.amount for p in printed if p.row_id is None}
    return BudgetTable(kind, years, table_rows, baseline, columns)


# ------------------------------------------------------------------ figures and changes


def _current_lines(row_ids: list[int]) -> list[BudgetLine]:
    if not row_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(BudgetLine).where(
                BudgetLine.row_id.in_(row_ids), BudgetLine.baseline_id.is_(None)
            )
        )
    )


def programme_years(programme) -> list[str]:
    """The years a programme's budget runs over: those of its period, else its baseline's."""
    if programme.start_month and programme.end_month:
        return [str(y) for y in range(programme.start_month.year, programme.end_month.year + 1)]
    table = baseline_table(programme.id)
    return table.years if table else []


def budget_overview(
    programme, *, with_printed_totals: bool = True, today: dt.date | None = None
) -> BudgetOverview | None:
    """Gather baseline, forecast, actual, variance and cost lights (None without a baseline).

    Four queries (budget_overviews): the programme's budget rows with their tracks, its
    versions, every budget line, and (unless left out) the latest version's printed
    totals. The years before `today`'s
    year (default: the app's today) are closed for the estimate at completion.
    """
    return budget_overviews([programme], with_printed_totals=with_printed_totals, today=today)[
        programme.id
    ]


@dataclass(frozen=True, slots=True)
class _Line:
    """A budget line as the overview reads it: plain values, its row and version attached
    (hundreds per programme, so not ORM objects: building those took most of the time)."""

    row: BudgetRow
    baseline: Baseline | None
    kind: BudgetKind
    period: str
    amount: Decimal

    @property
    def row_id(self) -> int:
        return self.row.id

    @property
    def baseline_id(self) -> int | None:
        return None if self.baseline is None else self.baseline.id


def budget_overviews(
    programmes: Sequence[Any], *, with_printed_totals: bool = True, today: dt.date | None = None
) -> dict[int, BudgetOverview | None]:
    """The budget overview of each programme, by id: four queries for them all (their rows
    with tracks, their versions, their lines, the latest versions' printed totals)."""
    ids = [p.id for p in programmes]
    by_programme: dict[int, list[_Line]] = {pid: [] for pid in ids}
    if ids:
        rows = {
            row.id: row
            for row in db.session.scalars(
                sa.select(BudgetRow)
                .where(BudgetRow.programme_id.in_(ids))
                .options(joinedload(BudgetRow.track))
            )
        }
        versions = {
            b.id: b
            for b in db.session.scalars(sa.select(Baseline).where(Baseline.programme_id.in_(ids)))
        }
        for row_id, baseline_id, kind, period, amount in db.session.execute(
            sa.select(
                BudgetLine.row_id,
                BudgetLine.baseline_id,
                BudgetLine.kind,
                BudgetLine.period,
                BudgetLine.amount,
            )
            .join(BudgetLine.row)
            .where(BudgetRow.programme_id.in_(ids))
        ):
            row = rows[row_id]
            baseline = None if baseline_id is None else versions[baseline_id]
            by_programme[row.programme_id].append(_Line(row, baseline, kind, period, amount))
    latest = {
        pid: max((x.baseline for x in lines if x.baseline), key=lambda b: b.number)
        for pid, lines in by_programme.items()
        if any(x.baseline for x in lines)
    }
    printed: dict[int, list[PrintedTotal]] = {b.id: [] for b in latest.values()}
    if with_printed_totals and printed:
        for total in db.session.scalars(
            sa.select(PrintedTotal).where(PrintedTotal.baseline_id.in_(list(printed)))
        ):
            printed[total.baseline_id].append(total)
    on = today or clock.today()
    return {
        p.id: _overview(p, by_programme[p.id], printed[latest[p.id].id], on)
        if p.id in latest
        else None
        for p in programmes
    }


def _overview(
    programme: Any, lines: list[_Line], printed: list[PrintedTotal], today: dt.date
) -> BudgetOverview:
    versions = sorted({line.baseline for line in lines if line.baseline}, key=lambda b: b.number)
    latest = versions[-1]
    rows = sorted({line.row for line in lines}, key=lambda r: r.position)
    table = _table(
        BudgetKind.BASELINE,
        rows,
        [x for x in lines if x.baseline_id == latest.id],
        printed,
        latest,
    )
    # The programme's period, else its latest baseline's years (programme_years without
    # the query for a baseline this function already holds).
    period = programme_years(programme) if programme.start_month and programme.end_month else []
    years = sorted(set(table.years) | set(period), key=period_sort_key)
    figures = {r.row.id: RowFigures(r.row, dict(r.amounts)) for r in table.rows}
    for line in lines:
        if line.baseline_id is None:
            kind = (
                figures[line.row_id].forecast
                if line.kind is BudgetKind.FORECAST
                else figures[line.row_id].actual
            )
            kind[line.period] = line.amount
    figure_rows = list(figures.values())
    closed = closed_years(years, today)
    printed_rows = {r.row.id: r.printed_total for r in table.rows}
    return BudgetOverview(
        baseline=latest,
        baseline_table=table,
        years=years,
        rows=figure_rows,
        versions=versions,
        programme_cost=assess_cost(figure_rows, years, closed, table.printed_columns.get(TOTAL)),
        row_costs={
            r.row.id: assess_cost([r], years, closed, printed_rows.get(r.row.id))
            for r in figure_rows
        },
        closed_years=closed,
    )


AMOUNT_LIMIT = Decimal("1000000")


def parse_amount(text: str) -> Decimal | None:
    """Read an amount in mio. kr. as typed: "2,9" or "2.9"; empty means no figure.

    Raises ValueError with a Danish message for anything that is not a non-negative
    amount with at most three decimals.
    """
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise ValueError(_("Beløbet må ikke være negativt."))
    if not re.fullmatch(r"\d+([.,]\d+)?", cleaned):
        raise ValueError(_("Skriv et beløb i mio. kr., fx 2,9 eller 2.9."))
    value = Decimal(cleaned.replace(",", "."))
    # The size first: quantizing a number of more than 28 digits raises InvalidOperation.
    if value >= AMOUNT_LIMIT:
        raise ValueError(_("Beløbet er urimeligt stort for mio. kr."))
    if value != value.quantize(Decimal("0.001")):
        raise ValueError(_("Højst tre decimaler (hele tusinde kroner)."))
    return value


@dataclass
class CellChange:
    row: BudgetRow
    period: str
    before: Decimal | None
    after: Decimal | None


def _check_kind(kind: BudgetKind) -> None:
    if kind is BudgetKind.BASELINE:
        raise RuleViolation(
            _("Et godkendt budget kan ikke ændres. Registrér en ny budgetversion (ny basislinje).")
        )


def current_values(programme, kind: BudgetKind) -> dict[tuple[int, str], Decimal]:
    rows = budget_rows(programme.id)
    return {
        (line.row_id, line.period): line.amount
        for line in _current_lines([r.id for r in rows])
        if line.kind is kind
    }


def stale_cells(programme, kind: BudgetKind, started_from: dict[tuple[int, str], Decimal | None]):
    """List the cells whose stored value differs from what the editor started from."""
    rows = {r.id: r for r in budget_rows(programme.id)}
    now = current_values(programme, kind)
    return [
        CellChange(rows[row_id], period, before, now.get((row_id, period)))
        for (row_id, period), before in started_from.items()
        if now.get((row_id, period)) != before and row_id in rows
    ]


def set_amounts(
    actor,
    programme,
    kind: BudgetKind,
    values: dict[tuple[int, str], Decimal | None],
    *,
    started_from: dict[tuple[int, str], Decimal | None] | None = None,
) -> list[CellChange]:
    """Store forecast or actual amounts; None removes a figure. Return what changed.

    `started_from` holds the values the editor saw; if any has changed since, nothing is
    written and StaleEdit lists those cells.
    """
    require(actor, Action.EDIT_BUDGET, programme)
    _check_kind(kind)
    rows = {r.id: r for r in budget_rows(programme.id)}
    allowed = set(programme_years(programme)) | {LASTING}
    errors = {}
    for row_id, period in values:
        if row_id not in rows:
            errors[f"{row_id}-{period}"] = [_("Ukendt budgetrække.")]
        elif period not in allowed:
            errors[f"{row_id}-{period}"] = [_("Året ligger uden for programmets periode.")]
    if errors:
        raise RuleViolation(_("Beløbene blev ikke gemt."), errors=errors)
    # One save of the programme's figures at a time: the check below and the writes after
    # it then see every figure a parallel save (or import) has committed.
    take_turn(programme)
    if started_from is not None and (changed := stale_cells(programme, kind, started_from)):
        raise StaleEdit(
            _("Nogen har ændret beløbene, efter du åbnede siden. Intet er gemt."),
            changes=changed,
        )
    existing = {
        (line.row_id, line.period): line for line in _current_lines(list(rows)) if line.kind is kind
    }
    changes = []
    for (row_id, period), amount in sorted(values.items()):
        line = existing.get((row_id, period))
        before = line.amount if line else None
        if before == amount:
            continue
        if amount is None:
            db.session.delete(line)
        elif line is None:
            db.session.add(BudgetLine(row_id=row_id, kind=kind, period=period, amount=amount))
        else:
            line.amount = amount
        changes.append(CellChange(rows[row_id], period, before, amount))
    db.session.flush()
    return changes


def rebaseline(
    actor,
    programme,
    *,
    approved_on: dt.date,
    approved_by: str,
    reason: str,
    decision: str,
    document: str = "",
    amounts: dict[tuple[int, str], Decimal],
) -> Baseline:
    """Register a newly approved budget as the next baseline version (the old one stays)."""
    require(actor, Action.REBASELINE, programme)
    rows = {r.id for r in budget_rows(programme.id)}
    allowed = set(programme_years(programme)) | {LASTING}
    errors = {}
    if not has_visible_text(reason):
        errors["reason"] = [_("Angiv årsagen til den nye budgetversion.")]
    if not has_visible_text(decision):
        errors["decision"] = [_("Angiv beslutningen bag den nye budgetversion.")]
    if not has_visible_text(approved_by):
        errors["approved_by"] = [_("Angiv, hvem der har godkendt budgettet.")]
    if any(row_id not in rows or period not in allowed for row_id, period in amounts):
        errors["amounts"] = [_("Et beløb hører ikke til programmets rækker eller år.")]
    # The next number is taken in turn, so two approvals at once cannot both become v3.
    take_turn(programme)
    latest = latest_baseline(programme.id)
    if latest and approved_on < latest.approved_on:
        errors["approved_on"] = [_("Godkendelsen kan ikke ligge før den gældende versions.")]
    if errors:
        raise RuleViolation(_("Budgetversionen blev ikke oprettet."), errors=errors)
    baseline = Baseline(
        programme_id=programme.id,
        number=next_number(programme, lambda: latest.number if latest else 0),
        approved_on=approved_on,
        approved_by=approved_by.strip(),
        document=document.strip(),
        reason=reason.strip(),
        decision=decision.strip(),
    )
    db.session.add(baseline)
    db.session.flush()
    for (row_id, period), amount in sorted(amounts.items()):
        if amount is not None:
            db.session.add(
                BudgetLine(
                    row_id=row_id,
                    baseline_id=baseline.id,
                    kind=BudgetKind.BASELINE,
                    period=period,
                    amount=amount,
                )
            )
    db.session.flush()
    return baseline


@dataclass
class VersionDifference:
    row: BudgetRow
    period: str
    old: Decimal | None
    new: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.new or ZERO) - (self.old or ZERO)


def compare_baselines(programme_id: int, old: Baseline, new: Baseline) -> list[VersionDifference]:
    """List every cell that differs between two baseline versions."""
    old_table, new_table = baseline_table(programme_id, old), baseline_table(programme_id, new)
    differences = []
    for old_row, new_row in zip(old_table.rows, new_table.rows, strict=True):
        periods = sorted(set(old_row.amounts) | set(new_row.amounts), key=period_sort_key)
        for period in periods:
            a, b = old_row.amounts.get(period), new_row.amounts.get(period)
            if a != b:
                differences.append(VersionDifference(new_row.row, period, a, b))
    return differences
