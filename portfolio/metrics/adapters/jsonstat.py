"""JSON-stat 1.x and 2.0 datasets, from a URL or a local file.

JSON-stat is a cube: dimensions with sizes, and a flat list of values in row-major order
(the last dimension changes fastest). Versions and providers differ in where they put
things, and the parser takes all of these:

- 2.0: `version: "2.0"`, `class: "dataset"`, `id`/`size`/`role` at the top of the dataset.
- 1.x: datasets under named keys (`dataset`, `nama_gdp_c`, …), `id`/`size`/`role` inside
  `dimension`.
- `category.index` as a list, an object (code → position) or absent (then the order of
  `category.label`, or its single category).
- `value` and `status` as a list, an object (position → item, sparse) or one item for all
  cells; Eurostat's retired 1.x service wrote `status` as `{"value": [...], "category":
  {"label": {":": "not available"}}}`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import operator
import re
from decimal import Decimal
from typing import Any, Literal

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    CHECK_EVERY,
    DEFAULT_TIMEOUT,
    CommonOptions,
    Deadline,
    MetricAdapter,
    ParsedTable,
    SourceParseError,
    check_deadline,
    finish,
    parse_error,
    short_text,
    shown_name,
    shown_names,
)
from portfolio.metrics.adapters.transport import read_location
from portfolio.metrics.observations import (
    FetchResult,
    Observation,
    ObservationStatus,
    parse_decimal,
)
from portfolio.metrics.statuses import (
    DEFAULT_JSONSTAT_SYMBOLS,
    EUROSTAT_FLAGS,
    PX_SYMBOLS,
    lookup_symbol,
    make_observation,
    status_from_label,
)

# Dimension ids that mean time when the dataset gives no `role.time`, compared lower-case.
TIME_DIMENSION_NAMES = ("tid", "time", "time_period", "year", "år", "aar", "period", "periode")

# CHECK_EVERY is a power of two: the clock is read when position & CHECK_MASK is 0.
CHECK_MASK = CHECK_EVERY - 1

StatusTable = Literal["auto", "px", "eurostat"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON-stat allows")


# A table has more cells than any metric needs beyond this: a wrong URL, or an answer
# built to exhaust memory (a dense list is bounded by the size limit, a sparse object or a
# single value for all cells is not).
MAX_CELLS = 2_000_000


# A JSON-stat `"size": [12, 3, 1000]` as it stands in the text (a key: inside a JSON string
# its quotes would be escaped).
_SIZE_TEXT = re.compile(rb'"size"\s*:\s*\[([\s"0-9,]{1,400})\]')


def refuse_oversized(content: bytes) -> None:
    """Refuse a JSON-stat text whose `size` promises more than MAX_CELLS cells, unread.

    Decoding JSON cannot be interrupted: a 3,000,000-cell answer took longer to decode than
    its whole timeout. The sizes are found by a scan of the bytes (fast, in C) before any
    decoding, so such an answer is refused at once; `parse_dataset` checks again after.
    """
    for match in _SIZE_TEXT.finditer(content):
        numbers = [int(n) for n in re.findall(rb"\d+", match.group(1))]
        if numbers and math.prod(numbers) > MAX_CELLS:
            raise _too_many_cells(math.prod(numbers))


def _too_many_cells(count: int) -> SourceParseError:
    return parse_error(
        _(
            "tabellen har %(count)s celler; der læses højst %(max)s. Afgræns udtrækket.",
            count=f"{count:,}".replace(",", "."),
            max=f"{MAX_CELLS:,}".replace(",", "."),
        )
    )


def load_json(
    content: bytes, format_name: str = "JSON-stat", deadline: Deadline | None = None
) -> Any:
    """Decode JSON text with every number as an exact Decimal (never a float).

    The message names where the text broke, never what it holds; nesting deeper than
    Python's recursion limit (JSON-stat needs about six levels) is refused.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise parse_error(_("teksten er ikke UTF-8"), format_name) from None
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise parse_error(
            _(
                "ugyldig JSON (linje %(line)s, kolonne %(column)s)",
                line=error.lineno,
                column=error.colno,
            ),
            format_name,
        ) from None
    except RecursionError:
        raise parse_error(_("JSON-teksten er for dybt indlejret"), format_name) from None
    except ValueError:  # NaN or Infinity, which JSON-stat does not allow
        raise parse_error(_("ugyldig JSON (et tal er NaN eller Infinity)"), format_name) from None
    if deadline is not None:
        deadline.check_reading()
    return document


