"""The registry of metric adapters: each adapter module registers its class on import.

`available_adapters()` lists every adapter with whether it can run here; one whose
optional driver is missing is listed as disabled, with the reason, rather than breaking
start-up. `get_adapter(type)` returns a ready adapter or raises a Danish SourceConfigError.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TypeVar

from flask_babel import gettext as _

from portfolio.metrics.adapters.base import (
    AdapterUnavailable,
    MetricAdapter,
    SourceConfigError,
    UnknownAdapter,
)

_registry: dict[str, type[MetricAdapter]] = {}

AdapterClass = TypeVar("AdapterClass", bound=type[MetricAdapter])


@dataclass(frozen=True)
class AdapterInfo:
    """An adapter as a UI lists it."""

    type: str
    label: str
    enabled: bool
    reason: str | None = None


def register(adapter_cls: AdapterClass) -> AdapterClass:
    """Add an adapter class to the registry (usable as a class decorator)."""
    for attribute in ("type", "label", "config_schema"):
        if not hasattr(adapter_cls, attribute):
            raise TypeError(f"{adapter_cls.__name__} must define {attribute}")
    existing = _registry.get(adapter_cls.type)
    if existing is not None and existing is not adapter_cls:
        raise ValueError(f"an adapter of type {adapter_cls.type!r} is already registered")
    _registry[adapter_cls.type] = adapter_cls
    return adapter_cls


def unregister(type_: str) -> None:
    """Remove an adapter from the registry (for tests and plug-ins that unload)."""
    _registry.pop(type_, None)


def missing_requirements(adapter_cls: type[MetricAdapter]) -> list[str]:
    """Return the adapter's required modules that cannot be imported here."""
    missing = []
    for module in adapter_cls.requirements:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing


def _info(adapter_cls: type[MetricAdapter]) -> AdapterInfo:
    missing = missing_requirements(adapter_cls)
    if missing:
        reason = _(
            "Kræver Python-pakken %(modules)s, som ikke er installeret.",
            modules=", ".join(missing),
        )
        return AdapterInfo(adapter_cls.type, str(adapter_cls.label), False, reason)
    return AdapterInfo(adapter_cls.type, str(adapter_cls.label), True)


def available_adapters() -> list[AdapterInfo]:
    """List every registered adapter, enabled or not, in order of type."""
    return [_info(_registry[key]) for key in sorted(_registry)]


def get_adapter(type_: str) -> MetricAdapter:
    """Return an adapter for `type_`; raise UnknownAdapter or AdapterUnavailable."""
    adapter_cls = _registry.get(type_)
    if adapter_cls is None:
        known = ", ".join(sorted(_registry))
        raise UnknownAdapter(
            _(
                "Ukendt kildetype '%(type)s'. Kendte typer: %(known)s.",
                type=type_,
                known=known,
            )
        )
    info = _info(adapter_cls)
    if not info.enabled:
        raise AdapterUnavailable(
            _(
                "Kildetypen '%(type)s' kan ikke bruges her: %(reason)s",
                type=type_,
                reason=info.reason,
            )
        )
    return adapter_cls()


def _load_builtin_adapters() -> None:
    # Imported for their side effect: each module registers its adapter. They import their
    # drivers lazily, so a missing driver shows up as a disabled adapter, not an ImportError.
    from portfolio.metrics.adapters import (  # noqa: F401
        file,
        jsonstat,
        manual,
        pxweb,
        sdmx_csv,
        sdmx_json,
        sdmx_ml,
        sql,
        statbank,
    )


_load_builtin_adapters()

__all__ = [
    "AdapterInfo",
    "MetricAdapter",
    "SourceConfigError",
    "available_adapters",
    "get_adapter",
    "register",
    "unregister",
]
