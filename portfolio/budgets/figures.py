"""Budget figures per row and year: baseline, forecast, actual, variance and the cost light."""

from __future__ import annotations

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

    def estimate(self, period: str) -> Decimal | None:
        """The expected cost of a period: the forecast, else the actual, else the baseline."""
        for kind in (self.forecast, self.actual, self.baseline):
            if period in kind:
                return kind[period]
        return None

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


@dataclass
class CostAssessment:
    """The cost light's inputs and outcome for the programme or one row."""

    baseline_total: Decimal
    estimate_total: Decimal
    has_data: bool
    light: Light

    @property
    def overrun(self) -> Decimal:
        return self.estimate_total - self.baseline_total


def cost_rule() -> str:
    config = current_app.config
    return _(
        "Statens It-råds regel for økonomi: grøn uden overskridelse af det godkendte budget; "
        "gul ved en overskridelse på op til %(pct)s %% og op til %(mio)s mio. kr.; "
        "rød ved mere end %(pct)s %% eller mere end %(mio)s mio. kr. Skønnet totalomkostning "
        "er for hvert år prognosen, ellers forbruget, ellers det godkendte beløb "
        "(varig drift indgår ikke).",
        pct=format_amount(Decimal(config["COST_LIGHT_YELLOW_PERCENT"])),
        mio=format_amount(Decimal(config["COST_LIGHT_RED_MIO"])),
    )


def assess_cost(rows: list[RowFigures], years: list[str]) -> CostAssessment:
    """Apply the IT council's cost rule to the rows together (thresholds from config)."""
    config = current_app.config
    yellow_percent = Decimal(config["COST_LIGHT_YELLOW_PERCENT"])
    red_mio = Decimal(config["COST_LIGHT_RED_MIO"])
    baseline_total = sum((r.baseline.get(y, ZERO) for r in rows for y in years), ZERO)
    estimate_total = sum((r.estimate(y) or ZERO for r in rows for y in years), ZERO)
    has_data = any(r.forecast or r.actual for r in rows)
    overrun = estimate_total - baseline_total
    share = percent(overrun, baseline_total)
    figures = (
        (_("Godkendt budget"), format_mio(baseline_total)),
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
    return CostAssessment(baseline_total, estimate_total, has_data, light)


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

    @property
    def periods(self) -> list[str]:
        return [*self.years, LASTING]

    def column(self, kind: str, period: str) -> Decimal | None:
        """Sum a kind over the rows for one period (None when no row has a figure)."""
        values = [getattr(r, kind)[period] for r in self.rows if period in getattr(r, kind)]
        return sum(values, ZERO) if values else None

    def kind_total(self, kind: str) -> Decimal | None:
        values = [self.column(kind, y) for y in self.years]
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None
