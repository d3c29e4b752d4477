"""What a source's errors say, and how far reading an answer may go.

A message is shown on pages, stored as `last_error` and printed by the CLI, so it never
repeats what the source held: no cell, no line, no response body; column names only when
they look like column names. What the source said goes to the log (`detail`). Reading is
bounded: nesting depth, the number of cells, and the fetch's own timeout while parsing.
"""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceParseError,
    SourceTimeout,
    shown_names,
)
from portfolio.metrics.adapters.jsonstat import load_json
from portfolio.metrics.adapters.sdmx_csv import parse_sdmx_csv
from portfolio.metrics.adapters.statbank import (
    VariableSelection,
    check_variables,
    parse_statbank_csv,
)
from portfolio.metrics.models import Metric, MetricSource
from portfolio.metrics.services import create_metric, create_source
from tests.metrics.conftest import Elapsed, Route

SECRET = "hemmelig-værdi-4711"
MAPPING = {"period_column": "År", "value_column": "Antal"}
# Time allowed past a timeout: the rows read since the last look at the clock, freeing
# what was read, and a loaded CI machine. Reading the whole answer takes far longer.
MARGIN = 4.0  # the parsers stop within 0.3 s of the deadline when the machine is quiet


def jsonstat(regions: int, years: int, value=None) -> bytes:
    """A JSON-stat 2.0 dataset of regions × years; `value` for all cells, else a list."""
    cells = value if value is not None else [i % 97 for i in range(regions * years)]
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "id": ["omr", "Tid"],
            "size": [regions, years],
            "role": {"time": ["Tid"]},
            "dimension": {
                "omr": {"category": {"index": [f"K{i}" for i in range(regions)]}},
                "Tid": {"category": {"index": [str(1000 + i) for i in range(years)]}},
            },
            "value": cells,
        }
    ).encode()


# --- no content in messages --------------------------------------------------------------


def test_column_names_are_listed_only_when_they_look_like_names():
    assert shown_names(["Region", "Køn", "År", "Antal (pct.)", ""]) == (
        "Region, Køn, År, Antal (pct.)"
    )
    assert shown_names([f"K{i}" for i in range(10)]) == "K0, K1, K2, K3, K4, K5, K6, K7 og 2 flere"
    for header in (
        ["root:x:0:0:root:/root:/bin/bash"],
        ["PATH=/usr/bin", "SECRET_KEY=abc"],
        ["Region", "x" * 41],
        ["Region", "tab\there"],
    ):
        assert shown_names(header) is None


@pytest.mark.parametrize(
    "content",
    [
        f"SECRET_KEY={SECRET};Antal\n2020;1\n",
        f"-----BEGIN PRIVATE KEY----- {SECRET}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
    ],
)
def test_a_header_that_is_no_header_is_not_repeated(content):
    with pytest.raises(SourceParseError) as caught:
        get_adapter("file").fetch({"content": content.encode(), **MAPPING})
    assert SECRET not in caught.value.message
    assert "ligner ikke kolonnenavne" in caught.value.message


def test_a_repeated_row_names_the_rows_not_their_period():
    content = f"År;Antal\n{SECRET};1\n{SECRET};2\n".encode()
    with pytest.raises(SourceParseError) as caught:
        get_adapter("file").fetch({"content": content, **MAPPING})
    assert caught.value.message.startswith("Række 3 har samme periode og dimensioner som række 2")
    assert SECRET not in caught.value.message


def test_sdmx_and_statbank_name_the_line_and_column_not_the_cell():
    sdmx = f"DATAFLOW,TIME_PERIOD,OBS_VALUE\nX,2020,{SECRET}\n".encode()
    with pytest.raises(SourceParseError) as caught:
        parse_sdmx_csv(sdmx)
    assert caught.value.message.endswith("linje 2: værdien i kolonnen OBS_VALUE er ikke et tal")
    statbank = f"OMRÅDE;TID;INDHOLD\n101;2020;{SECRET}\n".encode()
    with pytest.raises(SourceParseError) as caught:
        parse_statbank_csv(statbank)
    assert SECRET not in caught.value.message and "kolonnen INDHOLD" in caught.value.message
    with pytest.raises(SourceParseError) as caught:
        parse_statbank_csv(f"{SECRET}=1;INDHOLD\n".encode())
    assert SECRET not in caught.value.message and "navnene kan ikke vises" in caught.value.message


