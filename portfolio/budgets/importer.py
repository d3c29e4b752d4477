"""Read forecast or actual amounts from an uploaded workbook, checking every cell first.

The template is the exported budget workbook itself: its "Prognose" and "Forbrug" sheets.
The parser never writes anything; it returns every amount it read together with every
problem it found (in Danish, with sheet and cell). A result with problems has no values, so
a caller cannot store half an import by mistake. docs/excel.md lists the rules.

Decisions worth knowing:

* A number cell is read as Excel shows it: to 15 significant digits (so 2.9 stored as
  2.8999999999999999 is 2.9), and must then have at most 3 decimals.
* Text is never taken as a number, not even "2,9": a text cell means the spreadsheet did
  not see a number there (often a pasted "1.234", which is 1,234 in one locale and 1234 in
  another), and guessing could be off by a factor of a thousand. Blank text counts as empty.
* Empty cells mean "no value", never zero.
* Rows are recognised by their label (spacing and case ignored); the "Nr." column, when
  filled, must agree with it. Every row and every period of the programme must be there.
* A workbook exported in Danish or in English is read alike: sheet names, the header row,
  "I alt"/"Total" and the "Om"/"About" sheet are recognised in either language, and the
  problems are reported in the language asked for (Danish unless told otherwise).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from portfolio.budgets import excel_texts as t
from portfolio.budgets.excel_texts import Texts, texts, variants
from portfolio.budgets.workbook_data import LASTING, MAX_AMOUNT, MAX_PLACES, label_key
from portfolio.core.i18n import translate

Kind = Literal["forecast", "actual"]
SHEETS: Mapping[str, str] = MappingProxyType(
    {"forecast": t.SHEET_FORECAST, "actual": t.SHEET_ACTUAL}
)

# Limits that keep a hostile or mistaken file from using much memory or time.
MAX_UNPACKED_BYTES = 64 * 2**20  # all parts of the zip together, as declared in the zip
MAX_ZIP_MEMBERS = 2_000
HEADER_SEARCH_ROWS = 30  # the header row must be among the first rows
MAX_SCAN_ROWS = 1_000  # rows read at most; the table must end before this
MAX_SCAN_COLS = 100  # columns read at most (A … CV)
MAX_ABOUT_ROWS = 40  # the "Om" sheet's programme id is among its first rows
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OTHER_MAINS = (
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    b"application/vnd.ms-excel.template.macroEnabled.main+xml",
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and other Office 97) files
_YEAR = re.compile(r"\d{4}")
_ONE_THOUSANDTH = Decimal(1).scaleb(-MAX_PLACES)
UNIT = "mio. kr."
# What the importer recognises, in every workbook language (case-folded).
LABEL_HEADERS = variants(t.HEADER_LABEL)
POSITION_HEADERS = variants(t.HEADER_POSITION)
TOTAL_PREFIXES = variants(t.HEADER_TOTAL_PREFIX)
LASTING_HEADERS = variants(t.HEADER_LASTING)
TOTAL_ROWS = variants(t.ROW_TOTAL)
ABOUT_SHEETS = variants(t.SHEET_ABOUT)
SLUG_LABELS = variants(t.ABOUT_SLUG)


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: where (sheet and cell, when known) and why, in Danish."""

    sheet: str | None
    cell: str | None  # e.g. "C4"
    message: str

    @property
    def location(self) -> str:
        """Return where the problem is, as a spreadsheet user writes it: "Forbrug!C4"."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass(frozen=True)
class ImportResult:
    """The amounts read, by (row position, period), or the problems that stop the import."""

    values: Mapping[tuple[int, str], Decimal]
    problems: tuple[ImportProblem, ...]
    sheet: str

    @property
    def ok(self) -> bool:
        """Tell whether the import can be stored (no problems)."""
        return not self.problems


def checksum(content: bytes) -> str:
    """Return the SHA-256 of the uploaded file as hex, to record which file was imported."""
    return hashlib.sha256(content).hexdigest()


def parse_budget_import(
    content: bytes,
    *,
    kind: Kind,
    row_labels: Mapping[int, str],
    periods: Iterable[str],
    max_bytes: int,
    programme_slug: str | None = None,
    programme_name: str = "",
    locale: str = "da",
) -> ImportResult:
    """Read the forecast or actual sheet of an uploaded workbook and check every cell.

    With `programme_slug`, a workbook whose "Om" sheet gives another programme id (one
    exported from another programme) is refused as a whole; the message names only
    `programme_name`, the programme it was uploaded to. The workbook may be in any workbook
    language; the problems are written in `locale`.
    """
    if kind not in SHEETS:
        raise ValueError(f"kind must be 'forecast' or 'actual', not {kind!r}")
    tr = texts(locale)
    reader = _Reader(
        tr(SHEETS[kind]),
        dict(row_labels),
        tuple(periods),
        programme_slug,
        programme_name,
        t=tr,
        source_sheet=SHEETS[kind],
    )
    reader.read(content, max_bytes)
    problems = tuple(reader.sorted_problems())
    values = MappingProxyType({} if problems else reader.values)
    return ImportResult(values=values, problems=problems, sheet=reader.sheet)


def danish_number(value: Decimal, locale: str = "da") -> str:
    """Write a decimal with a decimal comma (a point in English), all its digits kept:
    2,9 / -0,25 / 1,2345."""
    text = format(value, "f")
    return text if locale == "en" else text.replace(".", ",")


def _size(n: int, locale: str = "da") -> str:
    if n >= 2**20:
        return f"{danish_number(Decimal(n * 10 // 2**20).scaleb(-1), locale)} MB"
    return f"{max(n // 1024, 1)} kB"


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Column:
    kind: Literal["period", "position", "computed", "unnamed", "unknown"]
    period: str | None = None


@dataclass
class _Reader:
    sheet: str
    row_labels: dict[int, str]
    periods: tuple[str, ...]
    programme_slug: str | None = None
    programme_name: str = ""
    t: Texts = field(default_factory=lambda: texts("da"))
    # The sheet's Danish name; it may have its name in any workbook language.
    source_sheet: str = ""
    values: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    problems: list[tuple[tuple[int, int], ImportProblem]] = field(default_factory=list)
    # Where the table is once found: first row, first column, last row, last column.
    table: tuple[int, int, int, int] | None = None

    def problem(self, message: str, row: int | None = None, col: int | None = None) -> None:
        """Report a problem in the sheet: in a cell, or (without row and column) in the table."""
        cell = f"{get_column_letter(col)}{row}" if row and col else None
        # Problems in cells come in sheet order; whole-table ones after them.
        order = (row, col) if row and col else (10**9, len(self.problems))
        self.problems.append((order, ImportProblem(self.sheet, cell, message)))

    def file_problem(self, message: str) -> None:
        """Report a problem with the file as a whole (no sheet, no cell)."""
        self.problems.append(((0, len(self.problems)), ImportProblem(None, None, message)))

    def size(self, n: int) -> str:
        return _size(n, self.t.locale)

    def number(self, value: Decimal) -> str:
        return danish_number(value, self.t.locale)

    def sorted_problems(self) -> list[ImportProblem]:
        return [p for _, p in sorted(self.problems, key=lambda item: item[0])]

    # ---------------------------------------------------------------- the file

    def read(self, content: bytes, max_bytes: int) -> None:
        if not content:
            self.file_problem(self.t.IMPORT_EMPTY_FILE)
            return
        if len(content) > max_bytes:
            limits = {"size": self.size(len(content)), "limit": self.size(max_bytes)}
            self.file_problem(self.t.IMPORT_TOO_LARGE % limits)
            return
        if content.startswith(OLE2_MAGIC):
            self.file_problem(self.t.IMPORT_OLD_XLS)
            return
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            self.file_problem(self.t.IMPORT_NOT_XLSX)
            return
        with archive:
            # Reading a hostile file can fail anywhere (bad zip data, bad XML, missing parts,
            # inside openpyxl); every such failure means the same to the user.
            try:
                if not self.check_archive(archive):
                    return
                with warnings.catch_warnings():
                    # openpyxl warns about features it drops (data validation, …): irrelevant.
                    warnings.simplefilter("ignore")
                    self.read_workbook(content, archive)
            except Exception as error:  # see above: any failure means an unreadable file
                reason = _shorten(f"{type(error).__name__}: {error}", 120)
                self.file_problem(self.t.IMPORT_UNREADABLE % {"reason": reason})

    def check_archive(self, archive: zipfile.ZipFile) -> bool:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS or (
            sum(m.file_size for m in members) > MAX_UNPACKED_BYTES
        ):
            self.file_problem(
                self.t.IMPORT_UNPACKS_TOO_LARGE % {"limit": self.size(MAX_UNPACKED_BYTES)}
            )
            return False
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            self.file_problem(self.t.IMPORT_NOT_XLSX)
            return False
        types = archive.read("[Content_Types].xml")
        if XLSX_MAIN in types:
            return True
        if any(other in types for other in OTHER_MAINS):
            self.file_problem(self.t.IMPORT_MACRO_WORKBOOK)
        else:
            self.file_problem(
                self.t.IMPORT_NOT_XLSX
            )  # a .docx, .pptx, … or a zip of something else
        return False

    def read_workbook(self, content: bytes, archive: zipfile.ZipFile) -> None:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            names = {name.strip().casefold(): name for name in wb.sheetnames}
            about = next((names[n] for n in ABOUT_SHEETS if n in names), None)
            if not self.same_programme(wb, about):
                # Its rows and years would be another programme's too: one clear problem
                # says more than a list of unknown rows.
                self.file_problem(
                    self.t.IMPORT_OTHER_PROGRAMME % {"programme": self.programme_name}
                )
                return
            accepted = variants(self.source_sheet)
            name = next((names[n] for n in sorted(accepted) if n in names), None)
            if name is None:
                found = ", ".join(f"“{n}”" for n in wb.sheetnames) or self.t.IMPORT_NO_SHEETS
                self.problem(self.t.IMPORT_SHEET_MISSING % {"sheet": self.either(), "found": found})
                return
            self.sheet = name  # problems name the sheet as the file has it
            ws = wb[name]
            path = getattr(ws, "_worksheet_path", None)
            if not isinstance(path, str):
                # Merged cells can only be found in the sheet's XML; never skip that check.
                raise RuntimeError("openpyxl no longer tells where the sheet's XML is")
            self.read_sheet(ws.iter_rows(min_row=1, max_row=MAX_SCAN_ROWS, max_col=MAX_SCAN_COLS))
            if self.table is not None:
                self.check_merged(archive, path)
                if not self.values and not self.problems:
                    self.problem(self.t.IMPORT_NO_VALUES)
        finally:
            wb.close()

    def either(self) -> str:
        """Return the sheet's names in every workbook language: "“Prognose” eller “Forecast”"."""
        names = [translate(self.source_sheet, locale) for locale in t.LOCALES]
        shown = list(dict.fromkeys([self.sheet, *names]))
        return f" {self.t.IMPORT_OR} ".join(f"“{n}”" for n in shown)

    def same_programme(self, wb, about: str | None) -> bool:
        """Tell whether the workbook's "Om" sheet, if it has one, names the expected
        programme by its id (the slug, which never changes, unlike the name).

        A workbook without the sheet or without an id there is taken on its tables.
        """
        if self.programme_slug is None or about is None:
            return True
        for cells in wb[about].iter_rows(max_row=MAX_ABOUT_ROWS, max_col=2, values_only=True):
            if len(cells) == 2 and _text_of(cells[0]).casefold() in SLUG_LABELS:
                found = _text_of(cells[1])
                return not found or found.casefold() == self.programme_slug.casefold()
        return True

    # ---------------------------------------------------------------- the table

    def read_sheet(self, rows) -> None:
        """Find the header row, then read the rows below it down to "I alt" or a blank row."""
        header: tuple[int, int] | None = None  # (sheet row, label column)
        columns: dict[int, _Column] = {}
        seen_positions: dict[int, str] = {}
        last_row = 0
        ended = False
        # read-only openpyxl yields every row from row 1 on, padded with empty cells, so a
        # cell's row and column are its place in the iteration (EmptyCell knows neither).
        for row, cells in enumerate(rows, start=1):
            by_col = {col: cell for col, cell in enumerate(cells, start=1) if not _is_empty(cell)}
            if header is None:
                if row > HEADER_SEARCH_ROWS:
                    break
                label_col = next(
                    (
                        c
                        for c, cell in by_col.items()
                        if _text_of(cell.value).casefold() in LABEL_HEADERS
                    ),
                    None,
                )
                if label_col is not None:
                    header = (row, label_col)
                    columns = self.read_header(row, label_col, by_col)
                continue
            label_col = header[1]
            label_cell = by_col.get(label_col)
            label = _text_of(label_cell.value) if label_cell is not None else ""
            if label.casefold() in TOTAL_ROWS or all(_is_blank(cell) for cell in by_col.values()):
                ended = True
                break
            self.read_row(row, label_col, label_cell, by_col, columns, seen_positions)
            last_row = row
        if header is None:
            message = self.t.IMPORT_HEADER_MISSING % {
                "label": self.t.HEADER_LABEL,
                "rows": HEADER_SEARCH_ROWS,
            }
            self.problem(message)
            return
        if not ended and last_row >= MAX_SCAN_ROWS:
            self.problem(
                self.t.IMPORT_TABLE_TOO_LONG % {"rows": MAX_SCAN_ROWS, "total": self.t.ROW_TOTAL}
            )
            return
        header_row, label_col = header
        last_row = max(last_row, header_row)
        used = [label_col, *(c for c, column in columns.items() if column.kind != "unnamed")]
        self.table = (header_row, min(used), last_row, max(used))

        found = {c.period for c in columns.values() if c.kind == "period"}
        for period in self.periods:
            if period not in found:
                self.problem(self.t.IMPORT_MISSING_COLUMN % {"header": self.period_header(period)})
        for position, label in sorted(self.row_labels.items()):
            if position not in seen_positions:
                self.problem(self.t.IMPORT_MISSING_ROW % {"label": label, "position": position})

    def read_header(self, row: int, label_col: int, by_col) -> dict[int, _Column]:
        """Classify each header cell: a period, "Nr.", a computed "I alt", or a problem."""
        allowed = set(self.periods)
        columns: dict[int, _Column] = {}
        first_seen: dict[str, int] = {}
        for col, cell in sorted(by_col.items()):
            if col == label_col:
                continue
            if cell.data_type == "f":
                columns[col] = _Column("unknown")
                self.problem(
                    self.t.IMPORT_UNKNOWN_HEADER % {"header": _shorten(cell.value)}, row, col
                )
                continue
            header = _header_of(cell.value)
            key = header.casefold()
            if not header:
                columns[col] = _Column("unnamed")
                continue
            if key in POSITION_HEADERS:
                column = _Column("position")
            elif key.startswith(tuple(TOTAL_PREFIXES)):
                column = _Column("computed")
            elif key in LASTING_HEADERS:
                column = _Column("period", LASTING)
            elif _YEAR.fullmatch(header):
                column = _Column("period", header)
            else:
                self.problem(self.t.IMPORT_UNKNOWN_HEADER % {"header": _shorten(header)}, row, col)
                columns[col] = _Column("unknown")
                continue
            if column.kind == "period" and column.period not in allowed:
                allowed_text = ", ".join(self.period_header(p) for p in self.periods)
                self.problem(
                    self.t.IMPORT_PERIOD_NOT_ALLOWED % {"period": header, "allowed": allowed_text},
                    row,
                    col,
                )
                columns[col] = _Column("unknown")
                continue
            if column.kind in ("period", "position"):
                name = column.period or "nr"
                if name in first_seen:
                    other = f"{get_column_letter(first_seen[name])}{row}"
                    self.problem(
                        self.t.IMPORT_DUPLICATE_COLUMN % {"header": header, "other": other},
                        row,
                        col,
                    )
                    columns[col] = _Column("unknown")
                    continue
                first_seen[name] = col
            columns[col] = column
        return columns

    def read_row(self, row, label_col, label_cell, by_col, columns, seen_positions) -> None:
        position = None
        if label_cell is not None and label_cell.data_type == "f":
            self.problem(
                self.t.IMPORT_FORMULA % {"formula": _shorten(label_cell.value)}, row, label_col
            )
        else:
            label = _text_of(label_cell.value) if label_cell is not None else ""
            if not label:
                self.problem(
                    self.t.IMPORT_EMPTY_LABEL % {"header": self.t.HEADER_LABEL}, row, label_col
                )
            else:
                position = self.position_of(label)
                if position is None:
                    self.problem(
                        self.t.IMPORT_UNKNOWN_ROW % {"label": _shorten(label, 120)}, row, label_col
                    )
                elif position in seen_positions:
                    other = seen_positions[position]
                    self.problem(
                        self.t.IMPORT_DUPLICATE_ROW
                        % {"label": _shorten(label, 120), "other": other},
                        row,
                        label_col,
                    )
                    position = None
                else:
                    seen_positions[position] = f"{get_column_letter(label_col)}{row}"
        for col, cell in sorted(by_col.items()):
            if col == label_col or _is_blank(cell):
                continue
            column = columns.get(col, _Column("unnamed"))
            if column.kind == "computed" or column.kind == "unknown":
                continue  # "I alt" is computed; an unknown column is reported in its header
            if column.kind == "unnamed":
                self.problem(self.t.IMPORT_OUTSIDE_TABLE, row, col)
                continue
            if cell.data_type == "f":
                self.problem(self.t.IMPORT_FORMULA % {"formula": _shorten(cell.value)}, row, col)
                continue
            if column.kind == "position":
                self.check_position(cell, row, col, position)
                continue
            amount = self.amount_of(cell, row, col)
            if amount is not None and position is not None:
                self.values[(position, column.period)] = amount

    def position_of(self, label: str) -> int | None:
        key = label_key(label)
        for position, known in self.row_labels.items():
            if label_key(known) == key:
                return position
        return None

    def check_position(self, cell, row: int, col: int, position: int | None) -> None:
        if position is None:
            return
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if value != position or isinstance(value, bool):
            self.problem(
                self.t.IMPORT_POSITION_MISMATCH
                % {
                    "found": _shorten(cell.value),
                    "label": self.row_labels[position],
                    "position": position,
                },
                row,
                col,
            )

    def amount_of(self, cell, row: int, col: int) -> Decimal | None:
        """Return the cell's amount, or report why it is not one."""
        value = cell.value
        if cell.data_type == "e":
            self.problem(self.t.IMPORT_ERROR_VALUE % {"value": _shorten(value)}, row, col)
            return None
        if isinstance(value, bool):
            self.problem(self.t.IMPORT_BOOLEAN, row, col)
            return None
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            self.problem(self.t.IMPORT_DATE, row, col)
            return None
        if isinstance(value, str):
            self.problem(self.t.IMPORT_TEXT % {"text": _shorten(value)}, row, col)
            return None
        if isinstance(value, float):
            if not math.isfinite(value):
                self.problem(self.t.IMPORT_NOT_FINITE, row, col)
                return None
            # What Excel shows: 15 significant digits, which undoes binary noise.
            amount = Decimal(format(value, ".15g"))
        elif isinstance(value, int):
            amount = Decimal(value)
        else:
            self.problem(self.t.IMPORT_TEXT % {"text": _shorten(value)}, row, col)
            return None
        amount = amount + 0  # turns -0 into 0
        if amount < 0:
            self.problem(self.t.IMPORT_NEGATIVE % {"value": self.number(amount)}, row, col)
            return None
        if amount >= MAX_AMOUNT:
            self.problem(
                self.t.IMPORT_TOO_BIG
                % {
                    "value": _shorten(self.number(amount)),
                    "limit": "1,000,000" if self.t.locale == "en" else "1.000.000",
                    "unit": self.t(UNIT),
                },
                row,
                col,
            )
            return None
        if amount != amount.quantize(_ONE_THOUSANDTH):
            self.problem(
                self.t.IMPORT_TOO_MANY_DECIMALS
                % {"value": self.number(amount), "unit": self.t(UNIT)},
                row,
                col,
            )
            return None
        return amount

    def period_header(self, period: str) -> str:
        return self.t.HEADER_LASTING if period == LASTING else period

    # ---------------------------------------------------------------- merged cells

    def check_merged(self, archive: zipfile.ZipFile, path: str) -> None:
        """Report merged ranges that touch the table (openpyxl's read-only mode hides them)."""
        assert self.table is not None
        top, left, bottom, right = self.table
        with archive.open(path.lstrip("/")) as source:
            # The file passed the size limits above; the expat parser bundled with Python
            # 3.11 also refuses exponential entity expansion ("billion laughs").
            for _, element in ElementTree.iterparse(source, events=("end",)):  # noqa: S314
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell":
                    cells = element.get("ref", "")
                    try:
                        min_col, min_row, max_col, max_row = range_boundaries(cells)
                    except (ValueError, TypeError):
                        continue
                    if (
                        min_row is not None
                        and min_col is not None
                        and min_row <= bottom
                        and (max_row or min_row) >= top
                        and min_col <= right
                        and (max_col or min_col) >= left
                    ):
                        self.problem(self.t.IMPORT_MERGED % {"range": cells}, min_row, min_col)
                element.clear()


def _is_empty(cell) -> bool:
    return getattr(cell, "value", None) is None


def _is_blank(cell) -> bool:
    value = getattr(cell, "value", None)
    return value is None or (isinstance(value, str) and not value.strip())


def _text_of(value) -> str:
    """Return a cell's value as stripped text ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_of(value) -> str:
    """Return a header cell's text; a year typed as a number is read as that year."""
    return _text_of(value)
