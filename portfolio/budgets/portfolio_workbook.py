"""Build one workbook with the budgets of many programmes (the portfolio view).

The portfolio workbook is made of long, flat tables rather than a sheet per programme:
"Budget", "Prognose" and "Forbrug" each hold one row per budget row per programme, with the
programme in the first columns and one column per year of all programmes together. Finance
staff filter, sort and pivot such tables directly; 200 programmes stay 5 sheets instead of
200 (or 1 400) tabs with 31-character names; and the formulas follow one pattern. The
"Oversigt" sheet totals each programme with SUMIFS on the programme id, so it stays right
when the long sheets are sorted or filtered. Each programme's own workbook remains the place
for the cell-by-cell variance, the versions and the registers.

The sheets are streamed with openpyxl's write-only mode, so memory stays flat in the number
of programmes. Every formula is saved with its result as the cached value (computed here
from the same amounts), so preview panes show the numbers; Excel recalculates on opening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from portfolio.budgets.excel_cells import (
    DOCUMENT_LANGUAGES,
    amount_format,
    moment_text,
    places_of,
    put_formula,
    put_text,
    save_workbook,
    setup_print,
    text_value,
    to_number,
)
from portfolio.budgets.excel_texts import Texts, texts
from portfolio.budgets.workbook import (
    BOLD,
    COMPUTED_FILL,
    DATE_FORMAT,
    HEADER_ALIGNMENT,
    HEADER_BORDER,
    HEADER_FILL,
    TITLE_FONT,
    WRAP,
    Value,
    as_number,
    numbers,
    round3,
    sum_value,
)
from portfolio.budgets.workbook_data import LASTING, Amounts, BudgetWorkbook, WorkbookRow


def lead_headers(t: Texts) -> tuple[str, ...]:
    """Return the headers of the long sheets' columns before the years."""
    return (
        t.HEADER_PROGRAMME_ID,
        t.HEADER_PROGRAMME,
        t.HEADER_POSITION,
        t.HEADER_LABEL,
        t.HEADER_TRACK,
    )


LEAD_COLUMNS = 5
LEAD_WIDTHS = (16, 14, 6, 44, 6)
OVERVIEW_HEADER_ROW = 4


def build_portfolio_workbook(
    programmes: Sequence[BudgetWorkbook],
    *,
    exported_at: dt.datetime,
    exported_by: str,
    timezone: str = "Europe/Copenhagen",
    locale: str = "da",
) -> bytes:
    """Build the portfolio workbook of the given programmes and return the .xlsx bytes."""
    if exported_at.tzinfo is None or exported_at.utcoffset() is None:
        raise ValueError("exported_at must be timezone-aware")
    slugs = [p.programme_slug for p in programmes]
    if len(set(slugs)) != len(slugs):
        raise ValueError("programme slugs must be distinct")
    return _PortfolioBuilder(programmes, exported_at, exported_by, timezone, locale).build()


def difference_value(value: Value, budget: Value) -> Value:
    """The result of IF(value="","",ROUND(value-budget,3))."""
    return "" if value in (None, "") else round3(as_number(value) - as_number(budget))


def programme_sums(programme: BudgetWorkbook) -> tuple[Value, ...]:
    """Return the overview's figures for one programme: budget total, lasting, forecast
    total, actual total (blank without any figure), the estimate at completion as the app
    computes it (`RowFigures.estimate`, blank without one) and the estimate minus budget.

    The estimate is the only figure set against the whole budget: a forecast or actual
    total may cover only some of the years, so neither is compared with all of them.
    """
    years = programme.years

    def row_totals(kind: str, blank: bool) -> list[Value]:
        return [
            sum_value([getattr(r, kind)[y] for y in years if y in getattr(r, kind)], blank)
            for r in programme.rows
        ]

    budget = sum_value(numbers(row_totals("baseline", False)), False)
    lasting = round3(sum((r.baseline.get(LASTING, Decimal(0)) for r in programme.rows), Decimal(0)))
    forecast, actual, estimate = (
        sum_value(numbers(row_totals(kind, True)), True)
        for kind in ("forecast", "actual", "estimate")
    )
    return (budget, lasting, forecast, actual, estimate, difference_value(estimate, budget))