def test_broken_json_says_where_not_what():
    content = ('{"version": "2.0", "note": "' + SECRET + '", oops}').encode()
    with pytest.raises(SourceParseError) as caught:
        load_json(content)
    assert SECRET not in caught.value.message
    assert caught.value.message.startswith(
        "Svaret kunne ikke læses som JSON-stat: ugyldig JSON (linje 1, kolonne"
    )


def test_statbank_lists_only_variable_names_from_its_tableinfo():
    info = {"id": "T1", "variables": [{"id": f"ID={SECRET}", "values": []}]}
    problems = check_variables(info, [VariableSelection(code="KØN", values=["1"])])
    assert problems == ["Tabellen T1 har ingen variabel KØN (den har: navnene kan ikke vises)."]


def test_an_http_error_body_is_logged_not_shown_or_stored(
    app, runner, http_server, caplog, client, login_as, monkeypatch
):
    from portfolio.metrics import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "BACKOFF_SECONDS", 0.05)
    http_server.routes["/data"] = Route(body=f'{{"message": "{SECRET}"}}'.encode(), status=500)
    source = create_source("s", "S", "jsonstat", f"{http_server.url}/data", timeout_seconds=5)
    create_metric(source, "s.m", "M")
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="portfolio.metrics"):
        result = runner.invoke(args=["metrics", "refresh"])
    assert result.exit_code == 1
    assert "Kilden svarede med HTTP-fejl 500 (fejl hos udbyderen)." in result.output
    assert SECRET not in result.output
    assert any(
        SECRET in record.getMessage() and "Traceback" in record.getMessage()
        for record in caplog.records
    )
    db.session.expire_all()
    metric = db.session.scalar(sa.select(Metric).where(Metric.key == "s.m"))
    assert SECRET not in metric.last_error and SECRET not in metric.source.last_error
    login_as("admin")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="portfolio.metrics"):
        page = client.post(
            f"/metrics/sources/{source.id}/test",
            data={"version": db.session.get(MetricSource, source.id).version},
            follow_redirects=True,
        )
    assert "HTTP-fejl 500" in page.get_data(as_text=True)
    assert SECRET not in page.get_data(as_text=True)
    assert any(
        SECRET in record.getMessage() and "Traceback" in record.getMessage()
        for record in caplog.records
    )


# --- depth -------------------------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("adapter", ["jsonstat", "statbank"])
def test_deeply_nested_json_is_a_clear_error(tmp_path, adapter):
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    config = {"location": str(path)}
    if adapter == "statbank":
        config["tableinfo_location"] = str(path)
    with pytest.raises(SourceParseError, match="for dybt indlejret"):
        get_adapter(adapter).fetch(config, timeout=5)


