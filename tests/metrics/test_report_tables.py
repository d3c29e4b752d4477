"""The real report-style samples (SSI, statbank.dk's download) read right, by adapter and CLI.

Each test asserts the reading the samples' README states, through `file` with the options a
user would choose, and through `flask sources preview` with the same options.
"""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import ClassVar

import openpyxl
import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceConfigError, SourceParseError
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES

RT = SAMPLES / "ssi_dk_Rt_cases_decimal_comma.csv"
TEST_POS = SAMPLES / "ssi_dk_Test_pos_over_time_semicolon_decimal_comma.csv"
PLEJEHJEM = SAMPLES / "ssi_dk_plejehjem_ugeoversigt_year_week_split.csv"
VARIANT = SAMPLES / "ssi_dk_Variant_tabel.xlsx"
FOLK1A = SAMPLES / "statbank_dk_web_download_FOLK1A_matrix_csv_excerpt.csv"


def fetch(**config):
    return get_adapter("file").fetch(config)


def by_period(observations, **dimensions):
    return {
        o.period: o
        for o in observations
        if all(o.dimensions.get(k) == v for k, v in dimensions.items())
    }


def preview_json(runner, location, *options):
    args = ["sources", "preview", "--type", "file", "--location", str(location), "--json"]
    for option in options:
        args += ["--option", option]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output, parse_float=Decimal)


def preview_text(runner, location, *options):
    args = ["sources", "preview", "--type", "file", "--location", str(location)]
    for option in options:
        args += ["--option", option]
    return runner.invoke(args=args)


class TestRtCases:
    OPTIONS: ClassVar = {
        "period_column": "SampleDate",
        "value_column": "estimate",
        "ignore_columns": ["uncertainty_lower", "uncertainty_upper"],
    }

    def test_decimal_comma_is_detected(self):
        result = fetch(location=str(RT), **self.OPTIONS)
        observations = result.observations
        assert len(observations) == 1039
        assert (observations[0].period, observations[0].value) == ("2020-03-26", Decimal("0.9"))
        assert (observations[-1].period, observations[-1].value) == ("2023-01-28", Decimal("0.8"))
        assert any("decimalkomma" in note for note in result.notes)

    def test_cli(self, runner):
        items = preview_json(
            runner,
            RT,
            "period_column=SampleDate",
            "value_column=estimate",
            "ignore_columns=uncertainty_lower,uncertainty_upper",
        )
        assert len(items) == 1039
        assert items[0]["value"] == Decimal("0.9")
        assert items[-1] == {
            "dimensions": {},
            "period": "2023-01-28",
            "value": Decimal("0.8"),
            "status": "ok",
            "raw_status": None,
        }


class TestTestPosOverTime:
    OTHERS: ClassVar = [
        "NewPositive",
        "NotPrevPos",
        "PosPct",
        "PrevPos",
        "Tested",
        "Tested_kumulativ",
    ]

    def options(self, value):
        return {
            "period_column": "Date",
            "value_column": value,
            "ignore_columns": [c for c in self.OTHERS if c != value],
        }

    def test_thousands_dot_and_trailer_rows(self):
        result = fetch(location=str(TEST_POS), **self.options("Tested"))
        observations = result.observations
        assert len(observations) == 1108
        assert observations[0].period == "2020-01-27"
        assert observations[-1].period == "2023-02-07"
        # "267.265" is 267265: the file's "5,3" makes the comma its decimal mark.
        assert by_period(observations)["2021-12-20"].value == Decimal("267265")
        assert "I alt" not in by_period(observations)
        assert any("total-rækker" in note and "(række 1110)" in note for note in result.notes)
        assert any("ingen periode" in note and "(række 1111)" in note for note in result.notes)
        assert any("'.' som tusindtalsseparator" in note for note in result.notes)

    def test_share_with_decimal_comma(self):
        observations = fetch(location=str(TEST_POS), **self.options("PosPct")).observations
        assert by_period(observations)["2021-12-20"].value == Decimal("5.3")

    def test_cli(self, runner):
        result = preview_text(
            runner,
            TEST_POS,
            "period_column=Date",
            "value_column=Tested",
            "ignore_columns=NewPositive,NotPrevPos,PosPct,PrevPos,Tested_kumulativ",
        )
        assert result.exit_code == 0, result.output
        assert "1108 observations (ok: 1108)" in result.output
        assert "2021-12-20              267265" in result.output
        assert "ingen periode" in result.output


