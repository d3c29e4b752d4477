"""SDMX-JSON data messages, versions 1.0 and 2.0, from a URL or a local file.

Layout, per the versions of the format:
- 1.0: `{"header", "dataSets": [...], "structure": {...}}` (some services wrap the last two
  in `"data"`); 2.0: `{"meta", "data": {"dataSets": [...], "structures": [...]}}`, each
  data set naming its structure by position (`"structure": 0`).
- The structure lists the dimensions at three levels (`dataSet`: one value for all,
  `series`, `observation`) and the attributes likewise (2.0 calls the middle level
  `dimensionGroup` too); 2.0 adds `measures`.
- A data set holds `series` keyed by the positions of the series dimensions' values
  (`"0:1:0"`), each with `attributes` and `observations` keyed by the positions of the
  observation dimensions'; or, flat, `observations` keyed by all of them. An observation
  is an array: the measures' values (one in 1.0), then the positions of the observation
  attributes' values (`null` for none; trailing ones may be left out).

The message says exactly which component is a dimension and which an attribute, so no
guess is needed. Values are read from the JSON text as exact decimals. The period is the
dimension with the role `TIME_PERIOD` (or the id `time_dimension`, `TIME_PERIOD` by
default); a message without one (OECD.Stat's PART2 has none) needs `time_dimension`
naming the dimension to use. Statuses come from `OBS_STATUS`, `OBS_FLAG` and the
confidentiality attributes at any level (`sdmx_common`). Data sets whose `action` is
`Delete` are skipped; an error message (`"errors"`) is a parse error naming its code.

OECD.Stat writes an observation attribute that has no values (`TIME_FORMAT`) without its
position in the observation arrays; when the arrays are too short for every attribute,
attributes without values are taken to have no position, which is the only reading that
puts the indexes on the attribute that has values.
"""

from __future__ import annotations

import json
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
    SourceParseError,
    check_deadline,
    finish,
    parse_error,
    short_text,
    shown_names,
)
from portfolio.metrics.adapters.sdmx_common import (
    PRIMARY_MEASURE,
    STATUS_LIKE,
    TIME_DIMENSION,
    StatusReader,
    read_value,
)
from portfolio.metrics.adapters.transport import read_location
from portfolio.metrics.observations import FetchResult, Observation, ObservationStatus
from portfolio.metrics.statuses import make_observation

FORMAT_NAME = "SDMX-JSON"
# More cells than this in one message is a wrong query, not a statistic to show.
MAX_OBSERVATIONS = 2_000_000


def _invalid(reason: str) -> SourceParseError:
    return parse_error(reason, FORMAT_NAME)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _component_ids(components: list[Any]) -> list[str]:
    return [str(c.get("id", "")) if isinstance(c, dict) else "" for c in components]


def _value_id(component: dict[str, Any], position: Any) -> str | None:
    """Return the id (or, uncoded, the value) at a position of a component's values."""
    if position is None:
        return None
    values = _list(component.get("values"))
    if isinstance(position, bool) or not isinstance(position, int | Decimal):
        raise _invalid(_("en position er ikke et tal"))
    index = int(position)
    if index != position or not 0 <= index < len(values):
        raise _invalid(
            _(
                "en position peger uden for værdierne af %(component)s",
                component=short_text(component.get("id", "")),
            )
        )
    value = values[index]
    if isinstance(value, dict):
        found = value.get("id", value.get("value"))
        return None if found is None else str(found)
    return None if value is None else str(value)


def _roles(component: dict[str, Any]) -> set[str]:
    roles = component.get("roles", component.get("role"))
    if isinstance(roles, str):
        return {roles}
    return {str(role) for role in _list(roles)}


def _body(document: dict[str, Any]) -> dict[str, Any]:
    """Return the part holding the data sets: `data` in 2.0 (and some 1.0 services)."""
    data = document.get("data")
    return data if isinstance(data, dict) else document


def _structure_of(document: dict[str, Any], data_set: dict[str, Any]) -> dict[str, Any]:
    body = _body(document)
    structures = _list(body.get("structures"))
    if structures:
        position = data_set.get("structure", 0)
        if not isinstance(position, int) or not 0 <= position < len(structures):
            raise _invalid(_("et datasæt peger på en struktur, der ikke findes"))
        structure = structures[position]
    else:
        structure = body.get("structure", document.get("structure"))
    if not isinstance(structure, dict):
        raise _invalid(_("strukturen mangler"))
    return structure


def _data_sets(document: dict[str, Any]) -> list[Any]:
    return _list(_body(document).get("dataSets"))


def _error_of(document: dict[str, Any]) -> SourceParseError | None:
    errors = _list(document.get("errors"))
    if not errors and isinstance(document.get("error"), dict):
        errors = [document["error"]]
    if not errors:
        return None
    code = str(errors[0].get("code", "")) if isinstance(errors[0], dict) else ""
    if code.isdigit() and len(code) <= 4:
        return SourceParseError(
            _("Kilden svarede med en SDMX-fejlmeddelelse (kode %(code)s).", code=code)
        )
    return SourceParseError(_("Kilden svarede med en SDMX-fejlmeddelelse."))


