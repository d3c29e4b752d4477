"""SDMX-JSON 1.0 and 2.0: OECD.Stat's PART2, the ECB's exchange rates, the 2.0 examples."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.adapters.sdmx_json import parse_sdmx_json
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.sdmx_helpers import SDMX, sdmx_files  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sdmx_files")

PART2 = SDMX / "oecd_PART2_sdmx_json_1_0.json"
EXR_DIMENSIONS = {"FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"}


def fetch(path, **options):
    return get_adapter("sdmx_json").fetch({"location": str(path), **options})


class TestOecdPart2:
    def test_seven_observations_with_their_keys_and_exact_values(self):
        raw = json.loads(PART2.read_text(encoding="utf-8"), parse_float=Decimal)
        structure = raw["structure"]["dimensions"]["observation"]
        cells = raw["dataSets"][0]["observations"]
        result = fetch(PART2, time_dimension="PER")
        assert len(result.observations) == len(cells) == 7
        for (key, cell), observation in zip(cells.items(), result.observations, strict=True):
            positions = [int(part) for part in key.split(":")]
            codes = {
                d["id"]: d["values"][p]["id"] for d, p in zip(structure, positions, strict=True)
            }
            assert observation.period == codes.pop("PER")
            assert observation.dimensions == codes
            assert observation.value == cell[0]
        first = result.observations[0]
        assert first.dimensions == {
            "LOCATION": "AUS",
            "IND": "5CLAT",
            "GRD": "FOG",
            "FLD": "MAT",
            "MSR": "MN",
        }
        assert (first.period, str(first.value)) == ("INI", "11.963615756565")
        assert str(result.observations[-1].value) == "22.0969285714286"

    def test_attribute_positions_point_at_the_attribute_with_values(self):
        # OECD.Stat leaves the value-less TIME_FORMAT out of the arrays: 0, 1, 2 are the
        # OBS_STATUS codes x, w, y (significance), which are no CL_OBS_STATUS codes.
        observations = fetch(PART2, time_dimension="PER").observations
        assert [o.raw_status for o in observations] == [None, "x", None, "w", None, "y", None]
        assert {o.status for o in observations} == {S.OK}

    def test_without_a_time_dimension_the_error_names_the_dimensions(self):
        with pytest.raises(SourceParseError, match="time_dimension") as caught:
            fetch(PART2)
        assert "LOCATION, IND, PER" in caught.value.message


@pytest.mark.parametrize(
    "name",
    [
        "ecb_exr_ts_sdmx_json_1_0.json",
        "ecb_exr_flat_sdmx_json_1_0.json",
        "exr_time_series_sdmx_json_2_0.json",
        "exr_flat_sdmx_json_2_0.json",
        "exr_cross_section_sdmx_json_2_0.json",
    ],
)
def test_ecb_exchange_rates_in_1_0_and_2_0_read_alike(name):
    observations = fetch(SDMX / name).observations
    cells = {(o.dimensions["CURRENCY"], o.period): (o.value, o.status) for o in observations}
    assert cells == {
        ("NZD", "2013-01-18"): (Decimal("1.5931"), S.OK),
        ("NZD", "2013-01-21"): (Decimal("1.5925"), S.OK),
        ("RUB", "2013-01-18"): (Decimal("40.3426"), S.OK),
        ("RUB", "2013-01-21"): (Decimal("40.3"), S.OK),
    }
    assert all(set(o.dimensions) == EXR_DIMENSIONS for o in observations)
    assert {o.raw_status for o in observations} == {"A"}


def test_a_deleted_data_set_is_skipped_with_a_note():
    result = fetch(SDMX / "ecb_exr_action_delete_sdmx_json_1_0.json")
    assert [(o.dimensions["CURRENCY"], o.period) for o in result.observations] == [
        ("RUB", "2013-01-18"),
        ("RUB", "2013-01-21"),
    ]
    assert any("1 observationer" in note and "sletning" in note for note in result.notes)


def test_a_position_outside_an_attributes_values_is_refused():
    with pytest.raises(SourceParseError, match="OBS_STATUS"):
        fetch(SDMX / "exr_action_delete_sdmx_json_2_0.json")


def message(cells, attributes=None, measures=None):
    """A small SDMX-JSON 2.0 message: one series dimension, the period at observations."""
    structure = {
        "dimensions": {
            "series": [{"id": "geo", "values": [{"id": "DK"}, {"id": "SE"}]}],
            "observation": [
                {
                    "id": "TIME_PERIOD",
                    "roles": ["TIME_PERIOD"],
                    "values": [{"id": "2020"}, {"id": "2021"}, {"id": "2022"}],
                }
            ],
        },
        "attributes": {
            "observation": attributes
            or [
                {"id": "OBS_STATUS", "values": [{"id": "A"}, {"id": "M"}, {"id": "P"}]},
                {"id": "CONF_STATUS", "values": [{"id": "F"}, {"id": "C"}]},
            ]
        },
    }
    if measures:
        structure["measures"] = {"observation": [{"id": m} for m in measures]}
    return json.dumps(
        {
            "meta": {},
            "data": {
                "structures": [structure],
                "dataSets": [{"structure": 0, "series": {"0": {"observations": cells}}}],
            },
        }
    ).encode()


def test_statuses_confidentiality_and_exact_values():
    content = message(
        {"0": [0.1, 2], "1": [None, 1], "2": ["7", 0, 1]},
    )
    observations = parse_sdmx_json(content).observations
    assert [(o.period, o.value, o.status, o.raw_status) for o in observations] == [
        ("2020", Decimal("0.1"), S.PROVISIONAL, "P"),
        ("2021", None, S.MISSING, "M"),
        ("2022", None, S.SUPPRESSED, "C"),
    ]
    assert str(observations[0].value) == "0.1"  # never 0.1000000000000000055…


def test_several_measures():
    content = message({"0": [1, 2, None]}, attributes=[], measures=["OBS_VALUE", "OBS_VALUE2"])
    assert parse_sdmx_json(content).observations[0].value == Decimal(1)
    (observation,) = parse_sdmx_json(content, value_measure="OBS_VALUE2").observations
    assert observation.value == Decimal(2)
    with pytest.raises(SourceParseError, match="OBS_VALUE3"):
        parse_sdmx_json(content, value_measure="OBS_VALUE3")


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"{not json", "ikke gyldig JSON"),
        (b"[]", "ikke et JSON-objekt"),
        (b'{"data": {"dataSets": []}}', "ingen datasæt"),
        (b'{"errors": [{"code": 404, "title": "secret table"}]}', "kode 404"),
        (b"[" * 100_000 + b"]" * 100_000, "indlejret"),
    ],
)
def test_broken_messages(content, text):
    with pytest.raises(SourceParseError, match=text) as caught:
        parse_sdmx_json(content)
    assert "secret" not in caught.value.message


def test_a_key_that_points_nowhere_is_refused():
    with pytest.raises(SourceParseError, match="uden for"):
        parse_sdmx_json(message({"7": [1]}))