class TestPlejehjem:
    OPTIONS: ClassVar = {
        "period_columns": ["År", "Uge"],
        "value_column": "Antal tests blandt beboere",
        "dimension_columns": [],
    }

    def test_a_lone_thousands_dot_is_refused_not_guessed(self):
        # "1.135" may be 1135 or 1.135 and nothing in the file says which.
        with pytest.raises(SourceParseError, match="thousands_separator"):
            fetch(location=str(PLEJEHJEM), **self.OPTIONS)

    def test_year_and_week_make_iso_weeks(self):
        result = fetch(location=str(PLEJEHJEM), thousands_separator=".", **self.OPTIONS)
        observations = by_period(result.observations)
        assert len(observations) == 152
        assert min(observations) == "2020-W11"
        assert max(observations) == "2023-W05"
        assert observations["2021-W01"].value == Decimal("11975")
        assert observations["2023-W05"].value == Decimal("1845")
        assert any("total-rækker" in note and "(række 154)" in note for note in result.notes)
        assert any("ISO-uge" in note for note in result.notes)

    def test_cli(self, runner):
        items = preview_json(
            runner,
            PLEJEHJEM,
            "period_columns=År,Uge",
            "value_column=Antal tests blandt beboere",
            "dimension_columns=[]",
            "thousands_separator=.",
        )
        assert len(items) == 152
        assert {"period": "2021-W01", "value": Decimal("11975")}.items() <= next(
            item for item in items if item["period"] == "2021-W01"
        ).items()


class TestVariantTabel:
    def test_stale_dimension_wide_layout_and_count_share(self):
        result = fetch(location=str(VARIANT), layout="wide")
        observations = result.observations
        # 188 lineages (the two Total rows are left out) × 4 weeks × count and share.
        assert len(observations) == 188 * 4 * 2
        first = by_period(observations, Nextclade_pango="BQ.1.1*", measure="count")
        assert first["2022-W52"].value == Decimal("1603")
        assert first["2022-W52"].dimensions == {
            "Nextclade_pango": "BQ.1.1*",
            "WHO": "Omicron",
            "measure": "count",
        }
        share = by_period(observations, Nextclade_pango="BQ.1.1*", measure="share")
        assert share["2022-W52"].value == Decimal("42.95")
        assert any("total-rækker" in note and "9 og 191" in note for note in result.notes)
        assert any("4 periodekolonner" in note for note in result.notes)

    def test_total_rows_kept_are_read_once(self):
        result = fetch(location=str(VARIANT), layout="wide", total_rows="keep")
        total = by_period(result.observations, Nextclade_pango="Total")
        assert [total[week].value for week in ("2022-W52", "2023-W01", "2023-W02", "2023-W03")] == [
            Decimal("3732"),
            Decimal("2536"),
            Decimal("1330"),
            Decimal("379"),
        ]
        assert any("gentager" in note for note in result.notes)

    def test_cli(self, runner):
        items = preview_json(runner, VARIANT, "layout=wide", "total_rows=keep", "count_share=count")
        assert len(items) == 189 * 4
        totals = [i["value"] for i in items if i["dimensions"]["Nextclade_pango"] == "Total"]
        assert totals == [Decimal("3732"), Decimal("2536"), Decimal("1330"), Decimal("379")]

    def test_a_sheet_that_yields_nothing_is_an_error_not_zero_observations(self, tmp_path):
        workbook = openpyxl.Workbook()
        workbook.active.append(["År", "Antal"])
        path = tmp_path / "tom.xlsx"
        workbook.save(path)
        with pytest.raises(SourceParseError, match="ingen datarækker"):
            fetch(location=str(path), period_column="År", value_column="Antal")


