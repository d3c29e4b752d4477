"""PxWeb: API v1 JSON (`columns`/`data`), API v2 (JSON-stat 2.0) and `.px` files.

PxWeb is the statistics database software of Statistics Sweden, Norway, Finland and many
others, and PX the file format behind it. One adapter reads all three, telling them apart
by their content:

- **API v1, `format: json`** — `columns` (each with a `code` and a `type`: `d` dimension,
  `t` time, `c` contents) and `data` rows of `key` (the d and t codes) and `values` (one per
  c column). Each c column becomes a category of the `ContentsCode` dimension, as PxWeb's
  JSON-stat has it. Values are text: numbers, or PX symbols ("..", "-").
- **API v2 / JSON-stat 2.0** — read by the `jsonstat` parser.
- **`.px` files** — `KEYWORD[lang]("subkey")=value;` lines, then `DATA=` with the cells
  row-major over the STUB variables and then the HEADING variables. Codes come from
  `CODES`, else `VALUES`; the time variable from `TIMEVAL` (else `VARIABLE-TYPE` "T", else
  its name); the unit from `UNITS`; the revision from `LAST-UPDATED`; the file's own
  `DATASYMBOL1`–`6` and `DATASYMBOLNIL` define its symbols; `NOTEX` (mandatory) and `NOTE`
  become notes. The file is UTF-8 when it decodes as such, else its `CODEPAGE`.

PX symbols: `-` absolute zero (DATASYMBOLNIL, the value is 0), `..` missing, `.` not
applicable, `...` suppressed, and whatever the file defines.
"""

from __future__ import annotations

import codecs
import math
import re
from decimal import Decimal
from typing import Any

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    AdapterConfig,
    CommonOptions,
    Deadline,
    MetricAdapter,
    ParsedTable,
    check_deadline,
    finish,
    parse_error,
    shown_name,
)
from portfolio.metrics.adapters.jsonstat import MAX_CELLS, load_json, parse_jsonstat
from portfolio.metrics.adapters.transport import is_url, read_location, request
from portfolio.metrics.observations import (
    FetchResult,
    Observation,
    ObservationStatus,
    parse_decimal,
)
from portfolio.metrics.statuses import PX_NIL, PX_SYMBOLS, lookup_symbol, make_observation

S = ObservationStatus

# PX's DATASYMBOL1–6 stand for ".", "..", … "......": what a file writes for each means
# what the standard symbol of that number means.
_DATASYMBOL_STATUS = {
    1: S.NOT_APPLICABLE,
    2: S.MISSING,
    3: S.SUPPRESSED,
    4: S.MISSING,
    5: S.MISSING,
    6: S.MISSING,
}
# A PX file's keywords: (KEYWORD, subkey such as the variable's name) → the value's items.
PxHeader = dict[tuple[str, str | None], list[str]]
_TIME_NAMES = ("tid", "time", "år", "year", "vuosi", "aar", "periode", "period")


# --- API v1 JSON -------------------------------------------------------------------------


