"""SDMX-ML 2.1 data messages (generic and structure-specific), from a URL or a local file.

Both kinds of message are read as a stream (lxml's `iterparse`): each observation is
turned into an `Observation` as soon as its element ends, and the element and everything
before it is dropped, so no XML tree of the message is ever held; the memory a read takes
is the message's bytes and the observations. Every form the 2.1 schemas allow is read:

- generic data (`GenericData`, `GenericTimeSeriesData`): `Series` with a `SeriesKey` and
  `Obs` holding `ObsDimension`, `ObsValue` and `Attributes`; or flat `Obs` with an `ObsKey`
  directly in the data set. The message says exactly which values are dimensions and
  which attributes.
- structure-specific data (`StructureSpecificData`, `StructureSpecificTimeSeriesData`):
  XML attributes of `Series` and `Obs` elements. Without the schema of the data structure
  nothing tells a series attribute (`TITLE`, `UNIT_MULT`) from a dimension, so, as for
  SDMX-CSV, the well-known attribute ids and `attribute_columns` are attributes and the
  rest of a series' values dimensions (or exactly `dimension_columns`). At observation
  level only the header's `dimensionAtObservation` is a dimension.
- time series (`dimensionAtObservation="TIME_PERIOD"`), cross-sections (another dimension
  at observation level, the period in the series key) and flat messages
  (`AllDimensions`).

Statuses come from `OBS_STATUS`, `OBS_FLAG` and the confidentiality attributes
(`sdmx_common.observation_status`). Groups (attributes for a partial key) carry no
observations and are skipped; so are data sets whose `action` is `Delete`. An SDMX error
message (`<Error>`) is a parse error naming its numeric code.

Hostile XML is refused before it is parsed: a document type declaration (where entity
bombs and external entities live) is never accepted, entities are not resolved, nothing
is fetched from the network and no DTD is loaded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

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
    NameList,
    ParsedTable,
    SourceParseError,
    check_deadline,
    finish,
    parse_error,
    short_text,
)
from portfolio.metrics.adapters.sdmx_common import (
    PRIMARY_MEASURE,
    STATUS_LIKE,
    TIME_DIMENSION,
    StatusReader,
    attribute_test,
    read_value,
)
from portfolio.metrics.adapters.transport import MAX_BYTES, read_location
from portfolio.metrics.observations import FetchResult, Observation, ObservationStatus
from portfolio.metrics.statuses import make_observation

FORMAT_NAME = "SDMX-ML"

GENERIC_ROOTS = frozenset({"GenericData", "GenericTimeSeriesData"})
SPECIFIC_ROOTS = frozenset({"StructureSpecificData", "StructureSpecificTimeSeriesData"})
_TAGS = [
    "{*}" + name
    for name in (
        *sorted(GENERIC_ROOTS | SPECIFIC_ROOTS),
        "Error",
        "ErrorMessage",
        "Structure",
        "DataSet",
        "Group",
        "Series",
        "SeriesKey",
        "Obs",
    )
]
# A prolog (declaration, comments, processing instructions) followed by a DOCTYPE.
_DOCTYPE = re.compile(r"\A\s*(?:(?:<\?.*?\?>|<!--.*?-->)\s*)*<!DOCTYPE", re.DOTALL | re.IGNORECASE)


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: object) -> str:
    """Return an element's name without its namespace ("{…}Obs" → "Obs")."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 1000:
            _LOCAL_NAMES[tag] = name
    return name


