"""What the SDMX readers (SDMX-CSV, SDMX-ML, SDMX-JSON) share: attribute ids, statuses.

A data message carries, beside each value, attributes; four of them say what the value
means: `OBS_STATUS` (code list CL_OBS_STATUS), Eurostat's `OBS_FLAG` (its letter flags),
and the confidentiality attributes `OBS_CONF`, `CONF_STATUS` and the ECB's
`CONF_STATUS_OBS` (code list CL_CONF_STATUS, where only `F`, free, may be published).
`observation_status` turns them into one `ObservationStatus` and the provider's symbol.

Formats that do not say which component is a dimension and which an attribute (SDMX-CSV,
structure-specific SDMX-ML without its schema) use `KNOWN_ATTRIBUTES`, the SDMX
cross-domain attribute concepts and a few well-known providers' own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from portfolio.metrics.observations import ObservationStatus, parse_decimal
from portfolio.metrics.statuses import (
    EUROSTAT_FLAGS,
    SDMX_CONF_FREE,
    SDMX_OBS_STATUS,
    lookup_symbol,
)

# SDMX cross-domain concepts used as attributes, and BIS's, the ECB's and Eurostat's.
KNOWN_ATTRIBUTES = frozenset(
    {
        "OBS_STATUS",
        "OBS_FLAG",
        "OBS_CONF",
        "CONF_STATUS",
        "CONF_STATUS_OBS",
        "OBS_PRE_BREAK",
        "OBS_COM",
        "COMMENT_OBS",
        "COMMENT_TS",
        "COMMENT_DSET",
        "UNIT_MULT",
        "DECIMALS",
        "TITLE",
        "TITLE_COMPL",
        "TIME_FORMAT",
        "TIME_PER_COLLECT",
        "COLLECTION",
        "COLL_METHOD",
        "COMPILATION",
        "SOURCE_AGENCY",
        "SOURCE_PUB",
        "EMBARGO_TIME",
        "BREAKS",
        "DATA_COMP",
        "BASE_PER",
        "UNIT_INDEX_BASE",
        "REF_PERIOD_DETAIL",
        "AVAILABILITY",
        "DURABILITY",
        "PUBL_ECB",
        "PUBL_MU",
        "PUBL_PUBLIC",
        "NAT_TITLE",
    }
)

STATUS_ATTRIBUTES = ("OBS_STATUS",)
FLAG_ATTRIBUTES = ("OBS_FLAG",)
CONFIDENTIALITY_ATTRIBUTES = ("OBS_CONF", "CONF_STATUS", "CONF_STATUS_OBS")
# Attributes whose value is a status of the observation, looked at by `observation_status`.
STATUS_LIKE = frozenset({*STATUS_ATTRIBUTES, *FLAG_ATTRIBUTES, *CONFIDENTIALITY_ATTRIBUTES})

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

# Components that are neither dimensions nor attributes of an observation.
TIME_DIMENSION = "TIME_PERIOD"
PRIMARY_MEASURE = "OBS_VALUE"


def attribute_test(extra: Iterable[str] = ()) -> Callable[[str], bool]:
    """Return a test telling whether a component id is an attribute when no structure
    says so: a known attribute id, or one of `extra` (the user's `attribute_columns`).

    Case is ignored: Eurostat writes its SDMX-CSV with lower-case dimension ids (`freq`,
    `geo`) and upper-case attributes; others write `obs_status`.
    """
    names = KNOWN_ATTRIBUTES | {name.upper() for name in extra}

    def is_attribute(name: str) -> bool:
        return name.upper() in names

    return is_attribute


class StatusReader:
    """Turns an observation's attributes into the provider's symbol and a status.

    `OBS_STATUS` is looked up in CL_OBS_STATUS, `OBS_FLAG` in Eurostat's flags (combined
    flags such as `bp` take the weightiest), both after `status_map`; a confidentiality
    code other than `F` withholds the cell whatever the others say. An unknown symbol is
    kept as the raw status and leaves the status to the value. Attribute ids are matched
    in any case (Eurostat's own files write `obs_flag` too). The tables are built once per
    read: a message of a million observations calls this a million times.
    """

    def __init__(self, status_map: Mapping[str, ObservationStatus] | None = None) -> None:
        extra = dict(status_map or {})
        self.obs_status = {**SDMX_OBS_STATUS, **extra}
        self.flags = {**EUROSTAT_FLAGS, **extra}
        self._cache: dict[tuple[tuple[str, str], ...], tuple[str | None, ObservationStatus | None]]
        self._cache = {}

    def __call__(
        self, attributes: Mapping[str, str]
    ) -> tuple[str | None, ObservationStatus | None]:
        status_code = flag_code = conf_code = ""
        for name, value in attributes.items():
            upper = name.upper()
            if upper not in STATUS_LIKE or not value:
                continue
            if upper in STATUS_ATTRIBUTES:
                status_code = value.strip()
            elif upper in FLAG_ATTRIBUTES:
                flag_code = value.strip()
            else:
                conf_code = value.strip() if value.strip().upper() not in SDMX_CONF_FREE else ""
        key = (("s", status_code), ("f", flag_code), ("c", conf_code))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._decide(status_code, flag_code, conf_code)
        return found

    def _decide(
        self, status_code: str, flag_code: str, conf_code: str
    ) -> tuple[str | None, ObservationStatus | None]:
        raw: str | None = None
        status: ObservationStatus | None = None
        if status_code:
            raw, status = status_code, lookup_symbol(status_code, self.obs_status)
        if flag_code:
            flag = lookup_symbol(flag_code, self.flags)
            # A flag says more than a "normal value" status, and a no-value flag wins.
            if status in (None, ObservationStatus.OK) or (flag is not None and not flag.has_value):
                raw = flag_code
                status = flag if flag is not None else status
        if conf_code:
            # Confidential cells are withheld whatever their observation status says.
            raw, status = conf_code, ObservationStatus.SUPPRESSED
        return raw, status


def observation_status(
    attributes: Mapping[str, str],
    status_map: Mapping[str, ObservationStatus] | None = None,
) -> tuple[str | None, ObservationStatus | None]:
    """Return the provider's symbol and the status the attributes give one observation."""
    return StatusReader(status_map)(attributes)


def read_value(text: str | None, decimal_comma: bool = False) -> Decimal | None:
    """Parse an observation value exactly; empty text and `NaN` are no value (never 0).

    Raises ValueError for text that is not a number.
    """
    if text is None:
        return None
    text = text.strip()
    if not text or text.upper() == "NAN":
        return None
    if not decimal_comma and _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)  # the common case, without parse_decimal's clean-up
    return parse_decimal(text, decimal_comma=decimal_comma)
