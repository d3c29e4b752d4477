"""JSON-stat 1.x and 2.0: the recorded samples, and the variants the format allows."""

from __future__ import annotations

import json
import math
from collections import Counter
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.adapters.jsonstat import parse_jsonstat
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES, Route, read_sample_json

SSB = "ssb_no_05300_jsonstat2_with_status.json"
EUROSTAT = "eurostat_legacy_wdds_nama_gdp_c_IT_FR_jsonstat1_with_status.json"
STATBANK = "statbank_dk_STRAF42_data_jsonstat.json"


def fetch(name: str, **options):
    return get_adapter("jsonstat").fetch({"location": str(SAMPLES / name), **options})


def by_cell(result):
    return {(tuple(sorted(o.dimensions.items())), o.period): o for o in result.observations}


def flat_position(sizes: list[int], indexes: list[int]) -> int:
    """Row-major position of a cell, computed here rather than trusted to the parser."""
    position = 0
    for size, index in zip(sizes, indexes, strict=True):
        position = position * size + index
    return position


class TestStatisticsNorway:
    """JSON-stat 2.0 with a sparse `status` object ('.' and '..') and null values."""

    def test_counts(self):
        raw = read_sample_json(SSB)
        result = fetch(SSB)
        cells = math.prod(raw["size"])
        symbols = Counter(raw["status"].values())
        assert cells == 432
        assert symbols == {".": 20, "..": 8}
        assert len(result.observations) == 432
        assert result.status_counts() == {
            S.OK: 404,
            S.NOT_APPLICABLE: 20,
            S.MISSING: 8,
        }
        assert Counter(o.raw_status for o in result.observations) == {None: 404, ".": 20, "..": 8}
        # Every null in the file is a cell without a value, and no such cell became 0.
        assert sum(v is None for v in raw["value"]) == 28
        assert sum(o.value is None for o in result.observations) == 28

    def test_metadata(self):
        result = fetch(SSB)
        assert result.revision == "2022-05-24T06:00:00Z"
        assert result.unit == "prosent"
        assert result.unchanged is False
        first = result.observations[0]
        assert first.dimensions == {
            "Avstand1": "01",
            "Kulturtilbud": "01",
            "ContentsCode": "Avstand",
        }
        assert first.period == "1991"

    @pytest.mark.parametrize(
        ("avstand", "kultur", "year"),
        [("03", "05", "2012"), ("01", "01", "1991"), ("06", "08", "2016"), ("02", "07", "2016")],
    )
    def test_cells_with_values(self, avstand, kultur, year):
        raw = read_sample_json(SSB)
        dims = raw["dimension"]
        indexes = [
            dims["Avstand1"]["category"]["index"][avstand],
            dims["Kulturtilbud"]["category"]["index"][kultur],
            0,
            dims["Tid"]["category"]["index"][year],
        ]
        position = flat_position(raw["size"], indexes)
        expected = raw["value"][position]
        assert isinstance(expected, int)
        cell = by_cell(fetch(SSB))[
            (
                (("Avstand1", avstand), ("ContentsCode", "Avstand"), ("Kulturtilbud", kultur)),
                year,
            )
        ]
        assert cell.value == Decimal(expected)
        assert cell.status is S.OK
        assert cell.raw_status is None

    def test_specific_values(self):
        cells = by_cell(fetch(SSB))
        key = (("Avstand1", "03"), ("ContentsCode", "Avstand"), ("Kulturtilbud", "05"))
        assert cells[(key, "2012")].value == Decimal(read_sample_json(SSB)["value"][186])

    @pytest.mark.parametrize(
        ("position", "status", "symbol"),
        [(71, S.NOT_APPLICABLE, "."), (431, S.NOT_APPLICABLE, "."), (360, S.MISSING, "..")],
    )
    def test_cells_with_status(self, position, status, symbol):
        raw = read_sample_json(SSB)
        assert raw["status"][str(position)] == symbol
        assert raw["value"][position] is None
        # Decode the position by hand: sizes are [6, 8, 1, 9].
        avstand, rest = divmod(position, 8 * 9)
        kultur, year = divmod(rest, 9)
        codes = {name: list(raw["dimension"][name]["category"]["index"]) for name in raw["id"]}
        cell = fetch(SSB).observations[position]
        assert cell.dimensions["Avstand1"] == codes["Avstand1"][avstand]
        assert cell.dimensions["Kulturtilbud"] == codes["Kulturtilbud"][kultur]
        assert cell.period == codes["Tid"][year]
        assert cell.value is None
        assert cell.status is status
        assert cell.raw_status == symbol


