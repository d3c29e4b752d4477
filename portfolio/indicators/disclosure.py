"""Disclosure control: which figures may leave the app, and what is shown instead.

Four rules, applied before any figure reaches a page, an export, the API or a workshop's
frozen minutes (see docs/metrics.md, "Disclosure control"):

1. A count (the indicator's or its metric's `is_count`) above 0 and below the threshold
   (the indicator's, else the metric's, else the source's, else 5) is withheld: no value,
   status `suppressed`, shown as "<5". Zero stays visible: it discloses nobody.
2. A value the provider withheld or lacks (suppressed, missing, not applicable) stays
   without a value and keeps its status; it is never shown or drawn as 0.
3. A figure derived from a withheld input (a rate, a sum, an achievement) is withheld too.
4. Secondary suppression: when exactly one part of a published total is withheld, the
   next smallest part is withheld as well (or the total, when there is no other part), so
   that the withheld cell cannot be recovered as the total minus the other parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from portfolio.core.i18n import format_number
from portfolio.metrics.models import DEFAULT_DISCLOSURE_THRESHOLD
from portfolio.metrics.observations import ObservationStatus

# What is shown in place of a value the provider did not give.
WITHHELD_SYMBOLS = {
    ObservationStatus.SUPPRESSED: "..",
    ObservationStatus.MISSING: "..",
    ObservationStatus.NOT_APPLICABLE: "–",
}


@dataclass(frozen=True)
class Cell:
    """A figure after disclosure control: its value (None if withheld), status and text."""

    value: Decimal | None
    status: ObservationStatus
    shown: str

    @property
    def is_withheld(self) -> bool:
        return self.value is None


def threshold_for(indicator) -> int:
    """Return the threshold below which the indicator's counts are withheld."""
    if indicator.disclosure_threshold is not None:
        return indicator.disclosure_threshold
    metric = indicator.metric if indicator.metric_id is not None else None
    if metric is not None:
        return metric.threshold
    return DEFAULT_DISCLOSURE_THRESHOLD


def counts_are_protected(indicator) -> bool:
    """Tell whether the indicator's values are counts under the small-number rule."""
    if indicator.is_count:
        return True
    metric = indicator.metric if indicator.metric_id is not None else None
    return bool(metric is not None and metric.is_count)


def withheld(status: ObservationStatus = ObservationStatus.SUPPRESSED) -> Cell:
    """Return an empty cell with the given status and its symbol."""
    return Cell(None, status, WITHHELD_SYMBOLS.get(status, ".."))


def disclose(
    value: Decimal | None,
    status: ObservationStatus | str,
    *,
    is_count: bool,
    threshold: int,
    decimals: int = 1,
) -> Cell:
    """Apply rules 1 and 2 to one value and return what may be shown of it."""
    status = ObservationStatus(status)
    if value is None or not status.has_value:
        # A status that promises a value but has none is as good as missing.
        return withheld(status if not status.has_value else ObservationStatus.MISSING)
    if is_count and 0 < abs(value) < threshold:
        return Cell(None, ObservationStatus.SUPPRESSED, f"<{threshold}")
    return Cell(value, status, format_number(value, decimals))


def derived(*inputs: Decimal | None) -> bool:
    """Tell whether a figure may be derived from these inputs (rule 3): none is withheld."""
    return all(value is not None for value in inputs)


def safe_sum(values: Sequence[Decimal | None]) -> Decimal | None:
    """Add the values, or return None if any of them is withheld (rule 3)."""
    if not derived(*values):
        return None
    return sum(values, Decimal(0))


def safe_rate(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """Divide, or return None if either input is withheld or the denominator is 0."""
    if not derived(numerator, denominator) or denominator == 0:
        return None
    return numerator / denominator


def protect_total(parts: Sequence[Cell], total: Cell) -> tuple[list[Cell], Cell]:
    """Apply secondary suppression (rule 4) to a published total and its parts.

    With exactly one part withheld, the smallest part still shown (ties: the first) is
    withheld too; when no other part is shown, the total is withheld instead. With none or
    two and more parts withheld, nothing can be recovered by subtraction and nothing
    changes. A withheld total protects its parts by itself.
    """
    parts = list(parts)
    if total.is_withheld:
        return parts, total
    hidden = [index for index, part in enumerate(parts) if part.is_withheld]
    if len(hidden) != 1:
        return parts, total
    shown = [index for index, part in enumerate(parts) if not part.is_withheld]
    if not shown:
        return parts, withheld()
    smallest = min(shown, key=lambda index: (abs(parts[index].value), index))
    parts[smallest] = withheld()
    return parts, total
