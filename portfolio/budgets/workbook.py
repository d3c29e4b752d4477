"""Build a programme's budget workbook (.xlsx) from plain data; no database, no Flask.

Sheets: Budget (the approved table with live sums beside the printed totals), Prognose and
Forbrug (the same layout, and the import template), Afvigelse (variance formulas and the
estimate at completion), Versioner, Om, Risici and Gevinster. docs/excel.md describes the
layout and every formula.

Every formula is written with its result as the cell's cached value, computed here from the
same amounts the same way (`Cached`), so a preview pane or a reader that does not calculate
(Outlook, Quick Look, openpyxl's `data_only`) shows the numbers; Excel still recalculates on
opening.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from portfolio.budgets.excel_cells import (
    DOCUMENT_LANGUAGES,
    amount_format,
    day_text,
    moment_text,
    places_of,
    put_amount,
    put_formula,
    put_text,
    save_workbook,
    setup_print,
)
from portfolio.budgets.excel_texts import Texts, texts
from portfolio.budgets.workbook_data import (
    LASTING,
    TOTAL,
    Amounts,
    BudgetWorkbook,
    WorkbookRow,
)
from portfolio.core.i18n import format_mio

# Where the budget table sits on Budget, Prognose and Forbrug (the same on all three, so the
# variance formulas can refer to the same address on each sheet).
HEADER_ROW = 4
COL_POSITION = 1
COL_LABEL = 2
FIRST_YEAR_COL = 3
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd-mm-yyyy"

ONE_THOUSANDTH = Decimal("0.001")
ONE_TEN_THOUSANDTH = Decimal("0.0001")

#: A cell's computed value: an amount, "" (a formula's blank result) or None (empty).
Value = Decimal | str | None


def round3(value: Decimal) -> Decimal:
    """ROUND(value;3) as Excel does it (halves away from zero)."""
    return value.quantize(ONE_THOUSANDTH, rounding=ROUND_HALF_UP)


def as_number(value: Value) -> Decimal:
    """The value as arithmetic sees it: an empty cell (or "") counts as 0 in Excel's + and −."""
    return value if isinstance(value, Decimal) else Decimal(0)


def numbers(values: Iterable[Value]) -> list[Decimal]:
    """The values SUM and COUNT see: numbers only."""
    return [v for v in values if isinstance(v, Decimal)]


BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
HEADER_BORDER = Border(bottom=THIN)
TOTAL_BORDER = Border(top=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="bottom", horizontal="center")


def workbook_filename(slug: str, day: dt.date) -> str:
    """Return the download name of a programme's workbook: "<slug>-budget-<YYYY-MM-DD>.xlsx"."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "program"
    return f"{safe}-budget-{day.isoformat()}.xlsx"


def total_header(years, t: Texts) -> str:
    """Return the header of the row-total column: "I alt (2023–2026)"."""
    if len(years) == 1:
        return t.HEADER_TOTAL_ONE_YEAR % {"first": years[0]}
    return t.HEADER_TOTAL % {"first": years[0], "last": years[-1]}


@dataclass(frozen=True)
class TableLayout:
    """Where one budget table's cells are, as Excel addresses."""

    header_row: int
    first_row: int
    last_row: int
    total_row: int
    years: tuple[str, ...]
    row_of: dict[int, int]  # row position → sheet row

    @property
    def total_col(self) -> int:
        return FIRST_YEAR_COL + len(self.years)

    @property
    def lasting_col(self) -> int:
        return self.total_col + 1

    @property
    def printed_col(self) -> int:
        return self.total_col + 2

    @property
    def rounding_col(self) -> int:
        return self.total_col + 3

    def col(self, column: str) -> int:
        """Return the sheet column of a table column ("2023" …, "total", "varigt")."""
        if column == TOTAL:
            return self.total_col
        if column == LASTING:
            return self.lasting_col
        return FIRST_YEAR_COL + self.years.index(column)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.years, TOTAL, LASTING)

    @property
    def sheet_rows(self) -> range:
        """Return the data rows and the "I alt" row."""
        return range(self.first_row, self.total_row + 1)


def sheet_prefix(sheet: str) -> str:
    """Return "Sheet!" for a reference to another sheet, quoted when the name needs it."""
    # Most of our sheet names are plain words, which formulas need not quote (Prognose!C5).
    plain = re.fullmatch(r"[A-Za-zÆØÅæøå]+", sheet)
    return f"{sheet if plain else quote_sheetname(sheet)}!"


