"""The budget table: amounts per row and period, computed sums beside the printed ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

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
from portfolio.core.errors import NotFound
from portfolio.extensions import db

ZERO = Decimal("0.0")


@dataclass
class Discrepancy:
    """A place where the document's printed total differs from the sum of its parts."""

    where: str
    printed: Decimal
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.printed - self.computed


@dataclass
class TableRow:
    row: BudgetRow
    amounts: dict[str, Decimal]
    printed_total: Decimal | None

    @property
    def computed_total(self) -> Decimal:
        """The sum over the years (lasting operation is not part of it)."""
        return sum((v for p, v in self.amounts.items() if p != LASTING), ZERO)

    @property
    def differs(self) -> bool:
        return self.printed_total is not None and self.printed_total != self.computed_total


@dataclass
class BudgetTable:
    """One kind of budget as a table of rows × years, plus "I alt" and "Varigt"."""

    kind: BudgetKind
    years: list[str]
    rows: list[TableRow]
    baseline: Baseline | None = None
    printed_columns: dict[str, Decimal] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Every column of the table in order: the years, "total", then "varigt"."""
        return [*self.years, TOTAL, LASTING]

    def column_total(self, column: str) -> Decimal:
        if column == TOTAL:
            return sum((r.computed_total for r in self.rows), ZERO)
        return sum((r.amounts.get(column, ZERO) for r in self.rows), ZERO)

    def cell(self, row: TableRow, column: str) -> Decimal | None:
        if column == TOTAL:
            return row.computed_total
        return row.amounts.get(column)

    def column_differs(self, column: str) -> bool:
        printed = self.printed_columns.get(column)
        return printed is not None and printed != self.column_total(column)

    def discrepancies(self) -> list[Discrepancy]:
        """List every printed total that differs from the computed sum."""
        found = [
            Discrepancy(r.row.label, r.printed_total, r.computed_total)
            for r in self.rows
            if r.differs
        ]
        for column in self.columns:
            if self.column_differs(column):
                label = _("I alt, kolonne %(column)s", column=column_label(column))
                found.append(
                    Discrepancy(label, self.printed_columns[column], self.column_total(column))
                )
        return found


def column_label(column: str) -> str:
    if column == TOTAL:
        return _("I alt")
    if column == LASTING:
        return _("Varigt")
    return column


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
