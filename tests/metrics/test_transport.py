"""Network behaviour: every call has a timeout, a fetch's total time is bounded, and every
failure becomes a SourceError subclass with a Danish message. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import socket

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceConnectionError,
    SourceError,
    SourceHTTPError,
    SourceParseError,
    SourceTimeout,
)
from portfolio.metrics.adapters.transport import request
from tests.metrics.conftest import SAMPLES, Elapsed, Route

# Time allowed beyond the configured timeout: thread hand-over and a loaded CI machine.
MARGIN = 0.5
SSB_BYTES = (SAMPLES / "ssb_no_05300_jsonstat2_with_status.json").read_bytes()


def fetch_json(server, path="/data", timeout=5.0):
    return get_adapter("jsonstat").fetch({"location": f"{server.url}{path}"}, timeout=timeout)


@pytest.mark.parametrize(
    "route",
    [
        Route(body=SSB_BYTES, delay=5),  # slow to start answering
        Route(hang=True),  # accepts the connection, never answers
        Route(body=SSB_BYTES, trickle=0.05),  # answers a byte at a time: 8 minutes in all
    ],
    ids=["slow", "hang", "trickle"],
)
def test_timeouts_fire_within_the_configured_time(http_server, route):
    http_server.routes["/data"] = route
    with Elapsed() as elapsed, pytest.raises(SourceTimeout) as caught:
        fetch_json(http_server, timeout=0.6)
    assert elapsed.seconds < 0.6 + MARGIN
    assert caught.value.message == "Kilden svarede ikke inden for tidsgrænsen på 0.6 sekunder."


def test_the_deadline_covers_all_calls_of_a_fetch(http_server):
    # StatBank makes two calls; each alone is within the timeout, together they are not.
    tableinfo = (SAMPLES / "statbank_dk_STRAF42_tableinfo_en.json").read_bytes()
    http_server.routes["/v1/tableinfo"] = Route(body=tableinfo, delay=0.5)
    http_server.routes["/v1/data"] = Route(body=b"HERKOMST1;TID;INDHOLD\r\n", delay=0.5)
    with Elapsed() as elapsed, pytest.raises(SourceTimeout):
        get_adapter("statbank").fetch(
            {"table": "STRAF42", "base_url": http_server.url}, timeout=0.8
        )
    assert elapsed.seconds < 0.8 + MARGIN


def test_server_error(http_server):
    http_server.routes["/data"] = Route(body=b"<h1>Internal Server Error</h1>", status=500)
    with pytest.raises(SourceHTTPError) as caught:
        fetch_json(http_server)
    assert caught.value.status_code == 500
    assert caught.value.message == "Kilden svarede med HTTP-fejl 500 (fejl hos udbyderen)."
    assert "Internal Server Error" in caught.value.detail


def test_an_error_body_is_never_in_the_message(http_server):
    # What an internal service answers (here a health check) must not reach the user.
    http_server.routes["/health"] = Route(
        body=b'{"database":"ok","message":"secret-token-123"}', status=404
    )
    with pytest.raises(SourceHTTPError) as caught:
        fetch_json(http_server, path="/health")
    assert caught.value.status_code == 404
    assert caught.value.message == "Kilden svarede med HTTP-fejl 404 (adressen findes ikke)."
    assert "secret-token-123" in caught.value.detail


def test_an_unusual_status_is_shown_by_its_number_alone(http_server):
    http_server.routes["/teapot"] = Route(body=b'{"message": "I am a teapot"}', status=418)
    with pytest.raises(SourceHTTPError) as caught:
        fetch_json(http_server, path="/teapot")
    assert caught.value.message == "Kilden svarede med HTTP-fejl 418."


@pytest.mark.parametrize(
    ("adapter", "extra"),
    [
        ("jsonstat", {}),
        ("sdmx_csv", {}),
        ("sdmx_ml", {}),
        ("sdmx_json", {}),
        ("file", {"period_column": "a", "value_column": "b"}),
    ],
)
def test_garbage(http_server, adapter, extra):
    http_server.routes["/data"] = Route(body=b"\x00\xff\xfe<html>garbage", content_type="text/html")
    with pytest.raises(SourceParseError) as caught:
        get_adapter(adapter).fetch({"location": f"{http_server.url}/data", **extra}, timeout=5)
    assert caught.value.message  # Danish, and says what could not be read
    assert "kunne ikke" in caught.value.message.lower() or "tegnsæt" in caught.value.message


def test_truncated_json(http_server):
    http_server.routes["/data"] = Route(body=SSB_BYTES[:500])
    with pytest.raises(SourceParseError, match="ugyldig JSON"):
        fetch_json(http_server)


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(SourceConnectionError) as caught:
        get_adapter("jsonstat").fetch({"location": f"http://127.0.0.1:{port}/x"}, timeout=2)
    assert caught.value.message == f"Kunne ikke forbinde til kilden (127.0.0.1:{port})."


def test_size_limit(http_server):
    http_server.routes["/data"] = Route(body=b"x" * 5000)
    with pytest.raises(SourceError, match="større end grænsen"):
        request("GET", f"{http_server.url}/data", Deadline(5), max_bytes=1000)


def test_only_http_urls_or_paths():
    with pytest.raises(SourceConfigError, match="http:// eller https://"):
        get_adapter("jsonstat").fetch({"location": "ftp://127.0.0.1/data.json"}, timeout=1)


def test_post_sends_json(http_server):
    seen = []

    def echo(body):
        seen.append(body)
        return Route(body=json.dumps({"ok": True}).encode())

    http_server.routes["/api"] = Route(handler=echo)
    payload = request("POST", f"{http_server.url}/api", Deadline(5), json_body={"table": "X"})
    assert json.loads(payload.content) == {"ok": True}
    assert seen == [{"table": "X"}]


def test_local_files_can_be_confined(app, tmp_path):
    outside = SAMPLES / "ssb_no_05300_jsonstat2_with_status.json"
    app.config["METRICS_FILE_ROOTS"] = [str(tmp_path)]
    with pytest.raises(SourceConfigError, match="uden for de mapper, kilder må læse fra"):
        get_adapter("jsonstat").fetch({"location": str(outside)})
    inside = tmp_path / "data.json"
    inside.write_bytes(outside.read_bytes())
    assert len(get_adapter("jsonstat").fetch({"location": str(inside)}).observations) == 432
