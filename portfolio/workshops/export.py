"""Build a workshop's pack (.xlsx) from the workshop and its items' figures; no Flask.

One sheet "Workshop" with the details and agenda, one sheet per benefit (its profile, its
indicators' baseline, target, latest value and achievement, the assessment, comment and
decisions), after it one sheet per indicator series (a row per period and the trend as a
line chart), and "Handlinger" with the actions.

Numbers are number cells with a number format (a share in per cent is a fraction with a
"%" format, as spreadsheets hold per cent), dates are date cells. A withheld value has no
number in the snapshot, so its cell holds only the text that was shown ("<5"): it never
leaves the app as an exact number.

The pack's own words are in the gettext catalogue (marked `N_`) and written in the `locale`
asked for, with dates and periods as that language writes them; the workshop's own text
stays as entered.
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

from portfolio.budgets.excel_cells import day_text, put_text, save_workbook, setup_print
from portfolio.core.i18n import N_, format_share, translate
from portfolio.core.months import Month
from portfolio.core.periods import Frequency, period_label
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
    N_("Basislinje"),
    N_("Basislinjeperiode"),
    N_("Mål"),
    N_("Målperiode"),
    N_("Seneste periode"),
    N_("Seneste værdi"),
    N_("Målopfyldelse"),
    N_("Status"),
    N_("Regel"),
    N_("Kilde"),
    N_("Data pr."),
)
SERIES_HEADERS = (N_("Periode"), N_("Periodens start"), N_("Værdi"), N_("Vist som"), N_("Plan"))
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
# A date cell as each language writes it: "1. december 2026" / "1 December 2026".
DATE_FORMATS = {"da": "[$-406]d. mmmm yyyy", "en": "[$-809]d mmmm yyyy"}
PERCENT_UNIT = "%"
INK, PLAN = "1F4E79", "B8860B"  # the trend charts' measured line and plan marks


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


def date_format(locale: str) -> str:
    """The number format of a date cell in the locale's language."""
    return DATE_FORMATS["en" if locale.startswith("en") else "da"]


def put_date(cell, day: dt.date | None, locale: str = "da"):
    """Write a date cell shown as "1. december 2026" (English "1 December 2026"); empty when
    there is none."""
    cell.value = day
    if day is not None:
        cell.number_format = date_format(locale)
    return cell