def _looks_like_dataset(node: Any) -> bool:
    return isinstance(node, dict) and "dimension" in node and "value" in node


def find_datasets(document: Any) -> dict[str, dict]:
    """Return the datasets in a JSON-stat response by name (2.0 datasets are named "")."""
    if not isinstance(document, dict):
        raise parse_error(_("svaret er ikke et JSON-objekt"))
    if document.get("class") == "dataset" or (
        "version" in document and _looks_like_dataset(document)
    ):
        return {"": document}
    if document.get("class") == "collection":
        items = (document.get("link") or {}).get("item") or []
        # Keyed by position ("0", "1", …): a label is long prose and need not be unique;
        # `choose_dataset` also finds an item by its label.
        found = {
            str(position): item
            for position, item in enumerate(items)
            if isinstance(item, dict) and item.get("class") == "dataset" and "value" in item
        }
        if found:
            return found
        raise parse_error(_("samlingen indeholder ingen indlejrede datasæt"))
    found = {name: node for name, node in document.items() if _looks_like_dataset(node)}
    if not found:
        raise parse_error(_("der er intet datasæt med 'dimension' og 'value'"))
    return found


def _category_codes(dimension_id: str, dimension: Any, size: int) -> list[str]:
    """Return a dimension's category codes in position order."""
    if not isinstance(dimension, dict):
        raise parse_error(_("dimensionen %(id)s mangler", id=shown_name(dimension_id)))
    category = dimension.get("category") or {}
    index = category.get("index")
    labels = category.get("label")
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        by_position: dict[int, str] = {}
        for code, position in index.items():
            if not isinstance(position, int) or position in by_position:
                raise parse_error(
                    _("dimensionen %(id)s har ugyldige positioner", id=shown_name(dimension_id))
                )
            by_position[position] = str(code)
        if sorted(by_position) != list(range(len(by_position))):
            raise parse_error(
                _("dimensionen %(id)s har huller i positionerne", id=shown_name(dimension_id))
            )
        codes = [by_position[position] for position in range(len(by_position))]
    elif index is None and isinstance(labels, dict) and labels:
        # Without an index the labels' order is the categories' order (JSON-stat allows
        # leaving out the index for a single category; some providers leave it out always).
        codes = [str(code) for code in labels]
    else:
        raise parse_error(_("dimensionen %(id)s har ingen kategorier", id=shown_name(dimension_id)))
    if len(codes) != size:
        raise parse_error(
            _(
                "dimensionen %(id)s har %(count)s kategorier, men størrelsen %(size)s",
                id=shown_name(dimension_id),
                count=len(codes),
                size=size,
            )
        )
    return codes


def _category_units(dimension: dict, codes: list[str]) -> dict[str, str]:
    """Return the unit of each category of a metric dimension that states one."""
    units = ((dimension.get("category") or {}).get("unit")) or {}
    result = {}
    for code in codes:
        unit = units.get(code)
        if isinstance(unit, dict):
            text = unit.get("base") or unit.get("label") or unit.get("symbol")
            if text:
                result[code] = str(text)
    return result


def _cells(container: Any, count: int, what: str) -> list[Any]:
    """Spread a value or status container (list, sparse object or one item) over all cells."""
    if isinstance(container, list):
        # One item for every cell may also be written as a one-element list
        # (`"status": ["a"]`), which the format allows.
        if len(container) == 1 and count != 1:
            return container * count
        if len(container) != count:
            raise parse_error(
                _(
                    "'%(what)s' har %(found)s elementer, men tabellen har %(count)s celler",
                    what=what,
                    found=len(container),
                    count=count,
                )
            )
        return container
    if isinstance(container, dict):
        cells: list[Any] = [None] * count
        for key, item in container.items():
            try:
                position = int(key)
            except ValueError:
                raise parse_error(_("'%(what)s' har en ugyldig position", what=what)) from None
            if not 0 <= position < count:
                raise parse_error(_("'%(what)s' har en position uden for tabellen", what=what))
            cells[position] = item
        return cells
    return [container] * count


