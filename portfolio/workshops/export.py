"""Build a workshop's pack (.xlsx) from the workshop and its items' figures; no Flask.

One sheet "Workshop" with the details and agenda, one sheet per benefit (its profile, its
indicators' baseline, target, latest value and achievement, the assessment, comment and
decisions), after it one sheet per indicator series (a row per period and the trend as a
line chart), and "Handlinger" with the actions.

Numbers are number cells with a number format (a share in per cent is a fraction with a
"%" format, as spreadsheets hold per cent), dates are date cells. A withheld value has no
number in the snapshot, so its cell holds only the text that was shown ("<5"): it never
leaves the app as an exact number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portfolio.budgets.excel_cells import danish_day, put_text, save_workbook, setup_print
from portfolio.core.i18n import format_share
from portfolio.core.months import Month
from portfolio.core.periods import Frequency, period_label
from portfolio.indicators.models import Progress
from portfolio.workshops.models import Workshop

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")

INDICATOR_HEADERS = (
    "Indikator",
    "Navn",
    "Enhed",
    "Basislinje",
    "Basislinjeperiode",
    "Mål",
    "Målperiode",
    "Seneste periode",
    "Seneste værdi",
    "Målopfyldelse",
    "Status",
    "Regel",
    "Kilde",
    "Data pr.",
)
SERIES_HEADERS = ("Periode", "Periodens start", "Værdi", "Vist som", "Plan")
DATE_FORMAT = "[$-406]d. mmmm yyyy"  # a date cell shown as "1. december 2026"
PERCENT_UNIT = "%"
INK, PLAN = "1F4E79", "B8860B"  # the trend charts' measured line and plan marks
ACTION_HEADERS = ("Nr.", "Gevinst", "Handling", "Ansvarlig", "Frist", "Status", "Afsluttet")


def workbook_filename(slug: str, workshop: Workshop) -> str:
    """Return the download name: "<slug>-workshop-<YYYY-MM-DD>.xlsx"."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "program"
    return f"{safe}-workshop-{workshop.held_on.isoformat()}.xlsx"


def progress_text(value: str | None) -> str:
    """Return the Danish label of a stored progress value ("on_track" → "På rette spor")."""
    if not value:
        return "–"
    try:
        return Progress(value).label
    except ValueError:
        return value


def last_point(indicator: dict) -> dict | None:
    """Return the indicator's last period as shown, withheld or not ("<5" stays visible)."""
    points = indicator.get("points") or []
    return points[-1] if points else indicator.get("latest")


def number_text(text: str | None, decimals: int | None = None, locale: str = "da") -> str:
    """Write a snapshot's decimal string the way the locale writes numbers ("12,5")."""
    if text in (None, ""):
        return "–"
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    pattern = (
        "#,##0" + ("." + "0" * decimals if decimals else "")
        if decimals is not None
        else "#,##0.###"
    )
    return format_decimal(value, format=pattern, locale=locale)


def achievement_text(text: str | None, locale: str = "da") -> str:
    """Write an achievement (a fraction, "0.305") as a percentage: "30,5 %"."""
    return format_share(text, locale)


def period_text(period: str | None, frequency: str | None, locale: str = "da") -> str:
    """Name a plan mark's period as the pages do: "2023", "K2 2023", "jan. 2022"."""
    if not period:
        return ""
    month = _month(period)
    return period_label(month, _frequency(frequency), locale) if month else period


def _month(period: str | None) -> Month | None:
    try:
        return Month.parse(period or "")
    except ValueError:
        return None


