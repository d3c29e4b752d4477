"""Rows and columns to observations: the column mapping shared by the file and SQL adapters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pydantic
from flask_babel import gettext as _

from portfolio.metrics.adapters.base import (
    CommonOptions,
    Deadline,
    NameList,
    SourceParseError,
    check_deadline,
    parse_error,
    short_text,
    shown_names,
)
from portfolio.metrics.observations import (
    Observation,
    ObservationStatus,
    decimal_from_value,
    parse_decimal,
)
from portfolio.metrics.statuses import (
    DEFAULT_JSONSTAT_SYMBOLS,
    PX_NIL,
    lookup_symbol,
    make_observation,
)

# "<5", "< 3": a published count below a small-number threshold.
_BELOW_THRESHOLD = re.compile(r"<\s*\d+([.,]\d+)?")
# What spreadsheets write in a cell whose formula failed.
_SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#NAME?", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)

# Status column texts understood without configuration: our own names ("suppressed"), the
# PX symbols and Eurostat's letter flags (looked up in lower case too, so "P" works).
DEFAULT_STATUS_TEXTS: dict[str, ObservationStatus] = {
    **{status.value: status for status in ObservationStatus},
    **DEFAULT_JSONSTAT_SYMBOLS,
}


class ColumnMapping(CommonOptions):
    """Which columns hold the period, the value, the status and the dimensions."""

    period_column: str = pydantic.Field(min_length=1)
    value_column: str = pydantic.Field(min_length=1)
    status_column: str | None = None
    dimension_columns: NameList | None = pydantic.Field(
        default=None, description="Dimension columns; by default every other column."
    )
    ignore_columns: NameList = pydantic.Field(
        default_factory=list, description="Columns that are neither dimensions nor values."
    )


def read_csv_rows(
    text: str, delimiter: str, format_name: str, deadline: Deadline | None = None
) -> list[list[str]]:
    """Read every non-empty CSV row, looking at the deadline as it goes.

    A field longer than the csv module's limit (or a stray NUL) is a SourceParseError.
    """
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for count, row in enumerate(reader):
            check_deadline(deadline, count)
            if row:
                rows.append(row)
    except csv.Error:
        raise parse_error(_("filen er ikke gyldig CSV"), format_name) from None
    return rows


def cell_text(value: Any) -> str:
    """Write a period or dimension cell as text: years as "2018", dates as "2019-01-31"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value).strip()


def resolve_column(header: list[str], name: str, role: str) -> int:
    if name in header:
        return header.index(name)
    folded = [column.casefold() for column in header]
    if name.casefold() in folded:
        return folded.index(name.casefold())
    # The header is the first thing read from the source: only names that look like column
    # names are repeated, so that a file that is no table (a server's own files, a key)
    # cannot be read through this message.
    shown = shown_names(header)
    if shown is None:
        raise SourceParseError(
            _(
                "Kolonnen '%(name)s' (%(role)s) findes ikke, og overskriftsrækken ligner ikke "
                "kolonnenavne. Er det den rigtige fil og overskriftsrække?",
                name=short_text(name),
                role=role,
            )
        )
    raise SourceParseError(
        _(
            "Kolonnen '%(name)s' (%(role)s) findes ikke. Kolonnerne er: %(header)s.",
            name=short_text(name),
            role=role,
            header=shown,
        )
    )


def _value_cell_status(
    raw: Any, suppressed: set[str], missing: set[str], mapping: ColumnMapping
) -> tuple[str | None, ObservationStatus | None]:
    """Return the symbol and status a value cell holds instead of a number, if it does."""
    if raw is None:
        return None, ObservationStatus.MISSING
    if not isinstance(raw, str):
        return None, None
    text = raw.strip()
    if not text:
        return None, ObservationStatus.MISSING
    if text in suppressed or _BELOW_THRESHOLD.fullmatch(text):
        return text, ObservationStatus.SUPPRESSED
    if text in missing or text.upper() in _SPREADSHEET_ERRORS:
        return text, ObservationStatus.MISSING
    if text == PX_NIL:
        # PX's (and Danish tables') absolute zero: `make_observation` writes the 0.
        return text, ObservationStatus.OK
    status = lookup_symbol(text, mapping.status_map)
    return (text, status) if status is not None else (None, None)


