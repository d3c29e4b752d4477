"""SDMX-CSV 1.0, 2.0 and 2.1 (BIS, ECB, Eurostat, OECD …), from a URL or a local file.

Layout, per the versions of the format:
- 1.0 starts with a `DATAFLOW` column; 2.0 and 2.1 with `STRUCTURE` (written
  `STRUCTURE[;]` when the message declares the separator of multi-valued cells),
  `STRUCTURE_ID`, `STRUCTURE_NAME` (when labels are asked for) and `ACTION`; `SERIES_KEY`
  and `OBS_KEY` may follow. Rows whose ACTION is `D` (delete) carry no observation and are
  skipped; so are rows without a period (attributes sent for a partial key).
- Then the components: dimensions, measures (`OBS_VALUE`, or several), attributes.
- Labels: `labels=both` writes header cells and values as `id: name` (the id is used);
  `labels=name` in 2.0 follows every component column with a column of its names, which
  is recognised by the `STRUCTURE_NAME` column and skipped. A component id may carry a
  `[…]` suffix (multi-valued or multilingual attributes): it is dropped from the name.
- The column separator is the character after the first header cell (`,` `;` tab or
  `|`); values may use a decimal comma.
- Eurostat's variant: a `LAST UPDATE` column (a revision time per dataset, written
  `dd/mm/yy hh:mm:ss`) and an `OBS_FLAG` column of Eurostat's letter flags, with
  lower-case dimension ids. LAST UPDATE is the result's revision (the latest when rows
  differ), never a dimension, and OBS_FLAG gives the cells their statuses.

Without the data structure definition a CSV file does not say which columns are
attributes, so these are: well-known attribute ids (`sdmx_common.KNOWN_ATTRIBUTES`), every
column after the value column (where the format puts attributes), and any listed in
`attribute_columns`. Every other column is a dimension, unless `dimension_columns` lists
them explicitly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    MAX_NAMES_SHOWN,
    AdapterConfig,
    CommonOptions,
    Deadline,
    MetricAdapter,
    NameList,
    ParsedTable,
    SourceParseError,
    check_deadline,
    finish,
    parse_error,
    short_text,
    shown_names,
)
from portfolio.metrics.adapters.sdmx_common import (
    KNOWN_ATTRIBUTES,
    STATUS_LIKE,
    StatusReader,
    attribute_test,
    read_value,
)
from portfolio.metrics.adapters.transport import read_location
from portfolio.metrics.observations import FetchResult, Observation, ObservationStatus
from portfolio.metrics.statuses import make_observation

FORMAT_NAME = "SDMX-CSV"

__all__ = ["KNOWN_ATTRIBUTES", "SdmxCsvAdapter", "code_of", "parse_sdmx_csv"]

# Columns that describe the message rather than the observation (upper case).
STRUCTURE_COLUMNS = frozenset(
    {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"}
)
# Eurostat's revision column.
LAST_UPDATE = "LAST UPDATE"
SEPARATORS = (",", ";", "\t", "|")

# Eurostat writes LAST UPDATE as "22/05/26 11:00:00" (day/month/two-digit year).
_EUROSTAT_TIME = re.compile(r"(\d{2})/(\d{2})/(\d{2}|\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_SUFFIX = re.compile(r"\[[^\]]*\]$")


def code_of(cell: str) -> str:
    """Return the id of a cell written as "id: name" (or the cell itself)."""
    code, sep, _name = cell.partition(": ")
    return code.strip() if sep else cell.strip()


def column_id(cell: str) -> str:
    """Return a header cell's component id: without `: name` and without a `[…]` suffix."""
    return _SUFFIX.sub("", code_of(cell)).strip()


def revision_time(text: str) -> str:
    """Write Eurostat's `LAST UPDATE` ("22/05/26 11:00:00") as ISO 8601 ("2026-05-22T11:00:00").

    Any other text is kept as it is (it still changes when the provider's does).
    """
    text = text.strip()
    match = _EUROSTAT_TIME.fullmatch(text)
    if match is None:
        return text
    day, month, year, hour, minute, second = match.groups()
    year = year if len(year) == 4 else f"20{year}"
    date = f"{year}-{month}-{day}"
    if hour is None:
        return date
    return f"{date}T{hour}:{minute}:{second or '00'}"