def _period_of(month: Month, frequency: Frequency) -> Month:
    """The start of the indicator's period that holds the month (K4 2023 for December)."""
    step = frequency.months
    return Month(month.year, (month.month - 1) // step * step + 1)


def _every_period(periods: set[str], frequency: Frequency) -> list[str]:
    """Every period from the first to the last given, so an unmeasured one gets its row."""
    months = sorted(m for m in (_month(p) for p in periods) if m is not None)
    if not months:
        return []
    every, month = set(months), months[0]
    while month <= months[-1]:
        every.add(month)
        month = month.add(frequency.months)
    return [str(m) for m in sorted(every)]


def _frequency(value: str | None) -> Frequency:
    try:
        return Frequency(value or "year")
    except ValueError:
        return Frequency.YEARLY


def _number(text: str | None) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _is_percent(indicator: dict) -> bool:
    return (indicator.get("unit") or "").strip() == PERCENT_UNIT


def number_format(indicator: dict) -> str:
    """The cell format of an indicator's values: its decimals, and "%" for a share."""
    decimals = indicator.get("decimals")
    places = "." + "0" * decimals if decimals else ""
    if _is_percent(indicator):
        return "0" + places + "%"
    return "#,##0" + places if decimals is not None else "#,##0.###"


def put_value(cell, text: str | None, indicator: dict):
    """Write an indicator value as a number cell (a share as a fraction); empty when none."""
    value = _number(text)
    if value is None:
        cell.value = None
        return cell
    if _is_percent(indicator):
        value = value / 100
    cell.value = float(value)  # a Decimal becomes a float only here, at the file's edge
    cell.number_format = number_format(indicator)
    return cell


def put_date(cell, day: dt.date | None):
    """Write a date cell shown as "1. december 2026"; empty when there is none."""
    cell.value = day
    if day is not None:
        cell.number_format = DATE_FORMAT
    return cell


def _iso_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _sheet_title(code: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", code)[:31] or "Gevinst"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def _header(ws, row: int, headers) -> None:
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def _pair(ws, row: int, label: str, text) -> int:
    ws.cell(row=row, column=1, value=label).font = BOLD
    put_text(ws.cell(row=row, column=2), "" if text is None else str(text)).alignment = WRAP
    return row + 1


def build_workshop_workbook(
    workshop: Workshop, figures: dict[int, dict], *, when: dt.datetime | None = None
) -> bytes:
    """Return the workshop pack as .xlsx bytes; `figures` maps item id → shown snapshot."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Workshop"
    programme_name = workshop.programme.name
    ws.cell(row=1, column=1, value="Gevinstworkshop").font = TITLE_FONT
    row = 3
    row = _pair(ws, row, "Titel", workshop.title)
    row = _pair(ws, row, "Program", programme_name)
    ws.cell(row=row, column=1, value="Dato").font = BOLD
    put_date(ws.cell(row=row, column=2), workshop.held_on).alignment = Alignment(horizontal="left")
    row += 1
    row = _pair(ws, row, "Sted", workshop.place)
    row = _pair(ws, row, "Fase", workshop.phase.label)
    row = _pair(ws, row, "Status", workshop.status.label)
    row = _pair(ws, row, "Deltagere", "\n".join(workshop.participant_list))
    frozen = (
        f"Tal fastfrosset {danish_day(workshop.frozen_at.date())} af {workshop.frozen_by}"
        if workshop.frozen_at
        else "Tallene er ikke fastfrosset endnu (workshoppen er planlagt); de viste tal er dagens."
    )
    row = _pair(ws, row, "Tal", frozen)
    row = _pair(ws, row, "Opsummering", workshop.summary)
    row += 1
    _header(ws, row, ("Gevinst", "Navn", "Vurdering"))
    for item in workshop.items:
        row += 1
        ws.cell(row=row, column=1, value=item.benefit.code)
        put_text(ws.cell(row=row, column=2), item.benefit.name)
        ws.cell(row=row, column=3, value=item.assessment.label if item.assessment else "–")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 20
    _print(ws, programme_name, workshop)

    used = {"Workshop", "Handlinger"}
    for item in workshop.items:
        _benefit_sheet(wb.create_sheet(_sheet_title(item.benefit.code, used)), item, figures)
        _print(wb.worksheets[-1], programme_name, workshop)
        for indicator in (figures.get(item.id) or {}).get("indicators") or []:
            title = _sheet_title(indicator.get("code") or "Indikator", used)
            _series_sheet(wb.create_sheet(title), indicator)
            _print(wb.worksheets[-1], programme_name, workshop)

    actions = wb.create_sheet("Handlinger")
    _header(actions, 1, ACTION_HEADERS)
    for number, action in enumerate(workshop.actions, start=1):
        r = number + 1
        actions.cell(row=r, column=1, value=number)
        actions.cell(row=r, column=2, value=action.benefit.code if action.benefit else "Alle")
        put_text(actions.cell(row=r, column=3), action.text).alignment = WRAP
        put_text(actions.cell(row=r, column=4), action.owner)
        put_date(actions.cell(row=r, column=5), action.due_on)
        actions.cell(row=r, column=6, value=action.status.label)
        put_date(actions.cell(row=r, column=7), action.closed_on)
    for column, width in zip("ABCDEFG", (6, 10, 60, 24, 18, 12, 18), strict=True):
        actions.column_dimensions[column].width = width
    _print(actions, programme_name, workshop)
    return save_workbook(wb, when or workshop.frozen_at or workshop.updated_at)


def _benefit_sheet(ws, item, figures: dict[int, dict]) -> None:
    snap = figures.get(item.id) or {}
    ws.cell(row=1, column=1, value=f"{snap.get('code', item.benefit.code)}").font = TITLE_FONT
    put_text(ws.cell(row=1, column=2), snap.get("name", item.benefit.name)).font = TITLE_FONT
    row = 3
    row = _pair(ws, row, "Beskrivelse", snap.get("description"))
    row = _pair(ws, row, "Gevinstejer", snap.get("owner") or "Ikke udpeget")
    row = _pair(ws, row, "Ansvarlig", snap.get("responsible"))
    row = _pair(ws, row, "Modtagere", ", ".join(snap.get("recipients") or []))
    row = _pair(ws, row, "Spor", ", ".join(f"Spor {n}" for n in snap.get("tracks") or []))
    row = _pair(ws, row, "Projekter", ", ".join(snap.get("projects") or []))
    row = _pair(ws, row, "Driftsejer", snap.get("operations_owner"))
    row = _pair(ws, row, "Beregnet status", progress_text(snap.get("progress")))
    row += 1
    ws.cell(row=row, column=1, value="Indikatorer").font = BOLD
    row += 1
    _header(ws, row, INDICATOR_HEADERS)
    for indicator in snap.get("indicators") or []:
        row += 1
        latest = last_point(indicator) or {}
        frequency = indicator.get("frequency")
        baseline = indicator.get("baseline") or {}
        target = indicator.get("target") or {}
        texts = {
            1: indicator.get("code"),
            2: indicator.get("name"),
            3: indicator.get("unit"),
            5: period_text(baseline.get("period"), frequency),
            7: period_text(target.get("period"), frequency),
            8: latest.get("label"),
            11: progress_text(indicator.get("progress")),
            12: indicator.get("rule"),
            13: (indicator.get("source") or "")
            + (" (demodata)" if indicator.get("is_demo") else ""),
        }
        for column, text in texts.items():
            put_text(ws.cell(row=row, column=column), text).alignment = WRAP
        put_value(ws.cell(row=row, column=4), baseline.get("value"), indicator)
        put_value(ws.cell(row=row, column=6), target.get("value"), indicator)
        # The latest value as a number, or (withheld) only the text that was shown: "<5".
        latest_cell = ws.cell(row=row, column=9)
        if latest.get("value") is not None:
            put_value(latest_cell, latest["value"], indicator)
        else:
            put_text(latest_cell, latest.get("shown") or "–")
        achievement = _number(indicator.get("achievement"))
        if achievement is not None:
            cell = ws.cell(row=row, column=10, value=float(achievement))
            cell.number_format = "0.0%"
        put_date(ws.cell(row=row, column=14), _iso_day(indicator.get("data_as_of")))
    if snap.get("indicators"):
        row += 1
        ws.cell(row=row, column=1, value="Udviklingen pr. periode står på indikatorens ark.")
    row += 2
    row = _pair(ws, row, "Vurdering", item.assessment.label if item.assessment else "–")
    row = _pair(ws, row, "Kommentar", item.comment)
    row = _pair(ws, row, "Beslutninger", item.decisions)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    for column in range(3, len(INDICATOR_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16


def _series_sheet(ws, indicator: dict) -> None:
    """One indicator's series: a row per period (value, what was shown, plan) and its chart."""
    code, name = indicator.get("code") or "", indicator.get("name") or ""
    ws.cell(row=1, column=1, value=code).font = TITLE_FONT
    put_text(ws.cell(row=1, column=2), name).font = TITLE_FONT
    unit = indicator.get("unit") or ""
    ws.cell(row=2, column=1, value="Enhed").font = BOLD
    put_text(ws.cell(row=2, column=2), unit or "–")
    _header(ws, 4, SERIES_HEADERS)
    frequency = _frequency(indicator.get("frequency"))
    marks = [indicator.get("baseline"), *(indicator.get("trajectory") or [])]
    marks.append(indicator.get("target"))
    # A plan mark sits in the row of the period that holds it: December 2023 in K4 2023.
    plan = {
        str(_period_of(month, frequency)): m.get("value")
        for m in marks
        if m and (month := _month(m.get("period")))
    }
    # One row per period measured or planned, in order: the plan runs on past the data.
    by_period = {p.get("period"): p for p in indicator.get("points") or [] if p.get("period")}
    periods = _every_period(set(by_period) | set(plan), frequency)
    for r, period in enumerate(periods, start=5):
        point = by_period.get(period) or {}
        month = _month(period)
        label = point.get("label") or (period_label(month, frequency, "da") if month else period)
        put_text(ws.cell(row=r, column=1), label)
        put_date(ws.cell(row=r, column=2), month.first_day if month else None)
        put_value(ws.cell(row=r, column=3), point.get("value"), indicator)
        if point and point.get("value") is None:  # withheld or missing: what was shown
            put_text(ws.cell(row=r, column=4), point.get("shown"))
        put_value(ws.cell(row=r, column=5), plan.get(period), indicator)
    for column, width in zip("ABCDE", (16, 18, 14, 12, 14), strict=True):
        ws.column_dimensions[column].width = width
    if not periods:
        ws.cell(row=5, column=1, value="Ingen værdier endnu.")
        return
    last = 4 + len(periods)
    chart = LineChart()
    chart.title = f"{code} {name}"[:120]
    chart.y_axis.title = unit or None
    chart.x_axis.title = "Periode"
    chart.y_axis.number_format = number_format(indicator)
    chart.display_blanks = "gap"  # a withheld or missing period is a gap, never a zero
    for column in (3, 5):  # Værdi, Plan
        values = Reference(ws, min_col=column, max_col=column, min_row=4, max_row=last)
        chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=last))
    # The plan has marks in a few periods only: drawn as markers, as the app's charts do.
    values_series, plan_series = chart.series
    values_series.smooth = False  # the values as measured, not a curve through them
    values_series.graphicalProperties.line.solidFill = INK
    plan_series.smooth = False
    plan_series.marker.symbol = "diamond"
    plan_series.marker.size = 8
    plan_series.marker.graphicalProperties = GraphicalProperties(solidFill=PLAN)
    plan_series.marker.graphicalProperties.line.solidFill = PLAN
    plan_series.graphicalProperties.line.noFill = True
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, "G4")


def _print(ws, programme_name: str, workshop: Workshop) -> None:
    setup_print(
        ws,
        header_left=programme_name,
        header_right=danish_day(workshop.held_on),
        footer_left=workshop.title,
    )
