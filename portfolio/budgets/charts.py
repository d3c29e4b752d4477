"""Chart data for the budget: baseline, forecast and actual per year, and the spend curve."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portfolio.budgets.figures import BudgetOverview, RowFigures
from portfolio.charts.data import BudgetPanel, BudgetYear, BudgetYearsData, CumulativeSpendData


def _years(overview: BudgetOverview, rows) -> tuple[BudgetYear, ...]:
    return tuple(
        BudgetYear(
            year=int(year),
            baseline=_sum(rows, "baseline", year),
            forecast=_sum(rows, "forecast", year),
            actual=_sum(rows, "actual", year),
            # The budget's one estimate at completion, so the chart ends where the page does.
            estimate=_estimate(rows, year, year in overview.closed_years),
        )
        for year in overview.years
    )


def _estimate(rows: list[RowFigures], year: str, closed: bool) -> Decimal | None:
    values = [r.estimate(year, closed) for r in rows]
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _sum(rows, kind, year):
    values = [getattr(r, kind)[year] for r in rows if year in getattr(r, kind)]
    return sum(values) if values else None


def budget_years_chart(overview: BudgetOverview, programme_name: str) -> BudgetYearsData:
    """One panel for the whole programme, then one per budget row (track or cross-cutting)."""
    panels = [BudgetPanel(_("Hele programmet"), _years(overview, overview.rows))]
    panels += [BudgetPanel(r.row.label, _years(overview, [r])) for r in overview.rows]
    return BudgetYearsData(
        title=programme_name,
        panels=tuple(panels),
    )


def cumulative_chart(overview: BudgetOverview, programme_name: str) -> CumulativeSpendData:
    return CumulativeSpendData(
        title=programme_name,
        years=_years(overview, overview.rows),
    )