class _PortfolioBuilder:
    def __init__(self, programmes, exported_at, exported_by, timezone, locale):
        self.locale = locale
        self.t = texts(locale)
        self.unit = self.t("mio. kr.")
        self.programmes = list(programmes)
        self.exported_at = exported_at
        self.exported_by = exported_by
        self.timezone = timezone
        self.years = sorted({year for p in self.programmes for year in p.years})
        self.row_count = sum(len(p.rows) for p in self.programmes)
        self.last_row = max(self.row_count + 1, 2)  # data rows are 2 … last_row
        first_year = LEAD_COLUMNS + 1
        self.year_col = {year: first_year + i for i, year in enumerate(self.years)}
        self.total_col = first_year + len(self.years)
        self.lasting_col = self.total_col + 1
        self.printed_col = self.total_col + 2
        self.rounding_col = self.total_col + 3
        self.fmt = amount_format(
            places_of(
                a
                for p in self.programmes
                for r in p.rows
                for source in (r.baseline, r.forecast, r.actual)
                for a in source.values()
            )
        )
        self.wb = Workbook(write_only=True)
        # The formulas' results by sheet and address, saved as their cached values.
        self.cached: dict[str, dict[str, Value]] = {}
        moment = moment_text(exported_at, timezone, locale)
        self.print_texts = {
            "header_left": self.t.PRINT_PORTFOLIO_HEADER,
            "header_right": "",
            "footer_left": self.t.PRINT_FOOTER_LEFT
            % {"exported_at": moment, "exported_by": exported_by},
            "locale": locale,
        }

    def build(self) -> bytes:
        self.overview()
        self.years_sheet()
        self.long_sheet(self.t.SHEET_BUDGET, lambda r: r.baseline, printed=True)
        self.long_sheet(self.t.SHEET_FORECAST, lambda r: r.forecast, printed=False)
        self.long_sheet(self.t.SHEET_ACTUAL, lambda r: r.actual, printed=False)
        self.about()
        props = self.wb.properties
        props.title = self.t.DOCUMENT_PORTFOLIO_TITLE
        props.creator = "Styrbord"
        props.lastModifiedBy = "Styrbord"
        props.language = DOCUMENT_LANGUAGES[self.locale]
        self.wb.calculation.fullCalcOnLoad = True
        return save_workbook(self.wb, self.exported_at, self.cached)

    # ---------------------------------------------------------------- cells

    def text(
        self,
        ws: WriteOnlyWorksheet,
        value: str | None,
        *,
        bold: bool = False,
        header: bool = False,
        wrap: bool = False,
    ) -> Cell:
        cell = put_text(WriteOnlyCell(ws), value)
        if header:
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
            cell.alignment = HEADER_ALIGNMENT
        elif bold:
            cell.font = BOLD
        if wrap:
            cell.alignment = WRAP
        return cell

    def formula(
        self,
        ws: WriteOnlyWorksheet,
        formula: str,
        number_format: str | None = None,
        computed: bool = True,
    ) -> Cell:
        cell = put_formula(WriteOnlyCell(ws), formula, number_format or self.fmt)
        if computed:
            cell.fill = COMPUTED_FILL
        return cell

    def amount(self, ws: WriteOnlyWorksheet, value: Value) -> Cell:
        """A figure the app computed (blank for none), marked as computed like a formula."""
        cell = WriteOnlyCell(ws, value if isinstance(value, Decimal) else None)
        cell.number_format = self.fmt
        cell.fill = COMPUTED_FILL
        return cell

    def column(self, sheet: str, col: int) -> str:
        """Return the absolute range of one column of a long sheet's data rows."""
        letter = get_column_letter(col)
        return f"{sheet}!${letter}$2:${letter}${self.last_row}"

    # ---------------------------------------------------------------- sheets

    def long_sheet(self, title: str, amounts_of: Callable[[WorkbookRow], Amounts], printed):
        ws = self.wb.create_sheet(title)
        last_col = self.rounding_col if printed else self.lasting_col
        widths = [*LEAD_WIDTHS, *([9] * len(self.years)), 12, 9]
        if printed:
            widths += [16, 16]
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"{get_column_letter(LEAD_COLUMNS + 1)}2"
        ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{self.last_row}"
        setup_print(
            ws,
            **self.print_texts,
            title_rows="1:1",
            print_area=f"A1:{get_column_letter(last_col)}{self.last_row}",
        )
        headers = [*lead_headers(self.t), *self.years, self.t.ROW_TOTAL, self.t.HEADER_LASTING]
        if printed:
            headers += [self.t.HEADER_PRINTED, self.t.HEADER_ROUNDING]
        ws.append([self.text(ws, h, header=True) for h in headers])

        first_year = get_column_letter(LEAD_COLUMNS + 1)
        last_year = get_column_letter(self.total_col - 1)
        total_letter = get_column_letter(self.total_col)
        printed_letter = get_column_letter(self.printed_col)
        # The amounts go in as plain numbers in Excel's General format, which shows every
        # decimal there is (2,9 / 3 / 0,125). Giving 66 000 cells a style of their own
        # would double the time (openpyxl styles cell by cell), and these sheets are data
        # for filters and pivot tables. The two formula cells per row are made once and
        # refilled: a write-only sheet writes each appended row at once.
        total = self.formula(ws, "=0", "General")
        rounding = self.formula(ws, "=0", "General")
        cached = self.cached.setdefault(title, {})
        row_number = 1
        for programme in self.programmes:
            slug = text_value(ws, programme.programme_slug)
            short = text_value(ws, programme.programme_short_name)
            for row in programme.rows:
                row_number += 1
                amounts = amounts_of(row)
                cells = [slug, short, row.position, text_value(ws, row.label), row.track_number]
                cells += [to_number(amounts.get(year)) for year in self.years]
                span = f"{first_year}{row_number}:{last_year}{row_number}"
                if printed:
                    total.value = f"=ROUND(SUM({span}),3)"
                else:
                    total.value = f'=IF(COUNT({span})=0,"",ROUND(SUM({span}),3))'
                present = [amounts[y] for y in self.years if y in amounts]
                row_total = sum_value(present, blank_if_empty=not printed)
                cached[f"{total_letter}{row_number}"] = row_total
                cells.append(total)
                cells.append(to_number(amounts.get(LASTING)))
                if printed and row.printed_total is not None:
                    cells.append(to_number(row.printed_total))
                    rounding.value = (
                        f"=ROUND({printed_letter}{row_number}-{total_letter}{row_number},3)"
                    )
                    difference = round3(row.printed_total - as_number(row_total))
                    cached[f"{get_column_letter(self.rounding_col)}{row_number}"] = difference
                    cells.append(rounding)
                ws.append(cells)

    def overview(self) -> None:
        ws = self.wb.create_sheet(self.t.SHEET_OVERVIEW)
        headers = [
            self.t.HEADER_PROGRAMME_ID,
            self.t.HEADER_PROGRAMME,
            self.t.HEADER_NAME,
            self.t.HEADER_BASELINE_NUMBER,
            self.t.HEADER_APPROVED_ON,
            self.t.HEADER_BUDGET_TOTAL,
            self.t.HEADER_LASTING_TOTAL,
            self.t.HEADER_FORECAST_TOTAL,
            self.t.HEADER_ACTUAL_TOTAL,
            self.t.HEADER_ESTIMATE_TOTAL,
            self.t.HEADER_ESTIMATE_VARIANCE,
        ]
        for col, width in enumerate((16, 14, 44, 12, 12, 14, 14, 14, 14, 16, 16), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        first = OVERVIEW_HEADER_ROW + 1
        last = OVERVIEW_HEADER_ROW + len(self.programmes)
        total_row = last + 1
        ws.freeze_panes = f"C{first}"
        setup_print(
            ws,
            **self.print_texts,
            title_rows=f"{OVERVIEW_HEADER_ROW}:{OVERVIEW_HEADER_ROW}",
            print_area=f"A1:K{total_row}",
        )
        moment = moment_text(self.exported_at, self.timezone, self.locale)
        ws.append([self.title_cell(ws, self.t.TITLE_OVERVIEW)])
        ws.append([self.text(ws, self.t.SUBTITLE_PORTFOLIO % {"unit": self.unit})])
        ws.append([self.text(ws, f"{self.t.ABOUT_EXPORTED_AT}: {moment}")])
        ws.append([self.text(ws, h, header=True) for h in headers])

        cached = self.cached.setdefault(ws.title, {})
        sums: dict[str, list[Value]] = {letter: [] for letter in "FGHIJK"}
        for index, programme in enumerate(self.programmes):
            r = first + index
            for letter, value in zip("FGHIJK", programme_sums(programme), strict=True):
                cached[f"{letter}{r}"] = value
                sums[letter].append(value)
            budget_total = self.sumifs(self.t.SHEET_BUDGET, self.total_col, r, blank_if_none=False)
            lasting = self.sumifs(self.t.SHEET_BUDGET, self.lasting_col, r, blank_if_none=False)
            forecast = self.sumifs(self.t.SHEET_FORECAST, self.total_col, r, blank_if_none=True)
            actual = self.sumifs(self.t.SHEET_ACTUAL, self.total_col, r, blank_if_none=True)
            approved = WriteOnlyCell(ws, programme.baseline.approved_on)
            approved.number_format = DATE_FORMAT
            ws.append(
                [
                    self.text(ws, programme.programme_slug),
                    self.text(ws, programme.programme_short_name),
                    self.text(ws, programme.programme_name),
                    programme.baseline.number,
                    approved,
                    self.formula(ws, budget_total),
                    self.formula(ws, lasting),
                    self.formula(ws, forecast),
                    self.formula(ws, actual),
                    # The app's estimate, a figure (the sheets hold no closed-year rule).
                    self.amount(ws, cached[f"J{r}"]),
                    self.formula(ws, f'=IF(J{r}="","",ROUND(J{r}-F{r},3))'),
                ]
            )
        cells = [None, self.text(ws, self.t.ROW_TOTAL, bold=True), None, None, None]
        for letter in "FGHIJ":
            down = f"{letter}{first}:{letter}{max(last, first)}"
            if letter in "HIJ":
                formula = f'=IF(COUNT({down})=0,"",ROUND(SUM({down}),3))'
            else:
                formula = f"=ROUND(SUM({down}),3)"
            cells.append(self.formula(ws, formula))
            cached[f"{letter}{total_row}"] = sum_value(numbers(sums[letter]), letter in "HIJ")
        t_row = total_row
        cells.append(self.formula(ws, f'=IF(J{t_row}="","",ROUND(J{t_row}-F{t_row},3))'))
        cached[f"K{t_row}"] = difference_value(cached[f"J{t_row}"], cached[f"F{t_row}"])
        for cell in cells:
            if cell is not None and not isinstance(cell, int):
                cell.font = BOLD
        ws.append(cells)

    def years_sheet(self) -> None:
        """The portfolio's totals per year: approved, forecast and actual as sums of the long
        sheets' year columns, and the estimate at completion as the app computes it."""
        ws = self.wb.create_sheet(self.t.SHEET_YEARS)
        for col, width in enumerate((10, 18, 16, 16, 24), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        first = OVERVIEW_HEADER_ROW + 1
        last = OVERVIEW_HEADER_ROW + len(self.years)
        ws.freeze_panes = f"B{first}"
        setup_print(
            ws,
            **self.print_texts,
            title_rows=f"{OVERVIEW_HEADER_ROW}:{OVERVIEW_HEADER_ROW}",
            print_area=f"A1:E{max(last, first)}",
        )
        moment = moment_text(self.exported_at, self.timezone, self.locale)
        ws.append([self.title_cell(ws, self.t.TITLE_YEARS)])
        ws.append([self.text(ws, self.t.SUBTITLE_YEARS % {"unit": self.unit})])
        ws.append([self.text(ws, f"{self.t.ABOUT_EXPORTED_AT}: {moment}")])
        headers = (
            self.t.HEADER_YEAR,
            self.t.HEADER_YEAR_BUDGET,
            self.t.HEADER_YEAR_FORECAST,
            self.t.HEADER_YEAR_ACTUAL,
            self.t.HEADER_ESTIMATE_TOTAL,
        )
        ws.append([self.text(ws, h, header=True) for h in headers])
        cached = self.cached.setdefault(ws.title, {})
        for index, year in enumerate(self.years):
            r = first + index
            cells: list[object] = [self.text(ws, year, bold=True)]
            for letter, sheet, kind in (
                ("B", self.t.SHEET_BUDGET, "baseline"),
                ("C", self.t.SHEET_FORECAST, "forecast"),
                ("D", self.t.SHEET_ACTUAL, "actual"),
            ):
                values = [
                    getattr(row, kind)[year]
                    for p in self.programmes
                    for row in p.rows
                    if year in getattr(row, kind)
                ]
                down = self.column(sheet, self.year_col[year])
                cells.append(self.formula(ws, f'=IF(COUNT({down})=0,"",ROUND(SUM({down}),3))'))
                cached[f"{letter}{r}"] = sum_value(values, True)
            estimates = [
                row.estimate[year]
                for p in self.programmes
                for row in p.rows
                if year in row.estimate
            ]
            cells.append(self.amount(ws, sum_value(estimates, True)))
            ws.append(cells)

    def title_cell(self, ws, title: str):
        cell = self.text(ws, title)
        cell.font = TITLE_FONT
        return cell

    def sumifs(self, sheet: str, col: int, row: int, *, blank_if_none: bool) -> str:
        values, ids = self.column(sheet, col), self.column(sheet, 1)
        total = f"ROUND(SUMIFS({values},{ids},$A{row}),3)"
        if not blank_if_none:
            return "=" + total
        # Blank when the programme has no figure at all (the row totals are "" then).
        return f'=IF(COUNTIFS({ids},$A{row},{values},">=0")=0,"",{total})'

    def about(self) -> None:
        ws = self.wb.create_sheet(self.t.SHEET_ABOUT)
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 100
        setup_print(ws, **self.print_texts, print_area="A1:B8")
        pairs = [
            (self.t.ABOUT_PROGRAMMES, str(len(self.programmes))),
            (self.t.ABOUT_UNIT, self.unit),
            (self.t.ABOUT_EXPORTED_AT, moment_text(self.exported_at, self.timezone, self.locale)),
            (self.t.ABOUT_EXPORTED_BY, self.exported_by),
            (self.t.ABOUT_FORMULAS, self.t.ABOUT_FORMULAS_TEXT),
            (self.t.ABOUT_PROGRAMME, self.t.ABOUT_PORTFOLIO_TEXT),
        ]
        ws.append([self.title_cell(ws, self.t.TITLE_ABOUT)])
        ws.append([])
        for label, value in pairs:
            ws.append([self.text(ws, label, bold=True, wrap=True), self.text(ws, value, wrap=True)])
