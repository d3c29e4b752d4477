"""Build a workshop's pack (.xlsx) from the workshop and its items' figures; no Flask.

One sheet "Workshop" with the details and agenda, one sheet per benefit (its profile, the
indicator values as shown at the workshop, the assessment, comment and decisions), and
"Handlinger" with the actions. Indicator values are written as the text that was shown
("1.234,5", "<5", ".."), so a withheld value never leaves the app as an exact number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portfolio.budgets.excel_cells import danish_day, put_text, save_workbook, setup_print
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
    "Baseline",
    "Mål",
    "Seneste periode",
    "Seneste værdi",
    "Målopfyldelse",
    "Status",
    "Regel",
    "Kilde",
    "Data pr.",
)
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
    if text in (None, ""):
        return "–"
    return number_text(str(Decimal(str(text)) * 100), 1, locale) + " %"


def period_text(period: str | None, frequency: str | None) -> str:
    """Write a plan mark's period: "2023" for a yearly indicator, else "2023-04"."""
    if not period:
        return ""
    return period[:4] if frequency == "year" else period


def _mark(mark: dict | None, indicator: dict) -> str:
    if not mark or not mark.get("value"):
        return "–"
    period = period_text(mark.get("period"), indicator.get("frequency"))
    value = number_text(mark["value"], indicator.get("decimals"))
    return f"{value} ({period})" if period else value


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
    row = _pair(ws, row, "Dato", danish_day(workshop.held_on))
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

    actions = wb.create_sheet("Handlinger")
    _header(actions, 1, ACTION_HEADERS)
    for number, action in enumerate(workshop.actions, start=1):
        r = number + 1
        actions.cell(row=r, column=1, value=number)
        actions.cell(row=r, column=2, value=action.benefit.code if action.benefit else "Alle")
        put_text(actions.cell(row=r, column=3), action.text).alignment = WRAP
        put_text(actions.cell(row=r, column=4), action.owner)
        actions.cell(row=r, column=5, value=danish_day(action.due_on) if action.due_on else "–")
        actions.cell(row=r, column=6, value=action.status.label)
        actions.cell(
            row=r, column=7, value=danish_day(action.closed_on) if action.closed_on else "–"
        )
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
    status = progress_text(snap.get("progress"))
    if snap.get("progress") and any(i.get("is_demo") for i in snap.get("indicators") or []):
        status += " (målt på demodata, ikke rigtige tal)"  # a demo figure decides it
    row = _pair(ws, row, "Beregnet status", status)
    row += 1
    ws.cell(row=row, column=1, value="Indikatorer").font = BOLD
    row += 1
    _header(ws, row, INDICATOR_HEADERS)
    for indicator in snap.get("indicators") or []:
        row += 1
        latest = last_point(indicator) or {}
        cells = (
            indicator.get("code"),
            indicator.get("name"),
            indicator.get("unit"),
            _mark(indicator.get("baseline"), indicator),
            _mark(indicator.get("target"), indicator),
            latest.get("label") or "–",
            # The shown text, never the stored value: "<5" stays "<5".
            latest.get("shown") or "–",
            achievement_text(indicator.get("achievement")),
            progress_text(indicator.get("progress")),
            indicator.get("rule"),
            (indicator.get("source") or "") + (" (demodata)" if indicator.get("is_demo") else ""),
            (indicator.get("data_as_of") or "")[:10],
        )
        for column, text in enumerate(cells, start=1):
            put_text(ws.cell(row=row, column=column), text).alignment = WRAP
    row += 2
    ws.cell(row=row, column=1, value="Udvikling").font = BOLD
    for indicator in snap.get("indicators") or []:
        row += 1
        ws.cell(row=row, column=1, value=indicator.get("code"))
        for column, point in enumerate(indicator.get("points") or [], start=2):
            put_text(ws.cell(row=row, column=column), f"{point.get('label')}: {point.get('shown')}")
    row += 2
    row = _pair(ws, row, "Vurdering", item.assessment.label if item.assessment else "–")
    row = _pair(ws, row, "Kommentar", item.comment)
    row = _pair(ws, row, "Beslutninger", item.decisions)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    for column in range(3, len(INDICATOR_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16


def _print(ws, programme_name: str, workshop: Workshop) -> None:
    setup_print(
        ws,
        header_left=programme_name,
        header_right=danish_day(workshop.held_on),
        footer_left=workshop.title,
    )