def test_deeply_nested_json_in_the_connection_test_is_no_500(client, login_as, tmp_path):
    login_as("admin")
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    source = create_source("dyb", "Dyb", "jsonstat", str(path))
    db.session.commit()
    page = client.post(
        f"/metrics/sources/{source.id}/test",
        data={"version": source.version},
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert "Forbindelsen fejlede" in page.get_data(as_text=True)
    assert "for dybt indlejret" in page.get_data(as_text=True)


def test_a_deeply_nested_option_is_refused_in_danish(client, login_as):
    login_as("admin")
    response = client.post(
        "/metrics/sources/new?type=jsonstat",
        data={
            "key": "dyb",
            "name": "Dyb",
            "location": "https://example.net/x.json",
            "timeout_seconds": "10",
            "disclosure_threshold": "5",
            "opt-status_map": "[" * 100_000,
        },
    )
    assert response.status_code == 422
    assert "status_map skal være gyldig JSON" in response.get_data(as_text=True)


# --- size and time -----------------------------------------------------------------------


def test_a_large_jsonstat_is_refused_within_its_timeout(tmp_path):
    # 500,000 cells take several seconds to read; the source allows one.
    path = tmp_path / "large.json"
    path.write_bytes(jsonstat(1000, 500))
    with Elapsed() as elapsed, pytest.raises(SourceTimeout) as caught:
        get_adapter("jsonstat").fetch({"location": str(path)}, timeout=1)
    assert elapsed.seconds < 1 + MARGIN
    assert caught.value.message.startswith(
        "Kildens svar kunne ikke læses inden for tidsgrænsen på 1 sekunder"
    )


def test_a_table_of_three_million_cells_is_refused_at_once(tmp_path):
    # One value for all cells: a small answer describing a table that would fill memory.
    path = tmp_path / "huge.json"
    path.write_bytes(jsonstat(2000, 1500, value=1))
    with Elapsed() as elapsed, pytest.raises(SourceParseError) as caught:
        get_adapter("jsonstat").fetch({"location": str(path)}, timeout=8)
    assert elapsed.seconds < 2
    assert "tabellen har 3.000.000 celler; der læses højst 2.000.000" in caught.value.message


def test_a_large_csv_is_refused_within_its_timeout():
    content = "År;Antal\n" + "".join(f"{1000 + i};{i}\n" for i in range(400_000))
    with Elapsed() as elapsed, pytest.raises(SourceTimeout):
        get_adapter("file").fetch({"content": content.encode(), **MAPPING}, timeout=0.5)
    assert elapsed.seconds < 0.5 + MARGIN


@pytest.mark.parametrize("parser", ["sdmx", "statbank"])
def test_the_csv_parsers_check_the_deadline(parser):
    rows = "".join(f"X,{1000 + i},{i}\n" for i in range(300_000))
    if parser == "sdmx":
        content, parse = f"DATAFLOW,TIME_PERIOD,OBS_VALUE\n{rows}".encode(), parse_sdmx_csv
    else:
        content, parse = f"X,TID,INDHOLD\n{rows}".encode(), parse_statbank_csv
    with Elapsed() as elapsed, pytest.raises(SourceTimeout):
        parse(content, deadline=Deadline(0.3))
    assert elapsed.seconds < 0.3 + MARGIN


def test_a_refresh_gives_up_on_an_answer_too_large_to_read_in_time(
    app, runner, tmp_path, monkeypatch
):
    # A million cells take about ten seconds to read; the source allows two. The reader
    # must stop by itself: the refresh job's own give-up (after a grace period, made long
    # here) would only stop waiting and leave the reader running in the background.
    from portfolio.metrics import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "GRACE_SECONDS", 6)
    path = tmp_path / "large.json"
    path.write_bytes(jsonstat(1000, 1000))
    source = create_source("stor", "Stor", "jsonstat", str(path), timeout_seconds=2)
    create_metric(source, "stor.m", "M", filters={"omr": "K1"})
    db.session.commit()
    with Elapsed() as elapsed:
        result = runner.invoke(args=["metrics", "refresh"])
    assert result.exit_code == 1
    assert elapsed.seconds < 2 + 1.5 * MARGIN
    assert "kunne ikke læses inden for tidsgrænsen på 2 sekunder" in result.output


def test_a_broken_csv_row_is_a_clear_error():
    # The csv module refuses fields over its size limit with an error of its own.
    content = "År;Antal\n2020;" + "9" * 200_000 + "\n"
    with pytest.raises(SourceParseError, match="Række 2 kan ikke læses som CSV"):
        get_adapter("file").fetch({"content": content.encode(), **MAPPING})
    with pytest.raises((SourceParseError, SourceConfigError)):
        parse_sdmx_csv(("DATAFLOW,TIME_PERIOD,OBS_VALUE\nX,2020," + "9" * 200_000).encode())


# --- URLs too broken to split ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/data.json",  # an unclosed IPv6 bracket
        "http://\u2100.com/data.json",  # a character NFKC turns into "a/c"
        "http://example.net:99999/data.json",  # a port past 65535
    ],
)
def test_a_url_urllib_cannot_split_is_a_danish_error(app, url):
    with pytest.raises(SourceConfigError) as caught:
        get_adapter("jsonstat").fetch({"location": url}, timeout=2)
    assert "er ugyldig" in caught.value.message


def test_a_broken_url_in_the_connection_test_is_no_500(client, login_as):
    login_as("admin")
    source = create_source("brudt", "Brudt", "jsonstat", "http://[::1/data.json")
    db.session.commit()
    page = client.post(
        f"/metrics/sources/{source.id}/test",
        data={"version": source.version},
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert "Forbindelsen fejlede" in page.get_data(as_text=True)
    assert "er ugyldig" in page.get_data(as_text=True)
