"""Cell writing shared by the budget workbooks: safe text, exact amounts, print setup, saving.

Everything that turns our data into cell values goes through `put_text` and `put_amount`, so
the two rules that matter for a spreadsheet handed to other people hold everywhere:

* User text is always a text cell. Text that starts with = + - @, a tab or a carriage
  return would be read as a formula (or start one when the cell is edited), so it also gets
  Excel's "quote prefix" style: Excel and LibreOffice show it as text and keep it text when
  the cell is edited, and the text itself is unchanged, so it round-trips exactly.
* Amounts are Decimals in our code; they become floats only here, at the boundary.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from portfolio.budgets.excel_texts import texts
from portfolio.budgets.workbook_data import MAX_PLACES
from portfolio.core.i18n import format_day, format_moment

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell; longer text makes Excel repair the file
# Characters XML 1.0 cannot carry; openpyxl refuses them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_HEADER_FOOTER = 255  # Excel's limit for a header or footer, &-codes included


def clean_text(text: str) -> str:
    """Return text that fits in a cell: no XML-illegal characters, at most 32 767 characters."""
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def is_formula_like(text: str) -> bool:
    """Tell whether a spreadsheet would take the text for a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def put_text(cell: Cell, text: str | None) -> Cell:
    """Write user text so it is shown as text, never run as a formula (see module doc)."""
    if text is None or text == "":
        cell.value = None
        return cell
    text = clean_text(str(text))
    cell.value = text
    # openpyxl makes every str that starts with "=" a formula; force it back to a string.
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    elif cell.has_style and cell.quotePrefix:
        cell.quotePrefix = False  # a reused cell (write-only sheets) may carry it over
    return cell


def text_value(ws, text: str | None):
    """Return user text for a write-only row: the plain string when safe, else a `put_text` cell.

    Plain strings are much cheaper to stream than cells, and openpyxl only turns a string
    into a formula when it starts with "=", which `is_formula_like` catches (with + - @ …).
    """
    if text is None or text == "":
        return None
    text = clean_text(str(text))
    if is_formula_like(text):
        return put_text(WriteOnlyCell(ws), text)
    return text


def to_number(amount: Decimal | None) -> float | None:
    """Return the amount as the float a cell stores (None stays None)."""
    # A Decimal with at most 3 places below 10**6 has at most 10 significant digits, so the
    # float is the nearest double and prints back as the same decimal.
    return None if amount is None else float(amount)


def put_amount(cell: Cell, amount: Decimal | None, number_format: str) -> Cell:
    """Write an amount (mio. kr.) as a number cell; None leaves the cell empty."""
    cell.value = to_number(amount)
    cell.number_format = number_format
    return cell


def put_formula(cell: Cell, formula: str, number_format: str | None = None) -> Cell:
    """Write one of our own formulas (never user text)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    if number_format:
        cell.number_format = number_format
    return cell


def amount_format(places: int) -> str:
    """Return the number format that shows amounts with the given number of decimals."""
    return "0." + "0" * max(places, 1)


def places_of(amounts) -> int:
    """Return the most decimals any of the amounts has (at least 1)."""
    most = 1
    for amount in amounts:
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > most:
            most = -exponent
            if most >= MAX_PLACES:
                break
    return most


def day_text(day: dt.date, locale: str) -> str:
    """Write a date as the page does: "18. januar 2023" / "18 January 2023"."""
    return format_day(day, locale)


def moment_text(moment: dt.datetime, timezone: str, locale: str) -> str:
    """Write a moment in the given time zone: "21. november 2025 kl. 14:03"."""
    return format_moment(moment, timezone, locale)


#: The document property "language" of a workbook in each language.
DOCUMENT_LANGUAGES = {"da": "da-DK", "en": "en-GB"}


def header_footer_text(text: str, limit: int) -> str:
    """Escape text for a print header or footer ("&" is a code there) and cut it to size."""
    text = " ".join(clean_text(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&&")


def setup_print(
    ws,
    *,
    header_left: str,
    header_right: str,
    footer_left: str,
    title_rows: str | None = None,
    print_area: str | None = None,
    locale: str = "da",
) -> None:
    """Print the sheet on A4 landscape, fitted to the page width, with header and footer."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    # Each part gets a share of Excel's 255-character limit for the whole header/footer.
    ws.oddHeader.left.text = header_footer_text(header_left, 150)
    ws.oddHeader.center.text = "&A"
    ws.oddHeader.right.text = header_footer_text(header_right, 60)
    ws.oddFooter.left.text = header_footer_text(footer_left, 150)
    ws.oddFooter.right.text = texts(locale).PRINT_FOOTER_RIGHT
    if title_rows:
        ws.print_title_rows = title_rows
    if print_area:
        ws.print_area = print_area


# A formula cell as openpyxl writes it: <c r="G5" s="3"><f>…</f><v></v></c> (or <v/>).
_FORMULA_CELL = re.compile(
    rb'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*)>(?P<f><f>[^<]*</f>)<v(?:/>|></v>)'
)


def cached_value_xml(sheet_xml: bytes, values: Mapping[str, Decimal | str | None]) -> bytes:
    """Put each formula's result into the sheet's XML as its cached value.

    openpyxl writes formulas without a result, so a reader that does not calculate (a
    preview pane, `data_only`) sees empty cells. The builder knows each result; a number
    goes in as <v>, a blank result ("") as an empty string (t="str").
    """

    def fill(match: re.Match[bytes]) -> bytes:
        key = match["ref"].decode()
        if key not in values:
            return match[0]
        value = values[key]
        attrs = match["attrs"]
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f").encode()
        else:
            attrs += b' t="str"'
            text = b""
        return b'<c r="' + match["ref"] + b'"' + attrs + b">" + match["f"] + b"<v>" + text + b"</v>"

    return _FORMULA_CELL.sub(fill, sheet_xml)


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip archive whose members all carry one given timestamp, for reproducible files;
    worksheets named in `cached` get their formulas' cached values on the way in."""

    def __init__(
        self,
        file,
        date_time: tuple[int, int, int, int, int, int],
        cached: Mapping[str, Mapping[str, Decimal | str | None]] | None = None,
    ):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = date_time
        self._cached = cached or {}

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        if arcname in self._cached:
            with open(filename, "rb") as source:
                content = cached_value_xml(source.read(), self._cached[arcname])
            self.writestr(arcname, content)
            return
        with open(filename, "rb") as source, self.open(self._info(arcname), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def save_workbook(
    wb: Workbook,
    when: dt.datetime,
    cached: Mapping[str, Mapping[str, Decimal | str | None]] | None = None,
) -> bytes:
    """Save the workbook to bytes with `when` as every timestamp, so equal input gives equal bytes.

    `Workbook.save` stamps the current time into the document properties and the zip, so this
    drives openpyxl's `ExcelWriter` with an archive whose timestamps are fixed instead.
    `cached` gives, by sheet title and cell address, the results of the sheet's formulas,
    written as their cached values (see `cached_value_xml`).
    """
    utc = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.created = utc
    wb.properties.modified = utc
    buffer = io.BytesIO()
    # ExcelWriter names the sheets' parts by their order (it sets each sheet's id so).
    by_part = {
        f"xl/worksheets/sheet{index}.xml": cached[ws.title]
        for index, ws in enumerate(wb.worksheets, start=1)
        if cached and ws.title in cached
    }
    # Zip timestamps start in 1980.
    archive = _FixedTimeZipFile(buffer, max(utc.timetuple()[:6], (1980, 1, 1, 0, 0, 0)), by_part)
    ExcelWriter(wb, archive).save()  # closes the archive
    return buffer.getvalue()