class _DataSetReader:
    """Reads one data set against its structure."""

    def __init__(
        self,
        structure: dict[str, Any],
        *,
        time_dimension: str,
        value_measure: str,
        statuses: StatusReader,
        unit: str | None,
    ) -> None:
        dimensions = structure.get("dimensions")
        attributes = structure.get("attributes")
        if not isinstance(dimensions, dict):
            raise _invalid(_("strukturen har ingen dimensioner"))
        attributes = attributes if isinstance(attributes, dict) else {}
        self.fixed_dimensions = [d for d in _list(dimensions.get("dataSet")) if isinstance(d, dict)]
        self.series_dimensions = [d for d in _list(dimensions.get("series")) if isinstance(d, dict)]
        self.obs_dimensions = [
            d for d in _list(dimensions.get("observation")) if isinstance(d, dict)
        ]
        every = self.fixed_dimensions + self.series_dimensions + self.obs_dimensions
        by_role = [d.get("id") for d in every if TIME_DIMENSION in _roles(d)]
        ids = _component_ids(every)
        if time_dimension in ids:
            self.time = time_dimension
        elif time_dimension == TIME_DIMENSION and by_role:
            self.time = str(by_role[0])
        else:
            raise _invalid(
                _(
                    "ingen dimension hedder %(time)s; angiv time_dimension (dimensioner: "
                    "%(names)s)",
                    time=short_text(time_dimension),
                    names=shown_names(ids) or _("navnene kan ikke vises"),
                )
            )
        self.fixed_attributes = [a for a in _list(attributes.get("dataSet")) if isinstance(a, dict)]
        self.series_attributes = [
            a
            for a in _list(attributes.get("series")) + _list(attributes.get("dimensionGroup"))
            if isinstance(a, dict)
        ]
        self.obs_attributes = [
            a for a in _list(attributes.get("observation")) if isinstance(a, dict)
        ]
        measures = _list((structure.get("measures") or {}).get("observation"))
        measure_ids = _component_ids(measures)
        self.measure_count = max(len(measures), 1)
        # The default reads the one measure there is, whatever its id.
        one_measure = value_measure == PRIMARY_MEASURE and len(measures) == 1
        if measures and value_measure not in measure_ids and not one_measure:
            raise _invalid(
                _(
                    "målet %(measure)s findes ikke (mål: %(names)s)",
                    measure=short_text(value_measure),
                    names=shown_names(measure_ids) or _("navnene kan ikke vises"),
                )
            )
        self.value_position = (
            measure_ids.index(value_measure) if value_measure in measure_ids else 0
        )
        self.statuses = statuses
        self.unit = unit
        self.keys: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        self.compact_attributes: list[dict[str, Any]] | None = None

    def _key(self, components: list[dict[str, Any]], key: str) -> dict[str, str]:
        parts = key.split(":") if key != "" else []
        if len(parts) != len(components):
            raise _invalid(_("en nøgle har et forkert antal dele"))
        result = {}
        for component, part in zip(components, parts, strict=True):
            if not part.isdigit():
                raise _invalid(_("en nøgle er ikke positioner"))
            found = _value_id(component, int(part))
            result[str(component.get("id", ""))] = found or ""
        return result

    def _status_attributes(
        self, components: list[dict[str, Any]], positions: list[Any]
    ) -> dict[str, str]:
        found = {}
        for component, position in zip(components, positions, strict=False):
            name = str(component.get("id", ""))
            if name.upper() in STATUS_LIKE:
                value = _value_id(component, position)
                if value:
                    found[name] = value
        return found

    def _obs_attribute_components(self, length: int) -> list[dict[str, Any]]:
        if length >= len(self.obs_attributes):
            return self.obs_attributes
        if self.compact_attributes is None:
            # OECD.Stat leaves attributes without values out of the arrays.
            self.compact_attributes = [a for a in self.obs_attributes if _list(a.get("values"))]
        return self.compact_attributes

    def read(
        self,
        data_set: dict[str, Any],
        observations: list[Observation],
        deadline: Deadline | None,
    ) -> None:
        fixed = {str(d.get("id", "")): _value_id(d, 0) or "" for d in self.fixed_dimensions}
        fixed_status = self._status_attributes(
            self.fixed_attributes, _list(data_set.get("attributes"))
        )
        series = data_set.get("series")
        if isinstance(series, dict):
            for series_key, entry in series.items():
                if not isinstance(entry, dict):
                    raise _invalid(_("en serie er ikke et objekt"))
                key = {**fixed, **self._key(self.series_dimensions, str(series_key))}
                status = {
                    **fixed_status,
                    **self._status_attributes(
                        self.series_attributes, _list(entry.get("attributes"))
                    ),
                }
                self._observations(entry.get("observations"), key, status, observations, deadline)
        self._observations(
            data_set.get("observations") if not isinstance(series, dict) else None,
            fixed,
            fixed_status,
            observations,
            deadline,
        )

    def _observations(
        self,
        cells: Any,
        series_key: dict[str, str],
        series_status: dict[str, str],
        observations: list[Observation],
        deadline: Deadline | None,
    ) -> None:
        if cells is None:
            return
        if not isinstance(cells, dict):
            raise _invalid(_("observationerne er ikke et objekt"))
        for obs_key, cell in cells.items():
            check_deadline(deadline, len(observations) + 1)
            if len(observations) >= MAX_OBSERVATIONS:
                raise _invalid(
                    _("meddelelsen har mere end %(count)s observationer", count=MAX_OBSERVATIONS)
                )
            cell = cell if isinstance(cell, list) else [cell]
            key = {**series_key, **self._key(self.obs_dimensions, str(obs_key))}
            period = key.pop(self.time, "")
            raw = cell[self.value_position] if len(cell) > self.value_position else None
            value = self._value(raw, len(observations) + 1)
            positions = cell[self.measure_count :]
            status_attributes = {
                **series_status,
                **self._status_attributes(
                    self._obs_attribute_components(len(positions)), positions
                ),
            }
            raw_status, status = self.statuses(status_attributes)
            shared = tuple(key.items())
            dimensions = self.keys.get(shared)
            if dimensions is None:
                dimensions = self.keys[shared] = key
            observations.append(
                make_observation(dimensions, period, value, raw_status, status, self.unit)
            )

    @staticmethod
    def _value(raw: Any, number: int) -> Decimal | None:
        if raw is None:
            return None
        if isinstance(raw, bool):
            raise _invalid(_("observation nr. %(number)s: værdien er ikke et tal", number=number))
        if isinstance(raw, Decimal):
            return raw if raw.is_finite() else None
        if isinstance(raw, int):
            return Decimal(raw)
        try:
            return read_value(str(raw))
        except ValueError:
            raise _invalid(
                _("observation nr. %(number)s: værdien er ikke et tal", number=number)
            ) from None


