"""SDMX-CSV 1.0 and 2.0: BIS's and the OECD's files, the specification's examples,
Eurostat's variant (LAST UPDATE, OBS_FLAG), separators and decimal commas."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.adapters.sdmx_csv import parse_sdmx_csv
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES
from tests.metrics.sdmx_helpers import SDMX, sdmx_files  # noqa: F401 (a fixture)

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


OECD = SDMX / "oecd_g20_prices_sdmx_csv_1_0.csv"


@pytest.mark.usefixtures("sdmx_files")
class TestOecdG20Prices:
    def test_reading(self):
        rows = raw_rows(OECD)
        result = get_adapter("sdmx_csv").fetch({"location": str(OECD)})
        by_year = {o.period: o for o in result.observations}
        assert len(result.observations) == len(rows) == 41
        assert (min(by_year), max(by_year)) == ("1985", "2025")
        assert by_year["1998"].value == Decimal("-0.8")
        # 2025 is a real zero: a value, with the status "normal".
        assert (by_year["2025"].value, by_year["2025"].status) == (Decimal("0"), S.OK)
        assert by_year["2025"].raw_status == "A"
        assert result.status_counts() == {S.OK: 41}
        assert [str(o.value) for o in result.observations] == [r["OBS_VALUE"] for r in rows]

    def test_dimensions_are_the_columns_before_the_period(self):
        observation = get_adapter("sdmx_csv").fetch({"location": str(OECD)}).observations[0]
        assert observation.dimensions == {
            "REF_AREA": "CHN",
            "FREQ": "A",
            "METHODOLOGY": "N",
            "MEASURE": "CPI",
            "UNIT_MEASURE": "PA",
            "EXPENDITURE": "_T",
            "ADJUSTMENT": "N",
            "TRANSFORMATION": "GY",
        }


def spec(name, **options):
    return get_adapter("sdmx_csv").fetch({"location": str(SDMX / name), **options})


@pytest.mark.usefixtures("sdmx_files")
class TestSpecificationExamples:
    def test_two_measures_and_dimensions_after_them(self):
        result = spec(
            "sdmx_csv_2_0_spec_example_02.csv",
            value_column="OBS_VALUE1",
            time_column="DIM_3",
            dimension_columns="DIM_1,DIM_2",
        )
        assert [(o.dimensions, o.period, o.value) for o in result.observations] == [
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-01", Decimal("12.4")),
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-02", Decimal("10.8")),
        ]
        second = spec(
            "sdmx_csv_2_0_spec_example_02.csv",
            value_column="OBS_VALUE2",
            time_column="DIM_3",
            dimension_columns="DIM_1,DIM_2",
        )
        assert [o.value for o in second.observations] == [Decimal("12.5"), Decimal("10.9")]

    def test_semicolons_keys_labels_and_decimal_comma(self):
        observations = spec("sdmx_csv_2_0_spec_example_04.csv", time_column="DIM_3").observations
        assert [(o.dimensions, o.period, o.value) for o in observations] == [
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-01", Decimal("12.4")),
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-02", Decimal("10.8")),
        ]

    def test_labels_both_with_dates(self):
        observations = spec("sdmx_csv_2_0_spec_example_05.csv", time_column="DIM_3").observations
        assert [(o.dimensions, o.period) for o in observations] == [
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-01-01"),
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-02-01"),
        ]

    def test_labels_name_columns_are_no_dimensions(self):
        observations = spec("sdmx_csv_2_0_spec_example_06.csv", time_column="DIM_3").observations
        assert [(o.dimensions, o.period, o.value) for o in observations] == [
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-01", Decimal("12.4")),
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-02", Decimal("10.8")),
        ]

    def test_a_partial_key_row_is_skipped_with_a_note(self):
        result = spec(
            "sdmx_csv_2_0_spec_example_13.csv", time_column="DIM_3", value_column="MEAS_1"
        )
        assert [(o.dimensions, o.period, o.value) for o in result.observations] == [
            ({"DIM_1": "A", "DIM_2": "B"}, "2014-01", Decimal("12.4"))
        ]
        assert any("1 rækker uden periode" in note for note in result.notes)

    def test_only_deletions(self):
        result = spec("sdmx_csv_2_0_spec_example_16.csv", time_column="DIM_3")
        assert result.observations == []
        assert any("2 rækker markeret til sletning" in note for note in result.notes)


# Eurostat's SDMX-CSV as its dissemination API writes it (format=SDMX-CSV): no public file
# of one was found, so this is written in its documented shape: LAST UPDATE after
# DATAFLOW, lower-case dimension ids, OBS_FLAG and CONF_STATUS after the value.
EUROSTAT = (
    "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2021,5840045,,\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2022,5873420,bd,\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2023,5932654,p,\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2024,,:,\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2025,12,,C\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,SE,2024,,c,\n"
)


class TestEurostat:
    def parse(self, updated="22/05/26 11:00:00"):
        return parse_sdmx_csv(EUROSTAT.format(updated=updated).encode())

    def test_last_update_is_the_revision_not_a_dimension(self):
        parsed = self.parse()
        assert parsed.revision == "2026-05-22T11:00:00"
        assert all(
            o.dimensions == {"freq": "A", "unit": "NR", "geo": o.dimensions["geo"]}
            for o in parsed.observations
        )

    def test_an_update_keeps_every_key(self):
        # Were LAST UPDATE a dimension, every update would change every key and a
        # metric's filters would stop matching.
        before, after = self.parse(), self.parse("11/06/26 23:00:00")
        assert [o.key() for o in before.observations] == [o.key() for o in after.observations]
        assert after.revision == "2026-06-11T23:00:00"

    def test_obs_flag_gives_the_statuses(self):
        observations = self.parse().observations
        assert [(o.period, o.value, o.status, o.raw_status) for o in observations] == [
            ("2021", Decimal("5840045"), S.OK, None),
            ("2022", Decimal("5873420"), S.BREAK, "bd"),  # break + definition differs
            ("2023", Decimal("5932654"), S.PROVISIONAL, "p"),
            ("2024", None, S.MISSING, ":"),
            ("2025", None, S.SUPPRESSED, "C"),  # CONF_STATUS C: the 12 is withheld
            ("2024", None, S.SUPPRESSED, "c"),
        ]

    def test_the_adapter_reports_unchanged_when_last_update_is_the_same(self, tmp_path):
        path = tmp_path / "estat.csv"
        path.write_text(EUROSTAT.format(updated="22/05/26 11:00:00"), encoding="utf-8")
        adapter = get_adapter("sdmx_csv")
        first = adapter.fetch({"location": str(path)})
        assert first.revision == "2026-05-22T11:00:00"
        again = adapter.fetch({"location": str(path)}, since_revision=first.revision)
        assert again.unchanged and again.observations == []

    def test_lower_case_headers_and_date_only_updates(self):
        content = (
            b"dataflow,last update,freq,geo,time_period,obs_value,obs_flag\n"
            b"ESTAT:X(1.0),16/01/24,A,AT,2015,10125,e\n"
        )
        parsed = parse_sdmx_csv(content, time_column="TIME_PERIOD", value_column="OBS_VALUE")
        (observation,) = parsed.observations
        assert parsed.revision == "2024-01-16"
        assert observation.dimensions == {"freq": "A", "geo": "AT"}
        assert (observation.value, observation.status) == (Decimal("10125"), S.ESTIMATED)


@pytest.mark.parametrize("separator", ["\t", "|", ";"])
def test_other_separators_are_found_after_the_first_header_cell(separator):
    content = separator.join(["DATAFLOW", "GEO", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"])
    content += "\n" + separator.join(["X:Y(1.0)", "DK", "2020", "1,5", "E"]) + "\n"
    (observation,) = parse_sdmx_csv(content.encode()).observations
    assert (observation.dimensions, observation.value, observation.status) == (
        {"GEO": "DK"},
        Decimal("1.5"),
        S.ESTIMATED,
    )


def test_explicit_decimal_point_refuses_a_comma():
    content = b"DATAFLOW;TIME_PERIOD;OBS_VALUE\nX;2020;1,5\n"
    assert parse_sdmx_csv(content, decimal=",").observations[0].value == Decimal("1.5")
    with pytest.raises(SourceParseError, match="ikke et tal"):
        parse_sdmx_csv(content, decimal=".")


def test_structure_name_without_label_columns_pairs_nothing():
    content = (
        b"STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION,GEO,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n"
        b"dataflow,X:Y(1.0),Befolkning,I,DK,2020,1,E\n"
    )
    (observation,) = parse_sdmx_csv(content).observations
    assert (observation.dimensions, observation.period, observation.status) == (
        {"GEO": "DK"},
        "2020",
        S.ESTIMATED,
    )


def test_version_1_0_with_labels_both():
    content = (
        b"DATAFLOW,FREQ: Frequency,REF_AREA: Reference area,TIME_PERIOD: Time,"
        b"OBS_VALUE: Observation value,OBS_STATUS: Observation status\n"
        b"BIS:X(1.0): Something,A: Annual,DK: Denmark,2020: 2020,5,E: Estimated\n"
    )
    (observation,) = parse_sdmx_csv(content).observations
    assert observation.dimensions == {"FREQ": "A", "REF_AREA": "DK"}
    assert (observation.period, observation.value, observation.status) == (
        "2020",
        Decimal("5"),
        S.ESTIMATED,
    )
