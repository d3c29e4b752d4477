"""Statistics Denmark's StatBank API v1 (Statistikbanken): tableinfo, then data.

A fetch first asks `POST <base>/v1/tableinfo` for the table's variables and its `updated`
time. The configured variables and values are checked against it (so a typo gives a clear
Danish error rather than an empty table), and when `updated` equals the caller's
`since_revision` the data call is skipped. Then `POST <base>/v1/data` returns either CSV
(UTF-8 with a byte-order mark, `;`, CRLF, the value in `INDHOLD`, `..` for missing) or
JSON-stat 1.x, read by the jsonstat adapter's parser, or BULK (the same semicolon CSV for
large tables, which the API streams; it is read row by row, never held as a list).

A saved data response (CSV or JSON-stat) can be read from a file instead, for preview; a
saved tableinfo response beside it then checks the variables and gives the revision.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    MAX_NAMES_SHOWN,
    AdapterConfig,
    CommonOptions,
    ConnectionCheck,
    Deadline,
    MetricAdapter,
    ParsedTable,
    SourceConfigError,
    SourceError,
    check_deadline,
    finish,
    log_source_error,
    parse_error,
    short_text,
    shown_name,
    shown_names,
)
from portfolio.metrics.adapters.jsonstat import TIME_DIMENSION_NAMES, load_json, parse_jsonstat
from portfolio.metrics.adapters.transport import is_url, read_file, request
from portfolio.metrics.observations import (
    FetchResult,
    Observation,
    ObservationStatus,
    parse_decimal,
)
from portfolio.metrics.statuses import PX_SYMBOLS, lookup_symbol, make_observation

DEFAULT_BASE_URL = "https://api.statbank.dk"

# Selections the API evaluates itself ("*", "2020K*", ">=2020", "(1)"): not checked.
_EXPRESSION_MARKS = ("*", "<", ">", "(")


class VariableSelection(AdapterConfig):
    code: str = pydantic.Field(min_length=1)
    values: list[str] = pydantic.Field(min_length=1)


def _parse_variables(raw: Any) -> Any:
    """Accept "CODE=v1,v2;CODE2=*", {"CODE": ["v1"]} or [{"code": ..., "values": [...]}]."""
    if isinstance(raw, str):
        selections = []
        for part in raw.split(";"):
            if not part.strip():
                continue
            code, sep, values = part.partition("=")
            if not sep or not code.strip():
                raise ValueError(
                    "skriv variable som KODE=værdi1,værdi2;KODE2=* (fx HERKOMST1=00;Tid=2023)"
                )
            selections.append(
                {
                    "code": code.strip(),
                    "values": [v.strip() for v in values.split(",") if v.strip()],
                }
            )
        return selections
    if isinstance(raw, dict):
        return [
            {"code": code, "values": [values] if isinstance(values, str) else values}
            for code, values in raw.items()
        ]
    return raw


class StatbankConfig(CommonOptions):
    table: str | None = pydantic.Field(default=None, description="Table id, e.g. STRAF42.")
    variables: list[VariableSelection] = pydantic.Field(
        default_factory=list,
        description="Selected values per variable; variables left out are eliminated "
        "(totalled) by the API.",
    )
    format: Literal["CSV", "JSONSTAT", "BULK"] = pydantic.Field(
        default="CSV",
        description="CSV, JSONSTAT, or BULK (semicolon CSV for large tables, read as a stream).",
    )
    lang: Literal["da", "en"] = "da"
    base_url: str = DEFAULT_BASE_URL
    value_column: str = pydantic.Field(default="INDHOLD", description="CSV value column.")
    location: str | None = pydantic.Field(
        default=None, description="Path of a saved data response (CSV or JSON-stat) to read."
    )
    tableinfo_location: str | None = pydantic.Field(
        default=None, description="Path of a saved tableinfo response, used with `location`."
    )
    suppressed_data_value_is_suppressed: bool = pydantic.Field(
        default=False,
        description="Treat cells equal to the table's `suppressedDataValue` as suppressed.",
    )

    @pydantic.field_validator("variables", mode="before")
    @classmethod
    def _variables(cls, value: Any) -> Any:
        return _parse_variables(value)

    @pydantic.field_validator("format", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @pydantic.field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not is_url(value):
            raise ValueError("skal være en http- eller https-adresse")
        return value.rstrip("/")

    @pydantic.model_validator(mode="after")
    def _table_or_file(self) -> StatbankConfig:
        if not self.table and not self.location:
            raise ValueError("angiv en tabel (table) eller en gemt fil (location)")
        return self


def check_variables(info: dict, selections: list[VariableSelection]) -> list[str]:
    """Return Danish lines for every selected variable or value the table does not have.

    The lines name the table's variables (when they look like names), never its values'
    texts: a tableinfo answer is provider text like any other.
    """
    table = shown_name(info.get("id", "?"))
    variables = {str(v.get("id", "")).casefold(): v for v in info.get("variables") or []}
    problems = []
    for selection in selections:
        variable = variables.get(selection.code.casefold())
        if variable is None:
            problems.append(
                _(
                    "Tabellen %(table)s har ingen variabel %(code)s (den har: %(known)s).",
                    table=table,
                    code=short_text(selection.code),
                    known=shown_names(str(v.get("id")) for v in variables.values())
                    or _("navnene kan ikke vises"),
                )
            )
            continue
        known = {str(value.get("id")) for value in variable.get("values") or []}
        unknown = [
            value
            for value in selection.values
            if value not in known and not any(mark in value for mark in _EXPRESSION_MARKS)
        ]
        if unknown:
            problems.append(
                _(
                    "Variablen %(code)s i tabellen %(table)s har ikke værdierne: %(values)s.",
                    code=shown_name(variable.get("id")),
                    table=table,
                    values=", ".join(short_text(value) for value in unknown[:MAX_NAMES_SHOWN]),
                )
            )
    chosen = {selection.code.casefold() for selection in selections}
    for key, variable in variables.items():
        if variable.get("elimination") is False and not variable.get("time") and key not in chosen:
            problems.append(
                _(
                    "Variablen %(code)s i tabellen %(table)s skal have valgte værdier.",
                    code=shown_name(variable.get("id")),
                    table=table,
                )
            )
    return problems


def _csv_rows(content: bytes, deadline: Deadline | None) -> Iterator[list[str]]:
    """Yield StatBank CSV (or BULK) rows one at a time, decoding as it goes.

    Nothing but the bytes and the current row is held: a BULK answer of millions of rows
    is read as a stream, and the deadline is looked at every few thousand rows.
    """
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    try:
        first_line = stream.readline()
        delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ",")
        stream.seek(0)
        reader = csv.reader(stream, delimiter=delimiter)
        for count, row in enumerate(reader):
            check_deadline(deadline, count)
            if row:
                yield row
    except UnicodeDecodeError:
        raise parse_error(_("teksten er ikke UTF-8"), "CSV") from None
    except csv.Error:
        raise parse_error(_("filen er ikke gyldig CSV"), "CSV") from None


def _parse_cell(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except ValueError:
        # With ";" between fields a comma can only be a decimal comma (lang=da).
        return parse_decimal(text, decimal_comma=True)


def parse_statbank_csv(
    content: bytes,
    *,
    value_column: str = "INDHOLD",
    info: dict | None = None,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Read StatBank's CSV: one column per variable, the time column, and the value column.

    With a tableinfo the column names are matched to the variable ids, and cells holding a
    value's text (the API's default presentation) are turned back into its code.
    """
    rows = _csv_rows(content, deadline)
    first = next(rows, None)
    if first is None:
        raise parse_error(_("filen er tom"), "CSV")
    header = [cell.strip() for cell in first]
    folded = [cell.casefold() for cell in header]
    if value_column.casefold() not in folded:
        raise parse_error(
            _(
                "kolonnen %(column)s findes ikke (kolonner: %(header)s)",
                column=short_text(value_column),
                header=shown_names(header) or _("navnene kan ikke vises"),
            ),
            "CSV",
        )
    value_index = folded.index(value_column.casefold())
    variables = {str(v.get("id")).casefold(): v for v in (info or {}).get("variables") or []}
    time_index = None
    for index, name in enumerate(folded):
        variable = variables.get(name)
        if (variable is not None and variable.get("time")) or (
            not variables and name in TIME_DIMENSION_NAMES
        ):
            time_index = index
            break
    if time_index is None:
        raise parse_error(
            _(
                "der er ingen tidskolonne (kolonner: %(header)s)",
                header=shown_names(header) or _("navnene kan ikke vises"),
            ),
            "CSV",
        )
    table = {**PX_SYMBOLS, **(status_map or {})}
    observations: list[Observation] = []
    for line_number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise parse_error(
                _("linje %(line)s har et forkert antal felter", line=line_number), "CSV"
            )
        dimensions = {}
        for index, name in enumerate(header):
            if index in (value_index, time_index):
                continue
            variable = variables.get(name.casefold())
            dimensions[str(variable.get("id")) if variable else name] = _code(variable, row[index])
        period = _code(variables.get(folded[time_index]), row[time_index])
        text = row[value_index].strip()
        status = lookup_symbol(text, table) if text else None
        value = None
        raw_status = None
        if status is not None or not text:
            raw_status = text or None
        else:
            try:
                value = _parse_cell(text)
            except ValueError:
                raise parse_error(
                    _(
                        "linje %(line)s: værdien i kolonnen %(column)s er ikke et tal",
                        line=line_number,
                        column=short_text(value_column),
                    ),
                    "CSV",
                ) from None
        observations.append(make_observation(dimensions, period, value, raw_status, status, unit))
    return ParsedTable(observations, unit=unit)


