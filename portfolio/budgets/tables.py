"""A budget as a table: rows × years with computed and printed totals.

Plain values only, so that both the services that fill the tables and the figures that
are computed from them can use the types without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from portfolio.budgets.models import LASTING, TOTAL, Baseline, BudgetKind, BudgetRow

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