def parse_pxweb_v1(
    document: dict[str, Any],
    *,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Read PxWeb API v1's `json` answer (`columns`, `data`, `metadata`)."""
    columns = document.get("columns")
    rows = document.get("data")
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise parse_error(_("'columns' eller 'data' mangler"), "PxWeb")
    keys: list[tuple[str, str]] = []  # (code, type) of the key columns, in order
    contents: list[str] = []
    for column in columns:
        if not isinstance(column, dict) or not isinstance(column.get("code"), str):
            raise parse_error(_("en kolonne har ingen kode"), "PxWeb")
        kind = column.get("type")
        if kind == "c":
            contents.append(column["code"])
        elif kind in ("d", "t"):
            keys.append((column["code"], kind))
        else:
            raise parse_error(_("en kolonne har en ukendt type"), "PxWeb")
    times = [index for index, (_code, kind) in enumerate(keys) if kind == "t"]
    if len(times) != 1 or not contents:
        raise parse_error(_("der skal være én tidskolonne og mindst én værdikolonne"), "PxWeb")
    time_index = times[0]
    table = {**PX_SYMBOLS, **(status_map or {})}
    observations: list[Observation] = []
    for count, row in enumerate(rows):
        check_deadline(deadline, count)
        key = row.get("key") if isinstance(row, dict) else None
        values = row.get("values") if isinstance(row, dict) else None
        if (
            not isinstance(key, list)
            or not isinstance(values, list)
            or len(key) != len(keys)
            or len(values) != len(contents)
        ):
            raise parse_error(_("række %(row)s passer ikke til kolonnerne", row=count + 1), "PxWeb")
        dimensions = {
            code: str(key[index]) for index, (code, kind) in enumerate(keys) if kind == "d"
        }
        for content, raw in zip(contents, values, strict=True):
            value, raw_status, status = _px_cell(raw, table)
            observations.append(
                make_observation(
                    {**dimensions, "ContentsCode": content},
                    str(key[time_index]),
                    value,
                    raw_status,
                    status,
                    unit,
                )
            )
    metadata = document.get("metadata")
    revision = None
    if isinstance(metadata, list) and metadata and isinstance(metadata[0], dict):
        updated = metadata[0].get("updated")
        revision = updated if isinstance(updated, str) else None
    notes = [
        _("Note fra udgiveren: %(text)s", text=" ".join(column["comment"].split()))
        for column in columns
        if isinstance(column.get("comment"), str) and column["comment"].strip()
    ]
    return ParsedTable(observations, revision=revision, unit=unit, notes=notes)


def _px_cell(
    raw: Any, table: dict[str, ObservationStatus], nils: frozenset[str] = frozenset()
) -> tuple[Decimal | None, str | None, ObservationStatus | None]:
    """Read one PX cell: a number, or a symbol looked up in the table.

    `nils` are the file's own symbols for an absolute zero (DATASYMBOLNIL other than "-").
    """
    if raw is None:
        return None, None, None
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        return Decimal(raw), None, None
    text = str(raw).strip()
    if not text:
        return None, None, None
    if text in nils:
        return Decimal(0), text, S.OK
    status = lookup_symbol(text, table)
    if status is not None:
        return None, text, status
    try:
        return parse_decimal(text), None, None
    except ValueError:
        return None, text, None


# --- .px files ---------------------------------------------------------------------------

_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)(?:\[([A-Za-z_-]+)\])?(?:\((.*)\))?\s*", re.DOTALL)


