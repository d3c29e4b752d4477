"""Build a workshop's pack (.xlsx) from the workshop and its items' figures; no Flask.

One sheet "Workshop" with the details and agenda, one sheet per benefit (its profile, the
indicator values as shown at the workshop, the assessment, comment and decisions), and
"Handlinger" with the actions. Indicator values are written as the text that was shown
("1.234,5", "<5", ".."), so a withheld value never leaves the app as an exact number.
The pack's own words are in the gettext catalogue (marked `N_`) and written in the
`locale` asked for; the workshop's own text stays as entered.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portfolio.budgets.excel_cells import day_text, put_text, save_workbook, setup_print
from portfolio.core.i18n import N_, translate
from portfolio.indicators.models import Progress
from portfolio.workshops.models import Workshop

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")

INDICATOR_HEADERS = (
    N_("Indikator"),
    N_("Navn"),
    N_("Enhed"),
    N_("Baseline"),
    N_("Mål"),
    N_("Seneste periode"),
    N_("Seneste værdi"),
    N_("Målopfyldelse"),
    N_("Status"),
    N_("Regel"),
    N_("Kilde"),
    N_("Data pr."),
)
ACTION_HEADERS = (
    N_("Nr."),
    N_("Gevinst"),
    N_("Handling"),
    N_("Ansvarlig"),
    N_("Frist"),
    N_("Status"),
    N_("Afsluttet"),
)
SHEET_WORKSHOP = N_("Workshop")
SHEET_ACTIONS = N_("Handlinger")


def workbook_filename(slug: str, workshop: Workshop) -> str:
    """Return the download name: "<slug>-workshop-<YYYY-MM-DD>.xlsx"."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "program"
    return f"{safe}-workshop-{workshop.held_on.isoformat()}.xlsx"


def progress_text(value: str | None, locale: str | None = None) -> str:
    """Return the label of a stored progress value ("on_track" → "På rette spor"), in
    `locale` when given (else in the request's language)."""
    if not value:
        return "–"
    try:
        label = Progress(value).label
    except ValueError:
        return value
    return translate(str(label), locale) if locale else label


def _label(label, locale: str) -> str:
    """Return an enum's label (Danish source, or lazily translated) in `locale`."""
    return translate(str(label), locale)


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


def _mark(mark: dict | None, indicator: dict, locale: str) -> str:
    if not mark or not mark.get("value"):
        return "–"
    period = period_text(mark.get("period"), indicator.get("frequency"))
    value = number_text(mark["value"], indicator.get("decimals"), locale)
    return f"{value} ({period})" if period else value


def _sheet_title(code: str, used: set[str], locale: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", code)[:31] or translate(N_("Gevinst"), locale)
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def _header(ws, row: int, headers, locale: str) -> None:
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=translate(text, locale))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def _pair(ws, row: int, label: str, text, locale: str) -> int:
    """Write a label (marked with `N_`, translated here) and its value on one row."""
    ws.cell(row=row, column=1, value=translate(label, locale)).font = BOLD
    put_text(ws.cell(row=row, column=2), "" if text is None else str(text)).alignment = WRAP
    return row + 1


def build_workshop_workbook(
    workshop: Workshop,
    figures: dict[int, dict],
    *,
    when: dt.datetime | None = None,
    locale: str = "da",
) -> bytes:
    """Return the workshop pack as .xlsx bytes; `figures` maps item id → shown snapshot."""

    def tr(text: str) -> str:
        return translate(text, locale)

    def day(value: dt.date | None) -> str:
        return day_text(value, locale) if value else "–"

    wb = Workbook()
    ws = wb.active
    ws.title = tr(SHEET_WORKSHOP)
    programme_name = workshop.programme.name
    ws.cell(row=1, column=1, value=tr(N_("Gevinstworkshop"))).font = TITLE_FONT
    row = 3
    row = _pair(ws, row, N_("Titel"), workshop.title, locale)
    row = _pair(ws, row, N_("Program"), programme_name, locale)
    row = _pair(ws, row, N_("Dato"), day(workshop.held_on), locale)
    row = _pair(ws, row, N_("Sted"), workshop.place, locale)
    row = _pair(ws, row, N_("Fase"), _label(workshop.phase.label, locale), locale)
    row = _pair(ws, row, N_("Status"), _label(workshop.status.label, locale), locale)
    row = _pair(ws, row, N_("Deltagere"), "\n".join(workshop.participant_list), locale)
    frozen = (
        tr(N_("Tal fastfrosset %(day)s af %(user)s"))
        % {"day": day(workshop.frozen_at.date()), "user": workshop.frozen_by}
        if workshop.frozen_at
        else tr(
            N_(
                "Tallene er ikke fastfrosset endnu (workshoppen er planlagt); de viste tal er "
                "dagens."
            )
        )
    )
    row = _pair(ws, row, N_("Tal"), frozen, locale)
    row = _pair(ws, row, N_("Opsummering"), workshop.summary, locale)
    row += 1
    _header(ws, row, (N_("Gevinst"), N_("Navn"), N_("Vurdering")), locale)
    for item in workshop.items:
        row += 1
        ws.cell(row=row, column=1, value=item.benefit.code)
        put_text(ws.cell(row=row, column=2), item.benefit.name)
        assessment = _label(item.assessment.label, locale) if item.assessment else "–"
        ws.cell(row=row, column=3, value=assessment)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 20
    _print(ws, programme_name, workshop, locale)

    used = {tr(SHEET_WORKSHOP), tr(SHEET_ACTIONS)}
    for item in workshop.items:
        sheet = wb.create_sheet(_sheet_title(item.benefit.code, used, locale))
        _benefit_sheet(sheet, item, figures, locale)
        _print(wb.worksheets[-1], programme_name, workshop, locale)

    actions = wb.create_sheet(tr(SHEET_ACTIONS))
    _header(actions, 1, ACTION_HEADERS, locale)
    for number, action in enumerate(workshop.actions, start=1):
        r = number + 1
        actions.cell(row=r, column=1, value=number)
        benefit = action.benefit.code if action.benefit else tr(N_("Alle"))
        actions.cell(row=r, column=2, value=benefit)
        put_text(actions.cell(row=r, column=3), action.text).alignment = WRAP
        put_text(actions.cell(row=r, column=4), action.owner)
        actions.cell(row=r, column=5, value=day(action.due_on))
        actions.cell(row=r, column=6, value=_label(action.status.label, locale))
        actions.cell(row=r, column=7, value=day(action.closed_on))
    for column, width in zip("ABCDEFG", (6, 10, 60, 24, 18, 12, 18), strict=True):
        actions.column_dimensions[column].width = width
    _print(actions, programme_name, workshop, locale)
    return save_workbook(wb, when or workshop.frozen_at or workshop.updated_at)