def parse_sdmx_json(
    content: bytes,
    *,
    time_dimension: str = TIME_DIMENSION,
    value_measure: str = PRIMARY_MEASURE,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Turn an SDMX-JSON 1.0 or 2.0 data message into observations."""
    try:
        document = json.loads(content.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise _invalid(_("teksten er ikke UTF-8")) from None
    except RecursionError:
        raise _invalid(_("JSON-dokumentet er for dybt indlejret")) from None
    except ValueError:
        raise _invalid(_("det er ikke gyldig JSON")) from None
    if not isinstance(document, dict):
        raise _invalid(_("dokumentet er ikke et JSON-objekt"))
    error = _error_of(document)
    if error is not None:
        raise error
    data_sets = _data_sets(document)
    if not data_sets:
        raise _invalid(_("der er ingen datasæt"))
    statuses = StatusReader(status_map)
    observations: list[Observation] = []
    deleted = 0
    for data_set in data_sets:
        if not isinstance(data_set, dict):
            raise _invalid(_("et datasæt er ikke et objekt"))
        reader = _DataSetReader(
            _structure_of(document, data_set),
            time_dimension=time_dimension,
            value_measure=value_measure,
            statuses=statuses,
            unit=unit,
        )
        if str(data_set.get("action", "")).lower() == "delete":
            skipped: list[Observation] = []
            reader.read(data_set, skipped, deadline)
            deleted += len(skipped)
            continue
        reader.read(data_set, observations, deadline)
    notes = []
    if deleted:
        notes.append(
            _(
                "%(count)s observationer i datasæt markeret til sletning er sprunget over.",
                count=deleted,
            )
        )
    return ParsedTable(observations, unit=unit, notes=notes)


class SdmxJsonConfig(CommonOptions):
    location: str = pydantic.Field(min_length=1, description="URL or path of an SDMX-JSON file.")
    time_dimension: str = TIME_DIMENSION
    value_measure: str = pydantic.Field(
        default=PRIMARY_MEASURE, description="The measure to read when there are several (2.0)."
    )


@register
class SdmxJsonAdapter(MetricAdapter):
    """SDMX-JSON 1.0 and 2.0 data messages."""

    type = "sdmx_json"
    label = _l("SDMX-JSON (URL eller fil)")
    config_schema = SdmxJsonConfig
    requirements = ("httpx",)

    def fetch(
        self,
        config: AdapterConfig | dict[str, Any],
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the SDMX-JSON message at the configured location."""
        settings: SdmxJsonConfig = self.parse_config(config)
        deadline = Deadline(timeout)
        payload = read_location(settings.location, deadline)
        parsed = parse_sdmx_json(
            payload.content,
            time_dimension=settings.time_dimension,
            value_measure=settings.value_measure,
            status_map=settings.status_map,
            unit=settings.unit,
            deadline=deadline,
        )
        parsed.revision = payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=settings.suppress_below)
