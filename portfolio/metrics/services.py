"""Metric source services: what the CLI, the web UI and the refresh job call.

They take a source's type, location and options as plain values (the models that store
them belong to the refresh feature), and go through the adapter registry, so that a
preview shows exactly what a refresh would read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from portfolio.core.credentials import has_url_secrets, mask_url_secrets
from portfolio.core.text import clean_text
from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    ConnectionCheck,
    SourceError,
    log_source_error,
)
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
        log_source_error(error, f"{source_type} connection test")
        return ConnectionCheck(ok=False, message=clean_text(error.message))
    check = adapter.test_connection(config, timeout=timeout)
    # Flashed and shown: as core/text.py leaves text, like everything a source answers.
    return ConnectionCheck(ok=check.ok, message=clean_text(check.message))


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


def create_source(
    key: str,
    name: str,
    source_type: str,
    location: str | None = None,
    config: dict[str, Any] | None = None,
    *,
    secret_config: dict[str, Any] | None = None,
    timeout_seconds: int = 30,
    is_demo: bool = False,
    description: str = "",
    disclosure_threshold: int | None = None,
):
    """Add a metric source after checking its config against its adapter; flush only.

    A location with a password or key in it is kept as a secret, and stored masked.
    """
    from portfolio.extensions import db
    from portfolio.metrics.models import (
        DEFAULT_DISCLOSURE_THRESHOLD,
        LOCATION_SECRET,
        MetricSource,
    )

    build_config(source_type, location, {**(config or {}), **(secret_config or {})})
    secrets = dict(secret_config or {})
    if has_url_secrets(location):
        secrets[LOCATION_SECRET] = location
    source = MetricSource(
        key=key,
        name=name,
        type=source_type,
        location=mask_url_secrets(location) or "",
        config=dict(config or {}),
        secret_config=secrets or None,
        timeout_seconds=timeout_seconds,
        is_demo=is_demo,
        description=description,
        disclosure_threshold=disclosure_threshold or DEFAULT_DISCLOSURE_THRESHOLD,
    )
    db.session.add(source)
    db.session.flush()
    return source


def create_metric(
    source,
    key: str,
    name: str,
    *,
    filters: dict[str, str] | None = None,
    unit: str = "",
    is_count: bool = False,
    refresh_hours: int = 24,
    disclosure_threshold: int | None = None,
):
    """Add a metric (one series of a source, chosen by `filters`); flush only."""
    from portfolio.extensions import db
    from portfolio.metrics.models import Metric

    metric = Metric(
        source=source,
        key=key,
        name=name,
        filters={str(k): str(v) for k, v in (filters or {}).items()},
        unit=unit,
        is_count=is_count,
        refresh_hours=refresh_hours,
        disclosure_threshold=disclosure_threshold,
    )
    db.session.add(metric)
    db.session.flush()
    return metric
