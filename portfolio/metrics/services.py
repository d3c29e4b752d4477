"""Metric source services: what the CLI, the web UI and the refresh job call.

They take a source's type, location and options as plain values (the models that store
them belong to the refresh feature), and go through the adapter registry, so that a
preview shows exactly what a refresh would read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import DEFAULT_TIMEOUT, ConnectionCheck, SourceError
from portfolio.metrics.observations import FetchResult, Observation


def build_config(source_type: str, location: str | None, options: dict[str, Any] | None):
    """Return the validated config for a source; raise SourceConfigError in Danish."""
    adapter = get_adapter(source_type)
    return adapter.parse_config(adapter.config_from_location(location, options or {}))


def preview_source(
    source_type: str,
    location: str | None,
    options: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    since_revision: str | None = None,
) -> FetchResult:
    """Fetch a source's observations the way a refresh does, without storing anything.

    `location` is the URL, file path or database URL (the adapter's `location_field`);
    `options` are the rest of its config. Raises a SourceError subclass on failure.
    """
    adapter = get_adapter(source_type)
    config = build_config(source_type, location, options)
    return adapter.fetch(config, since_revision=since_revision, timeout=timeout)


def check_source(
    source_type: str,
    location: str | None,
    options: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConnectionCheck:
    """Check that a source can be read with these settings; never raises SourceError."""
    try:
        adapter = get_adapter(source_type)
        config = build_config(source_type, location, options)
    except SourceError as error:
        return ConnectionCheck(ok=False, message=error.message)
    return adapter.test_connection(config, timeout=timeout)


def observation_record(observation: Observation) -> dict[str, Any]:
    """Return an observation as a plain dict (value still a Decimal)."""
    return {
        "dimensions": dict(observation.dimensions),
        "period": observation.period,
        "value": observation.value,
        "status": observation.status.value,
        "raw_status": observation.raw_status,
    }


def observations_to_json(observations: Iterable[Observation], *, indent: int | None = 2) -> str:
    """Write observations as a JSON list, each value as a number from its exact decimal text.

    The standard json module can only write a Decimal through float, which would turn
    0.1 + 0.2 style values into 0.30000000000000004; the number text is inserted instead.
    """
    items = []
    pad = " " * indent if indent else ""
    newline = "\n" if indent else ""
    for observation in observations:
        fields = [
            ("dimensions", json.dumps(observation.dimensions, ensure_ascii=False)),
            ("period", json.dumps(observation.period, ensure_ascii=False)),
            ("value", _number_text(observation)),
            ("status", json.dumps(observation.status.value)),
            ("raw_status", json.dumps(observation.raw_status, ensure_ascii=False)),
        ]
        inner = f",{newline}{pad * 2}" if indent else ", "
        body = inner.join(f'"{key}": {text}' for key, text in fields)
        items.append(f"{pad}{{{newline}{pad * 2}{body}{newline}{pad}}}")
    if not items:
        return "[]"
    return f"[{newline}" + f",{newline}".join(items) + f"{newline}]"


def _number_text(observation: Observation) -> str:
    value = observation.value
    if value is None:
        return "null"
    # str() of a finite Decimal is valid JSON number text ("12.50", "-3", "1E+3").
    return str(value)