def _status_labels(dataset: dict) -> tuple[Any, dict[str, str]]:
    """Return the status container and the provider's labels for its symbols."""
    status = dataset.get("status")
    labels: dict[str, str] = {}
    if isinstance(status, dict) and "value" in status and "category" in status:
        labels = dict((status.get("category") or {}).get("label") or {})
        status = status["value"]
    extension = dataset.get("extension")
    if isinstance(extension, dict) and isinstance(extension.get("status"), dict):
        labels.update(extension["status"].get("label") or {})
    return status, {str(k): str(v) for k, v in labels.items()}


def symbol_table(
    status_table: StatusTable, labels: dict[str, str], overrides: dict[str, ObservationStatus]
) -> dict[str, ObservationStatus]:
    """Build the symbol → status table for a dataset: base table, its own labels, overrides."""
    if status_table == "px":
        table = dict(PX_SYMBOLS)
    elif status_table == "eurostat":
        table = dict(EUROSTAT_FLAGS)
    else:
        table = dict(DEFAULT_JSONSTAT_SYMBOLS)
    # A dataset that says what its symbols mean is believed over any general table,
    # whichever was chosen: Eurostat's "|C" is labelled "confidential", and no general
    # table knows it (with the PX table "|" alone would be a break).
    for symbol, label in labels.items():
        status = status_from_label(label)
        if status is not None:
            table[symbol] = status
    table.update(overrides)
    return table


def _revision(dataset: dict) -> str | None:
    updated = dataset.get("updated")
    if isinstance(updated, str) and updated.strip():
        return updated.strip()
    # Eurostat's retired service: milliseconds since the epoch.
    stamp = dataset.get("lastUpdateDate")
    if isinstance(stamp, int):
        moment = dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC)
        return moment.isoformat().replace("+00:00", "Z")
    return None


def _dimension_list(ids: list[str]) -> str:
    return shown_names(ids) or _("navnene kan ikke vises")


def _find_time_dimension(ids: list[str], role: dict, wanted: str | None) -> str:
    if wanted:
        if wanted not in ids:
            raise parse_error(
                _(
                    "tidsdimensionen %(id)s findes ikke (dimensioner: %(ids)s)",
                    id=short_text(wanted),
                    ids=_dimension_list(ids),
                )
            )
        return wanted
    for candidate in role.get("time") or []:
        if candidate in ids:
            return candidate
    for candidate in ids:
        if candidate.lower() in TIME_DIMENSION_NAMES:
            return candidate
    raise parse_error(
        _(
            "ingen dimension er markeret som tid; angiv time_dimension (dimensioner: %(ids)s)",
            ids=_dimension_list(ids),
        )
    )


