"""Rows and columns to observations: the column mapping shared by the file and SQL adapters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pydantic
from flask_babel import gettext as _

from portfolio.metrics.adapters.base import CommonOptions, NameList, SourceParseError
from portfolio.metrics.observations import (
    Observation,
    ObservationStatus,
    decimal_from_value,
    parse_decimal,
)
from portfolio.metrics.statuses import PX_SYMBOLS, lookup_symbol, make_observation

# "<5", "< 3": a published count below a small-number threshold.
_BELOW_THRESHOLD = re.compile(r"<\s*\d+([.,]\d+)?")
# What spreadsheets write in a cell whose formula failed.
_SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#NAME?", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)

# Status column texts understood without configuration: our own names and the PX symbols.
DEFAULT_STATUS_TEXTS: dict[str, ObservationStatus] = {
    **{status.value: status for status in ObservationStatus},
    **PX_SYMBOLS,
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


def _resolve_column(header: list[str], name: str, role: str) -> int:
    if name in header:
        return header.index(name)
    folded = [column.casefold() for column in header]
    if name.casefold() in folded:
        return folded.index(name.casefold())
    raise SourceParseError(
        _(
            "Kolonnen '%(name)s' (%(role)s) findes ikke. Kolonnerne er: %(header)s.",
            name=name,
            role=role,
            header=", ".join(header),
        )
    )


def rows_to_observations(
    header: Sequence[Any],
    rows: Iterable[tuple[int, Sequence[Any]]],
    mapping: ColumnMapping,
    *,
    decimal_comma: bool = False,
    thousands_separator: str | None = None,
    suppression_markers: Iterable[str] = (),
    missing_markers: Iterable[str] = (),
) -> list[Observation]:
    """Map numbered rows onto observations using the column mapping.

    A value cell holding a suppression marker (or any "<N") is suppressed, one holding a
    missing marker, nothing or a spreadsheet error is missing; text in the status column
    is looked up in our own status names, the PX symbols and `status_map`. Two rows for the
    same period and dimensions are refused: a dimension column is probably missing.
    """
    names = [cell_text(column) for column in header]
    period_index = _resolve_column(names, mapping.period_column, _("periode"))
    value_index = _resolve_column(names, mapping.value_column, _("værdi"))
    status_index = (
        _resolve_column(names, mapping.status_column, _("status"))
        if mapping.status_column
        else None
    )
    ignored = {_resolve_column(names, name, _("ignoreres")) for name in mapping.ignore_columns}
    if mapping.dimension_columns is not None:
        dimension_indexes = [
            _resolve_column(names, name, _("dimension")) for name in mapping.dimension_columns
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
    for line, row in rows:
        cells = list(row) + [None] * (len(names) - len(row))
        period = cell_text(cells[period_index])
        if not period:
            raise SourceParseError(_("Række %(line)s har ingen periode.", line=line))
        dimensions = {names[index]: cell_text(cells[index]) for index in dimension_indexes}
        raw = cells[value_index]
        raw_status = None
        status = None
        value = None
        text = raw.strip() if isinstance(raw, str) else None
        if raw is None or text == "":
            status = ObservationStatus.MISSING
        elif text is not None and (text in suppressed or _BELOW_THRESHOLD.fullmatch(text)):
            raw_status, status = text, ObservationStatus.SUPPRESSED
        elif text is not None and (text in missing or text.upper() in _SPREADSHEET_ERRORS):
            raw_status, status = text, ObservationStatus.MISSING
        elif text is not None and lookup_symbol(text, mapping.status_map) is not None:
            raw_status, status = text, lookup_symbol(text, mapping.status_map)
        else:
            try:
                if text is not None:
                    value = parse_decimal(
                        text, decimal_comma=decimal_comma, thousands_separator=thousands_separator
                    )
                else:
                    value = decimal_from_value(raw)
            except ValueError:
                raise SourceParseError(
                    _(
                        "Række %(line)s: værdien '%(value)s' er ikke et tal.",
                        line=line,
                        value=str(raw)[:40],
                    )
                ) from None
        if status_index is not None:
            status_text = cell_text(cells[status_index])
            if status_text:
                raw_status = status_text
                found = lookup_symbol(status_text, status_texts)
                if found is None:
                    found = lookup_symbol(status_text.lower(), status_texts)
                # An unknown status text keeps whatever the value cell said.
                status = found if found is not None else status
        key = (tuple(sorted(dimensions.items())), period)
        if key in seen:
            raise SourceParseError(
                _(
                    "Række %(line)s har samme periode (%(period)s) og dimensioner som række "
                    "%(first)s. Mangler der en dimensionskolonne?",
                    line=line,
                    period=period,
                    first=seen[key],
                )
            )
        seen[key] = line
        observations.append(
            make_observation(dimensions, period, value, raw_status, status, mapping.unit)
        )
    return observations
