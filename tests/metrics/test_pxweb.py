"""PxWeb API v1 JSON, v2 JSON-stat and `.px` files, on real recorded files."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.adapters.pxweb import parse_px
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import PXWEB_FIXTURES, SAMPLES, Route

TAB003 = PXWEB_FIXTURES / "pxwebapi_TAB003_latin1.px"
FEWCELLS = PXWEB_FIXTURES / "pxwebapi_tab4_fewcells_utf8.px"
V1_CONTENTS = PXWEB_FIXTURES / "scb_pxwebapi1_BefolkningNy_two_contents.json"
V1_DIMENSIONS = PXWEB_FIXTURES / "scb_pxwebapi1_ME0104T24_dimensions.json"
V2 = SAMPLES / "scb_pxwebapi2_TAB6471_monthly_jsonstat2.json"


def fetch(location, **options):
    return get_adapter("pxweb").fetch({"location": str(location), **options})


def preview(runner, location, *options, as_json=True):
    args = ["sources", "preview", "--type", "pxweb", "--location", str(location)]
    for option in options:
        args += ["--option", option]
    if as_json:
        args.append("--json")
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output, parse_float=Decimal) if as_json else result.output


class TestPxFile:
    def test_latin1_table_with_missing_cells(self, runner):
        result = fetch(TAB003)
        observations = result.observations
        assert len(observations) == 9 * 34 * 2 * 4
        assert {o.period for o in observations} == {"2010", "2012", "2014", "2016"}
        first = observations[0]
        assert first.dimensions == {
            "TREATMENT_CAT": "05",
            "WASTE_CAT": "01.1",
            "ContentsCode": "WasteHazard",
        }
        assert (first.period, first.value, first.unit) == ("2010", Decimal("30"), "tonnes")
        counts = result.status_counts()
        assert counts[S.MISSING] == 18
        assert all(o.raw_status == ".." for o in observations if o.status is S.MISSING)
        assert result.revision is not None
        items = preview(runner, TAB003)
        assert len(items) == 2448
        assert sum(item["status"] == "missing" for item in items) == 18

    def test_utf8_under_a_latin1_codepage_and_notes(self):
        result = fetch(FEWCELLS)
        [cell] = result.observations
        assert (cell.period, cell.value) == ("2017", Decimal("445"))
        assert cell.dimensions == {
            "SECTOR": "7.0",
            "GREENHOUSEGAS": "CO2",
            "ContentsCode": "Emission",
        }
        assert cell.unit == "Device varies with the subject"
        assert "Note fra udgiveren: .. = Data not available" in result.notes

    def test_the_swedish_translation(self):
        result = fetch(FEWCELLS, language="sv")
        [cell] = result.observations
        assert cell.unit == "Enhet varierar med ämne"

    def test_px_symbols_including_the_files_own(self, tmp_path):
        text = TAB003.read_bytes().replace(b'DATASYMBOL3="..";', b'DATASYMBOL3="x";')
        head, _sep, _data = text.partition(b"DATA=")
        cells = ['"-"', '".."', '"."', '"x"', "7"] + ["0"] * (2448 - 5)
        path = tmp_path / "symbols.px"
        path.write_bytes(head + b"DATA=\n" + " ".join(cells).encode() + b";\n")
        observations = fetch(path).observations
        assert [(o.value, o.status, o.raw_status) for o in observations[:5]] == [
            (Decimal(0), S.OK, "-"),  # the absolute zero is a zero, not missing
            (None, S.MISSING, ".."),
            (None, S.NOT_APPLICABLE, "."),
            (None, S.SUPPRESSED, "x"),  # DATASYMBOL3 as the file defines it
            (Decimal(7), S.OK, None),
        ]

    def test_too_few_cells_is_refused(self, tmp_path):
        path = tmp_path / "short.px"
        path.write_bytes(TAB003.read_bytes().partition(b"DATA=")[0] + b"DATA=\n1 2 3;\n")
        with pytest.raises(SourceParseError, match="DATA har 3 celler"):
            fetch(path)

    def test_parse_px_needs_a_data_section(self):
        with pytest.raises(SourceParseError):
            parse_px(b'STUB="a";\nVALUES("a")="1";\n')


class TestApiV1:
    def test_two_contents_columns(self, runner):
        result = fetch(V1_CONTENTS)
        assert [(o.period, o.dimensions["ContentsCode"], o.value) for o in result.observations] == [
            ("2010", "BE0101N1", Decimal("9415570")),
            ("2010", "BE0101N2", Decimal("74888")),
            ("2011", "BE0101N1", Decimal("9482855")),
            ("2011", "BE0101N2", Decimal("67285")),
            ("2012", "BE0101N1", Decimal("9555893")),
            ("2012", "BE0101N2", Decimal("73038")),
        ]
        assert result.revision == "2025-02-21T07:00:00Z"
        assert any("Folkökningen definieras" in note for note in result.notes)
        output = preview(runner, V1_CONTENTS, as_json=False)
        assert "6 observations (ok: 6)" in output
        assert "revision: 2025-02-21T07:00:00Z" in output

    def test_dimension_columns(self, runner):
        items = preview(runner, V1_DIMENSIONS)
        assert items == [
            {
                "dimensions": {"Parti": "M", "Kon": "1", "ContentsCode": "ME0104AV"},
                "period": "2002",
                "value": Decimal("133222"),
                "status": "ok",
                "raw_status": None,
            },
            {
                "dimensions": {"Parti": "C", "Kon": "1", "ContentsCode": "ME0104AV"},
                "period": "2002",
                "value": Decimal("59183"),
                "status": "ok",
                "raw_status": None,
            },
        ]

    def test_symbols_in_values(self, tmp_path):
        document = json.loads(V1_DIMENSIONS.read_text(encoding="utf-8"))
        document["data"][0]["values"] = ["-"]
        document["data"][1]["values"] = [".."]
        path = tmp_path / "v1.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        first, second = fetch(path).observations
        assert (first.value, first.status) == (Decimal(0), S.OK)
        assert (second.value, second.status) == (None, S.MISSING)

    def test_a_query_is_posted(self, http_server):
        seen = []

        def answer(body):
            seen.append(body)
            return Route(body=V1_DIMENSIONS.read_bytes())

        http_server.routes["/api/v1/sv/ssd/ME0104T24"] = Route(handler=answer)
        query = {"query": [], "response": {"format": "json"}}
        result = fetch(http_server.url + "/api/v1/sv/ssd/ME0104T24", query=query)
        assert len(result.observations) == 2
        assert seen == [query]


def test_api_v2_is_json_stat(runner):
    result = fetch(V2)
    assert len(result.observations) == 2772
    assert result.unit == "antal"
    output = preview(runner, V2, as_json=False)
    assert "2772 observations" in output
