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
    AdapterConfig,
    ConnectionCheck,
    Deadline,
    MetricAdapter,
    NameList,
    ParsedTable,
    SourceConfigError,
    SourceError,
    SourceParseError,
    check_deadline,
    finish,
    log_source_error,
    short_text,
    shown_names,
)
from portfolio.metrics.adapters.bundle import unzip_member
from portfolio.metrics.adapters.report import (
    DEFAULT_TOTAL_LABELS,
    MEASURE,
    PERIOD,
    VALUE,
    PeriodPart,
    Report,
    Row,
    column_index,
    detect_number_format,
    join_period_columns,
    line_list,
    looks_like_period,
    skip_total_rows,
    skip_trailer_rows,
    split_count_share,
    unpivot_matrix,
    unpivot_wide,
)
from portfolio.metrics.adapters.tabular import ColumnMapping, cell_text, rows_to_observations
from portfolio.metrics.adapters.transport import MAX_BYTES, read_location
from portfolio.metrics.observations import FetchResult

XLSX_MAGIC = b"PK\x03\x04"


class FileConfig(ColumnMapping):
    # Not needed by every layout: a wide table has no value column, a period may be built
    # from two columns (see `_layout_needs`).
    period_column: str | None = None  # type: ignore[assignment]
    value_column: str | None = None  # type: ignore[assignment]
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
    zip_member: str | None = pydantic.Field(
        default=None, description="The file to read inside a ZIP bundle; the only one if empty."
    )
    sheet: str | None = pydantic.Field(default=None, description="XLSX sheet; the first if empty.")
    header_row: int = pydantic.Field(default=1, ge=1, description="Row number of the header.")
    separator: Literal["auto", ",", ";", "\t", "|"] = "auto"
    encoding: str = pydantic.Field(default="utf-8-sig", description="CSV text encoding.")
    decimal_comma: bool | None = pydantic.Field(
        default=None, description="Decimal comma; detected from the value column if empty."
    )
    thousands_separator: Literal[".", ",", " ", "'", ""] | None = pydantic.Field(
        default=None,
        description='Thousands separator ("" for none); detected from the column if empty.',
    )
    layout: Literal["long", "wide", "matrix"] = pydantic.Field(
        default="long",
        description="long: one row per period; wide: periods as columns; matrix: "
        "statbank.dk's download with stepped row labels.",
    )
    period_columns: NameList | None = pydantic.Field(
        default=None, description="Two columns making the period: year, and week/quarter/month."
    )
    period_part: PeriodPart = "auto"
    total_rows: Literal["skip", "keep"] = "skip"
    total_labels: NameList = pydantic.Field(default_factory=lambda: list(DEFAULT_TOTAL_LABELS))
    count_share: Literal["split", "count", "share"] = "split"
    row_dimensions: NameList | None = pydantic.Field(
        default=None, description="matrix: names of the row variables, left to right."
    )
    column_dimension: str = pydantic.Field(
        default="kolonne", min_length=1, description="matrix: name of the column variable."
    )
    suppression_markers: NameList = pydantic.Field(
        default_factory=lambda: ["<5", "<3", ":", "x"],
        description="Cell texts meaning 'withheld' (any '<N' is too).",
    )
    missing_markers: NameList = pydantic.Field(
        default_factory=lambda: ["..", "...", "NA", "n/a"],
        description="Cell texts meaning 'not available' ('-' is PX's absolute zero).",
    )

    @pydantic.model_validator(mode="after")
    def _layout_needs(self) -> FileConfig:
        if self.layout == "long":
            if not self.value_column:
                raise ValueError("value_column skal udfyldes")
            if bool(self.period_column) == bool(self.period_columns):
                raise ValueError("angiv enten period_column eller period_columns")
        elif self.period_columns:
            raise ValueError("period_columns bruges kun med layout=long")
        return self

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
    # The sheet's <dimension ref> may be stale ("A1" in SSI's files): a read-only sheet
    # that trusts it yields one cell. Resetting it makes openpyxl read every row there is.
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
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
    """Read a CSV or XLSX file's rows through the layout rules and the column mapping.

    Every rule that changed what is read (a layout turned, rows left out, a period built,
    the number format detected) adds a Danish note to the result, which the preview shows.
    """
    report = Report()
    content = unzip_member(content, config.zip_member, config.format, report)
    if _is_xlsx(config, content):
        header, row_iterator = _xlsx_rows(config, content, deadline)
    else:
        header, row_iterator = _csv_rows(config, content, deadline)
    rows: list[Row] = list(row_iterator)
    names = [cell_text(column) for column in header]
    updates: dict[str, Any] = {}
    labels = config.total_labels if config.total_rows == "skip" else None
    other_columns: list[int] = []
    if config.layout == "matrix":
        names, rows, period_name = unpivot_matrix(
            header,
            rows,
            config.row_dimensions,
            config.column_dimension,
            config.period_column,
            report,
            deadline,
        )
        updates = {"period_column": period_name, "value_column": VALUE}
        updates["dimension_columns"] = [n for n in names[:-1] if n != period_name]
        updates["ignore_columns"] = []
    elif config.layout == "wide":
        if labels is not None:
            first = _first_label_column(names, config)
            if first is not None:
                rows = skip_total_rows(rows, first, labels, report)
        names, rows = unpivot_wide(
            names, rows, config.dimension_columns, config.ignore_columns, report
        )
        updates = {
            "period_column": PERIOD,
            "value_column": VALUE,
            "dimension_columns": names[:-2],
            "ignore_columns": [],
        }
    else:
        if config.period_columns:
            names, rows = join_period_columns(
                names, rows, config.period_columns, config.period_part, labels, report
            )
            updates["period_column"] = PERIOD
        else:
            period_index = column_index(names, str(config.period_column), _("periode"))
            if labels is not None:
                rows = skip_total_rows(rows, period_index, labels, report)
                rows = skip_trailer_rows(rows, period_index, report)
        value_index = column_index(names, str(config.value_column), _("værdi"))
        other_columns = [index for index in range(len(names)) if index != value_index]
    value_name = updates.get("value_column", config.value_column)
    value_index = column_index(names, str(value_name), _("værdi"))
    before = len(names)
    names, rows = split_count_share(names, rows, value_index, config.count_share, report)
    dimension_columns = updates.get("dimension_columns", config.dimension_columns)
    if len(names) > before and dimension_columns is not None:
        updates["dimension_columns"] = [*dimension_columns, MEASURE]
    decimal_comma: bool | None = config.decimal_comma
    thousands: str | None = config.thousands_separator
    if decimal_comma is None and thousands is None:
        decimal_comma, thousands = detect_number_format(
            [cell for _line, row in rows if isinstance(cell := _at(row, value_index), str)],
            [
                cell
                for _line, row in rows
                for index in other_columns
                if isinstance(cell := _at(row, index), str)
            ],
            str(value_name) if value_name != VALUE else _("værdierne"),
            report,
        )
    mapping = config.model_copy(update=updates) if updates else config
    repeated: list[int] = []
    observations = rows_to_observations(
        names,
        rows,
        mapping,
        decimal_comma=bool(decimal_comma),
        thousands_separator=thousands or None,
        suppression_markers=config.suppression_markers,
        missing_markers=config.missing_markers,
        deadline=deadline,
        repeated=repeated,
    )
    if repeated:
        report.add(
            _(
                "%(count)s rækker gentager en tidligere række med de samme tal og er læst én "
                "gang (række %(lines)s).",
                count=len(repeated),
                lines=line_list(repeated),
            )
        )
    if not observations:
        raise SourceParseError(
            _(
                "Filen har ingen datarækker under overskriftsrækken (række %(row)s). Er det "
                "den rigtige fil, det rigtige ark og den rigtige overskriftsrække?",
                row=config.header_row,
            )
        )
    return ParsedTable(observations, unit=config.unit, notes=report.notes)


