"""Report-style tables: the rules that turn what a person laid out into rows a mapping reads.

Agencies (SSI, eSundhed, the Danish Health Data Authority, statbank.dk's own downloads)
publish tables made to be looked at: periods as columns, a period split over two columns
(År, Uge), totals and trailer rows under the data, counts with their share in one cell
("1603 (42.95%)"), numbers with a thousands dot. Each rule here turns such a table into
plain long rows (period, dimensions, value) and says what it did in a Danish note, so that
the preview shows every rule's effect before a source is saved, and nothing is dropped
silently. A rule that would have to guess (a lone "2.911": thousands dot or decimal
point?) refuses instead.

Notes name the table's columns (when they look like names) and row numbers, never a
cell's content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext as _

from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceParseError,
    check_deadline,
    short_text,
    shown_name,
)
from portfolio.metrics.adapters.tabular import cell_text, resolve_column

Row = tuple[int, Sequence[Any]]
PeriodPart = Literal["auto", "week", "quarter", "month"]

# The column names the rules give the columns they make. Parenthesised so that they cannot
# be mistaken for (or collide with) a table's own column names.
PERIOD = "(periode)"
VALUE = "(værdi)"
MEASURE = "measure"

# Labels of total rows, compared case-insensitively with the row's first label.
DEFAULT_TOTAL_LABELS = ["I alt", "Total", "Totalt", "Total i alt", "Sum", "Alle", "Hele landet"]

# What a period looks like in a published table: a year, a week, a quarter, a month, a
# half-year or a date, in the ways Danish and Nordic providers write them.
_PERIOD = re.compile(
    r"(?:19|20)\d\d(?:[-/ ]?(?:W|U|Uge ?)?\d{1,2}|[-/ ]?[QKH]\d|M\d\d|-\d\d-\d\d)?"
    r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d",
    re.IGNORECASE,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "january", "jan"),
            ("februar", "february", "feb"),
            ("marts", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def looks_like_period(value: Any) -> bool:
    """Tell whether a cell looks like a period (a year, week, quarter, month or date)."""
    if isinstance(value, dt.date):
        return True
    text = cell_text(value)
    return bool(text) and _PERIOD.fullmatch(text) is not None


@dataclass
class Report:
    """The notes the rules wrote while reading, in the order they ran."""

    notes: list[str] = field(default_factory=list)

    def add(self, note: str) -> None:
        self.notes.append(note)


def line_list(lines: Sequence[int]) -> str:
    """Write row numbers for a note: "4, 9 og 12" or "4, 9, 12 … (17 i alt)"."""
    shown = [str(line) for line in lines[:6]]
    if len(lines) > 6:
        return str(_("%(lines)s … (%(count)s i alt)", lines=", ".join(shown), count=len(lines)))
    if len(shown) == 1:
        return shown[0]
    return str(_("%(lines)s og %(last)s", lines=", ".join(shown[:-1]), last=shown[-1]))


def column_index(header: Sequence[str], name: str, role: str) -> int:
    """Find a column by exact name, else case-insensitively; refuse in Danish otherwise."""
    return resolve_column(list(header), name, role)


# --- total and trailer rows --------------------------------------------------------------


def skip_total_rows(
    rows: list[Row], label_index: int, labels: Sequence[str], report: Report
) -> list[Row]:
    """Leave out rows whose label cell is a total label ("I alt"), and say which."""
    wanted = {label.strip().casefold() for label in labels}
    kept: list[Row] = []
    skipped: list[int] = []
    for line, row in rows:
        label = cell_text(_cell(row, label_index))
        if label.casefold() in wanted:
            skipped.append(line)
        else:
            kept.append((line, row))
    if skipped:
        report.add(
            _(
                "Sprunget over som total-rækker: %(count)s (række %(lines)s); "
                "vælg total_rows=keep for at læse dem.",
                count=len(skipped),
                lines=line_list(skipped),
            )
        )
    return kept


def skip_trailer_rows(rows: list[Row], period_index: int, report: Report) -> list[Row]:
    """Leave out the rows at the end whose period cell is no period, when the rest are.

    SSI's daily files end with "I alt" and "Antal personer": read as periods, they would
    be two more days. Only a block at the very end is left out, and only when every row
    before it has a period that looks like one; elsewhere such a row is an error the
    mapping reports.
    """
    end = len(rows)
    while end > 0 and not looks_like_period(_cell(rows[end - 1][1], period_index)):
        end -= 1
    if end == len(rows) or end == 0:
        return rows
    if not all(looks_like_period(_cell(row, period_index)) for _line, row in rows[:end]):
        return rows
    report.add(
        _(
            "Sprunget over som sum- og oversigtsrækker sidst i tabellen (ingen periode): "
            "%(count)s (række %(lines)s).",
            count=len(rows) - end,
            lines=line_list([line for line, _row in rows[end:]]),
        )
    )
    return rows[:end]


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


# --- a period from two columns -----------------------------------------------------------


def _part_kind(name: str, wanted: PeriodPart) -> Literal["week", "quarter", "month"]:
    if wanted != "auto":
        return wanted
    folded = name.casefold()
    if folded.startswith(("uge", "week", "vecka", "uke")):
        return "week"
    if folded.startswith(("kvartal", "quarter", "kv")):
        return "quarter"
    if folded.startswith(("måned", "maaned", "month", "md", "mån")):
        return "month"
    raise SourceConfigError(
        _(
            "Det kan ikke ses, om kolonnen '%(name)s' er uge, kvartal eller måned; "
            "angiv period_part (week, quarter eller month).",
            name=shown_name(name),
        )
    )


def _whole_number(value: Any) -> int | None:
    text = cell_text(value)
    return int(text) if text.isdigit() else None


def build_period(
    year_cell: Any, part_cell: Any, kind: Literal["week", "quarter", "month"]
) -> str | None:
    """Return "2021-W01", "2021-Q1" or "2021-01" from a year and a week, quarter or month."""
    year = _whole_number(year_cell)
    if year is None or not 1000 <= year <= 9999:
        return None
    if kind == "month":
        text = cell_text(part_cell).casefold().rstrip(".")
        month = _MONTHS.get(text) or _whole_number(part_cell)
        return f"{year}-{month:02d}" if month and 1 <= month <= 12 else None
    text = cell_text(part_cell).upper().removeprefix("Q").removeprefix("K").removeprefix("W")
    text = text.removesuffix(". KVARTAL").removesuffix(" KVARTAL").strip()
    number = int(text) if text.isdigit() else None
    if number is None:
        return None
    if kind == "quarter":
        return f"{year}-Q{number}" if 1 <= number <= 4 else None
    try:
        dt.date.fromisocalendar(year, number, 1)  # week 53 exists in some years only
    except ValueError:
        return None
    return f"{year}-W{number:02d}"


def join_period_columns(
    header: list[str],
    rows: list[Row],
    columns: Sequence[str],
    part: PeriodPart,
    total_labels: Sequence[str] | None,
    report: Report,
) -> tuple[list[str], list[Row]]:
    """Replace a year column and a week/quarter/month column by one period column.

    Rows whose year cell is a total label (or where both cells are no period, at the end
    of the table) are left out and reported when `total_labels` is given; any other row
    whose two cells make no period is refused, naming its row number.
    """
    if len(columns) != 2:
        raise SourceConfigError(
            _("period_columns skal være to kolonner: året og ugen, kvartalet eller måneden.")
        )
    year_index = column_index(header, columns[0], _("år"))
    part_index = column_index(header, columns[1], _("periode"))
    kind = _part_kind(header[part_index], part)
    if total_labels is not None:
        rows = skip_total_rows(rows, year_index, total_labels, report)
    built: list[Row] = []
    for line, row in rows:
        period = build_period(_cell(row, year_index), _cell(row, part_index), kind)
        if period is None:
            raise SourceParseError(
                _(
                    "Række %(line)s: kolonnerne '%(year)s' og '%(part)s' danner ingen periode.",
                    line=line,
                    year=shown_name(header[year_index]),
                    part=shown_name(header[part_index]),
                )
            )
        rest = [cell for index, cell in enumerate(row) if index not in (year_index, part_index)]
        built.append((line, [period, *rest]))
    names = [name for index, name in enumerate(header) if index not in (year_index, part_index)]
    report.add(
        _(
            "Perioden er dannet af kolonnerne '%(year)s' og '%(part)s' (%(kind)s).",
            year=shown_name(header[year_index]),
            part=shown_name(header[part_index]),
            kind={"week": _("ISO-uge"), "quarter": _("kvartal"), "month": _("måned")}[kind],
        )
    )
    return [PERIOD, *names], built


# --- wide and matrix layouts -------------------------------------------------------------


def unpivot_wide(
    header: list[str],
    rows: list[Row],
    dimension_columns: Sequence[str] | None,
    ignore_columns: Sequence[str],
    report: Report,
) -> tuple[list[str], list[Row]]:
    """Turn one column per period into one row per period (periods as columns, unpivoted).

    Without `dimension_columns`, the columns whose header looks like a period are the
    periods and the others the dimensions.
    """
    ignored = {column_index(header, name, _("ignoreres")) for name in ignore_columns}
    if dimension_columns:
        dims = [column_index(header, name, _("dimension")) for name in dimension_columns]
    else:
        dims = [
            index
            for index, name in enumerate(header)
            if index not in ignored and name and not looks_like_period(name)
        ]
    periods = [
        index for index, name in enumerate(header) if index not in ignored and index not in dims
    ]
    if not periods or not all(header[index] for index in periods):
        raise SourceParseError(
            _("Tabellen har ingen periodekolonner (overskrifter som 2023, 2023-W01, 2023K1).")
        )
    long_rows: list[Row] = []
    for line, row in rows:
        for index in periods:
            long_rows.append(
                (line, [*(_cell(row, d) for d in dims), header[index], _cell(row, index)])
            )
    report.add(
        _(
            "Bred tabel: %(count)s periodekolonner er vendt til rækker (fra '%(first)s' "
            "til '%(last)s').",
            count=len(periods),
            first=shown_name(header[periods[0]]),
            last=shown_name(header[periods[-1]]),
        )
    )
    return [*(header[d] for d in dims), PERIOD, VALUE], long_rows


def unpivot_matrix(
    header: Sequence[Any],
    rows: list[Row],
    row_dimensions: Sequence[str] | None,
    column_dimension: str,
    period_dimension: str | None,
    report: Report,
    deadline: Deadline | None = None,
) -> tuple[list[str], list[Row], str]:
    """Read statbank.dk's matrix download: row labels stepped over several columns.

    The header row starts with as many blank cells as there are row variables (region,
    time, marital status, age, …), then the column variable's categories (Total, Men,
    Women). Each row label stands in its own column and holds until a row sets it again;
    a row with numbers after the labels is a data row. Returns the long header, the rows
    and the name of the period column.
    """
    names = [cell_text(cell) for cell in header]
    levels = 0
    while levels < len(names) and not names[levels]:
        levels += 1
    columns = names[levels:]
    if levels == 0 or not columns or not all(columns):
        raise SourceParseError(
            _(
                "Overskriftsrækken ligner ikke statbank.dk's matrixformat (tomme felter over "
                "rækkevariablene, så kolonnevariablens værdier). Er header_row rigtig?"
            )
        )
    if row_dimensions is None:
        row_dimensions = [_("niveau %(number)s", number=level + 1) for level in range(levels)]
    if len(row_dimensions) != levels:
        raise SourceConfigError(
            _(
                "Tabellen har %(levels)s rækkevariable, men row_dimensions nævner %(count)s.",
                levels=levels,
                count=len(row_dimensions),
            )
        )
    current: list[str] = [""] * levels
    long_rows: list[Row] = []
    period_level: int | None = (
        list(row_dimensions).index(period_dimension)
        if period_dimension is not None and period_dimension in row_dimensions
        else None
    )
    seen_periods: list[set[bool]] = [set() for _level in range(levels)]
    for count, (line, row) in enumerate(rows):
        check_deadline(deadline, count)
        labels = [cell_text(_cell(row, level)) for level in range(levels)]
        for level, label in enumerate(labels):
            if label:
                current[level] = label
                current[level + 1 :] = [""] * (levels - level - 1)
                seen_periods[level].add(looks_like_period(label))
        values = [_cell(row, levels + offset) for offset in range(len(columns))]
        if not any(cell_text(value) for value in values):
            continue
        if not all(current):
            raise SourceParseError(
                _("Række %(line)s har tal, men ikke alle rækkevariable har en værdi.", line=line)
            )
        for column, value in zip(columns, values, strict=True):
            long_rows.append((line, [*current, column, value]))
    if period_level is None:
        if period_dimension is not None:
            raise SourceConfigError(
                _(
                    "period_column '%(name)s' er ikke en af row_dimensions.",
                    name=short_text(period_dimension),
                )
            )
        found = [level for level in range(levels) if seen_periods[level] == {True}]
        if len(found) != 1:
            raise SourceConfigError(
                _("Det kan ikke ses, hvilken rækkevariabel der er tiden; angiv period_column.")
            )
        period_level = found[0]
    report.add(
        _(
            "Matrixtabel: %(levels)s rækkevariable og kolonnevariablen '%(column)s' "
            "(%(count)s kolonner) er læst som %(rows)s rækker.",
            levels=levels,
            column=shown_name(column_dimension),
            count=len(columns),
            rows=len(long_rows),
        )
    )
    return [*row_dimensions, column_dimension, VALUE], long_rows, row_dimensions[period_level]


# --- "1603 (42.95%)": a count and its share ---------------------------------------------

_COUNT_SHARE = re.compile(r"\s*([+-]?\d[\d.,\s]*?)\s*\(\s*([+-]?\d[\d.,]*)\s*%\s*\)\s*")


def split_count_share(
    header: list[str],
    rows: list[Row],
    value_index: int,
    mode: Literal["split", "count", "share"],
    report: Report,
) -> tuple[list[str], list[Row]]:
    """Split cells such as "1603 (42.95%)" into a count and a share (in per cent).

    `split` makes two rows of each such cell, told apart by the `measure` dimension
    (`count`, `share`); a cell with a number only (a total) gives a count. `count` or
    `share` keeps one of the two. Without any such cell the table is returned as it is.
    """
    if not any(
        isinstance(_cell(row, value_index), str) and _COUNT_SHARE.fullmatch(_cell(row, value_index))
        for _line, row in rows
    ):
        return header, rows
    result: list[Row] = []
    for line, row in rows:
        cell = _cell(row, value_index)
        match = _COUNT_SHARE.fullmatch(cell) if isinstance(cell, str) else None
        parts = {"count": match.group(1), "share": match.group(2)} if match else {"count": cell}
        for measure, text in parts.items():
            if mode != "split" and measure != mode:
                continue
            cells = list(row)
            cells[value_index] = text
            result.append((line, [*cells, measure]) if mode == "split" else (line, cells))
    texts = {
        "split": _(
            'Celler som "tal (andel %(percent)s)" er delt i et antal (measure=count) og en '
            "andel i procent (measure=share).",
            percent="%",
        ),
        "count": _('Celler som "tal (andel %(percent)s)" er læst som antallet.', percent="%"),
        "share": _(
            'Celler som "tal (andel %(percent)s)" er læst som andelen i procent.', percent="%"
        ),
    }
    report.add(texts[mode])
    return ([*header, MEASURE] if mode == "split" else header), result


# --- thousands separators and decimal commas ---------------------------------------------

_GROUPED_DOT = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")
_GROUPED_COMMA = re.compile(r"[1-9]\d{0,2}(,\d{3})+")
_PLAIN_DOT = re.compile(r"\d+\.\d+")
_PLAIN_COMMA = re.compile(r"\d+,\d+")
_BOTH_DOT_FIRST = re.compile(r"\d{1,3}(\.\d{3})*,\d+")
_BOTH_COMMA_FIRST = re.compile(r"\d{1,3}(,\d{3})*\.\d+")
_GROUPED_SPACE = re.compile(r"[1-9]\d{0,2}( \d{3})+([.,]\d+)?")


@dataclass
class Evidence:
    """What a column's number texts say about its decimal mark and thousands separator."""

    comma_decimal: bool = False  # "5,3", "1.234,5"
    dot_decimal: bool = False  # "0.9", "1,234.5"
    dot_thousands: bool = False  # "51.695.732", "1.234,5"
    comma_thousands: bool = False  # "1,234,567", "1,234.5"
    space_thousands: bool = False  # "1 234"
    lone_dot: bool = False  # "2.911": either
    lone_comma: bool = False  # "2,911": either

    def add(self, text: str) -> None:
        text = text.strip().replace("\u00a0", " ").lstrip("+-\u2212")
        if not text or not text[0].isdigit():
            return
        if _GROUPED_DOT.fullmatch(text):
            if text.count(".") > 1:
                self.dot_thousands = True
            else:
                self.lone_dot = True
        elif _GROUPED_COMMA.fullmatch(text):
            if text.count(",") > 1:
                self.comma_thousands = True
            else:
                self.lone_comma = True
        elif _BOTH_DOT_FIRST.fullmatch(text):
            self.comma_decimal = True
            self.dot_thousands = self.dot_thousands or "." in text
        elif _BOTH_COMMA_FIRST.fullmatch(text):
            self.dot_decimal = True
            self.comma_thousands = self.comma_thousands or "," in text
        elif _PLAIN_DOT.fullmatch(text):
            self.dot_decimal = True
        elif _PLAIN_COMMA.fullmatch(text):
            self.comma_decimal = True
        elif " " in text and _GROUPED_SPACE.fullmatch(text):
            self.space_thousands = True
            self.comma_decimal = self.comma_decimal or "," in text
            self.dot_decimal = self.dot_decimal or "." in text

    def decide(self) -> tuple[bool | None, str | None] | None:
        """Return (decimal comma?, thousands separator), or None when it cannot be told.

        (None, None) means there is nothing to decide: no mark at all.
        """
        comma_decimal = self.comma_decimal or self.dot_thousands
        dot_decimal = self.dot_decimal or self.comma_thousands
        if comma_decimal and dot_decimal:
            return None
        if comma_decimal:
            return True, "." if (self.dot_thousands or self.lone_dot) else (
                " " if self.space_thousands else None
            )
        if dot_decimal:
            return False, "," if (self.comma_thousands or self.lone_comma) else (
                " " if self.space_thousands else None
            )
        if self.lone_dot or self.lone_comma:
            return None
        return (None, " ") if self.space_thousands else (None, None)


