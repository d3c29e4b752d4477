"""CSV and XLSX tables with a column mapping, as eSundhed and others publish them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceConfigError, SourceParseError
from portfolio.metrics.observations import ObservationStatus as S

MAPPING = {"period_column": "År", "value_column": "Antal"}

ESUNDHED_CSV = (
    "Region;Køn;År;Antal\r\n"
    "Hovedstaden;Kvinder;2021;1.234,5\r\n"
    "Hovedstaden;Mænd;2021;<5\r\n"
    "Sjælland;Kvinder;2021;..\r\n"
    "Sjælland;Mænd;2021;0\r\n"
    "Sjælland;Mænd;2022;\r\n"
)


def fetch(**config):
    return get_adapter("file").fetch(config)


class TestCsv:
    def test_upload_with_markers_and_decimal_comma(self):
        result = fetch(
            content=ESUNDHED_CSV.encode("utf-8"),
            filename="laegemidler.csv",
            decimal_comma=True,
            thousands_separator=".",
            **MAPPING,
        )
        observations = result.observations
        assert [o.dimensions for o in observations[:2]] == [
            {"Region": "Hovedstaden", "Køn": "Kvinder"},
            {"Region": "Hovedstaden", "Køn": "Mænd"},
        ]
        assert [(o.period, o.value, o.status, o.raw_status) for o in observations] == [
            ("2021", Decimal("1234.5"), S.OK, None),
            ("2021", None, S.SUPPRESSED, "<5"),
            ("2021", None, S.MISSING, ".."),
            ("2021", Decimal("0"), S.OK, None),  # a real zero stays a zero
            ("2022", None, S.MISSING, None),
        ]

    def test_from_a_path_with_bom_and_header_row(self, tmp_path):
        path = tmp_path / "tabel.csv"
        path.write_bytes(
            "\ufeffKilde: eSundhed\r\n\r\nperiode,kommune,værdi,status\r\n"
            "2019M01,101,17,p\r\n2019M02,101,3,\r\n".encode()
        )
        result = fetch(
            location=str(path),
            header_row=3,
            period_column="periode",
            value_column="værdi",
            status_column="status",
            suppress_below="5",
        )
        first, second = result.observations
        assert (first.period, first.value, first.status, first.raw_status) == (
            "2019M01",
            Decimal("17"),
            S.PROVISIONAL,
            "p",
        )
        assert first.dimensions == {"kommune": "101"}
        # The configured small-number rule withholds 3.
        assert (second.value, second.status) == (None, S.SUPPRESSED)
        assert any("under 5" in note for note in result.notes)

    def test_configured_markers_and_status_map(self):
        content = "År;Antal\n2020;-\n2021;x\n2022;†\n".encode()
        result = fetch(
            content=content,
            suppression_markers=["x"],
            missing_markers=["-"],
            status_map={"†": "not_applicable"},
            **MAPPING,
        )
        assert [o.status for o in result.observations] == [
            S.MISSING,
            S.SUPPRESSED,
            S.NOT_APPLICABLE,
        ]

    def test_duplicate_rows_point_at_a_missing_dimension(self):
        content = "Region;År;Antal\nA;2020;1\nA;2020;2\n".encode()
        with pytest.raises(SourceParseError, match="Mangler der en dimensionskolonne"):
            fetch(content=content, dimension_columns=[], **MAPPING)

    def test_unknown_column_lists_the_columns(self):
        with pytest.raises(SourceParseError) as caught:
            fetch(content=ESUNDHED_CSV.encode(), period_column="Aar", value_column="Antal")
        assert caught.value.message == (
            "Kolonnen 'Aar' (periode) findes ikke. Kolonnerne er: Region, Køn, År, Antal."
        )

    def test_text_that_is_no_number_names_the_row_and_column_not_the_cell(self):
        with pytest.raises(SourceParseError) as caught:
            fetch(content="År;Antal\n2020;mange\n".encode(), **MAPPING)
        assert caught.value.message == "Række 2: værdien i kolonnen 'Antal' er ikke et tal."

    def test_latin1_encoding(self):
        content = "Køn;År;Antal\nMænd;2020;3\n".encode("latin-1")
        with pytest.raises(SourceParseError, match="tegnsættet"):
            fetch(content=content, **MAPPING)
        result = fetch(content=content, encoding="latin-1", **MAPPING)
        assert result.observations[0].dimensions == {"Køn": "Mænd"}

    def test_needs_exactly_one_of_file_and_upload(self):
        with pytest.raises(SourceConfigError, match="enten en fil"):
            fetch(**MAPPING)
        with pytest.raises(SourceConfigError, match="enten en fil"):
            fetch(location="x.csv", content=b"x", **MAPPING)


def workbook_bytes(rows, sheet="Data", header_at=1):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "Forside"
    worksheet["A1"] = "Udtræk fra eSundhed"
    data = workbook.create_sheet(sheet)
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            data.cell(row=header_at + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = (
    ("Region", "År", "Antal", "Dato"),
    ("Hovedstaden", 2021, 1234.5, dt.date(2021, 12, 31)),
    ("Hovedstaden", 2022, "<5", dt.date(2022, 12, 31)),
    ("Sjælland", 2021, 0.1, None),
    (None, None, None, None),
    ("Sjælland", 2022, "#N/A", None),
)


class TestXlsx:
    def test_sheet_header_row_and_cells(self):
        content = workbook_bytes(ROWS, header_at=3)
        result = fetch(
            content=content,
            filename="tal.xlsx",
            sheet="Data",
            header_row=3,
            ignore_columns=["Dato"],
            **MAPPING,
        )
        assert [(o.dimensions, o.period, o.value, o.status) for o in result.observations] == [
            ({"Region": "Hovedstaden"}, "2021", Decimal("1234.5"), S.OK),
            ({"Region": "Hovedstaden"}, "2022", None, S.SUPPRESSED),
            ({"Region": "Sjælland"}, "2021", Decimal("0.1"), S.OK),
            ({"Region": "Sjælland"}, "2022", None, S.MISSING),
        ]
        # 0.1 is stored as a binary double; its shortest text is the value, not 0.1000…0555.
        assert str(result.observations[2].value) == "0.1"

    def test_dates_as_periods(self, tmp_path):
        path = tmp_path / "tal.xlsx"
        path.write_bytes(workbook_bytes(ROWS[:3]))
        result = fetch(
            location=str(path),
            sheet="Data",
            period_column="Dato",
            value_column="Antal",
            dimension_columns=["Region"],
        )
        assert [o.period for o in result.observations] == ["2021-12-31", "2022-12-31"]

    def test_unknown_sheet(self):
        with pytest.raises(SourceConfigError, match="Arkene er: Forside, Data"):
            fetch(content=workbook_bytes(ROWS), sheet="Ark1", **MAPPING)

    def test_broken_workbook(self):
        with pytest.raises(SourceParseError, match="XLSX"):
            fetch(content=b"PK\x03\x04 not really a zip", **MAPPING)