def _cell_value(raw: Any) -> tuple[Decimal | None, str | None]:
    """Return a cell's number, or the symbol a provider wrote in place of it."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        raise parse_error(_("en værdi er true/false i stedet for et tal"))
    if isinstance(raw, Decimal | int):
        return Decimal(raw), None
    if isinstance(raw, str):
        try:
            return parse_decimal(raw), None
        except ValueError:
            # Some providers write the symbol (".." or ":") where the number would be.
            return None, raw.strip() or None
    raise parse_error(_("en værdi er hverken et tal, tekst eller null"))


def _sizes(raw: Any) -> list[int] | None:
    """Return the dimension sizes; some publishers write them as text ("36")."""
    if not isinstance(raw, list):
        return None
    sizes = []
    for size in raw:
        if isinstance(size, str) and size.strip().isdigit():
            size = int(size.strip())
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            return None
        sizes.append(size)
    return sizes


def _mandatory(extension: Any) -> set[int]:
    """Return the positions of the notes PxWeb marks as mandatory (`noteMandatory`)."""
    marks = extension.get("noteMandatory") if isinstance(extension, dict) else None
    if not isinstance(marks, dict):
        return set()
    return {int(key) for key, flag in marks.items() if flag is True and str(key).isdigit()}


def _note_texts(node: Any) -> list[str]:
    notes = node.get("note") if isinstance(node, dict) else None
    if isinstance(notes, str):
        notes = [notes]
    return [" ".join(note.split()) for note in notes or [] if isinstance(note, str)]


def _notes(dataset: dict[str, Any], dimensions: dict[str, Any], ids: list[str]) -> list[str]:
    """Return the dataset's notes and its dimensions' notes, the mandatory ones first.

    PxWeb marks a note that must be shown with the figures in `extension.noteMandatory`
    (position → true), for the dataset and for each dimension; such a note is written
    "(skal vises)" and put first, so that it is shown with the metric.
    """
    mandatory: list[str] = []
    other: list[str] = []
    marks = _mandatory(dataset.get("extension"))
    for position, text in enumerate(_note_texts(dataset)):
        (mandatory if position in marks else other).append(text)
    for dimension_id in ids:
        dimension = dimensions.get(dimension_id)
        marks = _mandatory(dimension.get("extension") if isinstance(dimension, dict) else None)
        for position, text in enumerate(_note_texts(dimension)):
            (mandatory if position in marks else other).append(text)
    return [_("Note fra udgiveren (skal vises): %(text)s", text=text) for text in mandatory] + [
        _("Note fra udgiveren: %(text)s", text=text) for text in other
    ]


def parse_dataset(
    dataset: dict,
    *,
    time_dimension: str | None = None,
    status_table: StatusTable = "auto",
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Turn one JSON-stat dataset (1.x or 2.0) into observations.

    With a `deadline`, the clock is checked every few thousand cells: a table too large to
    read in the time left is refused with SourceTimeout rather than read past it.
    """
    dimensions = dataset.get("dimension")
    if not isinstance(dimensions, dict):
        raise parse_error(_("datasættet har ingen 'dimension'"))
    if "id" in dataset and "size" in dataset:
        ids, sizes, role = dataset["id"], dataset["size"], dataset.get("role") or {}
    else:
        ids, sizes = dimensions.get("id"), dimensions.get("size")
        role = dimensions.get("role") or {}
    sizes = _sizes(sizes)
    if not isinstance(ids, list) or sizes is None or len(ids) != len(sizes):
        raise parse_error(_("'id' og 'size' mangler eller passer ikke sammen"))
    ids = [str(i) for i in ids]
    codes = {
        i: _category_codes(i, dimensions.get(i), size) for i, size in zip(ids, sizes, strict=True)
    }
    time_id = _find_time_dimension(ids, role, time_dimension)
    units: dict[str, dict[str, str]] = {
        metric: _category_units(dimensions[metric], codes[metric])
        for metric in role.get("metric") or []
        if metric in codes
    }
    # A metric dimension the provider eliminated (left out of `id` because it has one
    # category) still says the unit of every cell.
    for metric in role.get("metric") or []:
        if metric not in codes and isinstance(dimensions.get(metric), dict):
            category = dimensions[metric].get("category") or {}
            eliminated = _category_units(
                dimensions[metric], [str(c) for c in category.get("unit") or {}]
            )
            if len(set(eliminated.values())) == 1 and unit is None:
                unit = next(iter(eliminated.values()))
    count = math.prod(sizes)
    if count > MAX_CELLS:
        raise _too_many_cells(count)
    values = _cells(dataset.get("value"), count, "value")
    status_container, labels = _status_labels(dataset)
    statuses = _cells(status_container, count, "status")
    table = symbol_table(status_table, labels, status_map or {})

    # Row-major order, the last dimension changing fastest, is the order of
    # itertools.product over the dimensions' codes.
    time_position = ids.index(time_id)
    others = [index for index, dim in enumerate(ids) if index != time_position]
    other_ids = [ids[index] for index in others]
    unit_lookups = [(ids.index(metric), by_code) for metric, by_code in units.items() if by_code]
    getter = operator.itemgetter(*others) if others else None
    series: dict[Any, dict[str, str]] = {}
    observations: list[Observation] = []
    append = observations.append
    ok = ObservationStatus.OK
    for position, combination in enumerate(itertools.product(*(codes[i] for i in ids))):
        if not position & CHECK_MASK:
            check_deadline(deadline, 0)
        key: Any = getter(combination) if getter is not None else ()
        coordinates = series.get(key)
        if coordinates is None:
            # One dimensions dict per series, shared by its periods (never changed later):
            # a million cells of a thousand series hold a thousand dicts, not a million.
            parts: tuple[Any, ...] = key if len(others) != 1 else (key,)
            coordinates = series[key] = dict(zip(other_ids, parts, strict=True))
        period = combination[time_position]
        cell_unit = unit
        for index, by_code in unit_lookups:
            cell_unit = by_code.get(combination[index], cell_unit)
        raw = values[position]
        symbol = statuses[position]
        if symbol is None and type(raw) in (int, Decimal):
            # The common cell, a number without a symbol, is built directly.
            append(Observation(coordinates, period, Decimal(raw), ok, None, cell_unit))
            continue
        value, symbol_in_value = _cell_value(raw)
        raw_status = (str(symbol).strip() if symbol is not None else "") or symbol_in_value
        status = lookup_symbol(raw_status, table) if raw_status else None
        append(make_observation(coordinates, period, value, raw_status, status, cell_unit))

    distinct_units = {o.unit for o in observations}
    notes = _notes(dataset, dimensions, ids)
    return ParsedTable(
        observations=observations,
        revision=_revision(dataset),
        unit=distinct_units.pop() if len(distinct_units) == 1 else unit,
        notes=notes,
    )


