"""`flask sources preview` on every SDMX sample: what a user running the CLI sees."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.metrics.conftest import SAMPLES
from tests.metrics.sdmx_helpers import SDMX, sdmx_files  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sdmx_files")


def preview_json(runner, source_type, path, *options):
    args = ["sources", "preview", "--type", source_type, "--location", str(path), "--json"]
    for option in options:
        args += ["--option", option]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output, parse_float=Decimal)


def test_bis_sdmx_csv_1_0(runner):
    items = preview_json(
        runner, "sdmx_csv", SAMPLES / "bis_der_sdmx_csv_1_0_excerpt_first25rows.csv"
    )
    assert len(items) == 25
    missing = [item for item in items if item["status"] == "missing"]
    assert len(missing) == 16
    assert all(item["value"] is None and item["raw_status"] == "M" for item in missing)
    assert items[2]["value"] == Decimal("14206.490766")
    assert "OBS_STATUS" not in items[0]["dimensions"] and "OBS_CONF" not in items[0]["dimensions"]


def test_oecd_g20_prices_sdmx_csv_1_0(runner):
    items = preview_json(runner, "sdmx_csv", SDMX / "oecd_g20_prices_sdmx_csv_1_0.csv")
    by_year = {item["period"]: item for item in items}
    assert len(items) == 41 and (min(by_year), max(by_year)) == ("1985", "2025")
    assert by_year["1998"]["value"] == Decimal("-0.8")
    assert (by_year["2025"]["value"], by_year["2025"]["status"]) == (0, "ok")


def test_sdmx_csv_2_0_specification_example(runner):
    items = preview_json(
        runner, "sdmx_csv", SAMPLES / "sdmx_csv_2_0_spec_example_01.csv", "time_column=DIM_3"
    )
    assert [(i["dimensions"], i["period"], i["value"]) for i in items] == [
        ({"DIM_1": "A", "DIM_2": "B"}, "2014-01", Decimal("12.4")),
        ({"DIM_1": "A", "DIM_2": "B"}, "2014-02", Decimal("10.8")),
    ]


def test_oecd_part2_sdmx_json_1_0(runner):
    items = preview_json(
        runner, "sdmx_json", SDMX / "oecd_PART2_sdmx_json_1_0.json", "time_dimension=PER"
    )
    assert len(items) == 7
    assert items[0] == {
        "dimensions": {"LOCATION": "AUS", "IND": "5CLAT", "GRD": "FOG", "FLD": "MAT", "MSR": "MN"},
        "period": "INI",
        "value": Decimal("11.963615756565"),
        "status": "ok",
        "raw_status": None,
    }
    assert [item["raw_status"] for item in items] == [None, "x", None, "w", None, "y", None]


def test_without_time_dimension_part2_fails_in_danish(runner):
    result = runner.invoke(
        args=[
            "sources", "preview", "--type", "sdmx_json",
            "--location", str(SDMX / "oecd_PART2_sdmx_json_1_0.json"),
        ]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "angiv time_dimension" in result.output


def test_sdmx_json_2_0(runner):
    items = preview_json(runner, "sdmx_json", SDMX / "exr_time_series_sdmx_json_2_0.json")
    assert [(i["dimensions"]["CURRENCY"], i["period"], i["value"]) for i in items] == [
        ("NZD", "2013-01-18", Decimal("1.5931")),
        ("NZD", "2013-01-21", Decimal("1.5925")),
        ("RUB", "2013-01-18", Decimal("40.3426")),
        ("RUB", "2013-01-21", Decimal("40.3")),
    ]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("ecb_exr_ng_ts_generic.xml", ()),
        ("ecb_exr_ng_ts_structure_specific.xml", ("attribute_columns=UNIT_MEASURE",)),
    ],
)
def test_sdmx_ml_generic_and_structure_specific(runner, name, options):
    items = preview_json(runner, "sdmx_ml", SDMX / name, *options)
    assert len(items) == 12
    assert items[0] == {
        "dimensions": {
            "FREQ": "M",
            "CURRENCY": "CHF",
            "CURRENCY_DENOM": "EUR",
            "EXR_TYPE": "SP00",
            "EXR_VAR": "E",
        },
        "period": "2010-08",
        "value": Decimal("1.3413"),
        "status": "ok",
        "raw_status": "A",
    }


def test_eurostat_sdmx_csv_table_shows_revision_and_flags(runner, tmp_path):
    path = tmp_path / "estat.csv"
    path.write_text(
        "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "ESTAT:X(1.0),22/05/26 11:00:00,A,DK,2023,66.5,bd,\n"
        "ESTAT:X(1.0),22/05/26 11:00:00,A,DK,2024,,c,\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        args=["sources", "preview", "--type", "sdmx_csv", "--location", str(path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["2023", "freq=A,", "geo=DK", "66.5", "break", "bd"]
    assert lines[2].split() == ["2024", "freq=A,", "geo=DK", "suppressed", "c"]
    assert "revision: 2026-05-22T11:00:00" in result.output
    assert "LAST UPDATE" not in result.output