# StatBank's `updated` ("2024-03-21T08:00:00"); anything else is not repeated.
_TIMESTAMP = re.compile(r"[0-9][0-9T:+\-. Z]{3,39}")


def _timestamp_text(value: Any) -> str:
    return value if isinstance(value, str) and _TIMESTAMP.fullmatch(value) else "?"


def _code(variable: dict | None, cell: str) -> str:
    """Return the value's code for a cell that may hold its code or its text."""
    cell = cell.strip()
    if not variable:
        return cell
    values = variable.get("values") or []
    if any(str(value.get("id")) == cell for value in values):
        return cell
    matches = [str(value.get("id")) for value in values if str(value.get("text")) == cell]
    return matches[0] if len(matches) == 1 else cell


def _notes(info: dict | None) -> list[str]:
    notes = []
    if not info:
        return notes
    footnote = info.get("footnote") or {}
    if isinstance(footnote, dict) and (footnote.get("text") or "").strip():
        text = " ".join(footnote["text"].split())
        if footnote.get("mandatory"):
            notes.append(_("Fodnote fra Danmarks Statistik (skal vises): %(text)s", text=text))
        else:
            notes.append(_("Fodnote fra Danmarks Statistik: %(text)s", text=text))
    return notes


def _mark_suppressed_value(parsed: ParsedTable, info: dict | None) -> int:
    """Withhold cells equal to the table's `suppressedDataValue`; return how many."""
    marker = (info or {}).get("suppressedDataValue")
    if marker is None:
        return 0
    try:
        marker_value = Decimal(str(marker))
    except ArithmeticError:
        return 0
    count = 0
    for position, observation in enumerate(parsed.observations):
        if observation.value is not None and observation.value == marker_value:
            parsed.observations[position] = Observation(
                dimensions=observation.dimensions,
                period=observation.period,
                value=None,
                status=ObservationStatus.SUPPRESSED,
                raw_status=str(marker),
                unit=observation.unit,
            )
            count += 1
    return count


