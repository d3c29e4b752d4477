"""Statistics Denmark's StatBank API: saved responses and a local stand-in for the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    SourceConfigError,
    SourceHTTPError,
    SourceParseError,
)
from portfolio.metrics.adapters.statbank import StatbankConfig, parse_statbank_csv
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES, Route, read_sample_json

CSV = SAMPLES / "statbank_dk_STRAF42_data.csv"
JSONSTAT = SAMPLES / "statbank_dk_STRAF42_data_jsonstat.json"
TABLEINFO = SAMPLES / "statbank_dk_STRAF42_tableinfo_en.json"
SELECTION = "HERKOMST1=00;Tid=2023"


@pytest.fixture
def adapter():
    return get_adapter("statbank")


def test_the_csv_sample_is_what_statbank_sends():
    raw = CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert raw.decode("utf-8-sig").splitlines()[0] == "HERKOMST1;TID;INDHOLD"


class TestSavedResponses:
    def test_csv_and_jsonstat_give_the_same_value(self, adapter):
        from_csv = adapter.fetch({"location": str(CSV)})
        from_jsonstat = adapter.fetch({"location": str(JSONSTAT)})
        expected = Decimal(read_sample_json(JSONSTAT.name)["dataset"]["value"][0])
        csv_value = CSV.read_bytes().decode("utf-8-sig").splitlines()[1].split(";")[2]
        assert expected == Decimal(csv_value) == Decimal("233454")
        assert len(from_csv.observations) == len(from_jsonstat.observations) == 1
        assert from_csv.observations[0].value == from_jsonstat.observations[0].value == expected
        assert from_csv.observations[0].period == from_jsonstat.observations[0].period == "2023"
        # Without tableinfo the CSV's text stays as the provider wrote it.
        assert from_csv.observations[0].dimensions == {"HERKOMST1": "Total"}

    def test_tableinfo_turns_texts_into_codes_and_gives_the_revision(self, adapter):
        result = adapter.fetch(
            {"location": str(CSV), "tableinfo_location": str(TABLEINFO), "variables": SELECTION}
        )
        info = read_sample_json(TABLEINFO.name)
        assert result.revision == info["updated"] == "2025-03-25T08:00:00"
        assert result.unit == info["unit"] == "Number"
        (cell,) = result.observations
        assert cell.dimensions == {"HERKOMST1": "00"}
        assert (cell.period, cell.value, cell.status) == ("2023", Decimal("233454"), S.OK)
        assert any(
            note.startswith("Fodnote fra Danmarks Statistik (skal vises)") for note in result.notes
        )

    def test_unknown_variables_and_values_are_listed(self, adapter):
        with pytest.raises(SourceConfigError) as caught:
            adapter.fetch(
                {
                    "location": str(CSV),
                    "tableinfo_location": str(TABLEINFO),
                    "variables": "HERKOMST1=00,99,X;KOMMUNE=101;Tid=2023",
                }
            )
        message = caught.value.message
        assert "Variablen HERKOMST1 i tabellen STRAF42 har ikke værdierne: 99, X." in message
        assert "Tabellen STRAF42 har ingen variabel KOMMUNE" in message
        assert len(caught.value.errors) == 2

    def test_expressions_are_left_to_the_api(self, adapter):
        result = adapter.fetch(
            {
                "location": str(CSV),
                "tableinfo_location": str(TABLEINFO),
                "variables": {"HERKOMST1": ["*"], "Tid": [">=2020"]},
            }
        )
        assert len(result.observations) == 1

    def test_missing_and_decimal_comma_in_csv(self):
        content = "\ufeffOMRÅDE;TID;INDHOLD\r\n000;2021K4;..\r\n101;2021K4;12,5\r\n".encode()
        parsed = parse_statbank_csv(content)
        missing, value = parsed.observations
        assert (missing.value, missing.status, missing.raw_status) == (None, S.MISSING, "..")
        assert missing.period == "2021K4"
        assert value.value == Decimal("12.5")

    def test_broken_csv(self):
        with pytest.raises(SourceParseError, match="INDHOLD"):
            parse_statbank_csv(b"A;TID;VALUE\r\n1;2020;3\r\n")
        with pytest.raises(SourceParseError, match="ikke et tal"):
            parse_statbank_csv(b"A;TID;INDHOLD\r\n1;2020;abc\r\n")


class TestConfig:
    @pytest.mark.parametrize(
        "variables",
        [
            "HERKOMST1=00,80;Tid=*",
            {"HERKOMST1": ["00", "80"], "Tid": "*"},
            [{"code": "HERKOMST1", "values": ["00", "80"]}, {"code": "Tid", "values": ["*"]}],
        ],
    )
    def test_variable_syntaxes(self, variables):
        config = StatbankConfig.model_validate({"table": "STRAF42", "variables": variables})
        assert [(v.code, v.values) for v in config.variables] == [
            ("HERKOMST1", ["00", "80"]),
            ("Tid", ["*"]),
        ]

    def test_needs_table_or_file(self, adapter):
        with pytest.raises(SourceConfigError, match="tabel"):
            adapter.parse_config({})
        with pytest.raises(SourceConfigError, match="http"):
            adapter.parse_config({"table": "X", "base_url": "ftp://example"})


def statbank_api(server, *, data_format_seen: list | None = None):
    """Answer /v1/tableinfo and /v1/data like StatBank does, from the recorded samples."""

    def tableinfo(body):
        assert body == {"table": "STRAF42", "format": "JSON", "lang": "en"}
        return Route(body=TABLEINFO.read_bytes())

    def data(body):
        if data_format_seen is not None:
            data_format_seen.append(body)
        if body["format"] == "CSV":
            return Route(body=CSV.read_bytes(), content_type="text/csv; charset=utf-8")
        return Route(body=JSONSTAT.read_bytes())

    server.routes["/v1/tableinfo"] = Route(handler=tableinfo)
    server.routes["/v1/data"] = Route(handler=data)


class TestAgainstLocalApi:
    def config(self, server, **extra):
        return {
            "table": "STRAF42",
            "lang": "en",
            "base_url": server.url,
            "variables": SELECTION,
            **extra,
        }

    @pytest.mark.parametrize("data_format", ["CSV", "JSONSTAT", "jsonstat"])
    def test_fetch(self, adapter, http_server, data_format):
        bodies = []
        statbank_api(http_server, data_format_seen=bodies)
        result = adapter.fetch(self.config(http_server, format=data_format), timeout=5)
        assert [o.value for o in result.observations] == [Decimal("233454")]
        assert result.revision == "2025-03-25T08:00:00"
        assert [(method, path) for method, path, _ in http_server.requests] == [
            ("POST", "/v1/tableinfo"),
            ("POST", "/v1/data"),
        ]
        (body,) = bodies
        assert body["table"] == "STRAF42"
        assert body["format"] == data_format.upper()
        assert body["variables"] == [
            {"code": "HERKOMST1", "values": ["00"]},
            {"code": "Tid", "values": ["2023"]},
        ]
        assert body.get("valuePresentation") == ("Code" if data_format == "CSV" else None)

    def test_unchanged_revision_skips_the_data_call(self, adapter, http_server):
        statbank_api(http_server)
        result = adapter.fetch(
            self.config(http_server), since_revision="2025-03-25T08:00:00", timeout=5
        )
        assert result.unchanged is True
        assert result.observations == []
        assert result.revision == "2025-03-25T08:00:00"
        assert [path for _, path, _ in http_server.requests] == ["/v1/tableinfo"]

    def test_older_revision_fetches(self, adapter, http_server):
        statbank_api(http_server)
        result = adapter.fetch(
            self.config(http_server), since_revision="2024-03-25T08:00:00", timeout=5
        )
        assert result.unchanged is False
        assert len(result.observations) == 1

    def test_bad_selection_stops_before_the_data_call(self, adapter, http_server):
        statbank_api(http_server)
        with pytest.raises(SourceConfigError, match="KØN"):
            adapter.fetch(self.config(http_server, variables="KØN=X;Tid=2023"), timeout=5)
        assert [path for _, path, _ in http_server.requests] == ["/v1/tableinfo"]

    def test_provider_error_message_goes_to_the_detail_not_the_message(self, adapter, http_server):
        # A server's error body can hold anything (also what it guards): the message says
        # the status, the log gets the body.
        http_server.routes["/v1/tableinfo"] = Route(
            status=400,
            body=json.dumps(
                {"errorTypeCode": "TABLE-NOT-FOUND", "message": "Tabellen findes ikke"}
            ).encode(),
        )
        with pytest.raises(SourceHTTPError) as caught:
            adapter.fetch(self.config(http_server), timeout=5)
        assert caught.value.status_code == 400
        assert caught.value.message == (
            "Kilden svarede med HTTP-fejl 400 (forespørgslen blev afvist)."
        )
        assert "Tabellen findes ikke" in caught.value.detail

    def test_connection_check(self, adapter, http_server):
        statbank_api(http_server)
        check = adapter.test_connection(self.config(http_server), timeout=5)
        assert check.ok
        assert "STRAF42" in check.message
        bad = adapter.test_connection(self.config(http_server, variables="FOO=1"), timeout=5)
        assert not bad.ok
        assert "FOO" in bad.message


def test_the_subjects_sample_is_not_taken_for_data():
    # v1/subjects lists subjects, not figures: reading it as data must fail clearly.
    subjects = read_sample_json("statbank_dk_subjects_en.json")
    assert [s["id"] for s in subjects][:3] == ["1", "2", "3"]
    with pytest.raises(SourceParseError, match="ikke et JSON-objekt"):
        get_adapter("statbank").fetch({"location": str(SAMPLES / "statbank_dk_subjects_en.json")})
