"""Values entered by a person, with a note saying where they come from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    AdapterConfig,
    ConnectionCheck,
    MetricAdapter,
    SourceError,
)
from portfolio.metrics.observations import (
    FetchResult,
    Observation,
    ObservationStatus,
    decimal_from_value,
)


def _to_decimal(value: Any) -> Any:
    """Accept "1234,5" (Danish), "1234.5", 1234 or a Decimal; keep None (no value)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return decimal_from_value(text, decimal_comma="," in text and "." not in text)
        except ValueError:
            raise ValueError(f"'{text[:40]}' er ikke et tal") from None
    try:
        return decimal_from_value(value)
    except ValueError:
        raise ValueError("skal være et tal") from None


class ManualEntry(AdapterConfig):
    period: str = pydantic.Field(min_length=1, description="The period as written, e.g. 2024.")
    value: Decimal | None = None
    status: ObservationStatus | None = pydantic.Field(
        default=None, description="ok by default; missing when no value is given."
    )
    note: str | None = None
    dimensions: dict[str, str] = pydantic.Field(default_factory=dict)

    _value = pydantic.field_validator("value", mode="before")(_to_decimal)

    @pydantic.model_validator(mode="after")
    def _value_matches_status(self) -> ManualEntry:
        if self.value is not None and not self.value.is_finite():
            raise ValueError("værdien skal være et endeligt tal")
        if self.status is not None and self.value is not None and not self.status.has_value:
            raise ValueError(f"en værdi med status {self.status.value} må ikke have et tal")
        if self.status is not None and self.value is None and self.status.has_value:
            raise ValueError(f"status {self.status.value} kræver et tal")
        return self


class ManualConfig(AdapterConfig):
    source_note: str = pydantic.Field(
        min_length=1, description="Where the figures come from (report, e-mail, person)."
    )
    entries: list[ManualEntry] = pydantic.Field(default_factory=list)
    unit: str | None = None

    @pydantic.model_validator(mode="after")
    def _unique_periods(self) -> ManualConfig:
        seen = set()
        for entry in self.entries:
            key = (entry.period, tuple(sorted(entry.dimensions.items())))
            if key in seen:
                raise ValueError(f"perioden {entry.period} er angivet to gange")
            seen.add(key)
        return self


@register
class ManualAdapter(MetricAdapter):
    """Figures typed in by a person; `fetch` returns what the config holds."""

    type = "manual"
    label = _l("Manuelt indtastede værdier")
    config_schema = ManualConfig
    location_field = None

    def test_connection(
        self, config: ManualConfig | dict, *, timeout: float = DEFAULT_TIMEOUT
    ) -> ConnectionCheck:
        """Check that the entered values are valid."""
        try:
            config = self.parse_config(config)
        except SourceError as error:
            return ConnectionCheck(ok=False, message=error.message)
        return ConnectionCheck(
            ok=True, message=_("%(count)s indtastede værdier.", count=len(config.entries))
        )

    def fetch(
        self,
        config: ManualConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Return the entered values as observations, with the source note and entry notes."""
        config = self.parse_config(config)
        observations = []
        notes = [_("Kilde: %(note)s", note=config.source_note)]
        for entry in config.entries:
            status = entry.status or (
                ObservationStatus.OK if entry.value is not None else ObservationStatus.MISSING
            )
            observations.append(
                Observation(
                    dimensions=dict(entry.dimensions),
                    period=entry.period,
                    value=entry.value,
                    status=status,
                    raw_status=None,
                    unit=config.unit,
                )
            )
            if entry.note:
                notes.append(f"{entry.period}: {entry.note}")
        return FetchResult(observations, revision=None, unit=config.unit, notes=notes)
