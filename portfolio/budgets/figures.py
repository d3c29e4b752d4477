"""Budget figures per row and year: baseline, forecast, actual, variance and the cost light.

**The estimate at completion** (skønnet totalomkostning) is defined once, here, and the page,
the charts, the cost light, the frozen report, the API and the workbook all take it from
`BudgetOverview` (`estimate_total`, `estimate_column`, `RowFigures.estimate`):

* a year is *closed* when it is before the current year (the budget is kept by year, so the
  current year is still running);
* for a closed year with actual spend entered, the estimate is the actual spend: what was
  spent is known, and a forecast for a finished year is out of date;
* for every other year it is the forecast; without a forecast it is the approved amount, or
  the actual spend so far when that is already higher (one cannot spend less than has been
  spent);
* "varigt" (lasting operation) is not part of it, as it is not part of the approved total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import gettext as _

from portfolio.budgets.models import LASTING, Baseline, BudgetRow
from portfolio.budgets.tables import BudgetTable
from portfolio.core.i18n import format_amount, format_mio, format_percent
from portfolio.core.lights import Colour, Light

ZERO = Decimal("0.0")
HUNDRED = Decimal(100)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """Return part/whole in per cent with one decimal, or None when whole is zero."""
    if not whole:
        return None
    return (part / whole * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RowFigures:
    """One budget row's amounts by period for each kind; a missing period has no figure."""

    row: BudgetRow
    baseline: dict[str, Decimal]
    forecast: dict[str, Decimal] = field(default_factory=dict)
    actual: dict[str, Decimal] = field(default_factory=dict)

    def year_total(self, kind: str, years) -> Decimal | None:
        """Sum a kind over the years that have a figure (None when none has)."""
        return total(getattr(self, kind), years)

    def estimate(self, period: str, closed: bool) -> Decimal | None:
        """The period's part of the estimate at completion (the rule in the module doc);
        `closed` tells whether the period is over. None when the row has no figure at all."""
        actual = self.actual.get(period)
        if closed and actual is not None:
            return actual
        if period in self.forecast:
            return self.forecast[period]
        planned = self.baseline.get(period)
        if planned is None or (actual is not None and actual > planned):
            return actual
        return planned

    def variance(self, kind: str, period: str) -> Decimal | None:
        """Forecast or actual minus baseline for a period (None without both figures)."""
        figures = self.forecast if kind == "forecast" else self.actual
        if period not in figures or period not in self.baseline:
            return None
        return figures[period] - self.baseline[period]

    def variance_percent(self, kind: str, period: str) -> Decimal | None:
        variance = self.variance(kind, period)
        return None if variance is None else percent(variance, self.baseline[period])


def total(figures: dict[str, Decimal], years) -> Decimal | None:
    """Sum the years that have a figure (None when none has)."""
    present = [figures[y] for y in years if y in figures]
    return sum(present, ZERO) if present else None


def closed_years(years: Iterable[str], today: dt.date) -> frozenset[str]:
    """Return the years that are over on `today`: those before the current year."""
    return frozenset(y for y in years if y.isdigit() and int(y) < today.year)


def estimate_at_completion(
    rows: list[RowFigures], years: Iterable[str], closed: frozenset[str]
) -> Decimal:
    """Return the estimate at completion of the rows together over the years (module doc)."""
    return sum((r.estimate(y, y in closed) or ZERO for r in rows for y in years), ZERO)


def approved_text(printed: Decimal | None, computed: Decimal) -> str:
    """Write an approved total as the document prints it, with "≠ sum" where the sum of its
    years differs (the budget table's convention): "12,4 mio. kr. (≠ 12,5)"."""
    if printed is None or printed == computed:
        return format_mio(computed if printed is None else printed)
    return f"{format_mio(printed)} (≠ {format_amount(computed)})"


@dataclass
class CostAssessment:
    """The cost light's inputs and outcome for the programme or one row.

    `baseline_total` is the sum of the approved years, which the estimate is compared with
    (like with like); `printed_total` is the approved document's own total, where it prints
    one, and is what the light shows as "Godkendt budget".
    """

    baseline_total: Decimal
    estimate_total: Decimal
    has_data: bool
    light: Light
    printed_total: Decimal | None = None

    @property
    def overrun(self) -> Decimal:
        return self.estimate_total - self.baseline_total