def has_doctype(content: bytes) -> bool:
    """Tell whether an XML document declares a document type (in UTF-8 or UTF-16)."""
    head = content[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    elif head[:2] in (b"<\x00", b"\x00<"):
        text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", "ignore")
    else:
        text = head.decode("utf-8", "ignore").lstrip("\ufeff")
    return _DOCTYPE.match(text) is not None or "<!DOCTYPE" in text.split(">", 1)[0].upper()


def _plain(attributes: Any) -> dict[str, str]:
    """Return an element's own attributes, without namespaced ones (xsi:type …)."""
    return {key: value for key, value in attributes.items() if "}" not in key}


def _values(element: Any) -> dict[str, str]:
    """Return the id → value pairs of a generic `SeriesKey`, `ObsKey` or `Attributes`."""
    return {
        child.get("id", ""): child.get("value", "")
        for child in element
        if _local(child.tag) == "Value" and child.get("id")
    }


def _drop(element: Any) -> None:
    """Free an element that has been read, and everything before it in its parent."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class _Reader:
    """The state of one read: what the header said and the series being read."""

    def __init__(
        self,
        *,
        time_dimension: str,
        value_attribute: str,
        is_attribute: Callable[[str], bool],
        dimension_columns: list[str] | None,
        status_map: dict[str, ObservationStatus] | None,
        unit: str | None,
    ) -> None:
        self.time_dimension = time_dimension
        self.value_attribute = value_attribute
        self.is_attribute = is_attribute
        self.dimension_columns = dimension_columns
        self.statuses = StatusReader(status_map)
        self.unit = unit
        self.at_observation = TIME_DIMENSION
        self.series_key: dict[str, str] = {}
        self.observations: list[Observation] = []
        self.keys: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        self.deleted = 0
        self.periods: dict[str, str] = {}

    def _is_dimension(self, name: str) -> bool:
        if self.dimension_columns is not None:
            return name in self.dimension_columns
        return not self.is_attribute(name) and name not in STATUS_LIKE

    def specific_series(self, attributes: dict[str, str]) -> None:
        """A structure-specific `Series`: its dimensions (and the period, if there)."""
        self.series_key = {
            name: value
            for name, value in attributes.items()
            if name == self.time_dimension or self._is_dimension(name)
        }

    def _obs_dimension(self, name: str, flat: bool) -> bool:
        """Tell whether a value of a structure-specific `Obs` is one of its dimensions."""
        if name in (self.time_dimension, self.at_observation):
            return True
        if self.dimension_columns is not None:
            return name in self.dimension_columns
        return flat and self._is_dimension(name)

    def specific_obs(self, attributes: dict[str, str], flat: bool) -> None:
        key = dict(self.series_key)
        rest: dict[str, str] = {}
        for name, value in attributes.items():
            if name == self.value_attribute:
                continue
            if self._obs_dimension(name, flat):
                key[name] = value
            else:
                rest[name] = value
        self.add(key, attributes.get(self.value_attribute), rest)

    def generic_obs(self, element: Any) -> None:
        key = dict(self.series_key)
        text: str | None = None
        attributes: dict[str, str] = {}
        for child in element:
            name = _local(child.tag)
            if name == "ObsDimension":
                key[child.get("id") or self.at_observation] = child.get("value", "")
            elif name == "ObsKey":
                key.update(_values(child))
            elif name == "ObsValue":
                text = child.get("value")
            elif name == "Attributes":
                attributes = _values(child)
        self.add(key, text, attributes)

    def add(self, key: dict[str, str], text: str | None, attributes: dict[str, str]) -> None:
        period = key.pop(self.time_dimension, None)
        if period is not None:
            # One string per period, shared (a message of a million cells has a few hundred).
            period = self.periods.setdefault(period, period.strip())
        if period is None:
            raise parse_error(
                _(
                    "en observation har ingen periode (%(time)s); angiv time_dimension",
                    time=short_text(self.time_dimension),
                ),
                FORMAT_NAME,
            )
        if self.dimension_columns is not None:
            key = {name: key[name] for name in self.dimension_columns if name in key}
        try:
            value: Decimal | None = read_value(text)
        except ValueError:
            raise parse_error(
                _(
                    "observation nr. %(number)s: værdien er ikke et tal",
                    number=len(self.observations) + 1,
                ),
                FORMAT_NAME,
            ) from None
        raw_status, status = self.statuses(attributes)
        shared_key = tuple(key.items())
        dimensions = self.keys.get(shared_key)
        if dimensions is None:
            # One dict per series, shared by its observations (which never change it).
            dimensions = self.keys[shared_key] = key
        self.observations.append(
            make_observation(dimensions, period, value, raw_status, status, self.unit)
        )


def parse_sdmx_ml(
    source: bytes | IO[bytes],
    *,
    time_dimension: str = TIME_DIMENSION,
    value_attribute: str = PRIMARY_MEASURE,
    attribute_columns: list[str] | None = None,
    dimension_columns: list[str] | None = None,
    status_map: dict[str, ObservationStatus] | None = None,
    unit: str | None = None,
    deadline: Deadline | None = None,
) -> ParsedTable:
    """Read an SDMX-ML 2.1 generic or structure-specific data message as a stream."""
    from lxml import etree

    if isinstance(source, bytes):
        if has_doctype(source):
            raise parse_error(_("dokumentet har en DOCTYPE-erklæring"), FORMAT_NAME)
        source = io.BytesIO(source)
    reader = _Reader(
        time_dimension=time_dimension,
        value_attribute=value_attribute,
        is_attribute=attribute_test(attribute_columns or ()),
        dimension_columns=dimension_columns or None,
        status_map=status_map,
        unit=unit,
    )
    context = etree.iterparse(
        source,
        events=("start", "end"),
        tag=_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    style: str | None = None
    skipping = False
    count = 0
    try:
        for event, element in context:
            name = _local(element.tag)
            if style is None:
                if event != "start":
                    continue
                if element.getroottree().docinfo.doctype:
                    raise parse_error(_("dokumentet har en DOCTYPE-erklæring"), FORMAT_NAME)
                if name in ("Error", "ErrorMessage"):
                    raise _error_message(element)
                if name not in GENERIC_ROOTS | SPECIFIC_ROOTS:
                    raise parse_error(_("det er ikke en SDMX-ML-datameddelelse"), FORMAT_NAME)
                style = "generic" if name in GENERIC_ROOTS else "specific"
                continue
            if event == "start":
                if name == "Structure" and element.get("dimensionAtObservation"):
                    reader.at_observation = element.get("dimensionAtObservation", "")
                elif name == "DataSet":
                    action = next(
                        (v for k, v in element.attrib.items() if _local(k) == "action"), ""
                    )
                    skipping = action.lower() == "delete"
                    reader.series_key = {}
                elif name == "Series" and style == "specific":
                    reader.series_key = {}
                    reader.specific_series(_plain(element.attrib))
                elif name == "Series":
                    reader.series_key = {}
                continue
            # "end" events: the element is complete.
            if name == "SeriesKey":
                reader.series_key = _values(element)
            elif name == "Obs":
                count += 1
                check_deadline(deadline, count)
                if skipping:
                    reader.deleted += 1
                elif style == "specific":
                    flat = _local(element.getparent().tag) == "DataSet"
                    if flat:
                        reader.series_key = {}
                    reader.specific_obs(
                        _plain(element.attrib), flat or reader.at_observation == "AllDimensions"
                    )
                else:
                    if _local(element.getparent().tag) == "DataSet":
                        reader.series_key = {}
                    reader.generic_obs(element)
                _drop(element)
            elif name in ("Series", "Group"):
                _drop(element)
    except etree.XMLSyntaxError:
        raise parse_error(_("dokumentet er ikke gyldig XML"), FORMAT_NAME) from None
    if style is None:
        raise parse_error(_("det er ikke en SDMX-ML-datameddelelse"), FORMAT_NAME)
    notes = []
    if reader.deleted:
        notes.append(
            _(
                "%(count)s observationer i datasæt markeret til sletning er sprunget over.",
                count=reader.deleted,
            )
        )
    return ParsedTable(reader.observations, unit=unit, notes=notes)


def _error_message(element: Any) -> SourceParseError:
    """The error for an SDMX error message; its code is shown when it is a number."""
    code = element.get("code") or ""
    if not code:
        inner = next((child for child in element if _local(child.tag) == "ErrorMessage"), None)
        code = (inner.get("code") if inner is not None else "") or ""
    if code.isdigit() and len(code) <= 4:
        return SourceParseError(
            _("Kilden svarede med en SDMX-fejlmeddelelse (kode %(code)s).", code=code)
        )
    return SourceParseError(_("Kilden svarede med en SDMX-fejlmeddelelse."))


class SdmxMlConfig(CommonOptions):
    location: str = pydantic.Field(min_length=1, description="URL or path of an SDMX-ML file.")
    time_dimension: str = TIME_DIMENSION
    value_attribute: str = PRIMARY_MEASURE
    attribute_columns: NameList = pydantic.Field(
        default_factory=list,
        description="Further series values that are attributes (structure-specific data).",
    )
    dimension_columns: NameList | None = pydantic.Field(
        default=None, description="The dimensions, when the default guess is wrong."
    )
    max_megabytes: int = pydantic.Field(
        default=MAX_BYTES // (1024 * 1024),
        ge=1,
        le=1024,
        description="The largest message read, in MB.",
    )


@register
class SdmxMlAdapter(MetricAdapter):
    """SDMX-ML 2.1 generic and structure-specific data messages."""

    type = "sdmx_ml"
    label = _l("SDMX-ML 2.1 (URL eller fil)")
    config_schema = SdmxMlConfig
    requirements = ("httpx", "lxml")

    def fetch(
        self,
        config: AdapterConfig | dict[str, Any],
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Read the SDMX-ML message at the configured location."""
        settings: SdmxMlConfig = self.parse_config(config)
        deadline = Deadline(timeout)
        payload = read_location(
            settings.location, deadline, max_bytes=settings.max_megabytes * 1024 * 1024
        )
        parsed = parse_sdmx_ml(
            payload.content,
            time_dimension=settings.time_dimension,
            value_attribute=settings.value_attribute,
            attribute_columns=settings.attribute_columns,
            dimension_columns=settings.dimension_columns,
            status_map=settings.status_map,
            unit=settings.unit,
            deadline=deadline,
        )
        parsed.revision = payload.etag or payload.last_modified
        return finish(parsed, since_revision=since_revision, suppress_below=settings.suppress_below)