def parse_jsonstat(
    content: bytes,
    *,
    dataset: str | None = None,
    time_dimension: str | None = None,
    status_table: StatusTable = "auto",
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Parse a JSON-stat response and return the observations of one of its datasets."""
    refuse_oversized(content)
    datasets = find_datasets(load_json(content, deadline=deadline))
    if dataset is not None and dataset not in datasets:
        # A collection's item may also be named by its label.
        by_label = [
            key for key, item in datasets.items() if str(item.get("label") or "").strip() == dataset
        ]
        if len(by_label) == 1:
            dataset = by_label[0]
    if dataset is not None:
        if dataset not in datasets:
            raise parse_error(
                _(
                    "datasættet %(name)s findes ikke (der er: %(names)s)",
                    name=short_text(dataset),
                    names=_dimension_list(list(datasets)) if datasets else "–",
                )
            )
        chosen = datasets[dataset]
    elif len(datasets) == 1:
        chosen = next(iter(datasets.values()))
    else:
        raise parse_error(
            _(
                "svaret har flere datasæt; angiv dataset (der er: %(names)s)",
                names=_dimension_list(list(datasets)),
            )
        )
    return parse_dataset(
        chosen,
        time_dimension=time_dimension,
        status_table=status_table,
        status_map=status_map,
        unit=unit,
        deadline=deadline,
    )


class JsonStatConfig(CommonOptions):
    location: str = pydantic.Field(
        min_length=1, description="URL (http/https, read with GET) or path of a JSON-stat file."
    )
    dataset: str | None = pydantic.Field(
        default=None, description="Which dataset, when a 1.x response holds several."
    )
    time_dimension: str | None = pydantic.Field(
        default=None, description="The time dimension's id, when `role.time` does not say."
    )
    status_table: StatusTable = pydantic.Field(
        default="auto",
        description="Symbol table: auto (the dataset's own labels, else Nordic + Eurostat), "
        "px or eurostat.",
    )


@register
class JsonStatAdapter(MetricAdapter):
    """JSON-stat 1.x and 2.0 (PxWeb, Statistics Norway, Eurostat, StatBank's jsonstat)."""

    type = "jsonstat"
    label = _l("JSON-stat (URL eller fil)")
    config_schema = JsonStatConfig
    requirements = ("httpx",)

    def fetch(
        self,
        config: JsonStatConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the JSON-stat dataset at the configured location."""
        config = self.parse_config(config)
        deadline = Deadline(timeout)
        payload = read_location(config.location, deadline)
        parsed = parse_jsonstat(
            payload.content,
            dataset=config.dataset,
            time_dimension=config.time_dimension,
            status_table=config.status_table,
            status_map=config.status_map,
            unit=config.unit,
            deadline=deadline,
        )
        parsed.revision = parsed.revision or payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=config.suppress_below)