def _benefit_sheet(ws, item, figures: dict[int, dict], locale: str) -> None:
    def tr(text: str) -> str:
        return translate(text, locale)

    snap = figures.get(item.id) or {}
    ws.cell(row=1, column=1, value=f"{snap.get('code', item.benefit.code)}").font = TITLE_FONT
    put_text(ws.cell(row=1, column=2), snap.get("name", item.benefit.name)).font = TITLE_FONT
    tracks = ", ".join(tr(N_("Spor %(number)s")) % {"number": n} for n in snap.get("tracks") or [])
    row = 3
    row = _pair(ws, row, N_("Beskrivelse"), snap.get("description"), locale)
    owner = snap.get("owner") or tr(N_("Ikke udpeget"))
    row = _pair(ws, row, N_("Gevinstejer"), owner, locale)
    row = _pair(ws, row, N_("Ansvarlig"), snap.get("responsible"), locale)
    row = _pair(ws, row, N_("Modtagere"), ", ".join(snap.get("recipients") or []), locale)
    row = _pair(ws, row, N_("Spor"), tracks, locale)
    row = _pair(ws, row, N_("Projekter"), ", ".join(snap.get("projects") or []), locale)
    row = _pair(ws, row, N_("Driftsejer"), snap.get("operations_owner"), locale)
    progress = progress_text(snap.get("progress"), locale)
    if snap.get("progress") and any(i.get("is_demo") for i in snap.get("indicators") or []):
        progress += " (" + tr(N_("målt på demodata, ikke rigtige tal")) + ")"  # a demo figure decides it
    row = _pair(ws, row, N_("Beregnet status"), progress, locale)
    row += 1
    ws.cell(row=row, column=1, value=tr(N_("Indikatorer"))).font = BOLD
    row += 1
    _header(ws, row, INDICATOR_HEADERS, locale)
    demo = tr(N_("demodata"))
    for indicator in snap.get("indicators") or []:
        row += 1
        latest = last_point(indicator) or {}
        cells = (
            indicator.get("code"),
            indicator.get("name"),
            indicator.get("unit"),
            _mark(indicator.get("baseline"), indicator, locale),
            _mark(indicator.get("target"), indicator, locale),
            latest.get("label") or "–",
            # The shown text, never the stored value: "<5" stays "<5".
            latest.get("shown") or "–",
            achievement_text(indicator.get("achievement"), locale),
            progress_text(indicator.get("progress"), locale),
            indicator.get("rule"),
            (indicator.get("source") or "") + (f" ({demo})" if indicator.get("is_demo") else ""),
            (indicator.get("data_as_of") or "")[:10],
        )
        for column, text in enumerate(cells, start=1):
            put_text(ws.cell(row=row, column=column), text).alignment = WRAP
    row += 2
    ws.cell(row=row, column=1, value=tr(N_("Udvikling"))).font = BOLD
    for indicator in snap.get("indicators") or []:
        row += 1
        ws.cell(row=row, column=1, value=indicator.get("code"))
        for column, point in enumerate(indicator.get("points") or [], start=2):
            put_text(ws.cell(row=row, column=column), f"{point.get('label')}: {point.get('shown')}")
    row += 2
    assessment = _label(item.assessment.label, locale) if item.assessment else "–"
    row = _pair(ws, row, N_("Vurdering"), assessment, locale)
    row = _pair(ws, row, N_("Kommentar"), item.comment, locale)
    row = _pair(ws, row, N_("Beslutninger"), item.decisions, locale)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    for column in range(3, len(INDICATOR_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16


def _print(ws, programme_name: str, workshop: Workshop, locale: str) -> None:
    setup_print(
        ws,
        header_left=programme_name,
        header_right=day_text(workshop.held_on, locale),
        footer_left=workshop.title,
        locale=locale,
    )