def _at(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _first_label_column(names: list[str], config: FileConfig) -> int | None:
    """Return the column holding a wide table's row labels (where "Total" would stand)."""
    if config.dimension_columns:
        return column_index(names, config.dimension_columns[0], _("dimension"))
    for index, name in enumerate(names):
        if name and not looks_like_period(name) and name not in config.ignore_columns:
            return index
    return None


@register
class FileAdapter(MetricAdapter):
    """Published CSV or XLSX tables (eSundhed and the like)."""

    type = "file"
    label = _l("Fil (CSV eller XLSX)")
    config_schema = FileConfig
    requirements = ("openpyxl",)

    def test_connection(
        self, config: AdapterConfig | dict[str, Any], *, timeout: float = DEFAULT_TIMEOUT
    ) -> ConnectionCheck:
        """Read the file and say what each layout rule did (the notes are our own words,
        never the file's content), so that the rules can be checked before they are relied on.
        """
        try:
            result = self.fetch(self.parse_config(config), timeout=timeout)
        except SourceError as error:
            log_source_error(error, "file connection test")
            return ConnectionCheck(ok=False, message=error.message)
        message = _("Kilden kunne læses: %(count)s observationer.", count=len(result.observations))
        if result.notes:
            message += " " + " ".join(result.notes)
        return ConnectionCheck(ok=True, message=message)

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
