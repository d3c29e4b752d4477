"""The adapter registry, config validation and secret handling."""

from __future__ import annotations

import pydantic
import pytest

from portfolio.metrics.adapters import (
    available_adapters,
    get_adapter,
    register,
    unregister,
)
from portfolio.metrics.adapters.base import (
    AdapterConfig,
    AdapterUnavailable,
    Deadline,
    MetricAdapter,
    SourceConfigError,
    UnknownAdapter,
)
from portfolio.metrics.observations import FetchResult

BUILTIN = [
    "file",
    "jsonstat",
    "manual",
    "pxweb",
    "sdmx_csv",
    "sdmx_json",
    "sdmx_ml",
    "sql",
    "statbank",
]


class WarehouseConfig(AdapterConfig):
    host: str
    password: pydantic.SecretStr
    token: pydantic.SecretStr | None = None


class WarehouseAdapter(MetricAdapter):
    type = "test_warehouse"
    label = "Testlager"
    config_schema = WarehouseConfig
    requirements = ("styrbord_driver_that_is_not_installed",)

    def fetch(self, config, *, since_revision=None, timeout=30.0):
        return FetchResult([])


@pytest.fixture
def warehouse_adapter():
    register(WarehouseAdapter)
    yield WarehouseAdapter
    unregister(WarehouseAdapter.type)


def test_builtin_adapters_are_registered_and_enabled():
    adapters = {info.type: info for info in available_adapters()}
    assert sorted(adapters) == BUILTIN
    assert all(info.enabled and info.reason is None for info in adapters.values())
    assert adapters["statbank"].label == "Danmarks Statistik – Statistikbanken"
    for type_ in BUILTIN:
        assert get_adapter(type_).type == type_


def test_unknown_type():
    with pytest.raises(UnknownAdapter) as caught:
        get_adapter("oracle")
    assert caught.value.message == (
        "Ukendt kildetype 'oracle'. Kendte typer: " + ", ".join(BUILTIN) + "."
    )


def test_missing_driver_disables_instead_of_breaking(warehouse_adapter):
    (info,) = [i for i in available_adapters() if i.type == "test_warehouse"]
    assert info.enabled is False
    assert info.reason == (
        "Kræver Python-pakken styrbord_driver_that_is_not_installed, som ikke er installeret."
    )
    with pytest.raises(AdapterUnavailable, match="kan ikke bruges her"):
        get_adapter("test_warehouse")
    # The others are unaffected.
    assert get_adapter("jsonstat").type == "jsonstat"


def test_a_type_is_registered_once(warehouse_adapter):
    class Impostor(WarehouseAdapter):
        pass

    with pytest.raises(ValueError, match="already registered"):
        register(Impostor)


def test_secret_fields_are_listed_and_never_shown_back(warehouse_adapter):
    assert warehouse_adapter.secret_fields() == {"password", "token"}
    config = warehouse_adapter.parse_config({"host": "db", "password": "hemmelig"})
    assert "hemmelig" not in repr(config)
    assert warehouse_adapter.public_config(config) == {"host": "db"}
    assert {type_: get_adapter(type_).secret_fields() for type_ in BUILTIN} == {
        "file": set(),
        "jsonstat": set(),
        "manual": set(),
        "pxweb": set(),
        "sdmx_csv": set(),
        "sdmx_json": set(),
        "sdmx_ml": set(),
        "sql": {"url"},
        "statbank": set(),
    }


def test_invalid_config_is_explained_in_danish():
    with pytest.raises(SourceConfigError) as caught:
        get_adapter("jsonstat").parse_config({"locaton": "x", "status_table": "nordic"})
    assert caught.value.errors == [
        "location: skal udfyldes",
        "status_table: har en ugyldig værdi (forventet 'auto', 'px' eller 'eurostat')",
        "locaton: er ikke en kendt indstilling",
    ]
    assert caught.value.message.startswith("Ugyldig konfiguration: location: skal udfyldes")


def test_location_given_twice():
    adapter = get_adapter("jsonstat")
    with pytest.raises(SourceConfigError, match="to gange"):
        adapter.config_from_location("a.json", {"location": "b.json"})
    with pytest.raises(SourceConfigError, match="bruger ingen adresse"):
        get_adapter("manual").config_from_location("x", {})


def test_a_timeout_must_be_positive():
    with pytest.raises(SourceConfigError, match="større end 0"):
        Deadline(0)