def cost_rule() -> str:
    config = current_app.config
    return _(
        "Statens It-råds regel for økonomi: grøn uden overskridelse af det godkendte budget; "
        "gul ved en overskridelse på op til %(pct)s %% og op til %(mio)s mio. kr.; "
        "rød ved mere end %(pct)s %% eller mere end %(mio)s mio. kr. Skønnet totalomkostning "
        "er for hvert afsluttet år (før indeværende år) med registreret forbrug forbruget, "
        "for de øvrige år prognosen, ellers det godkendte beløb eller forbruget til dato, hvis "
        "det er højere (varig drift indgår ikke). Overskridelsen regnes mod summen af de "
        "godkendte årsbeløb; hvor programgrundlagets trykte total afviger, står summen ved "
        "siden af (≠).",
        pct=format_amount(Decimal(config["COST_LIGHT_YELLOW_PERCENT"])),
        mio=format_amount(Decimal(config["COST_LIGHT_RED_MIO"])),
    )


def assess_cost(
    rows: list[RowFigures],
    years: list[str],
    closed: frozenset[str],
    printed_total: Decimal | None = None,
) -> CostAssessment:
    """Apply the IT council's cost rule to the rows together (thresholds from config);
    `printed_total` is the approved document's total for these rows, where it has one."""
    config = current_app.config
    yellow_percent = Decimal(config["COST_LIGHT_YELLOW_PERCENT"])
    red_mio = Decimal(config["COST_LIGHT_RED_MIO"])
    baseline_total = sum((r.baseline.get(y, ZERO) for r in rows for y in years), ZERO)
    estimate_total = estimate_at_completion(rows, years, closed)
    has_data = any(r.forecast or r.actual for r in rows)
    overrun = estimate_total - baseline_total
    share = percent(overrun, baseline_total)
    figures = (
        (_("Godkendt budget"), approved_text(printed_total, baseline_total)),
        (_("Skønnet totalomkostning"), format_mio(estimate_total)),
        (
            _("Overskridelse"),
            format_mio(overrun) + (f" ({format_percent(share)})" if share is not None else ""),
        ),
    )
    if not has_data:
        colour = Colour.NONE
        reason = _(
            "Der er hverken registreret prognose eller forbrug, så der er intet at "
            "vurdere overskridelse ud fra."
        )
    elif overrun <= 0:
        colour = Colour.GREEN
        reason = _("Ingen overskridelse af det godkendte budget.")
    elif (
        baseline_total
        and overrun * HUNDRED <= yellow_percent * baseline_total
        and overrun <= red_mio
    ):
        # Decided on exact amounts: 10,001 % is over 10 % even though it is shown as 10,0 %.
        colour = Colour.YELLOW
        reason = _(
            "Overskridelse på %(mio)s mio. kr. (%(pct)s), inden for %(limit)s %% og "
            "%(limit_mio)s mio. kr.",
            mio=format_amount(overrun),
            pct=format_percent(share),
            limit=format_amount(yellow_percent),
            limit_mio=format_amount(red_mio),
        )
    else:
        colour = Colour.RED
        reason = _(
            "Overskridelse på %(mio)s mio. kr. (%(pct)s) er over %(limit)s %% eller "
            "over %(limit_mio)s mio. kr.",
            mio=format_amount(overrun),
            pct=format_percent(share) if share is not None else "–",
            limit=format_amount(yellow_percent),
            limit_mio=format_amount(red_mio),
        )
    light = Light(colour, cost_rule(), reason, figures)
    return CostAssessment(baseline_total, estimate_total, has_data, light, printed_total)


@dataclass
class BudgetOverview:
    """Everything the budget page, the export, the API and the status page show."""

    baseline: Baseline
    baseline_table: BudgetTable
    years: list[str]
    rows: list[RowFigures]
    versions: list[Baseline]
    programme_cost: CostAssessment
    row_costs: dict[int, CostAssessment]
    #: The years that are over (before the current year): see the module doc.
    closed_years: frozenset[str] = frozenset()

    @property
    def periods(self) -> list[str]:
        return [*self.years, LASTING]

    @property
    def estimate_total(self) -> Decimal:
        """The programme's estimate at completion: the one figure every view shows."""
        return self.programme_cost.estimate_total

    def estimate_column(self, year: str) -> Decimal | None:
        """The year's part of the estimate at completion, all rows together."""
        values = [r.estimate(year, year in self.closed_years) for r in self.rows]
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None

    def printed_column(self, column: str) -> Decimal | None:
        """The approved document's printed total of a column ("2024", "total", "varigt")."""
        return self.baseline_table.printed_columns.get(column)

    def printed_row_total(self, row_id: int) -> Decimal | None:
        """The approved document's printed total of a row, where it prints one."""
        return next((r.printed_total for r in self.baseline_table.rows if r.row.id == row_id), None)

    def column(self, kind: str, period: str) -> Decimal | None:
        """Sum a kind over the rows for one period (None when no row has a figure)."""
        values = [getattr(r, kind)[period] for r in self.rows if period in getattr(r, kind)]
        return sum(values, ZERO) if values else None

    def kind_total(self, kind: str) -> Decimal | None:
        values = [self.column(kind, y) for y in self.years]
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None
