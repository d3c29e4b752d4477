"""The plain, frozen data a budget workbook is built from; no database, no Flask.

The caller (services, CLI) reads the programme, its budget rows, baseline versions, forecast,
actual spend, risks and benefits from the database and hands them over as these objects.
Every amount is an exact `Decimal` in mio. kr. with at most three decimals; every text is
already translated. The objects check themselves when created, so the builder can trust
them: a mistake in the caller fails loudly with `ValueError` instead of producing a workbook
with silently missing numbers.

Periods are the year strings ("2023" …) and LASTING ("varigt", the lasting annual operating
cost after the programme). Printed column totals are keyed by column: the years, TOTAL
("total", the printed "I alt (2023–2026)") and LASTING.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

LASTING = "varigt"  # same value as portfolio.budgets.models.LASTING (a test keeps them equal)
TOTAL = "total"  # same value as portfolio.budgets.models.TOTAL
MAX_PLACES = 3  # mio. kr. with three decimals is whole thousands of kroner
MAX_AMOUNT = Decimal("1000000")  # 1 000 000 mio. kr.; keeps every amount exact in a double

Amounts = Mapping[str, Decimal]


def check_amount(value: object, what: str) -> Decimal:
    """Return the amount if it is a finite, non-negative Decimal with at most 3 places."""
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise ValueError(f"{what}: expected a Decimal, got {type(value).__name__} {value!r}")
    if not value.is_finite():
        raise ValueError(f"{what}: {value} is not a finite number")
    if value < 0:
        raise ValueError(f"{what}: {value} is negative")
    if value >= MAX_AMOUNT:
        raise ValueError(f"{what}: {value} is not below {MAX_AMOUNT}")
    if value != value.quantize(Decimal(1).scaleb(-MAX_PLACES)):
        raise ValueError(f"{what}: {value} has more than {MAX_PLACES} decimals")
    return value


def _frozen_amounts(amounts: Mapping[str, Decimal], periods: Sequence[str] | None, what: str):
    checked = {}
    for period, value in amounts.items():
        if periods is not None and period not in periods:
            raise ValueError(f"{what}: period {period!r} is not one of {list(periods)}")
        checked[period] = check_amount(value, f"{what} {period}")
    return MappingProxyType(checked)


@dataclass(frozen=True)
class WorkbookRow:
    """One row of the budget table: a track, or a labelled cross-cutting row."""

    #: Stable number of the row within the programme (1, 2, …); the table is sorted by it
    #: and the import identifies a row by its label and checks this number beside it.
    position: int
    #: The row's label as the programme basis prints it (user text, shown as text).
    label: str
    #: How the label was read, when the source does not print it legibly; shown as a note.
    note: str | None
    #: The track the row belongs to, or None for a cross-cutting row.
    track_number: int | None
    #: Approved amounts of the workbook's baseline version by period ("2023" …, "varigt").
    baseline: Amounts
    #: Current forecast by period; a missing period means "no forecast", not zero.
    forecast: Amounts = field(default_factory=dict)
    #: Actual spend by period; a missing period means "no figure yet", not zero.
    actual: Amounts = field(default_factory=dict)
    #: The row's "I alt" as the approved document prints it (may differ by rounding).
    printed_total: Decimal | None = None
    #: The row's estimate at completion by year, as the app computes it
    #: (`budgets.figures.RowFigures.estimate`); the workbook shows it, never recomputes it.
    estimate: Amounts = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.position, bool) or not isinstance(self.position, int):
            raise ValueError(f"row position must be an int, got {self.position!r}")
        if self.position < 1:
            raise ValueError(f"row position must be 1 or more, got {self.position}")
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"row {self.position}: the label is empty")
        what = f"row {self.position}"
        for name in ("baseline", "forecast", "actual", "estimate"):
            amounts = _frozen_amounts(getattr(self, name), None, f"{what} {name}")
            object.__setattr__(self, name, amounts)
        if self.printed_total is not None:
            check_amount(self.printed_total, f"{what} printed total")


@dataclass(frozen=True)
class BaselineVersion:
    """An approved budget version and (for the "Versioner" sheet) its amounts."""

    #: The version's number, 1 for the programme basis, counting up with each rebaseline.
    number: int
    #: The day the approving body approved the version.
    approved_on: dt.date
    #: The approving body, e.g. "National bestyrelse for data på sundheds- og ældreområdet".
    approved_by: str
    #: The document that holds the approval, e.g. "Programgrundlag v. 1.0".
    document: str = ""
    #: Why the version was made (for version 1 usually "Programgrundlaget godkendt.").
    reason: str = ""
    #: The decision as minuted, if any.
    decision: str = ""
    #: The version's approved amounts: row position → period → amount. Rows without an
    #: entry had no amounts in this version.
    amounts: Mapping[int, Amounts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise ValueError(f"baseline version number must be an int ≥ 1, got {self.number!r}")
        if not isinstance(self.approved_on, dt.date) or isinstance(self.approved_on, dt.datetime):
            raise ValueError(f"version {self.number}: approved_on must be a date")
        frozen = {
            position: _frozen_amounts(amounts, None, f"version {self.number} row {position}")
            for position, amounts in self.amounts.items()
        }
        object.__setattr__(self, "amounts", MappingProxyType(frozen))


@dataclass(frozen=True)
class RiskRow:
    """One risk of the register, with its labels already translated."""

    code: str  #: e.g. "R1"
    title: str
    description: str
    consequence_text: str  #: the consequence in words, as the source writes it
    probability: str  #: translated level, e.g. "Medium"
    consequence: str  #: translated level, e.g. "Stor"
    score: int  #: probability × consequence on the 1–3 scale, 1–9
    owner: str | None
    status: str  #: translated status, e.g. "Åben"
    track: str | None  #: e.g. "Spor 2: Nationalt datagrundlag for almen praksis", or None


@dataclass(frozen=True)
class BenefitRow:
    """One benefit of the register, with its labels already translated."""

    code: str  #: e.g. "GH1"
    name: str
    types: tuple[str, ...]  #: translated types, e.g. ("Ikke-økonomisk gevinst",)
    description: str
    recipients: tuple[str, ...]  #: e.g. ("Borgeren", "Det nære sundhedsvæsen")
    owner: str | None  #: the benefit owner (gevinstejer), None until one is named

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(self.types))
        object.__setattr__(self, "recipients", tuple(self.recipients))


@dataclass(frozen=True)
class BudgetWorkbook:
    """Everything one programme's budget workbook shows; the builder's only input."""

    #: The programme's full name, e.g. "Samlet indsats for data i det nære sundhedsvæsen".
    programme_name: str
    #: The programme's URL id, e.g. "ddns"; used in the file name and the portfolio sheets.
    programme_slug: str
    #: The short name, e.g. "DDNS".
    programme_short_name: str
    #: The table's years in order, as strings: ("2023", "2024", "2025", "2026").
    years: Sequence[str]
    #: The budget rows, in any order (they are shown sorted by position).
    rows: Sequence[WorkbookRow]
    #: The document's printed "I alt" row by column: each year, "total" and "varigt".
    printed_column_totals: Mapping[str, Decimal]
    #: The baseline version whose amounts the rows carry (normally the latest).
    baseline: BaselineVersion
    #: Every approved version, oldest first; must include `baseline` itself.
    versions: Sequence[BaselineVersion]
    #: The risk register.
    risks: Sequence[RiskRow]
    #: The benefits register.
    benefits: Sequence[BenefitRow]
    #: When the export was made; must be timezone-aware. Also the file's timestamps.
    exported_at: dt.datetime
    #: Who made the export (a name or e-mail address).
    exported_by: str
    #: The approved document the budget comes from.
    source_document: str
    #: The unit of every amount.
    unit: str = "mio. kr."
    #: The note the source prints under its budget table, if any.
    budget_note: str = ""
    #: The time zone export times are shown in.
    timezone: str = "Europe/Copenhagen"
    #: The language of the workbook's own texts ("da" or "en"); the data stays as entered.
    locale: str = "da"
    #: The years that are over (their actual spend is the estimate at completion).
    closed_years: Sequence[str] = ()

    def __post_init__(self) -> None:
        years = tuple(self.years)
        if not years:
            raise ValueError("a budget workbook needs at least one year")
        for year in years:
            if not (isinstance(year, str) and len(year) == 4 and year.isdigit()):
                raise ValueError(f"years must be four-digit strings, got {year!r}")
        if list(years) != sorted(set(years)):
            raise ValueError(f"years must be distinct and in order, got {list(years)}")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "closed_years", tuple(sorted(self.closed_years)))
        periods = self.periods

        rows = tuple(sorted(self.rows, key=lambda r: r.position))
        if not rows:
            raise ValueError("a budget workbook needs at least one budget row")
        positions = [r.position for r in rows]
        if len(set(positions)) != len(positions):
            raise ValueError(f"row positions must be distinct, got {positions}")
        labels = [label_key(r.label) for r in rows]
        if len(set(labels)) != len(labels):
            # The import tells rows apart by label, so two equal labels could not come back.
            raise ValueError("row labels must be distinct")
        for row in rows:
            for name in ("baseline", "forecast", "actual"):
                unknown = set(getattr(row, name)) - set(periods)
                if unknown:
                    raise ValueError(
                        f"row {row.position} {name}: periods {sorted(unknown)} are not in "
                        f"{list(periods)}"
                    )
        object.__setattr__(self, "rows", rows)

        columns = (*years, TOTAL, LASTING)
        printed = _frozen_amounts(self.printed_column_totals, columns, "printed column totals")
        object.__setattr__(self, "printed_column_totals", printed)

        versions = tuple(self.versions)
        numbers = [v.number for v in versions]
        if numbers != sorted(set(numbers)):
            raise ValueError(f"versions must be distinct and oldest first, got {numbers}")
        if self.baseline not in versions:
            raise ValueError(f"the baseline (version {self.baseline.number}) is not in versions")
        for version in versions:
            for position, amounts in version.amounts.items():
                if position not in positions:
                    raise ValueError(f"version {version.number}: unknown row {position}")
                unknown = set(amounts) - set(periods)
                if unknown:
                    raise ValueError(
                        f"version {version.number} row {position}: periods {sorted(unknown)} "
                        f"are not in {list(periods)}"
                    )
        shown = {r.position: dict(r.baseline) for r in rows if r.baseline}
        kept = {p: dict(a) for p, a in self.baseline.amounts.items() if a}
        if shown != kept:
            raise ValueError(
                f"the rows' baseline amounts differ from version {self.baseline.number}'s"
            )
        object.__setattr__(self, "versions", versions)
        object.__setattr__(self, "risks", tuple(self.risks))
        object.__setattr__(self, "benefits", tuple(self.benefits))

        if self.exported_at.tzinfo is None or self.exported_at.utcoffset() is None:
            raise ValueError("exported_at must be timezone-aware")
        if not self.programme_slug.strip():
            raise ValueError("programme_slug is empty")

    @property
    def periods(self) -> tuple[str, ...]:
        """Return every period of the table: the years, then "varigt"."""
        return (*self.years, LASTING)

    def row_labels(self) -> dict[int, str]:
        """Return position → label, the import's view of the rows."""
        return {row.position: row.label for row in self.rows}


def label_key(label: str) -> str:
    """Return the form in which two labels count as the same: spacing and case ignored."""
    return " ".join(label.split()).casefold()