def _separator_of(text: str) -> str:
    """Return the column separator: the character right after the first header cell."""
    first_line = text[:65536].split("\n", 1)[0]
    match = re.match(r'\s*"?(DATAFLOW|STRUCTURE(\[[^\]]*\])?)"?(.)', first_line, re.IGNORECASE)
    if match and match.group(3) in SEPARATORS:
        return match.group(3)
    widths = {
        separator: len(next(csv.reader([first_line], delimiter=separator), []))
        for separator in SEPARATORS
    }
    return max(SEPARATORS, key=lambda separator: widths[separator])


def _rows(text: str, separator: str, deadline: Deadline | None) -> Iterator[list[str]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for count, row in enumerate(reader):
            check_deadline(deadline, count)
            if row:
                yield row
    except csv.Error:
        raise parse_error(_("filen er ikke gyldig CSV"), FORMAT_NAME) from None


def _find(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    folded = [column.casefold() for column in header]
    return folded.index(name.casefold()) if name.casefold() in folded else None


def _missing_column(name: str, header: list[str]) -> SourceParseError:
    return parse_error(
        _(
            "kolonnen %(column)s findes ikke; angiv den (kolonner: %(header)s)",
            column=short_text(name),
            header=shown_names(header) or _("navnene kan ikke vises"),
        ),
        FORMAT_NAME,
    )


def parse_sdmx_csv(
    content: bytes,
    *,
    time_column: str = "TIME_PERIOD",
    value_column: str = "OBS_VALUE",
    attribute_columns: list[str] | None = None,
    dimension_columns: list[str] | None = None,
    separator: str = "auto",
    decimal: str = "auto",
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Turn an SDMX-CSV 1.0, 2.0 or 2.1 message into observations."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise parse_error(_("teksten er ikke UTF-8"), FORMAT_NAME) from None
    if separator == "auto":
        separator = _separator_of(text)
    rows = _rows(text, separator, deadline)
    raw_header = next(rows, None)
    if raw_header is None:
        raise parse_error(_("filen er tom"), FORMAT_NAME)
    header = [column_id(cell) for cell in raw_header]
    first = header[0].upper()
    if first not in ("DATAFLOW", "STRUCTURE"):
        raise parse_error(
            _("første kolonne skal være DATAFLOW (1.0) eller STRUCTURE (2.0)"), FORMAT_NAME
        )
    label_columns: set[int] = set()
    if first == "STRUCTURE" and any(name.upper() == "STRUCTURE_NAME" for name in header):
        # labels=name: every component column is followed by a column of its labels.
        components = [i for i, name in enumerate(header) if name.upper() not in STRUCTURE_COLUMNS]
        labels = set(components[1::2])
        wanted = {time_column.casefold(), value_column.casefold()}
        # Unless a "label" column is one the reading needs: then the file has no pairs.
        if len(components) % 2 == 0 and not any(header[i].casefold() in wanted for i in labels):
            label_columns = labels
            header = [name if i not in label_columns else "" for i, name in enumerate(header)]
    value_index = _find(header, value_column)
    time_index = _find(header, time_column)
    if time_index is None:
        raise _missing_column(time_column, header)
    if value_index is None:
        raise _missing_column(value_column, header)
    revision_index = _find(header, LAST_UPDATE)
    is_attribute = attribute_test(attribute_columns or ())
    if dimension_columns:
        found = [(name, _find(header, name)) for name in dimension_columns]
        unknown = [name for name, index in found if index is None]
        if unknown:
            raise parse_error(
                _(
                    "dimensionerne %(names)s findes ikke",
                    names=", ".join(short_text(name) for name in unknown[:MAX_NAMES_SHOWN]),
                ),
                FORMAT_NAME,
            )
        dimension_indexes = [index for _name, index in found if index is not None]
    else:
        dimension_indexes = [
            index
            for index, name in enumerate(header)
            if index < value_index
            and index not in (time_index, revision_index)
            and index not in label_columns
            and name.upper() not in STRUCTURE_COLUMNS
            and not is_attribute(name)
        ]
    status_indexes = {
        name.upper(): index
        for index, name in enumerate(header)
        if name.upper() in STATUS_LIKE and index not in label_columns
    }
    action_index = _find(header, "ACTION") if first == "STRUCTURE" else None
    decimal_comma = decimal == ","
    statuses = StatusReader(status_map)

    observations: list[Observation] = []
    keys: dict[tuple[str, ...], dict[str, str]] = {}
    revisions: set[str] = set()
    periods: dict[str, str] = {}
    deleted = partial = 0
    for line_number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise parse_error(
                _("linje %(line)s har et forkert antal felter", line=line_number), FORMAT_NAME
            )
        if action_index is not None and code_of(row[action_index]).upper() == "D":
            deleted += 1
            continue
        period = code_of(row[time_index])
        period = periods.setdefault(period, period)  # one string per period, shared
        if not period:
            partial += 1
            continue
        if revision_index is not None and row[revision_index].strip():
            revisions.add(revision_time(row[revision_index]))
        cell = row[value_index].strip()
        try:
            # "auto": a comma with no point beside it is a decimal comma (SDMX writes no
            # thousands separators); between ","-separated fields it is quoted.
            comma = decimal_comma or (decimal == "auto" and "," in cell and "." not in cell)
            value: Decimal | None = read_value(cell, decimal_comma=comma)
        except ValueError:
            raise parse_error(
                _(
                    "linje %(line)s: værdien i kolonnen %(column)s er ikke et tal",
                    line=line_number,
                    column=short_text(value_column),
                ),
                FORMAT_NAME,
            ) from None
        raw_status, status = statuses(
            {name: code_of(row[index]) for name, index in status_indexes.items()}
        )
        codes = tuple(code_of(row[index]) for index in dimension_indexes)
        dimensions = keys.get(codes)
        if dimensions is None:
            # One dict per series, shared by its observations (which never change it).
            dimensions = keys[codes] = dict(
                zip((header[index] for index in dimension_indexes), codes, strict=True)
            )
        observations.append(make_observation(dimensions, period, value, raw_status, status, unit))
    notes = []
    if deleted:
        notes.append(
            _("%(count)s rækker markeret til sletning (ACTION=D) er sprunget over.", count=deleted)
        )
    if partial:
        notes.append(
            _(
                "%(count)s rækker uden periode (attributter til en delnøgle) er sprunget over.",
                count=partial,
            )
        )
    revision = max(revisions) if revisions else None
    return ParsedTable(observations, revision=revision, unit=unit, notes=notes)


class SdmxCsvConfig(CommonOptions):
    location: str = pydantic.Field(min_length=1, description="URL or path of an SDMX-CSV file.")
    time_column: str = "TIME_PERIOD"
    value_column: str = "OBS_VALUE"
    attribute_columns: NameList = pydantic.Field(
        default_factory=list, description="Further columns that are attributes, not dimensions."
    )
    dimension_columns: NameList | None = pydantic.Field(
        default=None, description="The dimension columns, when the default guess is wrong."
    )
    separator: Literal["auto", ",", ";", "\t", "|"] = "auto"
    decimal: Literal["auto", ".", ","] = "auto"


@register
class SdmxCsvAdapter(MetricAdapter):
    """SDMX-CSV 1.0, 2.0 and 2.1 data messages, Eurostat's variant included."""

    type = "sdmx_csv"
    label = _l("SDMX-CSV (URL eller fil)")
    config_schema = SdmxCsvConfig
    requirements = ("httpx",)

    def fetch(
        self,
        config: AdapterConfig | dict[str, Any],
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the SDMX-CSV message at the configured location."""
        settings: SdmxCsvConfig = self.parse_config(config)
        deadline = Deadline(timeout)
        payload = read_location(settings.location, deadline)
        parsed = parse_sdmx_csv(
            payload.content,
            time_column=settings.time_column,
            value_column=settings.value_column,
            attribute_columns=settings.attribute_columns,
            dimension_columns=settings.dimension_columns,
            separator=settings.separator,
            decimal=settings.decimal,
            status_map=settings.status_map,
            unit=settings.unit,
            deadline=deadline,
        )
        # Eurostat's LAST UPDATE is the provider's own revision; else the HTTP headers'.
        parsed.revision = parsed.revision or payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=settings.suppress_below)
