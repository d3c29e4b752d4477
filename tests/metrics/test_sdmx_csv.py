"""SDMX-CSV 1.0 and 2.0: the BIS excerpt, the specification's example, and variants."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.adapters.sdmx_csv import parse_sdmx_csv
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES

BIS = SAMPLES / "bis_der_sdmx_csv_1_0_excerpt_first25rows.csv"
SPEC = SAMPLES / "sdmx_csv_2_0_spec_example_01.csv"


def raw_rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class TestBis:
    def test_counts(self):
        rows = raw_rows(BIS)
        result = get_adapter("sdmx_csv").fetch({"location": str(BIS)})
        empty = [row for row in rows if row["OBS_VALUE"] == ""]
        assert len(rows) == 25
        assert len(empty) == 16
        assert {row["OBS_STATUS"] for row in empty} == {"M"}
        assert len(result.observations) == 25
        assert result.status_counts() == {S.MISSING: 16, S.OK: 9}
        # An empty OBS_VALUE is no value at all: never 0.
        assert all(o.value is None for o in result.observations if o.status is S.MISSING)
        assert {o.raw_status for o in result.observations} == {"M", "A"}

    def test_values_and_dimensions(self):
        rows = raw_rows(BIS)
        observations = get_adapter("sdmx_csv").fetch({"location": str(BIS)}).observations
        for row, observation in zip(rows, observations, strict=True):
            assert observation.period == row["TIME_PERIOD"]
            if row["OBS_VALUE"]:
                assert observation.value == Decimal(row["OBS_VALUE"])
        third = observations[2]
        assert (third.period, third.value, third.status) == ("2004", Decimal("14206.490766"), S.OK)
        usd_1992 = observations[18]
        assert usd_1992.dimensions["DER_CURR_LEG2"] == "USD"
        assert (usd_1992.period, usd_1992.value) == ("1992", Decimal("6672.275"))
        assert str(usd_1992.value) == "6672.275"
        assert observations[-1].value == Decimal("9534.868416")
        # Attributes (status, confidentiality, BIS's series attributes) are no dimensions.
        expected_dimensions = [
            name
            for name in rows[0]
            if name
            not in {
                "DATAFLOW",
                "TIME_PERIOD",
                "OBS_VALUE",
                "OBS_STATUS",
                "OBS_CONF",
                "AVAILABILITY",
                "COLLECTION",
            }
        ]
        assert list(third.dimensions) == expected_dimensions
        assert len(expected_dimensions) == 14


class TestSpecificationExample:
    def test_version_2_0(self):
        rows = raw_rows(SPEC)
        # The example has no TIME_PERIOD; its third dimension holds the months.
        result = get_adapter("sdmx_csv").fetch({"location": str(SPEC), "time_column": "DIM_3"})
        assert len(result.observations) == len(rows) == 2
        first, second = result.observations
        assert first.dimensions == {"DIM_1": "A", "DIM_2": "B"}
        assert (first.period, first.value, first.status) == ("2014-01", Decimal("12.4"), S.OK)
        assert (second.period, second.value) == ("2014-02", Decimal("10.8"))
        assert [o.value for o in result.observations] == [Decimal(r["OBS_VALUE"]) for r in rows]

    def test_without_a_time_column_the_error_names_the_columns(self):
        with pytest.raises(SourceParseError, match="TIME_PERIOD findes ikke") as caught:
            get_adapter("sdmx_csv").fetch({"location": str(SPEC)})
        assert "DIM_3" in caught.value.message


class TestVariants:
    def test_semicolons_decimal_comma_and_labels(self):
        content = (
            b"STRUCTURE;STRUCTURE_ID;ACTION;FREQ: Frequency;REF_AREA: Area;TIME_PERIOD: Time;"
            b"OBS_VALUE: Value;OBS_STATUS: Status;CONF_STATUS: Confidentiality\r\n"
            b"dataflow;ESTAT:X(1.0);I;A: Annual;DK: Denmark;2020;1,5;P: Provisional;F: Free\r\n"
            b"dataflow;ESTAT:X(1.0);I;A: Annual;DK: Denmark;2021;7;A: Normal;C: Confidential\r\n"
            b"dataflow;ESTAT:X(1.0);D;A: Annual;DK: Denmark;2019;;;\r\n"
            b"dataflow;ESTAT:X(1.0);I;A: Annual;SE: Sweden;2021;NaN;;\r\n"
        )
        parsed = parse_sdmx_csv(content)
        first, confidential, nan = parsed.observations
        assert first.dimensions == {"FREQ": "A", "REF_AREA": "DK"}
        assert (first.period, first.value, first.status, first.raw_status) == (
            "2020",
            Decimal("1.5"),
            S.PROVISIONAL,
            "P",
        )
        assert (confidential.value, confidential.status, confidential.raw_status) == (
            None,
            S.SUPPRESSED,
            "C",
        )
        assert (nan.value, nan.status) == (None, S.MISSING)
        assert any("ACTION=D" in note for note in parsed.notes)

    @pytest.mark.parametrize(
        ("code", "status"),
        [
            ("E", S.ESTIMATED),
            ("B", S.BREAK),
            ("L", S.MISSING),
            ("Q", S.SUPPRESSED),
            ("K", S.NOT_APPLICABLE),
        ],
    )
    def test_observation_status_codes(self, code, status):
        value = "" if status in (S.MISSING, S.SUPPRESSED, S.NOT_APPLICABLE) else "3"
        content = f"DATAFLOW,TIME_PERIOD,OBS_VALUE,OBS_STATUS\nX:Y(1.0),2020,{value},{code}\n"
        (observation,) = parse_sdmx_csv(content.encode()).observations
        assert observation.status is status
        assert observation.raw_status == code

    def test_configured_attributes_and_dimensions(self):
        content = b"DATAFLOW,GEO,NOTE,TIME_PERIOD,OBS_VALUE\nX:Y(1.0),DK,hello,2020,1\n"
        assert parse_sdmx_csv(content).observations[0].dimensions == {"GEO": "DK", "NOTE": "hello"}
        assert parse_sdmx_csv(content, attribute_columns=["NOTE"]).observations[0].dimensions == {
            "GEO": "DK"
        }
        assert parse_sdmx_csv(content, dimension_columns=["GEO"]).observations[0].dimensions == {
            "GEO": "DK"
        }

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "tom"),
            (b"FREQ,TIME_PERIOD,OBS_VALUE\nA,2020,1\n", "DATAFLOW"),
            (b"DATAFLOW,TIME_PERIOD,OBS_VALUE\nX,2020,abc\n", "ikke et tal"),
            (b"DATAFLOW,TIME_PERIOD,OBS_VALUE\nX,2020\n", "forkert antal"),
            (b"\xff\xfe\x00", "UTF-8"),
        ],
    )
    def test_broken_files(self, content, message):
        with pytest.raises(SourceParseError, match=message):
            parse_sdmx_csv(content)