def detect_number_format(
    value_texts: list[str], other_texts: list[str], column: str, report: Report
) -> tuple[bool, str | None]:
    """Tell from a column's texts how its numbers are written, or refuse when it cannot.

    The value column decides; when it cannot ("2.911" and "845" only), the other columns
    of the same rows may (a "5,3" elsewhere makes the comma the file's decimal mark, so
    the dot is a thousands separator). A column with both a decimal comma and a decimal
    point, or only lone "2.911"s in a file that says nothing more, is refused.
    """
    own = Evidence()
    for text in value_texts:
        own.add(text)
    decided = own.decide()
    where = _("kolonnen '%(column)s'", column=shown_name(column))
    if decided is None and not (own.comma_decimal and own.dot_decimal):
        file_wide = Evidence()
        for text in other_texts:
            file_wide.add(text)
        file_decision = file_wide.decide()
        if file_decision is not None and file_decision[0] is not None:
            merged = Evidence(**{**own.__dict__})
            if file_decision[0]:
                merged.comma_decimal = True
            else:
                merged.dot_decimal = True
            decided = merged.decide()
            where = _("filens øvrige kolonner")
    if decided is None:
        raise SourceParseError(
            _(
                "Det kan ikke ses, hvordan tallene i kolonnen '%(column)s' er skrevet: "
                '"1.234" kan være 1234 eller 1,234. Angiv thousands_separator (fx ".") og '
                "decimal_comma (true/false).",
                column=shown_name(column),
            )
        )
    comma, thousands = decided
    if comma is None and thousands is None:
        return False, None
    text = _("decimalkomma") if comma else _("decimalpunktum")
    if thousands:
        text += " " + _("og '%(separator)s' som tusindtalsseparator", separator=thousands)
    report.add(_("Tallene er læst med %(format)s (set i %(where)s).", format=text, where=where))
    return bool(comma), thousands