def _iso_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _sheet_title(code: str, used: set[str], fallback: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", code)[:31] or fallback
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

    wb = Workbook()
    ws = wb.active
    ws.title = tr(SHEET_WORKSHOP)
    programme_name = workshop.programme.name
    ws.cell(row=1, column=1, value=tr(N_("Gevinstworkshop"))).font = TITLE_FONT
    row = 3
    row = _pair(ws, row, N_("Titel"), workshop.title, locale)
    row = _pair(ws, row, N_("Program"), programme_name, locale)
    ws.cell(row=row, column=1, value=tr(N_("Dato"))).font = BOLD
    day_cell = put_date(ws.cell(row=row, column=2), workshop.held_on, locale)
    day_cell.alignment = Alignment(horizontal="left")
    row += 1
    row = _pair(ws, row, N_("Sted"), workshop.place, locale)
    row = _pair(ws, row, N_("Fase"), _label(workshop.phase.label, locale), locale)
    row = _pair(ws, row, N_("Status"), _label(workshop.status.label, locale), locale)
    row = _pair(ws, row, N_("Deltagere"), "\n".join(workshop.participant_list), locale)
    frozen = (
        tr(N_("Tal fastfrosset %(day)s af %(user)s"))
        % {"day": day_text(workshop.frozen_at.date(), locale), "user": workshop.frozen_by}
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
        title = _sheet_title(item.benefit.code, used, tr(N_("Gevinst")))
        _benefit_sheet(wb.create_sheet(title), item, figures, locale)
        _print(wb.worksheets[-1], programme_name, workshop, locale)
        for indicator in (figures.get(item.id) or {}).get("indicators") or []:
            title = _sheet_title(indicator.get("code") or "", used, tr(N_("Indikator")))
            _series_sheet(wb.create_sheet(title), indicator, locale)
            _print(wb.worksheets[-1], programme_name, workshop, locale)

    actions = wb.create_sheet(tr(SHEET_ACTIONS))
    _header(actions, 1, ACTION_HEADERS, locale)
    for number, action in enumerate(workshop.actions, start=1):
        r = number + 1
        actions.cell(row=r, column=1, value=number)
        benefit = action.benefit.code if action.benefit else tr(N_("Alle"))
        actions.cell(row=r, column=2, value=benefit)
        put_text(actions.cell(row=r, column=3), action.text).alignment = WRAP
        put_text(actions.cell(row=r, column=4), action.owner_label or "")
        put_date(actions.cell(row=r, column=5), action.due_on, locale)
        actions.cell(row=r, column=6, value=_label(action.status.label, locale))
        put_date(actions.cell(row=r, column=7), action.closed_on, locale)
    for column, width in zip("ABCDEFG", (6, 10, 60, 24, 18, 12, 18), strict=True):
        actions.column_dimensions[column].width = width
    _print(actions, programme_name, workshop, locale)
    return save_workbook(wb, when or workshop.frozen_at or workshop.updated_at)


def _period_name(point: dict, frequency: str | None, locale: str) -> str | None:
    """Name a shown point's period in the locale ("K2 2023" / "Q2 2023"); the label the
    snapshot kept when its period cannot be read."""
    return period_text(point.get("period"), frequency, locale) or point.get("label")


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
        progress += " (" + tr(N_("målt på demodata, ikke rigtige tal")) + ")"  # demo decides it
    row = _pair(ws, row, N_("Beregnet status"), progress, locale)
    row += 1
    ws.cell(row=row, column=1, value=tr(N_("Indikatorer"))).font = BOLD
    row += 1
    _header(ws, row, INDICATOR_HEADERS, locale)
    demo = tr(N_("demodata"))
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
            5: period_text(baseline.get("period"), frequency, locale),
            7: period_text(target.get("period"), frequency, locale),
            8: _period_name(latest, frequency, locale),
            11: progress_text(indicator.get("progress"), locale),
            12: indicator.get("rule"),
            13: (indicator.get("source") or "")
            + (f" ({demo})" if indicator.get("is_demo") else ""),
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
        put_date(ws.cell(row=row, column=14), _iso_day(indicator.get("data_as_of")), locale)
    if snap.get("indicators"):
        row += 1
        note = tr(N_("Udviklingen pr. periode står på indikatorens ark."))
        ws.cell(row=row, column=1, value=note)
    row += 2
    assessment = _label(item.assessment.label, locale) if item.assessment else "–"
    row = _pair(ws, row, N_("Vurdering"), assessment, locale)
    row = _pair(ws, row, N_("Kommentar"), item.comment, locale)
    row = _pair(ws, row, N_("Beslutninger"), item.decisions, locale)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 40
    for column in range(3, len(INDICATOR_HEADERS) + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16


def _series_sheet(ws, indicator: dict, locale: str) -> None:
    """One indicator's series: a row per period (value, what was shown, plan) and its chart."""
    code, name = indicator.get("code") or "", indicator.get("name") or ""
    ws.cell(row=1, column=1, value=code).font = TITLE_FONT
    put_text(ws.cell(row=1, column=2), name).font = TITLE_FONT
    unit = indicator.get("unit") or ""
    ws.cell(row=2, column=1, value=translate(N_("Enhed"), locale)).font = BOLD
    put_text(ws.cell(row=2, column=2), unit or "–")
    _header(ws, 4, SERIES_HEADERS, locale)
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
        label = period_label(month, frequency, locale) if month else point.get("label") or period
        put_text(ws.cell(row=r, column=1), label)
        put_date(ws.cell(row=r, column=2), month.first_day if month else None, locale)
        put_value(ws.cell(row=r, column=3), point.get("value"), indicator)
        if point and point.get("value") is None:  # withheld or missing: what was shown
            put_text(ws.cell(row=r, column=4), point.get("shown"))
        put_value(ws.cell(row=r, column=5), plan.get(period), indicator)
    for column, width in zip("ABCDE", (16, 18, 14, 12, 14), strict=True):
        ws.column_dimensions[column].width = width
    if not periods:
        ws.cell(row=5, column=1, value=translate(N_("Ingen værdier endnu."), locale))
        return
    last = 4 + len(periods)
    chart = LineChart()
    chart.title = f"{code} {name}"[:120]
    chart.y_axis.title = unit or None
    chart.x_axis.title = translate(N_("Periode"), locale)
    chart.y_axis.number_format = number_format(indicator)
    chart.display_blanks = "gap"  # a withheld or missing period is a gap, never a zero
    for column in (3, 5):  # Værdi, Plan: the series take their names from the header row
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


def _print(ws, programme_name: str, workshop: Workshop, locale: str) -> None:
    setup_print(
        ws,
        header_left=programme_name,
        header_right=day_text(workshop.held_on, locale),
        footer_left=workshop.title,
        locale=locale,
    )