@register
class StatbankAdapter(MetricAdapter):
    """Statistics Denmark's StatBank (Statistikbanken) API v1."""

    type = "statbank"
    label = _l("Danmarks Statistik – Statistikbanken")
    config_schema = StatbankConfig
    requirements = ("httpx",)

    @classmethod
    def config_from_location(cls, location: str | None, options: dict) -> dict:
        """Take a URL as the API's base address and anything else as a saved response."""
        config = dict(options)
        if location:
            config["base_url" if is_url(location) else "location"] = location
        return config

    def _tableinfo(self, config: StatbankConfig, deadline: Deadline) -> dict:
        if config.location:
            if not config.tableinfo_location:
                return {}
            content = read_file(config.tableinfo_location)
            deadline.check_reading()
        else:
            content = request(
                "POST",
                f"{config.base_url}/v1/tableinfo",
                deadline,
                json_body={"table": config.table, "format": "JSON", "lang": config.lang},
            ).content
        info = load_json(content, "StatBank tableinfo", deadline)
        if not isinstance(info, dict) or not isinstance(info.get("variables"), list):
            raise parse_error(_("tableinfo har ingen variabler"), "StatBank tableinfo")
        return info

    def _check(self, config: StatbankConfig, info: dict) -> None:
        if not info:
            return
        problems = check_variables(info, config.variables)
        if problems:
            raise SourceConfigError(" ".join(problems), errors=problems)

    def test_connection(
        self, config: StatbankConfig | dict, *, timeout: float = DEFAULT_TIMEOUT
    ) -> ConnectionCheck:
        """Ask for the table's tableinfo and check the configured variables against it."""
        try:
            config = self.parse_config(config)
            info = self._tableinfo(config, Deadline(timeout))
            self._check(config, info)
        except SourceError as error:
            log_source_error(error, "statbank connection test")
            return ConnectionCheck(ok=False, message=error.message)
        if not info:
            return ConnectionCheck(ok=True, message=_("Filen kan læses."))
        return ConnectionCheck(
            ok=True,
            message=_(
                "Tabellen %(table)s findes og blev sidst opdateret %(updated)s.",
                table=shown_name(info.get("id", config.table)),
                updated=_timestamp_text(info.get("updated")),
            ),
        )

    def fetch(
        self,
        config: StatbankConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Check the selection against tableinfo, then fetch the data unless unchanged."""
        config = self.parse_config(config)
        deadline = Deadline(timeout)
        info = self._tableinfo(config, deadline)
        self._check(config, info)
        revision = info.get("updated") if info else None
        notes = _notes(info)
        unit = config.unit or (info.get("unit") if info else None)
        if revision is not None and since_revision == revision:
            return FetchResult([], revision=revision, unit=unit, notes=notes, unchanged=True)

        if config.location:
            content = read_file(config.location)
            # A saved response is JSON(-stat) when it looks like JSON, else StatBank CSV.
            is_jsonstat = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
        else:
            body: dict[str, Any] = {
                "table": config.table,
                "format": config.format,
                "lang": config.lang,
                "variables": [
                    {"code": selection.code, "values": selection.values}
                    for selection in config.variables
                ],
            }
            if config.format in ("CSV", "BULK"):
                # Codes, not texts, so that dimensions do not change with the language.
                body["valuePresentation"] = "Code"
            content = request(
                "POST", f"{config.base_url}/v1/data", deadline, json_body=body
            ).content
            is_jsonstat = config.format == "JSONSTAT"

        if is_jsonstat:
            parsed = parse_jsonstat(
                content, status_map=config.status_map, unit=unit, deadline=deadline
            )
        else:
            parsed = parse_statbank_csv(
                content,
                value_column=config.value_column,
                info=info,
                status_map=config.status_map,
                unit=unit,
                deadline=deadline,
            )
        # The table's `updated` is the revision the next fetch compares with, also when the
        # data carries its own (differently written) time stamp.
        parsed.revision = revision or parsed.revision
        if info and info.get("suppressedDataValue") is not None:
            if config.suppressed_data_value_is_suppressed:
                hidden = _mark_suppressed_value(parsed, info)
                notes.append(
                    _(
                        "%(count)s celler med værdien %(value)s er behandlet som diskretionerede.",
                        count=hidden,
                        value=info["suppressedDataValue"],
                    )
                )
            else:
                notes.append(
                    _(
                        "Tabellen oplyser, at diskretionerede celler vises som %(value)s; "
                        "sådanne værdier er læst som tal.",
                        value=info["suppressedDataValue"],
                    )
                )
        return finish(
            parsed, since_revision=since_revision, suppress_below=config.suppress_below, notes=notes
        )
