"""StatBank's BULK format: the semicolon CSV for large tables, read as a stream."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceTimeout
from portfolio.metrics.adapters.statbank import parse_statbank_csv
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import SAMPLES, Route

CSV = SAMPLES / "statbank_dk_STRAF42_data.csv"
TABLEINFO = SAMPLES / "statbank_dk_STRAF42_tableinfo_en.json"


def bulk_body(rows: int) -> bytes:
    lines = ["\ufeffOMRÅDE;KØN;TID;INDHOLD"]
    for number in range(rows):
        value = ".." if number % 1000 == 7 else ("-" if number % 1000 == 8 else str(number))
        lines.append(f"{number // 4:06d};{number % 2 + 1};{2000 + number % 2 * 0};{value}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_bulk_is_asked_for_with_codes_and_read_like_csv(http_server):
    bodies = []

    def data(body):
        bodies.append(body)
        return Route(body=CSV.read_bytes(), content_type="text/csv; charset=utf-8")

    http_server.routes["/v1/tableinfo"] = Route(body=TABLEINFO.read_bytes())
    http_server.routes["/v1/data"] = Route(handler=data)
    result = get_adapter("statbank").fetch(
        {
            "table": "STRAF42",
            "lang": "en",
            "format": "bulk",
            "base_url": http_server.url,
            "variables": "HERKOMST1=00;Tid=2023",
        },
        timeout=5,
    )
    assert [o.value for o in result.observations] == [Decimal("233454")]
    [body] = bodies
    assert (body["format"], body["valuePresentation"]) == ("BULK", "Code")


def test_a_large_bulk_answer_is_read_row_by_row():
    content = bulk_body(200_000)
    parsed = parse_statbank_csv(content)
    assert len(parsed.observations) == 200_000
    missing = [o for o in parsed.observations if o.status is S.MISSING]
    zeros = [o for o in parsed.observations if o.raw_status == "-"]
    assert len(missing) == 200 and all(o.value is None for o in missing)
    # "-" is PX's absolute zero.
    assert len(zeros) == 200 and all(o.value == 0 for o in zeros)


def test_a_bulk_answer_too_large_for_the_time_left_is_refused_in_time(http_server):
    http_server.routes["/v1/tableinfo"] = Route(body=TABLEINFO.read_bytes())
    http_server.routes["/v1/data"] = Route(body=bulk_body(1_500_000), content_type="text/csv")
    started = time.monotonic()
    with pytest.raises(SourceTimeout) as caught:
        get_adapter("statbank").fetch(
            {"table": "STRAF42", "lang": "en", "format": "BULK", "base_url": http_server.url},
            timeout=1.5,
        )
    assert time.monotonic() - started < 3.0
    assert caught.value.reading