def ref(col: int, row: int, sheet: str | None = None) -> str:
    """Return an A1 reference, on another sheet when one is named."""
    address = f"{get_column_letter(col)}{row}"
    return f"{sheet_prefix(sheet)}{address}" if sheet else address


def span(col1: int, row1: int, col2: int, row2: int) -> str:
    return f"{ref(col1, row1)}:{ref(col2, row2)}"


class _Builder:
    """Writes the sheets of one programme's workbook."""

    def __init__(self, data: BudgetWorkbook):
        self.data = data
        self.locale = data.locale
        self.t = texts(data.locale)
        self.unit = self.t(data.unit)
        amounts = [
            amount
            for row in data.rows
            for source in (row.baseline, row.forecast, row.actual)
            for amount in source.values()
        ]
        amounts += [r.printed_total for r in data.rows if r.printed_total is not None]
        amounts += list(data.printed_column_totals.values())
        amounts += [a for v in data.versions for row in v.amounts.values() for a in row.values()]
        self.fmt = amount_format(places_of(amounts))
        self.wb = Workbook()
        # Every numeric cell's value by (sheet, row, column), and the formulas' results by
        # sheet and address for the saved file's cached values.
        self.grid: dict[tuple[str, int, int], Value] = {}
        self.cached: dict[str, dict[str, Value]] = {}
        self.header_left = data.programme_name
        self.header_right = self.t.PRINT_HEADER_RIGHT % {"number": data.baseline.number}
        self.footer_left = self.t.PRINT_FOOTER_LEFT % {
            "exported_at": self.moment(data.exported_at),
            "exported_by": data.exported_by,
        }
        self.label_width = min(max([len(r.label) for r in data.rows] + [24]) + 2, 60)

    def build(self) -> bytes:
        data = self.data
        budget = self.wb.active
        budget.title = self.t.SHEET_BUDGET
        layout = self.table_sheet(budget, self.t.TITLE_BUDGET, lambda r: r.baseline, entry=False)
        self.table_sheet(
            self.sheet(self.t.SHEET_FORECAST), self.t.TITLE_FORECAST, lambda r: r.forecast
        )
        self.table_sheet(self.sheet(self.t.SHEET_ACTUAL), self.t.TITLE_ACTUAL, lambda r: r.actual)
        self.variance_sheet(self.sheet(self.t.SHEET_VARIANCE), layout)
        self.versions_sheet(self.sheet(self.t.SHEET_VERSIONS))
        self.about_sheet(self.sheet(self.t.SHEET_ABOUT))
        self.risks_sheet(self.sheet(self.t.SHEET_RISKS))
        self.benefits_sheet(self.sheet(self.t.SHEET_BENEFITS))

        props = self.wb.properties
        props.title = self.t.DOCUMENT_TITLE % {"programme": data.programme_name}
        props.subject = self.t.DOCUMENT_SUBJECT % {"unit": self.unit}
        props.creator = "Styrbord"
        props.lastModifiedBy = "Styrbord"
        props.description = data.source_document
        props.language = DOCUMENT_LANGUAGES[self.locale]
        self.wb.calculation.fullCalcOnLoad = True  # Excel computes the formulas on opening
        return save_workbook(self.wb, data.exported_at, self.cached)

    def estimate_total(self) -> Decimal:
        """The programme's estimate at completion, as the app computed it per row and year."""
        return sum((a for r in self.data.rows for a in r.estimate.values()), Decimal(0))

    def day(self, day: dt.date) -> str:
        return day_text(day, self.locale)

    def moment(self, moment: dt.datetime) -> str:
        return moment_text(moment, self.data.timezone, self.locale)

    def sheet(self, title: str) -> Worksheet:
        return self.wb.create_sheet(title)

    # ---------------------------------------------------------------- cells and their values

    def amount(
        self, ws: Worksheet, row: int, col: int, value: Decimal | None, fmt: str | None = None
    ) -> Cell:
        """Write an amount and remember it for the formulas that use it."""
        self.grid[(ws.title, row, col)] = value
        return put_amount(ws.cell(row, col), value, fmt or self.fmt)

    def formula(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        formula: str,
        value: Value,
        fmt: str | None = None,
    ) -> Cell:
        """Write a formula with its result, which becomes the cell's cached value."""
        self.grid[(ws.title, row, col)] = value
        self.cached.setdefault(ws.title, {})[f"{get_column_letter(col)}{row}"] = value
        return put_formula(ws.cell(row, col), formula, fmt or self.fmt)

    def value(self, sheet: str, row: int, col: int) -> Value:
        return self.grid.get((sheet, row, col))

    # ---------------------------------------------------------------- shared pieces

    def title(self, ws: Worksheet, title: str, subtitle: str | None = None) -> None:
        put_text(ws.cell(1, 1), title).font = TITLE_FONT
        if subtitle:
            put_text(ws.cell(2, 1), subtitle)

    def header_cells(self, ws: Worksheet, row: int, headers: list[str], first_col: int = 1) -> None:
        for offset, header in enumerate(headers):
            cell = put_text(ws.cell(row, first_col + offset), header)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
            cell.alignment = HEADER_ALIGNMENT

    def table_headers(self, printed: bool) -> list[str]:
        headers = [self.t.HEADER_POSITION, self.t.HEADER_LABEL, *self.data.years]
        headers += [total_header(self.data.years, self.t), self.t.HEADER_LASTING]
        if printed:
            headers += [self.t.HEADER_PRINTED, self.t.HEADER_ROUNDING]
        return headers

    def set_table_widths(self, ws: Worksheet, layout: TableLayout, printed: bool) -> None:
        ws.column_dimensions["A"].width = 6
        ws.column_dimensions["B"].width = self.label_width
        for column in layout.years:
            ws.column_dimensions[get_column_letter(layout.col(column))].width = 10
        ws.column_dimensions[get_column_letter(layout.total_col)].width = 18
        ws.column_dimensions[get_column_letter(layout.lasting_col)].width = 10
        if printed:
            ws.column_dimensions[get_column_letter(layout.printed_col)].width = 26
            ws.column_dimensions[get_column_letter(layout.rounding_col)].width = 22

    def notes(self, ws: Worksheet, row: int, last_col: int, texts: list[str]) -> int:
        """Write notes under a table, each across the table's width; return the last row."""
        put_text(ws.cell(row, 1), self.t.NOTES).font = BOLD
        width = sum(
            (ws.column_dimensions[get_column_letter(c)].width or 9) for c in range(1, 1 + last_col)
        )
        for text in texts:
            row += 1
            put_text(ws.cell(row, 1), text).alignment = WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
            # Neither Excel nor LibreOffice sizes a merged row to its text, so estimate it.
            lines = sum(math.ceil(max(len(part), 1) / (width * 1.1)) for part in text.split("\n"))
            ws.row_dimensions[row].height = 15 * max(lines, 1)
        return row

    def amount_rows(
        self,
        ws: Worksheet,
        header_row: int,
        amounts_of: Callable[[WorkbookRow], Amounts],
        *,
        entry: bool,
        printed: bool = False,
    ) -> TableLayout:
        """Write a budget table (header, rows, "I alt" row) and return where it is."""
        data = self.data
        self.header_cells(ws, header_row, self.table_headers(printed))
        first = header_row + 1
        row_of = {r.position: first + i for i, r in enumerate(data.rows)}
        layout = TableLayout(
            header_row=header_row,
            first_row=first,
            last_row=first + len(data.rows) - 1,
            total_row=first + len(data.rows),
            years=tuple(data.years),
            row_of=row_of,
        )
        first_year, last_year = FIRST_YEAR_COL, layout.total_col - 1
        sheet = ws.title
        for row in data.rows:
            r = row_of[row.position]
            ws.cell(r, COL_POSITION, row.position)
            put_text(ws.cell(r, COL_LABEL), row.label)
            amounts = amounts_of(row)
            for period in data.periods:
                self.amount(ws, r, layout.col(period), amounts.get(period))
            years = span(first_year, r, last_year, r)
            present = [amounts[y] for y in data.years if y in amounts]
            row_total = sum_value(present, entry)
            cell = self.formula(ws, r, layout.total_col, sum_formula(years, entry), row_total)
            cell.fill = COMPUTED_FILL
            if printed and row.printed_total is not None:
                self.amount(ws, r, layout.printed_col, row.printed_total)
                difference = f"=ROUND({ref(layout.printed_col, r)}-{ref(layout.total_col, r)},3)"
                rounding = round3(row.printed_total - as_number(row_total))
                self.formula(ws, r, layout.rounding_col, difference, rounding).fill = COMPUTED_FILL

        total = layout.total_row
        put_text(ws.cell(total, COL_LABEL), self.t.ROW_TOTAL).font = BOLD
        rows = range(layout.first_row, layout.last_row + 1)
        for column in layout.columns:
            c = layout.col(column)
            down = span(c, layout.first_row, c, layout.last_row)
            below = numbers(self.value(sheet, r, c) for r in rows)
            if column == TOTAL and entry:
                # Blank when no year has a figure, like the cells it sums.
                whole = span(first_year, layout.first_row, last_year, layout.last_row)
                formula = f'=IF(COUNT({whole})=0,"",ROUND(SUM({down}),3))'
                any_year = numbers(
                    self.value(sheet, r, y) for r in rows for y in range(first_year, last_year + 1)
                )
                result: Value = round3(sum(below, Decimal(0))) if any_year else ""
            else:
                formula = sum_formula(down, entry)
                result = sum_value(below, entry)
            cell = self.formula(ws, total, c, formula, result)
            cell.font = BOLD
            cell.fill = COMPUTED_FILL
        last_col = layout.rounding_col if printed else layout.lasting_col
        for c in range(1, last_col + 1):
            ws.cell(total, c).border = TOTAL_BORDER
        return layout

    # ---------------------------------------------------------------- Budget, Prognose, Forbrug

    def table_sheet(
        self,
        ws: Worksheet,
        title: str,
        amounts_of: Callable[[WorkbookRow], Amounts],
        *,
        entry: bool = True,
    ) -> TableLayout:
        data = self.data
        baseline = data.baseline
        if entry:
            subtitle = self.t.SUBTITLE_ENTRY % {"unit": self.unit}
        else:
            subtitle = self.t.SUBTITLE_BASELINE % {
                "number": baseline.number,
                "approved_on": self.day(baseline.approved_on),
                "approved_by": baseline.approved_by,
                "unit": self.unit,
            }
        self.title(ws, title % {"programme": data.programme_name}, subtitle)
        printed = not entry
        layout = self.amount_rows(ws, HEADER_ROW, amounts_of, entry=entry, printed=printed)
        self.set_table_widths(ws, layout, printed)
        last_col = layout.rounding_col if printed else layout.lasting_col
        row = layout.total_row

        if printed:
            printed_row, rounding_row = row + 1, row + 2
            put_text(ws.cell(printed_row, COL_LABEL), self.t.ROW_PRINTED)
            put_text(ws.cell(rounding_row, COL_LABEL), self.t.ROW_ROUNDING)
            for column in layout.columns:
                value = data.printed_column_totals.get(column)
                if value is None:
                    continue
                c = layout.col(column)
                self.amount(ws, printed_row, c, value)
                difference = f"=ROUND({ref(c, printed_row)}-{ref(c, row)},3)"
                rounding = round3(value - as_number(self.value(ws.title, row, c)))
                self.formula(ws, rounding_row, c, difference, rounding).fill = COMPUTED_FILL
            row = rounding_row

        texts = (
            [self.t.NOTE_ROUNDING, self.t.NOTE_FORMULAS]
            if printed
            else [self.t.NOTE_ENTRY % {"unit": self.unit}]
        )
        texts += [
            self.t.NOTE_ROW % {"position": r.position, "note": r.note} for r in data.rows if r.note
        ]
        if printed and data.budget_note:
            texts.append(data.budget_note)
        last_row = self.notes(ws, row + 2, last_col, texts)

        ws.freeze_panes = ref(FIRST_YEAR_COL, layout.first_row)
        self.print_setup(ws, last_col, last_row, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
        return layout

    def print_setup(
        self, ws: Worksheet, last_col: int, last_row: int, title_rows: str | None = None
    ) -> None:
        setup_print(
            ws,
            header_left=self.header_left,
            header_right=self.header_right,
            footer_left=self.footer_left,
            title_rows=title_rows,
            print_area=span(1, 1, last_col, last_row),
            locale=self.locale,
        )

    # ---------------------------------------------------------------- Afvigelse

    def variance_sheet(self, ws: Worksheet, source: TableLayout) -> None:
        """Write forecast − baseline and actual − baseline, in mio. kr. and in per cent, then
        the estimate at completion and its difference from the baseline."""
        data = self.data
        self.title(ws, self.t.TITLE_VARIANCE % {"programme": data.programme_name}, None)
        row = 3
        blocks = (
            (self.t.SHEET_FORECAST, self.t.BLOCK_FORECAST_AMOUNT, self.t.BLOCK_FORECAST_PERCENT),
            (self.t.SHEET_ACTUAL, self.t.BLOCK_ACTUAL_AMOUNT, self.t.BLOCK_ACTUAL_PERCENT),
        )
        for sheet, amount_title, percent_title in blocks:
            amount_at = self.variance_block(ws, row, amount_title, source, sheet, None)
            row = amount_at.total_row + 2
            percent_at = self.variance_block(ws, row, percent_title, source, sheet, amount_at)
            row = percent_at.total_row + 2
        estimate_at = self.estimate_block(ws, row, source)
        row = self.estimate_variance_block(ws, estimate_at.total_row + 2, source, estimate_at)
        self.set_table_widths(ws, source, printed=False)
        closed = ", ".join(sorted(data.closed_years)) or "–"
        texts = [self.t.NOTE_VARIANCE, self.t.NOTE_ESTIMATE % {"closed": closed}]
        last_row = self.notes(ws, row + 2, source.lasting_col, texts)
        ws.freeze_panes = ref(FIRST_YEAR_COL, 3)
        self.print_setup(ws, source.lasting_col, last_row)

    def block_layout(self, ws: Worksheet, row: int, title: str, source: TableLayout) -> TableLayout:
        """Write a block's title, header, row numbers and labels in the table's layout."""
        put_text(ws.cell(row, 1), title % {"unit": self.unit}).font = BOLD
        header_row = row + 1
        self.header_cells(ws, header_row, self.table_headers(printed=False))
        shift = header_row - source.header_row
        layout = TableLayout(
            header_row=header_row,
            first_row=source.first_row + shift,
            last_row=source.last_row + shift,
            total_row=source.total_row + shift,
            years=source.years,
            row_of={p: r + shift for p, r in source.row_of.items()},
        )
        for r in self.data.rows:
            ws.cell(layout.row_of[r.position], COL_POSITION, r.position)
            put_text(ws.cell(layout.row_of[r.position], COL_LABEL), r.label)
        put_text(ws.cell(layout.total_row, COL_LABEL), self.t.ROW_TOTAL).font = BOLD
        for c in range(1, layout.lasting_col + 1):
            ws.cell(layout.total_row, c).border = TOTAL_BORDER
        return layout

    def variance_block(
        self,
        ws: Worksheet,
        row: int,
        title: str,
        source: TableLayout,
        sheet: str,
        amounts: TableLayout | None,
    ) -> TableLayout:
        """Write one variance block; with `amounts` given, the per cent of those amounts.

        Like with like, as on the budget page: a cell compares one row's forecast (or actual
        spend) with its budget for the same period; the "I alt" column is left empty (three
        years of actual spend against four years of budget would say nothing), and the
        "I alt" row adds up only the rows that have a figure, against their budget.
        """
        layout = self.block_layout(ws, row, title, source)
        budget = self.t.SHEET_BUDGET
        for column in (*source.years, LASTING):
            c = source.col(column)
            for source_row in range(source.first_row, source.last_row + 1):
                r = source_row - source.first_row + layout.first_row
                base = ref(c, source_row, budget)
                base_value = self.value(budget, source_row, c)
                if amounts is None:
                    other = ref(c, source_row, sheet)
                    other_value = self.value(sheet, source_row, c)
                    formula = f'=IF({other}="","",ROUND({other}-{base},3))'
                    result: Value = (
                        ""
                        if other_value in (None, "")
                        else round3(as_number(other_value) - as_number(base_value))
                    )
                    self.formula(ws, r, c, formula, result)
                else:
                    mine_row = r - layout.first_row + amounts.first_row
                    mine = ref(c, mine_row)
                    mine_value = self.value(ws.title, mine_row, c)
                    formula = f'=IF(OR({mine}="",{base}=0),"",ROUND({mine}/{base},4))'
                    result = percent_value(mine_value, base_value)
                    self.formula(ws, r, c, formula, result, PERCENT_FORMAT)
            total_cell = self.variance_total(ws, layout, source, c, sheet, amounts)
            total_cell.font = BOLD
        return layout

    def variance_total(
        self,
        ws: Worksheet,
        layout: TableLayout,
        source: TableLayout,
        c: int,
        sheet: str,
        amounts: TableLayout | None,
    ) -> Cell:
        """Write the "I alt" row's cell of a variance column: the rows with a figure only."""
        down = span(c, layout.first_row, c, layout.last_row)
        rows = range(layout.first_row, layout.last_row + 1)
        if amounts is None:
            values = numbers(self.value(ws.title, r, c) for r in rows)
            formula = sum_formula(down, blank_if_empty=True)
            return self.formula(ws, layout.total_row, c, formula, sum_value(values, True))
        # The per cent of the budget of those same rows: SUMPRODUCT picks the rows whose
        # forecast (or actual) cell is filled.
        cells = span(c, source.first_row, c, source.last_row)
        filled = f"{sheet_prefix(sheet)}{cells}"
        base = f'SUMPRODUCT(({filled}<>"")*{sheet_prefix(self.t.SHEET_BUDGET)}{cells})'
        mine_row = amounts.total_row
        mine = ref(c, mine_row)
        formula = f'=IF(OR({mine}="",{base}=0),"",ROUND({mine}/{base},4))'
        base_value = sum(
            (
                as_number(self.value(self.t.SHEET_BUDGET, r, c))
                for r in range(source.first_row, source.last_row + 1)
                if self.value(sheet, r, c) not in (None, "")
            ),
            Decimal(0),
        )
        result = percent_value(self.value(ws.title, mine_row, c), base_value)
        return self.formula(ws, layout.total_row, c, formula, result, PERCENT_FORMAT)

    def estimate_block(self, ws: Worksheet, row: int, source: TableLayout) -> TableLayout:
        """Write each row's estimate at completion by year (as the app computes it) and sums."""
        layout = self.block_layout(ws, row, self.t.BLOCK_ESTIMATE, source)
        first_year, last_year = FIRST_YEAR_COL, source.total_col - 1
        for data_row in self.data.rows:
            r = layout.row_of[data_row.position]
            for year in source.years:
                self.amount(ws, r, source.col(year), data_row.estimate.get(year))
            present = [data_row.estimate[y] for y in source.years if y in data_row.estimate]
            years = span(first_year, r, last_year, r)
            self.formula(
                ws, r, layout.total_col, sum_formula(years, False), sum_value(present, False)
            ).fill = COMPUTED_FILL
        rows = range(layout.first_row, layout.last_row + 1)
        for c in range(first_year, layout.total_col + 1):
            down = span(c, layout.first_row, c, layout.last_row)
            values = numbers(self.value(ws.title, r, c) for r in rows)
            cell = self.formula(
                ws, layout.total_row, c, sum_formula(down, False), sum_value(values, False)
            )
            cell.font = BOLD
            cell.fill = COMPUTED_FILL
        return layout

    def estimate_variance_block(
        self, ws: Worksheet, row: int, source: TableLayout, estimate: TableLayout
    ) -> int:
        """Write the estimate at completion minus the budget, every year and the total (all
        years on both sides, so the total compares like with like); return the last row."""
        layout = self.block_layout(ws, row, self.t.BLOCK_ESTIMATE_VARIANCE, source)
        budget = self.t.SHEET_BUDGET
        for source_row in source.sheet_rows:
            shift = source_row - source.first_row
            r, e = layout.first_row + shift, estimate.first_row + shift
            for c in range(FIRST_YEAR_COL, source.total_col + 1):
                formula = f"=ROUND({ref(c, e)}-{ref(c, source_row, budget)},3)"
                estimate_value = as_number(self.value(ws.title, e, c))
                result = round3(estimate_value - as_number(self.value(budget, source_row, c)))
                cell = self.formula(ws, r, c, formula, result)
                if source_row == source.total_row:
                    cell.font = BOLD
        return layout.total_row

    # ---------------------------------------------------------------- Versioner

    def versions_sheet(self, ws: Worksheet) -> None:
        data = self.data
        self.title(ws, self.t.TITLE_VERSIONS % {"programme": data.programme_name}, None)
        overview_headers = [
            self.t.HEADER_VERSION,
            self.t.HEADER_APPROVED_ON,
            self.t.HEADER_APPROVED_BY,
            self.t.HEADER_DOCUMENT,
            self.t.HEADER_REASON,
            self.t.HEADER_DECISION,
            total_header(data.years, self.t),
            self.t.HEADER_LASTING,
        ]
        self.header_cells(ws, 3, overview_headers)
        row = 4 + len(data.versions) + 1
        previous: tuple[int, TableLayout] | None = None
        layout: TableLayout | None = None
        for index, version in enumerate(data.versions):
            put_text(
                ws.cell(row, 1),
                self.t.BLOCK_VERSION
                % {
                    "number": version.number,
                    "approved_on": self.day(version.approved_on),
                    "approved_by": version.approved_by,
                },
            ).font = BOLD
            layout = self.amount_rows(
                ws,
                row + 1,
                lambda r, v=version: v.amounts.get(r.position, {}),
                entry=False,
            )
            overview = 4 + index
            ws.cell(overview, 1, version.number)
            ws.cell(overview, 2, version.approved_on).number_format = DATE_FORMAT
            put_text(ws.cell(overview, 3), version.approved_by).alignment = WRAP
            put_text(ws.cell(overview, 4), version.document).alignment = WRAP
            put_text(ws.cell(overview, 5), version.reason).alignment = WRAP
            put_text(ws.cell(overview, 6), version.decision).alignment = WRAP
            for offset, column in ((7, TOTAL), (8, LASTING)):
                c = layout.col(column)
                total_ref = "=" + ref(c, layout.total_row)
                self.formula(
                    ws, overview, offset, total_ref, self.value(ws.title, layout.total_row, c)
                )
            row = layout.total_row + 2
            if previous is not None:
                row = self.version_change(ws, row, previous, (version.number, layout))
            previous = (version.number, layout)
        assert layout is not None  # BudgetWorkbook requires at least the baseline version
        self.set_table_widths(ws, layout, printed=False)
        for col, width in ((3, 30), (4, 24), (5, 40), (6, 40)):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width, width)
        last_row = self.notes(ws, row, max(layout.lasting_col, 8), [self.t.NOTE_VERSIONS])
        ws.freeze_panes = "A4"
        self.print_setup(ws, max(layout.lasting_col, 8), last_row, title_rows="3:3")

    def version_change(
        self,
        ws: Worksheet,
        row: int,
        previous: tuple[int, TableLayout],
        current: tuple[int, TableLayout],
    ) -> int:
        """Write the change from the previous version's table to the current one's."""
        (old_number, old), (number, new) = previous, current
        put_text(
            ws.cell(row, 1),
            self.t.BLOCK_VERSION_CHANGE % {"previous": old_number, "number": number},
        ).font = BOLD
        header_row = row + 1
        self.header_cells(ws, header_row, self.table_headers(printed=False))
        shift = header_row - new.header_row
        for r in self.data.rows:
            here = new.row_of[r.position] + shift
            ws.cell(here, COL_POSITION, r.position)
            put_text(ws.cell(here, COL_LABEL), r.label)
        put_text(ws.cell(new.total_row + shift, COL_LABEL), self.t.ROW_TOTAL).font = BOLD
        for new_row, old_row in zip(new.sheet_rows, old.sheet_rows, strict=True):
            for column in new.columns:
                c = new.col(column)
                formula = f"=ROUND({ref(c, new_row)}-{ref(c, old_row)},3)"
                change = round3(
                    as_number(self.value(ws.title, new_row, c))
                    - as_number(self.value(ws.title, old_row, c))
                )
                self.formula(ws, new_row + shift, c, formula, change)
        for c in range(1, new.lasting_col + 1):
            ws.cell(new.total_row + shift, c).border = TOTAL_BORDER
        return new.total_row + shift + 2

    # ---------------------------------------------------------------- Om

    def about_sheet(self, ws: Worksheet) -> None:
        data = self.data
        baseline = data.baseline
        self.title(ws, self.t.TITLE_ABOUT, None)
        pairs = [
            (self.t.ABOUT_PROGRAMME, data.programme_name),
            (self.t.ABOUT_SHORT_NAME, data.programme_short_name),
            (self.t.ABOUT_SLUG, data.programme_slug),
            (
                self.t.ABOUT_BASELINE,
                self.t.ABOUT_BASELINE_VALUE
                % {
                    "number": baseline.number,
                    "approved_on": self.day(baseline.approved_on),
                    "approved_by": baseline.approved_by,
                },
            ),
            (self.t.ABOUT_BASELINE_DOCUMENT, baseline.document),
            (self.t.ABOUT_SOURCE, data.source_document),
            (self.t.ABOUT_UNIT, self.unit),
            (self.t.ABOUT_EXPORTED_AT, self.moment(data.exported_at)),
            (self.t.ABOUT_EXPORTED_BY, data.exported_by),
            (self.t.ABOUT_ROUNDING, self.t.NOTE_ROUNDING),
            (self.t.ABOUT_FORMULAS, self.t.ABOUT_FORMULAS_TEXT),
            (self.t.ABOUT_IMPORT, self.t.NOTE_ENTRY % {"unit": self.unit}),
            (self.t.ABOUT_ESTIMATE, format_mio(self.estimate_total(), self.locale)),
        ]
        if data.budget_note:
            pairs.append((self.t.ABOUT_BUDGET_NOTE, data.budget_note))
        about_pairs(ws, 3, pairs)
        self.print_setup(ws, 2, 3 + len(pairs) - 1)

    # ---------------------------------------------------------------- registers

    def register(
        self,
        ws: Worksheet,
        title: str,
        headers: list[str],
        widths: Sequence[int],
        rows: Sequence[Sequence[str | int | None]],
        empty_text: str,
    ) -> None:
        self.title(ws, title % {"programme": self.data.programme_name}, None)
        self.header_cells(ws, 3, headers)
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        row = 3
        for row, values in enumerate(rows, start=4):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row, col)
                if isinstance(value, int):
                    cell.value = value
                else:
                    put_text(cell, value)
                cell.alignment = WRAP
        if row == 3:
            row = 4
            put_text(ws.cell(row, 1), empty_text)
        else:
            ws.auto_filter.ref = span(1, 3, len(headers), row)
        ws.freeze_panes = "A4"
        self.print_setup(ws, len(headers), row, title_rows="3:3")

    def risks_sheet(self, ws: Worksheet) -> None:
        headers = [
            self.t.HEADER_CODE,
            self.t.HEADER_TITLE,
            self.t.HEADER_DESCRIPTION,
            self.t.HEADER_CONSEQUENCE_TEXT,
            self.t.HEADER_PROBABILITY,
            self.t.HEADER_CONSEQUENCE,
            self.t.HEADER_SCORE,
            self.t.HEADER_OWNER,
            self.t.HEADER_STATUS,
            self.t.HEADER_TRACK,
        ]
        rows = [
            (
                r.code,
                r.title,
                r.description,
                r.consequence_text,
                r.probability,
                r.consequence,
                r.score,
                r.owner,
                r.status,
                r.track,
            )
            for r in self.data.risks
        ]
        widths = (8, 30, 60, 30, 14, 12, 8, 20, 12, 30)
        self.register(ws, self.t.TITLE_RISKS, headers, widths, rows, self.t.NO_RISKS)

    def benefits_sheet(self, ws: Worksheet) -> None:
        headers = [
            self.t.HEADER_CODE,
            self.t.HEADER_NAME,
            self.t.HEADER_TYPES,
            self.t.HEADER_DESCRIPTION,
            self.t.HEADER_RECIPIENTS,
            self.t.HEADER_BENEFIT_OWNER,
        ]
        rows = [
            (b.code, b.name, ", ".join(b.types), b.description, ", ".join(b.recipients), b.owner)
            for b in self.data.benefits
        ]
        widths = (8, 30, 26, 70, 30, 20)
        self.register(ws, self.t.TITLE_BENEFITS, headers, widths, rows, self.t.NO_BENEFITS)


