"""The normalised shape of a statistic: observations, their status, and a fetch's result.

Every adapter turns what a provider sends into a list of `Observation`. Values are exact
decimals parsed from text; a cell the provider marks as missing, suppressed or not
applicable carries no value at all (never 0), and the provider's own symbol is kept beside
the normalised status so that nothing is lost in translation.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


class ObservationStatus(enum.StrEnum):
    """What a cell's value means, whatever symbol the provider used for it."""

    OK = "ok"
    SUPPRESSED = "suppressed"  # withheld for confidentiality (small numbers, ":" at SSB, "c")
    MISSING = "missing"  # should exist but is not available (".." in PX tables, "M" in SDMX)
    NOT_APPLICABLE = "not_applicable"  # cannot occur ("." at SSB, "z" at Eurostat)
    PROVISIONAL = "provisional"  # published, may change ("p", "P")
    ESTIMATED = "estimated"  # published as an estimate ("e", "E")
    BREAK = "break"  # published, but not comparable with earlier periods ("b", "B")

    @property
    def has_value(self) -> bool:
        """Tell whether a cell with this status may carry a number."""
        return self not in NO_VALUE_STATUSES


NO_VALUE_STATUSES = frozenset(
    {ObservationStatus.SUPPRESSED, ObservationStatus.MISSING, ObservationStatus.NOT_APPLICABLE}
)


@dataclass(frozen=True)
class Observation:
    """One cell of a statistic.

    `dimensions` maps every dimension except time to the category code of this cell (codes,
    not labels: labels change with language and over time). `period` is the provider's time
    code verbatim ("2021K4", "2019M01", "2020-Q1", "2018"): providers write periods in
    different ways and turning them into dates is the business of whoever plots them.
    `value` is None whenever `status` is suppressed, missing or not applicable.
    """

    dimensions: dict[str, str]
    period: str
    value: Decimal | None
    status: ObservationStatus = ObservationStatus.OK
    raw_status: str | None = None
    unit: str | None = None

    def __post_init__(self):
        # A cell without a number must never pass for a number, and a "withheld" cell must
        # never carry one; checking here keeps every adapter honest.
        if self.value is not None and not self.status.has_value:
            raise ValueError(f"an observation with status {self.status} cannot have a value")
        if self.value is None and self.status.has_value:
            raise ValueError("an observation without a value needs a status saying why")
        if self.value is not None and not self.value.is_finite():
            raise ValueError("an observation's value must be a finite decimal")

    def key(self) -> tuple:
        """Return what identifies the cell: its dimension codes and its period."""
        return (tuple(sorted(self.dimensions.items())), self.period)


@dataclass
class FetchResult:
    """What one fetch from a source produced.

    `revision` is the provider's own marker of the data's version (StatBank's `updated`, a
    dataset's `updated`, an HTTP ETag) when it gives one. `unchanged` is true when the
    caller's `since_revision` equals the current revision and the data was therefore not
    downloaded again; `observations` is then empty. `notes` are Danish texts worth showing
    beside the figures (footnotes, rules applied while reading).
    """

    observations: list[Observation]
    revision: str | None = None
    unit: str | None = None
    notes: list[str] = field(default_factory=list)
    unchanged: bool = False

    def status_counts(self) -> dict[ObservationStatus, int]:
        """Count the observations by status."""
        counts: dict[ObservationStatus, int] = {}
        for observation in self.observations:
            counts[observation.status] = counts.get(observation.status, 0) + 1
        return counts


# Plain decimal notation only: no exponent-free thousands separators, no NaN or Infinity.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_decimal(
    text: str, *, decimal_comma: bool = False, thousands_separator: str | None = None
) -> Decimal:
    """Parse a number written as text into an exact Decimal, or raise ValueError.

    With `decimal_comma` the comma is the decimal mark ("12,5"); `thousands_separator`
    (e.g. "." or " ") is removed first. "NaN", "Infinity" and anything else that is not a
    plain number is refused, so that such cells end up as missing rather than as values.
    """
    cleaned = text.strip().replace("\u00a0", " ")
    if thousands_separator:
        cleaned = cleaned.replace(thousands_separator, "")
    if decimal_comma:
        if "." in cleaned and thousands_separator != ".":
            raise ValueError(f"not a number with a decimal comma: {text!r}")
        cleaned = cleaned.replace(",", ".")
    # Typographic minus signs turn up in published tables.
    cleaned = cleaned.replace("\u2212", "-").replace("\u2013", "-")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern already rules it out
        raise ValueError(f"not a number: {text!r}") from error


def decimal_from_value(value: object, *, decimal_comma: bool = False) -> Decimal:
    """Turn a value read by a parser or a database driver into an exact Decimal.

    Text and integers are exact. A float can only come from a source that stores binary
    floating point (SQLite REAL, an XLSX number cell); it is taken from its shortest
    round-trip text (`repr`), which is the decimal the source actually holds.
    """
    if isinstance(value, bool):
        raise ValueError("a truth value is not a number")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return parse_decimal(repr(value))
    if isinstance(value, str):
        return parse_decimal(value, decimal_comma=decimal_comma)
    raise ValueError(f"not a number: {value!r}")


def apply_small_number_rule(
    observations: list[Observation], threshold: Decimal | None
) -> tuple[list[Observation], int]:
    """Withhold values above 0 and below `threshold` as suppressed; return them and a count.

    Registers publish counts under their own small-number rules (Statistics Denmark does
    not show cells with fewer than three units in some products; health registers often
    use five). Zero stays visible: it discloses nobody.
    """
    if threshold is None:
        return observations, 0
    result = []
    hidden = 0
    for observation in observations:
        value = observation.value
        if value is not None and 0 < abs(value) < threshold:
            hidden += 1
            observation = Observation(
                dimensions=observation.dimensions,
                period=observation.period,
                value=None,
                status=ObservationStatus.SUPPRESSED,
                raw_status=observation.raw_status,
                unit=observation.unit,
            )
        result.append(observation)
    return result, hidden