class TestFolk1aMatrix:
    OPTIONS: ClassVar = {
        "layout": "matrix",
        "header_row": 4,
        "row_dimensions": ["OMRÅDE", "TID", "CIVILSTAND", "ALDER"],
        "column_dimension": "KØN",
    }

    def test_matrix_download(self):
        result = fetch(location=str(FOLK1A), **self.OPTIONS)
        observations = result.observations
        assert len(observations) == 6 * 3
        cells = {
            o.dimensions["KØN"]: o.value for o in observations if o.dimensions["ALDER"] == "0 years"
        }
        assert cells == {
            "Total": Decimal("59356"),
            "Men": Decimal("30555"),
            "Women": Decimal("28801"),
        }
        assert {o.period for o in observations} == {"2025Q4"}
        assert observations[0].dimensions == {
            "OMRÅDE": "All Denmark",
            "CIVILSTAND": "Never married",
            "ALDER": "0 years",
            "KØN": "Total",
        }

    def test_cli(self, runner):
        items = preview_json(
            runner,
            FOLK1A,
            "layout=matrix",
            "header_row=4",
            "row_dimensions=OMRÅDE,TID,CIVILSTAND,ALDER",
            "column_dimension=KØN",
        )
        assert items[2]["value"] == Decimal("28801")
        assert items[2]["dimensions"]["KØN"] == "Women"


class TestNumberFormat:
    def test_ambiguous_lone_dot_is_refused(self):
        content = "År;Antal\n2021;2.911\n2022;845\n".encode()
        with pytest.raises(SourceParseError, match=r"1\.234"):
            fetch(content=content, period_column="År", value_column="Antal")

    def test_grouped_dots_are_thousands(self):
        content = "År;Antal\n2021;2.911\n2022;1.204.845\n".encode()
        values = [
            o.value
            for o in fetch(content=content, period_column="År", value_column="Antal").observations
        ]
        assert values == [Decimal("2911"), Decimal("1204845")]

    def test_decimal_point_and_decimal_comma_in_one_column_are_refused(self):
        content = "År;Antal\n2021;2.5\n2022;3,5\n".encode()
        with pytest.raises(SourceParseError):
            fetch(content=content, period_column="År", value_column="Antal")

    def test_a_stated_format_is_used(self):
        content = "År;Antal\n2021;2.911\n".encode()
        result = fetch(
            content=content, period_column="År", value_column="Antal", thousands_separator=""
        )
        assert result.observations[0].value == Decimal("2.911")

    def test_px_dash_is_an_absolute_zero(self):
        content = "År;Antal\n2021;-\n2022;..\n".encode()
        first, second = fetch(
            content=content, period_column="År", value_column="Antal"
        ).observations
        assert (first.value, first.status, first.raw_status) == (Decimal(0), S.OK, "-")
        assert (second.value, second.status) == (None, S.MISSING)


class TestZipBundle:
    def bundle(self, files):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def test_the_named_member_is_read(self):
        content = self.bundle({"Rt_cases.csv": RT.read_bytes(), "README.txt": b"x"})
        result = fetch(
            content=content,
            zip_member="Rt_cases.csv",
            **TestRtCases.OPTIONS,
        )
        assert len(result.observations) == 1039
        assert any("ZIP" in note for note in result.notes)

    def test_several_members_need_a_name(self):
        content = self.bundle({"a.csv": b"x", "b.csv": b"y"})
        with pytest.raises(SourceConfigError, match="zip_member"):
            fetch(content=content, period_column="a", value_column="b")

    def test_a_zip_bomb_is_refused(self):
        content = self.bundle({"bomb.csv": b"0" * (60 * 1024 * 1024)})
        assert len(content) < 200_000
        with pytest.raises(SourceParseError, match="pakkes ud"):
            fetch(content=content, period_column="a", value_column="b")


def test_check_says_what_each_rule_did(runner):
    result = runner.invoke(
        args=[
            "sources",
            "check",
            "--type",
            "file",
            "--location",
            str(TEST_POS),
            "--option",
            "period_column=Date",
            "--option",
            "value_column=Tested",
            "--option",
            "ignore_columns=NewPositive,NotPrevPos,PosPct,PrevPos,Tested_kumulativ",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "1108" in result.output
    assert "(række 1110)" in result.output and "(række 1111)" in result.output
    assert "tusindtalsseparator" in result.output