def percent_value(part: Value, whole: Value) -> Value:
    """The result of IF(OR(part="",whole=0),"",ROUND(part/whole,4))."""
    if part in (None, "") or as_number(whole) == 0:
        return ""
    return (as_number(part) / as_number(whole)).quantize(ONE_TEN_THOUSANDTH, rounding=ROUND_HALF_UP)


def sum_value(values: list[Decimal], blank_if_empty: bool) -> Value:
    """The result of `sum_formula` over these numbers."""
    if blank_if_empty and not values:
        return ""
    return round3(sum(values, Decimal(0)))


def sum_formula(cells: str, blank_if_empty: bool) -> str:
    """Return the sum of a range rounded to 3 places; optionally blank when nothing is there."""
    if blank_if_empty:
        return f'=IF(COUNT({cells})=0,"",ROUND(SUM({cells}),3))'
    return f"=ROUND(SUM({cells}),3)"


def about_pairs(ws: Worksheet, row: int, pairs: list[tuple[str, str]]) -> None:
    """Write label/value pairs in columns A and B."""
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    for offset, (label, value) in enumerate(pairs):
        put_text(ws.cell(row + offset, 1), label).font = BOLD
        ws.cell(row + offset, 1).alignment = WRAP
        put_text(ws.cell(row + offset, 2), value).alignment = WRAP


def build_budget_workbook(data: BudgetWorkbook) -> bytes:
    """Build the programme's budget workbook and return the .xlsx file's bytes."""
    return _Builder(data).build()
