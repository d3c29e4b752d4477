"""Parsing stays inside the source's time budget: a huge answer is refused, in time."""

from __future__ import annotations

import json
import time

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError, SourceTimeout
from portfolio.metrics.adapters.jsonstat import parse_jsonstat
from tests.metrics.conftest import Route


def cube(regions: int, periods: int, *, sizes_as_text: bool = False) -> bytes:
    size = [regions, 1000, periods]
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "id": ["region", "age", "Tid"],
            "size": [str(s) for s in size] if sizes_as_text else size,
            "role": {"time": ["Tid"]},
            "dimension": {
                "region": {"category": {"index": [f"r{n}" for n in range(regions)]}},
                "age": {"category": {"index": [f"a{n}" for n in range(1000)]}},
                "Tid": {"category": {"index": [str(2000 + n) for n in range(periods)]}},
            },
            "value": [n % 9973 + 0.5 for n in range(regions * 1000 * periods)],
        }
    ).encode()


@pytest.mark.parametrize("sizes_as_text", [False, True])
def test_a_3_000_000_cell_answer_is_refused_within_its_timeout(http_server, sizes_as_text):
    http_server.routes["/big"] = Route(body=cube(300, 10, sizes_as_text=sizes_as_text))
    started = time.monotonic()
    with pytest.raises(SourceParseError, match=r"3\.000\.000"):
        get_adapter("jsonstat").fetch({"location": http_server.url + "/big"}, timeout=8)
    assert time.monotonic() - started < 8


def test_a_table_too_large_for_the_time_left_stops_at_the_deadline():
    from portfolio.metrics.adapters.base import Deadline

    content = cube(100, 10)  # 1,000,000 cells: allowed, but not in 0.5 s
    deadline = Deadline(30)
    # The budget is almost spent when parsing starts (the download took the rest).
    deadline._ends_at = time.monotonic() + 0.5
    started = time.monotonic()
    with pytest.raises(SourceTimeout) as caught:
        parse_jsonstat(content, deadline=deadline)
    assert caught.value.reading
    # Decoding the text cannot be interrupted; the cells are, every 4,096 of them.
    assert time.monotonic() - started < 15