def _decode(content: bytes) -> str:
    """Decode a PX file: UTF-8 when it is (PxWeb writes UTF-8 under any CODEPAGE), else
    the CODEPAGE it declares, else ISO-8859-1 (the format's default)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    head = content[:4096].decode("ascii", "replace")
    match = re.search(r'CODEPAGE\s*=\s*"([^"]{1,40})"', head)
    codepage = match.group(1) if match else "iso-8859-1"
    try:
        codecs.lookup(codepage)
    except LookupError:
        codepage = "iso-8859-1"
    return content.decode(codepage, "replace")


def _statements(text: str) -> tuple[list[tuple[str, str]], str]:
    """Split a PX file into its header statements (key, value) and the DATA text."""
    statements: list[tuple[str, str]] = []
    start = 0
    quoted = False
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            statement = text[start:position]
            key, sep, value = _split_key(statement)
            if not sep:
                raise parse_error(_("en linje har intet '='"), "PX")
            statements.append((key, value))
            start = position + 1
            # The DATA keyword starts the cells, which are not statements.
            rest = text[start:].lstrip()
            if rest.upper().startswith("DATA") and rest[4:].lstrip().startswith("="):
                data = rest[4:].lstrip()[1:]
                end = data.rfind(";")
                return statements, data[:end] if end >= 0 else data
        position += 1
    raise parse_error(_("filen har intet DATA-afsnit"), "PX")


def _split_key(statement: str) -> tuple[str, str, str]:
    quoted = False
    depth = 0
    for index, char in enumerate(statement):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == "=":
            return statement[:index], "=", statement[index + 1 :]
    return statement, "", ""


_TOKEN = re.compile(r'"([^"]*)"|([^\s",]+)')


def _strings(value: str) -> list[str]:
    """Read a value as a list: "a","b" → [a, b]; "abc" "def" on two lines → [abcdef]."""
    items: list[str] = []
    joined = False
    position = 0
    for match in _TOKEN.finditer(value):
        between = value[position : match.start()]
        position = match.end()
        text = match.group(1) if match.group(1) is not None else match.group(2)
        if match.group(1) is not None and items and joined and "," not in between:
            items[-1] += text  # a long string continued on the next line
        else:
            items.append(text)
        joined = match.group(1) is not None
    return items


def parse_px(
    content: bytes,
    *,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    language: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Read a `.px` file into observations (its main language, or `language`)."""
    statements, data = _statements(_decode(content))
    header: PxHeader = {}
    for key, statement_value in statements:
        match = _KEY.fullmatch(key)
        if match is None:
            continue
        name, lang, subkey = match.group(1).upper(), match.group(2), match.group(3)
        if (lang or None) != (language or None):
            continue
        sub = ",".join(_strings(subkey)) if subkey else None
        header[(name, sub)] = _strings(statement_value)

    def get(name: str, sub: str | None = None) -> list[str]:
        return header.get((name, sub), [])

    stub, heading = get("STUB"), get("HEADING")
    variables = [*stub, *heading]
    if not variables:
        raise parse_error(_("filen har hverken STUB eller HEADING"), "PX")
    codes: list[list[str]] = []
    for variable in variables:
        categories = get("CODES", variable) or get("VALUES", variable)
        if not categories:
            raise parse_error(
                _("variablen %(name)s har ingen værdier", name=shown_name(variable)), "PX"
            )
        codes.append(categories)
    names = [(get("VARIABLECODE", variable) or [variable])[0] for variable in variables]
    time_variable = _time_variable(variables, header)
    count = math.prod(len(categories) for categories in codes)
    if count > MAX_CELLS:
        raise parse_error(
            _("tabellen har for mange celler (%(count)s)", count=f"{count:,}".replace(",", ".")),
            "PX",
        )
    table = {**PX_SYMBOLS, **_defined_symbols(header), **(status_map or {})}
    nils = _nil_symbols(header)
    cells = _TOKEN.findall(data)
    if len(cells) != count:
        raise parse_error(
            _(
                "DATA har %(found)s celler, men variablene giver %(count)s",
                found=len(cells),
                count=count,
            ),
            "PX",
        )
    contents = get("CONTVARIABLE")
    content_variable = contents[0] if contents else None
    units_given = get("UNITS")
    default_unit = unit or (units_given[0] if units_given else None)
    strides = [math.prod(len(c) for c in codes[k + 1 :]) for k in range(len(codes))]
    observations: list[Observation] = []
    for position, (quoted, bare) in enumerate(cells):
        check_deadline(deadline, position)
        coordinates: dict[str, str] = {}
        period = ""
        cell_unit = default_unit
        for index, variable in enumerate(variables):
            category_index = (position // strides[index]) % len(codes[index])
            code = codes[index][category_index]
            if variable == time_variable:
                period = code
                continue
            coordinates[names[index]] = code
            if variable == content_variable and unit is None:
                labels = get("VALUES", variable)
                label = labels[category_index] if category_index < len(labels) else code
                content_units = get("UNITS", label)
                cell_unit = content_units[0] if content_units else cell_unit
        value, raw_status, status = _px_cell(quoted or bare, table, nils)
        observations.append(
            make_observation(coordinates, period, value, raw_status, status, cell_unit)
        )
    revision = _last_updated(header)
    notes = [
        _("Note fra udgiveren (skal vises): %(text)s", text=text)
        for text in _notes(header, "NOTEX")
    ]
    notes += [_("Note fra udgiveren: %(text)s", text=text) for text in _notes(header, "NOTE")]
    units = {o.unit for o in observations}
    return ParsedTable(
        observations,
        revision=revision,
        unit=units.pop() if len(units) == 1 else default_unit,
        notes=notes,
    )


def _time_variable(variables: list[str], header: PxHeader) -> str:
    for variable in variables:
        if (("TIMEVAL", variable)) in header:
            return variable
    for variable in variables:
        if [text.upper() for text in header.get(("VARIABLE-TYPE", variable), [])] == ["T"]:
            return variable
    for variable in variables:
        if variable.casefold() in _TIME_NAMES:
            return variable
    raise parse_error(_("ingen variabel er markeret som tid (TIMEVAL)"), "PX")


def _defined_symbols(header: PxHeader) -> dict[str, ObservationStatus]:
    """Return the symbols the file defines for itself (DATASYMBOL1–6, DATASYMBOLNIL)."""
    table: dict[str, ObservationStatus] = {}
    for number, status in _DATASYMBOL_STATUS.items():
        symbol = header.get((f"DATASYMBOL{number}", None))
        if symbol and symbol[0].strip():
            # A symbol given for two numbers (PxWeb's demo files write ".." for both 2 and
            # 3) means what the lower number means.
            table.setdefault(symbol[0].strip(), status)
    return table


def _nil_symbols(header: PxHeader) -> frozenset[str]:
    """Return the file's symbol for an absolute zero when it is not PX's usual "-"."""
    nil = header.get(("DATASYMBOLNIL", None))
    if nil and nil[0].strip() and nil[0].strip() != PX_NIL:
        return frozenset({nil[0].strip()})
    return frozenset()


def _last_updated(header: PxHeader) -> str | None:
    stamps = [
        values[0]
        for (name, _sub), values in header.items()
        if name == "LAST-UPDATED" and values and re.fullmatch(r"\d{8} \d{2}:\d{2}", values[0])
    ]
    return max(stamps) if stamps else None


def _notes(header: PxHeader, keyword: str) -> list[str]:
    texts = []
    for (name, _sub), values in header.items():
        if name == keyword:
            for part in "".join(values).split("#"):
                if part.strip():
                    texts.append(" ".join(part.split()))
    return texts


# --- the adapter -------------------------------------------------------------------------


def parse_pxweb(
    content: bytes,
    *,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    language: str | None = None,
    dataset: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Read any of the three: PX file, API v1 JSON, JSON-stat (told apart by content)."""
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start not in (b"{", b"["):
        parsed = parse_px(
            content, status_map=status_map, unit=unit, language=language, deadline=deadline
        )
    else:
        document = load_json(content, "PxWeb", deadline)
        if isinstance(document, dict) and "columns" in document and "data" in document:
            parsed = parse_pxweb_v1(document, status_map=status_map, unit=unit, deadline=deadline)
        else:
            parsed = parse_jsonstat(
                content,
                dataset=dataset,
                status_table="px",
                status_map=status_map,
                unit=unit,
                deadline=deadline,
            )
    return parsed


class PxWebConfig(CommonOptions):
    location: str = pydantic.Field(
        min_length=1, description="URL of a PxWeb table (v1 or v2) or path of a file."
    )
    query: dict[str, Any] | None = pydantic.Field(
        default=None,
        description='PxWeb v1 query body, sent with POST: {"query": [...], '
        '"response": {"format": "json"}}.',
    )
    language: str | None = pydantic.Field(
        default=None, description="A .px file's language ([en]); its main language if empty."
    )
    dataset: str | None = pydantic.Field(
        default=None, description="Which dataset of a JSON-stat collection (position or label)."
    )

    @pydantic.field_validator("query")
    @classmethod
    def _query_is_json(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and not isinstance(value.get("query", []), list):
            raise ValueError("query.query skal være en liste")
        return value


@register
class PxWebAdapter(MetricAdapter):
    """PxWeb API v1 JSON, API v2 JSON-stat and `.px` files."""

    type = "pxweb"
    label = _l("PxWeb (API v1/v2 eller PX-fil)")
    config_schema = PxWebConfig
    requirements = ("httpx",)

    def fetch(
        self,
        raw_config: AdapterConfig | dict[str, Any],
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the PxWeb table or PX file at the location."""
        config: PxWebConfig = self.parse_config(raw_config)
        deadline = Deadline(timeout)
        if config.query is not None:
            if not is_url(config.location):
                raise parse_error(_("query kræver en http(s)-adresse"), "PxWeb")
            payload = request("POST", config.location, deadline, json_body=config.query)
        else:
            payload = read_location(config.location, deadline)
        parsed = parse_pxweb(
            payload.content,
            status_map=config.status_map,
            unit=config.unit,
            language=config.language,
            dataset=config.dataset,
            deadline=deadline,
        )
        parsed.revision = parsed.revision or payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=config.suppress_below)