def _read_value(
    raw: Any, line: int, column: str, decimal_comma: bool, thousands_separator: str | None
) -> Decimal:
    try:
        if isinstance(raw, str):
            return parse_decimal(
                raw, decimal_comma=decimal_comma, thousands_separator=thousands_separator
            )
        return decimal_from_value(raw)
    except ValueError:
        # The cell itself is not repeated: it is the source's content.
        raise SourceParseError(
            _(
                "Række %(line)s: værdien i kolonnen '%(column)s' er ikke et tal.",
                line=line,
                column=short_text(column),
            )
        ) from None


def rows_to_observations(
    header: Sequence[Any],
    rows: Iterable[tuple[int, Sequence[Any]]],
    mapping: ColumnMapping,
    *,
    decimal_comma: bool = False,
    thousands_separator: str | None = None,
    suppression_markers: Iterable[str] = (),
    missing_markers: Iterable[str] = (),
    deadline: Deadline | None = None,
    repeated: list[int] | None = None,
) -> list[Observation]:
    """Map numbered rows onto observations using the column mapping.

    A value cell holding a suppression marker (or any "<N") is suppressed, one holding a
    missing marker, nothing or a spreadsheet error is missing; text in the status column
    is looked up in our own status names, the PX symbols and `status_map`. Two rows for the
    same period and dimensions are refused: a dimension column is probably missing; when
    `repeated` is given, a row that repeats an earlier one exactly (same value and status,
    as report tables repeat their total) is read once and its line added to `repeated`.
    With a `deadline` the clock is checked every few thousand rows (SourceTimeout).
    """
    names = [cell_text(column) for column in header]
    period_index = resolve_column(names, mapping.period_column, _("periode"))
    value_index = resolve_column(names, mapping.value_column, _("værdi"))
    status_index = (
        resolve_column(names, mapping.status_column, _("status")) if mapping.status_column else None
    )
    ignored = {resolve_column(names, name, _("ignoreres")) for name in mapping.ignore_columns}
    if mapping.dimension_columns is not None:
        dimension_indexes = [
            resolve_column(names, name, _("dimension")) for name in mapping.dimension_columns
        ]
    else:
        taken = {period_index, value_index, status_index, *ignored}
        dimension_indexes = [
            index for index, name in enumerate(names) if index not in taken and name
        ]
    suppressed = {marker.strip() for marker in suppression_markers}
    missing = {marker.strip() for marker in missing_markers}
    status_texts = {**DEFAULT_STATUS_TEXTS, **mapping.status_map}

    observations: list[Observation] = []
    seen: dict[tuple, int] = {}
    by_key: dict[tuple[Any, ...], Observation] = {}
    for count, (line, row) in enumerate(rows, start=1):
        check_deadline(deadline, count)
        cells = list(row) + [None] * (len(names) - len(row))
        period = cell_text(cells[period_index])
        if not period:
            raise SourceParseError(_("Række %(line)s har ingen periode.", line=line))
        dimensions = {names[index]: cell_text(cells[index]) for index in dimension_indexes}
        # The status column is read first: when it says the cell has no number, whatever
        # the value column holds ("..", 0, a placeholder) is not read as one.
        column_status, column_symbol = None, None
        if status_index is not None:
            column_symbol = cell_text(cells[status_index]) or None
            if column_symbol:
                column_status = lookup_symbol(column_symbol, status_texts) or lookup_symbol(
                    column_symbol.lower(), status_texts
                )
        raw_status, status = _value_cell_status(cells[value_index], suppressed, missing, mapping)
        value = None
        if column_status is not None and not column_status.has_value:
            status = column_status
        elif status is None:
            value = _read_value(
                cells[value_index], line, mapping.value_column, decimal_comma, thousands_separator
            )
            # An unknown status text keeps the status the value implies.
            status = column_status
        if column_symbol:
            raw_status = column_symbol
        key = (tuple(sorted(dimensions.items())), period)
        observation = make_observation(dimensions, period, value, raw_status, status, mapping.unit)
        if key in seen and repeated is not None and by_key[key] == observation:
            repeated.append(line)
            continue
        if key in seen:
            raise SourceParseError(
                _(
                    "Række %(line)s har samme periode og dimensioner som række "
                    "%(first)s. Mangler der en dimensionskolonne?",
                    line=line,
                    first=seen[key],
                )
            )
        seen[key] = line
        by_key[key] = observation
        observations.append(observation)
    return observations
