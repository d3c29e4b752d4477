"""CSV and XLSX tables with a column mapping, uploaded as bytes or read from a path or URL.

This is how eSundhed (the Danish Health Data Authority) and many agencies publish: one row
per period and breakdown, a value column, small counts replaced by markers such as "<5".
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    Deadline,
    MetricAdapter,
    NameList,
    ParsedTable,
    SourceConfigError,
    SourceParseError,
    check_deadline,
    finish,
    short_text,
    shown_names,
)
from portfolio.metrics.adapters.tabular import ColumnMapping, rows_to_observations
from portfolio.metrics.adapters.transport import MAX_BYTES, read_location
from portfolio.metrics.observations import FetchResult

XLSX_MAGIC = b"PK\x03\x04"


class FileConfig(ColumnMapping):
    location: str | None = pydantic.Field(
        default=None, description="Path or URL of the file (or give `content`)."
    )
    content: bytes | None = pydantic.Field(
        default=None, description="The uploaded file's bytes.", repr=False
    )
    filename: str | None = pydantic.Field(
        default=None, description="The uploaded file's name, to tell CSV from XLSX."
    )
    format: Literal["auto", "csv", "xlsx"] = "auto"
    sheet: str | None = pydantic.Field(default=None, description="XLSX sheet; the first if empty.")
    header_row: int = pydantic.Field(default=1, ge=1, description="Row number of the header.")
    separator: Literal["auto", ",", ";", "\t", "|"] = "auto"
    encoding: str = pydantic.Field(default="utf-8-sig", description="CSV text encoding.")
    decimal_comma: bool = False
    thousands_separator: str | None = None
    suppression_markers: NameList = pydantic.Field(
        default_factory=lambda: ["<5", "<3", ":", "x"],
        description="Cell texts meaning 'withheld' (any '<N' is too).",
    )
    missing_markers: NameList = pydantic.Field(
        default_factory=lambda: ["..", "...", "-", "NA", "n/a"],
        description="Cell texts meaning 'not available'.",
    )

    @pydantic.field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError("ukendt tegnsæt") from None
        return value

    @pydantic.model_validator(mode="after")
    def _one_source(self) -> FileConfig:
        if (self.location is None) == (self.content is None):
            raise ValueError("angiv enten en fil (location) eller et upload (content)")
        if self.content is not None and len(self.content) > MAX_BYTES:
            raise ValueError("filen er for stor")
        return self


def _is_xlsx(config: FileConfig, content: bytes) -> bool:
    if config.format != "auto":
        return config.format == "xlsx"
    name = (config.filename or config.location or "").lower()
    return name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC)


def _csv_rows(
    config: FileConfig, content: bytes, deadline: Deadline | None
) -> tuple[list[str], Iterator]:
    try:
        text = content.decode(config.encoding)
    except UnicodeDecodeError:
        raise SourceParseError(
            _("Filen er ikke skrevet med tegnsættet %(encoding)s.", encoding=config.encoding)
        ) from None
    lines = text.splitlines(keepends=True)[config.header_row - 1 :]
    if not lines:
        raise SourceParseError(_("Filen har ingen overskriftsrække."))
    separator = config.separator
    if separator == "auto":
        header_line = lines[0]
        separator = max((";", "\t", ",", "|"), key=header_line.count)
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=separator)
    header = _csv_row(reader, config.header_row)

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        offset = 0
        while (row := _csv_row(reader, config.header_row + 1 + offset)) is not None:
            check_deadline(deadline, offset)
            if any(cell.strip() for cell in row):
                yield config.header_row + 1 + offset, row
            offset += 1

    if header is None:
        raise SourceParseError(_("Filen har ingen overskriftsrække."))
    return header, numbered()


def _csv_row(reader, line: int) -> list[str] | None:
    """Return the reader's next row, None at the end; a broken row is a SourceParseError."""
    try:
        return next(reader, None)
    except csv.Error:  # a field longer than the csv module's limit, a stray NUL
        raise SourceParseError(_("Række %(line)s kan ikke læses som CSV.", line=line)) from None


def _xlsx_rows(
    config: FileConfig, content: bytes, deadline: Deadline | None
) -> tuple[list[Any], Iterator]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are
            # what we need, and the test suite turns warnings into errors.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SourceParseError(
            _("Filen kunne ikke læses som et XLSX-regneark."), detail=repr(error)
        ) from None
    if config.sheet is not None:
        if config.sheet not in workbook.sheetnames:
            raise SourceConfigError(
                _(
                    "Arket '%(sheet)s' findes ikke. Arkene er: %(sheets)s.",
                    sheet=short_text(config.sheet),
                    sheets=shown_names(workbook.sheetnames) or _("navnene kan ikke vises"),
                )
            )
        worksheet = workbook[config.sheet]
    else:
        worksheet = workbook[workbook.sheetnames[0]]
    rows = worksheet.iter_rows(min_row=config.header_row, values_only=True)
    header = next(rows, None)
    if header is None:
        raise SourceParseError(_("Arket har ingen overskriftsrække."))

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        for offset, row in enumerate(rows):
            check_deadline(deadline, offset)
            if any(cell is not None and str(cell).strip() for cell in row):
                yield config.header_row + 1 + offset, row
        workbook.close()

    return list(header), numbered()


def parse_table_file(
    config: FileConfig, content: bytes, deadline: Deadline | None = None
) -> ParsedTable:
    """Read a CSV or XLSX file's rows through the column mapping (within `deadline`)."""
    if _is_xlsx(config, content):
        header, rows = _xlsx_rows(config, content, deadline)
    else:
        header, rows = _csv_rows(config, content, deadline)
    observations = rows_to_observations(
        header,
        rows,
        config,
        decimal_comma=config.decimal_comma,
        thousands_separator=config.thousands_separator,
        suppression_markers=config.suppression_markers,
        missing_markers=config.missing_markers,
        deadline=deadline,
    )
    return ParsedTable(observations, unit=config.unit)


@register
class FileAdapter(MetricAdapter):
    """Published CSV or XLSX tables (eSundhed and the like)."""

    type = "file"
    label = _l("Fil (CSV eller XLSX)")
    config_schema = FileConfig
    requirements = ("openpyxl",)

    def fetch(
        self,
        config: FileConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the uploaded or referenced file through its column mapping."""
        config = self.parse_config(config)
        deadline = Deadline(timeout)
        revision = None
        if config.content is not None:
            content = config.content
        else:
            payload = read_location(config.location, deadline)
            content = payload.content
            revision = payload.etag or payload.last_modified
        parsed = parse_table_file(config, content, deadline)
        parsed.revision = revision
        return finish(parsed, since_revision=since_revision, suppress_below=config.suppress_below)