class TestEurostatLegacy:
    """Eurostat's retired 1.x service: a named dataset and a non-standard status object."""

    def test_counts(self):
        raw = read_sample_json(EUROSTAT)["nama_gdp_c"]
        result = fetch(EUROSTAT)
        assert math.prod(raw["dimension"]["size"]) == 138
        nulls = sum(v is None for v in raw["value"])
        colons = sum(s == ":" for s in raw["status"]["value"])
        assert (nulls, colons) == (74, 74)
        assert len(result.observations) == 138
        assert result.status_counts() == {S.MISSING: 74, S.OK: 64}
        assert {o.raw_status for o in result.observations if o.status is S.MISSING} == {":"}

    def test_values(self):
        raw = read_sample_json(EUROSTAT)["nama_gdp_c"]
        years = list(raw["dimension"]["time"]["category"]["index"])
        cells = by_cell(fetch(EUROSTAT))
        base = (("geo", "FR"), ("indic_na", "B1GM"), ("unit", "EUR_HAB"))
        italy = (("geo", "IT"), ("indic_na", "B1GM"), ("unit", "EUR_HAB"))
        assert cells[(base, "1974")].value == Decimal(raw["value"][years.index("1974")]) == 4500
        assert cells[(italy, "2013")].value == Decimal(raw["value"][69 + years.index("2013")])
        assert cells[(italy, "2013")].value == Decimal("25600")
        assert cells[(base, "1946")].value is None
        assert cells[(base, "1946")].status is S.MISSING
        assert cells[(italy, "2014")].status is S.MISSING
        assert cells[(italy, "2014")].raw_status == ":"

    def test_revision_from_epoch_milliseconds(self):
        assert fetch(EUROSTAT).revision == "2015-11-05T23:00:00Z"

    def test_named_dataset_can_be_chosen(self):
        assert len(fetch(EUROSTAT, dataset="nama_gdp_c").observations) == 138
        with pytest.raises(SourceParseError, match="findes ikke"):
            fetch(EUROSTAT, dataset="other")


class TestStatbankJsonstat:
    def test_single_cell(self):
        raw = read_sample_json(STATBANK)["dataset"]
        result = fetch(STATBANK)
        assert len(result.observations) == 1
        cell = result.observations[0]
        assert cell.value == Decimal(raw["value"][0]) == Decimal("233454")
        assert cell.dimensions == {"HERKOMST1": "00", "ContentsCode": "STRAF42"}
        assert cell.period == "2023"
        assert cell.status is S.OK
        assert cell.unit == result.unit == "Number"
        assert result.revision == "2025-03-25T07:00:00Z"


def parse(document, **options):
    return parse_jsonstat(json.dumps(document).encode(), **options)


def dataset_2_0(**overrides):
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": ["region", "year"],
        "size": [2, 3],
        "role": {"time": ["year"]},
        "dimension": {
            "region": {"category": {"index": ["084", "085"]}},
            "year": {"category": {"index": {"2020": 0, "2021": 1, "2022": 2}}},
        },
        "value": [1, 2, 3, 4, 5, 6],
    }
    document.update(overrides)
    return document


