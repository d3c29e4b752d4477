"""SDMX-CSV 1.0 and 2.0 (BIS, ECB, Eurostat, OECD …), from a URL or a local file.

Layout, per the two versions of the format:
- 1.0 starts with a `DATAFLOW` column; 2.0 with `STRUCTURE`, `STRUCTURE_ID` (and
  `STRUCTURE_NAME` when labels are asked for) and `ACTION`. Rows whose ACTION is `D`
  (delete) carry no observation and are skipped.
- Then the dimensions, the measure `OBS_VALUE`, and the attributes. Header cells and values
  may be written `id: name`; the id is used.
- The separator is `,` or `;` (sniffed from the header) and values may use a decimal comma.

Without the data structure definition a CSV file does not say which columns are
attributes, so these are: well-known attribute ids (`KNOWN_ATTRIBUTES`), every column after
the value column (the format puts attributes there), and any listed in
`attribute_columns`. Every other column is a dimension, unless `dimension_columns` lists
them explicitly.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Literal

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    MAX_NAMES_SHOWN,
    CommonOptions,
    Deadline,
    MetricAdapter,
    NameList,
    ParsedTable,
    check_deadline,
    finish,
    parse_error,
    short_text,
    shown_names,
)
from portfolio.metrics.adapters.tabular import read_csv_rows
from portfolio.metrics.adapters.transport import read_location
from portfolio.metrics.observations import FetchResult, ObservationStatus, parse_decimal
from portfolio.metrics.statuses import (
    SDMX_CONF_FREE,
    SDMX_OBS_STATUS,
    lookup_symbol,
    make_observation,
)

FORMAT_NAME = "SDMX-CSV"

# Columns that describe the message rather than the observation.
STRUCTURE_COLUMNS = frozenset(
    {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"}
)

# SDMX cross-domain concepts used as attributes, and BIS's series attributes.
KNOWN_ATTRIBUTES = frozenset(
    {
        "OBS_STATUS",
        "OBS_CONF",
        "CONF_STATUS",
        "OBS_PRE_BREAK",
        "OBS_COM",
        "COMMENT_OBS",
        "COMMENT_TS",
        "UNIT_MULT",
        "DECIMALS",
        "TITLE",
        "TITLE_COMPL",
        "TIME_FORMAT",
        "TIME_PER_COLLECT",
        "COLLECTION",
        "COMPILATION",
        "SOURCE_AGENCY",
        "EMBARGO_TIME",
        "BREAKS",
        "DATA_COMP",
        "BASE_PER",
        "UNIT_INDEX_BASE",
        "REF_PERIOD_DETAIL",
        "AVAILABILITY",
    }
)

STATUS_COLUMNS = ("OBS_STATUS",)
CONFIDENTIALITY_COLUMNS = ("OBS_CONF", "CONF_STATUS")


def code_of(cell: str) -> str:
    """Return the id of a cell written as "id: name" (or the cell itself)."""
    code, sep, _name = cell.partition(": ")
    return code.strip() if sep else cell.strip()


def _sniff_separator(text: str) -> str:
    first_line = next(iter(text[:65536].splitlines()), "")
    widths = {
        separator: len(next(csv.reader([first_line], delimiter=separator), []))
        for separator in (",", ";")
    }
    return ";" if widths[";"] > widths[","] else ","


def _value(text: str, decimal: str) -> Decimal | None:
    text = text.strip()
    # SDMX writes NaN for an observation that is reported as missing.
    if not text or text.upper() == "NAN":
        return None
    comma = decimal == "," or (decimal == "auto" and "," in text and "." not in text)
    return parse_decimal(text, decimal_comma=comma)


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
    """Turn an SDMX-CSV 1.0 or 2.0 message into observations."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise parse_error(_("teksten er ikke UTF-8"), FORMAT_NAME) from None
    if separator == "auto":
        separator = _sniff_separator(text)
    rows = read_csv_rows(text, separator, FORMAT_NAME, deadline)
    if not rows:
        raise parse_error(_("filen er tom"), FORMAT_NAME)
    header = [code_of(cell) for cell in rows[0]]
    if header[0] not in ("DATAFLOW", "STRUCTURE"):
        raise parse_error(
            _("første kolonne skal være DATAFLOW (1.0) eller STRUCTURE (2.0)"), FORMAT_NAME
        )
    for required in (time_column, value_column):
        if required not in header:
            raise parse_error(
                _(
                    "kolonnen %(column)s findes ikke; angiv den (kolonner: %(header)s)",
                    column=short_text(required),
                    header=shown_names(header) or _("navnene kan ikke vises"),
                ),
                FORMAT_NAME,
            )
    value_index = header.index(value_column)
    time_index = header.index(time_column)
    if dimension_columns:
        unknown = [name for name in dimension_columns if name not in header]
        if unknown:
            raise parse_error(
                _(
                    "dimensionerne %(names)s findes ikke",
                    names=", ".join(short_text(name) for name in unknown[:MAX_NAMES_SHOWN]),
                ),
                FORMAT_NAME,
            )
        dimension_indexes = [header.index(name) for name in dimension_columns]
    else:
        attributes = KNOWN_ATTRIBUTES | set(attribute_columns or ())
        dimension_indexes = [
            index
            for index, name in enumerate(header)
            if index < value_index
            and index != time_index
            and name not in STRUCTURE_COLUMNS
            and name not in attributes
        ]
    status_indexes = [header.index(name) for name in STATUS_COLUMNS if name in header]
    conf_indexes = [header.index(name) for name in CONFIDENTIALITY_COLUMNS if name in header]
    action_index = header.index("ACTION") if "ACTION" in header else None
    table = {**SDMX_OBS_STATUS, **(status_map or {})}

    observations = []
    deleted = 0
    for line_number, row in enumerate(rows[1:], start=2):
        check_deadline(deadline, line_number)
        if len(row) != len(header):
            raise parse_error(
                _("linje %(line)s har et forkert antal felter", line=line_number), FORMAT_NAME
            )
        if action_index is not None and code_of(row[action_index]).upper() == "D":
            deleted += 1
            continue
        try:
            value = _value(row[value_index], decimal)
        except ValueError:
            raise parse_error(
                _(
                    "linje %(line)s: værdien i kolonnen %(column)s er ikke et tal",
                    line=line_number,
                    column=short_text(value_column),
                ),
                FORMAT_NAME,
            ) from None
        raw_status = None
        status = None
        for index in status_indexes:
            code = code_of(row[index])
            if code:
                raw_status = code
                status = lookup_symbol(code, table)
        for index in conf_indexes:
            code = code_of(row[index])
            if code and code not in SDMX_CONF_FREE:
                # Confidential cells are withheld whatever their observation status says.
                raw_status = code
                status = ObservationStatus.SUPPRESSED
        dimensions = {header[index]: code_of(row[index]) for index in dimension_indexes}
        observations.append(
            make_observation(dimensions, code_of(row[time_index]), value, raw_status, status, unit)
        )
    notes = []
    if deleted:
        notes.append(
            _("%(count)s rækker markeret til sletning (ACTION=D) er sprunget over.", count=deleted)
        )
    return ParsedTable(observations, unit=unit, notes=notes)


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
    separator: Literal["auto", ",", ";"] = "auto"
    decimal: Literal["auto", ".", ","] = "auto"


@register
class SdmxCsvAdapter(MetricAdapter):
    """SDMX-CSV 1.0 and 2.0 data messages."""

    type = "sdmx_csv"
    label = _l("SDMX-CSV (URL eller fil)")
    config_schema = SdmxCsvConfig
    requirements = ("httpx",)

    def fetch(
        self,
        config: SdmxCsvConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the SDMX-CSV message at the configured location."""
        config = self.parse_config(config)
        deadline = Deadline(timeout)
        payload = read_location(config.location, deadline)
        parsed = parse_sdmx_csv(
            payload.content,
            time_column=config.time_column,
            value_column=config.value_column,
            attribute_columns=config.attribute_columns,
            dimension_columns=config.dimension_columns,
            separator=config.separator,
            decimal=config.decimal,
            status_map=config.status_map,
            unit=config.unit,
            deadline=deadline,
        )
        parsed.revision = payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=config.suppress_below)
