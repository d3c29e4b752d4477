"""`flask sources preview|check|list` through click's runner, on the recorded samples."""

from __future__ import annotations

import json
from decimal import Decimal

import click
import pytest

from portfolio.metrics.cli import parse_option_pairs
from tests.metrics.conftest import SAMPLES, read_sample_json

SSB = SAMPLES / "ssb_no_05300_jsonstat2_with_status.json"
BIS = SAMPLES / "bis_der_sdmx_csv_1_0_excerpt_first25rows.csv"
STATBANK_CSV = SAMPLES / "statbank_dk_STRAF42_data.csv"
TABLEINFO = SAMPLES / "statbank_dk_STRAF42_tableinfo_en.json"


def preview(runner, *args):
    return runner.invoke(args=["sources", "preview", *args])


def test_preview_json_of_the_ssb_sample(runner):
    result = preview(runner, "--type", "jsonstat", "--location", str(SSB), "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.output, parse_float=Decimal)
    raw = read_sample_json(SSB.name)
    assert len(items) == 432
    assert all(
        list(item) == ["dimensions", "period", "value", "status", "raw_status"] for item in items
    )
    assert sum(item["status"] == "ok" for item in items) == 404
    assert sum(item["status"] == "not_applicable" for item in items) == 20
    assert sum(item["status"] == "missing" for item in items) == 8
    assert items[0] == {
        "dimensions": {"Avstand1": "01", "Kulturtilbud": "01", "ContentsCode": "Avstand"},
        "period": "1991",
        "value": raw["value"][0],
        "status": "ok",
        "raw_status": None,
    }
    assert items[360]["value"] is None
    assert items[360]["raw_status"] == ".."
    assert [item["value"] for item in items] == raw["value"]


def test_preview_json_keeps_decimal_text(runner):
    result = preview(runner, "--type", "sdmx_csv", "--location", str(BIS), "--json")
    assert result.exit_code == 0, result.output
    assert '"value": 14206.490766,' in result.output
    assert '"value": 6672.275,' in result.output
    items = json.loads(result.output, parse_float=Decimal)
    assert len(items) == 25
    assert sum(item["value"] is None for item in items) == 16
    assert items[2]["value"] == Decimal("14206.490766")
    assert items[0]["raw_status"] == "M"


def test_preview_statbank_with_options(runner):
    result = preview(
        runner,
        "--type", "statbank",
        "--location", str(STATBANK_CSV),
        "--option", f"tableinfo_location={TABLEINFO}",
        "--option", "variables=HERKOMST1=00;Tid=2023",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "dimensions": {"HERKOMST1": "00"},
            "period": "2023",
            "value": 233454,
            "status": "ok",
            "raw_status": None,
        }
    ]


def test_preview_file_with_json_option_values(runner, tmp_path):
    path = tmp_path / "tal.csv"
    path.write_text("Region;År;Antal\nH;2021;12,5\nH;2022;<5\nS;2021;†\n", encoding="utf-8")
    result = preview(
        runner,
        "--type", "file",
        "--location", str(path),
        "--option", "period_column=År",
        "--option", "value_column=Antal",
        "--option", "decimal_comma=true",
        "--option", 'suppression_markers=["<5"]',
        "--option", "status_map.†=not_applicable",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    items = json.loads(result.output, parse_float=Decimal)
    assert [(i["period"], i["value"], i["status"]) for i in items] == [
        ("2021", Decimal("12.5"), "ok"),
        ("2022", None, "suppressed"),
        ("2021", None, "not_applicable"),
    ]


def test_preview_table(runner):
    result = preview(
        runner, "--type", "statbank", "--location", str(STATBANK_CSV),
        "--option", f"tableinfo_location={TABLEINFO}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["period", "dimensions", "value", "status", "raw_status"]
    assert lines[1].split() == ["2023", "HERKOMST1=00", "233454", "ok"]
    assert "1 observations (ok: 1)" in lines
    assert "revision: 2025-03-25T08:00:00" in lines
    assert "unit: Number" in lines


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--type", "jsonstat", "--location", "nowhere.json"], 1,
         "Filen nowhere.json findes ikke."),
        (["--type", "nosuch", "--location", "x"], 1, "Ukendt kildetype 'nosuch'"),
        (["--type", "jsonstat", "--location", str(SSB), "--option", "colour=red"], 1,
         "colour: er ikke en kendt indstilling"),
        (["--type", "jsonstat", "--location", str(SSB), "--option", "status_table"], 2,
         "--option must be KEY=VALUE"),
        (["--type", "jsonstat", "--location", str(SSB), "--timeout", "0"], 2, "--timeout"),
        (["--type", "sql", "--location", "sqlite:///x.db", "--option", "query=DELETE FROM t",
          "--option", "period_column=p", "--option", "value_column=v"], 1,
         "Forespørgslen afvises"),
    ],
)  # fmt: skip
def test_bad_input_fails_clearly(runner, args, code, message):
    result = preview(runner, *args)
    assert result.exit_code == code
    assert message in result.output


def test_check_and_list(runner):
    result = runner.invoke(args=["sources", "check", "--type", "jsonstat", "--location", str(SSB)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Kilden kunne læses: 432 observationer."
    failed = runner.invoke(args=["sources", "check", "--type", "jsonstat", "--location", "x.json"])
    assert failed.exit_code == 1
    assert "Filen x.json findes ikke." in failed.output
    listed = runner.invoke(args=["sources", "list"])
    assert listed.exit_code == 0
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == [
        "file", "jsonstat", "manual", "pxweb", "sdmx_csv", "sdmx_json", "sdmx_ml", "sql",
        "statbank",
    ]  # fmt: skip


class TestOptionSyntax:
    def test_values(self):
        assert parse_option_pairs(
            [
                "table=STRAF42",
                "variables=HERKOMST1=00;Tid=*",
                "header_row=3",
                "decimal_comma=true",
                'markers=["<5", ".."]',
                'quoted="2024"',
                "parameters.region=084",
                "parameters.year=2023",
                "empty=",
            ]
        ) == {
            "table": "STRAF42",
            "variables": "HERKOMST1=00;Tid=*",
            "header_row": 3,
            "decimal_comma": True,
            "markers": ["<5", ".."],
            "quoted": "2024",
            "parameters": {"region": "084", "year": 2023},
            "empty": "",
        }

    @pytest.mark.parametrize(
        ("pairs", "message"),
        [
            (["novalue"], "KEY=VALUE"),
            (["=x"], "KEY=VALUE"),
            (["a=1", "a=2"], "more than once"),
            (["a=1", "a.b=2"], "already set"),
        ],
    )
    def test_malformed(self, pairs, message):
        with pytest.raises(click.UsageError, match=message):
            parse_option_pairs(pairs)