class TestVariants:
    def test_index_as_list_and_object_row_major(self):
        observations = parse(dataset_2_0()).observations
        assert [(o.dimensions["region"], o.period, o.value) for o in observations] == [
            ("084", "2020", 1),
            ("084", "2021", 2),
            ("084", "2022", 3),
            ("085", "2020", 4),
            ("085", "2021", 5),
            ("085", "2022", 6),
        ]

    def test_index_absent_uses_label_order(self):
        document = dataset_2_0(
            dimension={
                "region": {"category": {"label": {"085": "Sjælland", "084": "Hovedstaden"}}},
                "year": {"category": {"label": {"2020": "2020", "2021": "2021", "2022": "2022"}}},
            }
        )
        observations = parse(document).observations
        assert [o.dimensions["region"] for o in observations[:4]] == ["085", "085", "085", "084"]

    def test_sparse_value_object_and_single_status(self):
        document = dataset_2_0(value={"0": 10, "5": "12.50"}, status="p")
        observations = parse(document).observations
        assert observations[0].value == 10
        assert observations[0].status is S.PROVISIONAL
        assert observations[5].value == Decimal("12.50")
        assert str(observations[5].value) == "12.50"
        # Cells the sparse object leaves out have no value: missing, never 0.
        assert [o.value for o in observations[1:5]] == [None] * 4
        assert {o.status for o in observations[1:5]} == {S.MISSING}

    def test_single_value_for_all_cells(self):
        observations = parse(dataset_2_0(value=7)).observations
        assert [o.value for o in observations] == [7] * 6

    def test_decimals_are_exact(self):
        document = dataset_2_0()
        text = json.dumps(document).replace("[1, 2, 3, 4, 5, 6]", "[0.1, 0.2, 1.10, 1e3, -0.5, 3]")
        observations = parse_jsonstat(text.encode()).observations
        assert [str(o.value) for o in observations] == ["0.1", "0.2", "1.10", "1E+3", "-0.5", "3"]

    def test_status_symbols(self):
        document = dataset_2_0(
            value=[0, 5, 6, 7, 8, None],
            status=[":", "e", "b", "bp", "z", None],
        )
        observations = parse(document).observations
        # A suppressed cell never keeps the number a provider wrote in it.
        assert (observations[0].value, observations[0].status) == (None, S.SUPPRESSED)
        assert observations[1].status is S.ESTIMATED
        assert observations[2].status is S.BREAK
        assert observations[3].status is S.BREAK  # combined flags: the weightiest
        assert (observations[4].value, observations[4].status) == (None, S.NOT_APPLICABLE)
        assert (observations[5].value, observations[5].status) == (None, S.MISSING)
        assert [o.raw_status for o in observations] == [":", "e", "b", "bp", "z", None]

    def test_status_table_and_overrides(self):
        document = dataset_2_0(value=[None] * 6, status=":")
        assert parse(document).observations[0].status is S.SUPPRESSED
        assert parse(document, status_table="eurostat").observations[0].status is S.MISSING
        assert parse(document, status_map={":": S.MISSING}).observations[0].status is S.MISSING

    def test_labels_in_extension_decide(self):
        document = dataset_2_0(
            value=[None] * 6,
            status=":",
            extension={"status": {"label": {":": "not available"}}},
        )
        assert parse(document).observations[0].status is S.MISSING

    def test_symbol_written_in_value(self):
        observations = parse(dataset_2_0(value=["..", 2, 3, 4, 5, "."])).observations
        assert (observations[0].status, observations[0].raw_status) == (S.MISSING, "..")
        assert (observations[5].status, observations[5].raw_status) == (S.NOT_APPLICABLE, ".")

    def test_time_found_by_name_or_option(self):
        document = dataset_2_0(role={})
        assert parse(document).observations[0].period == "2020"
        renamed = dataset_2_0(role={}, id=["region", "aargang"])
        renamed["dimension"] = {
            "region": renamed["dimension"]["region"],
            "aargang": renamed["dimension"]["year"],
        }
        with pytest.raises(SourceParseError, match="time_dimension"):
            parse(renamed)
        assert parse(renamed, time_dimension="aargang").observations[0].period == "2020"

    def test_collection_with_embedded_dataset(self):
        document = {
            "version": "2.0",
            "class": "collection",
            "link": {"item": [{**dataset_2_0(), "label": "Befolkning"}]},
        }
        assert len(parse(document).observations) == 6

    def test_several_named_datasets_need_a_choice(self):
        one = {
            "dimension": {
                "id": ["year"],
                "size": [1],
                "year": {"category": {"index": {"2020": 0}}},
            },
            "value": [1],
        }
        document = {"a": one, "b": {**one, "value": [2]}}
        with pytest.raises(SourceParseError, match="flere datasæt"):
            parse(document)
        assert parse(document, dataset="b").observations[0].value == 2

    def test_empty_dataset(self):
        document = dataset_2_0(size=[0, 3], value=[])
        document["dimension"]["region"]["category"]["index"] = []
        assert parse(document).observations == []

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"{not json", "ugyldig JSON"),
            (b"[1, 2]", "ikke et JSON-objekt"),
            (b'{"x": 1}', "intet datasæt"),
            (json.dumps(dataset_2_0(value=[1, 2])).encode(), "2 elementer"),
            (json.dumps(dataset_2_0(size=[2, 2])).encode(), "størrelsen 2"),
            (b'{"version": "2.0", "class": "dataset", "dimension": {}, "value": NaN}', "JSON"),
        ],
    )
    def test_broken_responses(self, content, message):
        with pytest.raises(SourceParseError, match=message) as caught:
            parse_jsonstat(content)
        assert caught.value.message.startswith("Svaret kunne ikke læses som JSON-stat")


class TestOverHttp:
    def test_url_and_unchanged_revision(self, http_server):
        http_server.routes["/05300.json"] = Route(body=(SAMPLES / SSB).read_bytes())
        adapter = get_adapter("jsonstat")
        config = {"location": f"{http_server.url}/05300.json"}
        result = adapter.fetch(config, timeout=5)
        assert len(result.observations) == 432
        again = adapter.fetch(config, since_revision=result.revision, timeout=5)
        assert again.unchanged is True
        assert again.observations == []
        assert again.revision == "2022-05-24T06:00:00Z"

    def test_etag_is_the_revision_when_the_data_has_none(self, http_server):
        document = dataset_2_0()
        http_server.routes["/x"] = Route(
            body=json.dumps(document).encode(), headers={"ETag": '"v7"'}
        )
        result = get_adapter("jsonstat").fetch({"location": f"{http_server.url}/x"}, timeout=5)
        assert result.revision == '"v7"'

    def test_small_number_rule(self):
        result = get_adapter("jsonstat").fetch(
            {"location": str(SAMPLES / SSB), "suppress_below": "3"}
        )
        raw = read_sample_json(SSB)["value"]
        small = sum(1 for v in raw if v is not None and 0 < v < 3)
        assert small > 0
        assert result.status_counts()[S.SUPPRESSED] == small
        assert any("skjult" in note for note in result.notes)
