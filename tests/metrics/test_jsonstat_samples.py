"""The JSON-stat samples added on 2 December read the way their README says, by adapter and CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.jsonstat import parse_jsonstat
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES

SCB = SAMPLES / "scb_pxwebapi2_TAB6471_monthly_jsonstat2.json"
SSB_QUARTERLY = SAMPLES / "ssb_07221_quarterly_jsonstat2.json"
STATFI = SAMPLES / "statfi_pxweb_population_jsonstat2.json"
STRAF42_DEFAULT = SAMPLES / "statbank_dk_STRAF42_default_jsonstat1_en.json"
EUROSTAT_SPARSE = SAMPLES / "eurostat_UNE_RT_M_DE_sparse_jsonstat2.json"
EUROSTAT_CONFIDENTIAL = SAMPLES / "eurostat_STS_INPR_M_IE_confidential_jsonstat2.json"
COLLECTION = SAMPLES / "jsonstat_org_oecd_canada_collection_jsonstat2.json"


def fetch(location, **options):
    return get_adapter("jsonstat").fetch({"location": str(location), **options})


def preview(runner, location, *options, as_json=True):
    args = ["sources", "preview", "--type", "jsonstat", "--location", str(location)]
    for option in options:
        args += ["--option", option]
    if as_json:
        args.append("--json")
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output, parse_float=Decimal) if as_json else result.output


def test_scb_pxwebapi2_monthly_with_mandatory_notes(runner):
    result = fetch(SCB)
    assert len(result.observations) == 2772
    assert {o.period for o in result.observations} == {"2026M01", "2026M02", "2026M03", "2026M04"}
    assert result.unit == "antal"
    cell = next(
        o
        for o in result.observations
        if o.period == "2026M01"
        and o.dimensions["Region"] == "01"
        and o.dimensions["Alder"] == "0-9"
        and o.dimensions["Kon"] == "TotSa"
    )
    assert cell.value == Decimal("245284")
    mandatory = [note for note in result.notes if "(skal vises)" in note]
    # The dataset's four notes and the age dimension's one are all marked mandatory.
    assert len(mandatory) == 5
    assert result.notes[0].startswith("Note fra udgiveren (skal vises): Från och med")
    output = preview(runner, SCB, as_json=False)
    assert "2772 observations (ok: 2772)" in output
    assert "unit: antal" in output
    assert "note: Note fra udgiveren (skal vises):" in output


def test_ssb_quarterly(runner):
    result = fetch(SSB_QUARTERLY)
    assert len(result.observations) == 288
    assert result.status_counts()[S.MISSING] == 24
    cell = next(
        o
        for o in result.observations
        if o.period == "2022K1"
        and o.dimensions["Region"] == "TOTAL"
        and o.dimensions["Boligtype"] == "01"
    )
    assert cell.value == Decimal("136.2")
    items = preview(runner, SSB_QUARTERLY)
    assert sum(item["raw_status"] == ".." and item["value"] is None for item in items) == 24


def test_statfi_time_found_by_role(runner):
    result = fetch(STATFI)
    assert len(result.observations) == 90
    cell = next(
        o
        for o in result.observations
        if o.period == "2020"
        and o.dimensions["Sukupuoli"] == "SSS"
        and o.dimensions["Ikä"] == "20-24"
    )
    assert cell.value == Decimal("308410")
    items = preview(runner, STATFI)
    assert {item["period"] for item in items} == {"2020", "2021", "2022"}


def test_statbank_default_every_variable_eliminated(runner):
    result = fetch(STRAF42_DEFAULT)
    [cell] = result.observations
    assert (cell.period, cell.value, cell.unit) == ("2024", Decimal("227774"), "Number")
    output = preview(runner, STRAF42_DEFAULT, as_json=False)
    assert "227774" in output and "unit: Number" in output


def test_an_eliminated_metric_dimension_still_gives_the_unit():
    document = json.loads(STRAF42_DEFAULT.read_text())
    dimension = document["dataset"]["dimension"]
    dimension["id"], dimension["size"] = ["Tid"], [1]
    parsed = parse_jsonstat(json.dumps(document).encode())
    assert parsed.unit == "Number"
    assert parsed.observations[0].dimensions == {}


def test_eurostat_sparse_value_object(runner):
    result = fetch(EUROSTAT_SPARSE)
    observations = {o.period: o for o in result.observations}
    assert len(observations) == 32
    assert min(observations) == "2024-01" and max(observations) == "2026-08"
    assert observations["2024-01"].value == Decimal("3.2")
    assert (observations["2026-08"].value, observations["2026-08"].status) == (None, S.MISSING)
    items = preview(runner, EUROSTAT_SPARSE)
    assert items[0]["value"] == Decimal("3.2")


@pytest.mark.parametrize("status_table", ["auto", "px", "eurostat"])
def test_eurostat_confidential_whatever_the_status_table(runner, status_table):
    result = fetch(EUROSTAT_CONFIDENTIAL, status_table=status_table)
    assert len(result.observations) == 6
    assert all(
        (o.value, o.status, o.raw_status) == (None, S.SUPPRESSED, "|C") for o in result.observations
    )
    output = preview(runner, EUROSTAT_CONFIDENTIAL, f"status_table={status_table}", as_json=False)
    assert "6 observations (suppressed: 6)" in output


class TestCollection:
    def test_item_by_position(self, runner):
        first = fetch(COLLECTION, dataset=0)
        assert len(first.observations) == 432
        assert first.status_counts()[S.ESTIMATED] == 72
        second = fetch(COLLECTION, dataset="1")
        assert len(second.observations) == 120
        # `status: ["a"]`: one status for every cell.
        assert all(o.raw_status == "a" for o in second.observations)
        items = preview(runner, COLLECTION, "dataset=0")
        assert len(items) == 432
        items = preview(runner, COLLECTION, "dataset=1")
        assert len(items) == 120

    def test_item_by_label(self):
        result = fetch(COLLECTION, dataset="Population by sex and age group. Canada. 2012")
        assert len(result.observations) == 120

    def test_without_a_choice_the_positions_are_named(self):
        with pytest.raises(Exception, match=r"0, 1"):
            fetch(COLLECTION)


def test_sizes_written_as_text():
    document = json.loads(STATFI.read_text())
    document["size"] = [str(size) for size in document["size"]]
    assert len(parse_jsonstat(json.dumps(document).encode()).observations) == 90


def test_px_dash_status_is_an_absolute_zero():
    document = json.loads(STATFI.read_text())
    document["value"][0] = None
    document["status"] = {"0": "-", "1": ".."}
    document["value"][1] = None
    first, second = parse_jsonstat(json.dumps(document).encode()).observations[:2]
    assert (first.value, first.status, first.raw_status) == (Decimal(0), S.OK, "-")
    assert (second.value, second.status) == (None, S.MISSING)
