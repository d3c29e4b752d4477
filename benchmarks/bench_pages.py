"""Server time and SQL queries of DDNS's status page, the steering group's page.

Run with `.venv/bin/python benchmarks/bench_pages.py` (`make bench` runs it too). For each
database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) it builds a scratch database
with DDNS (and one synthetic programme beside it), signs in, warms the chart cache and the
other per-process caches with a few requests, as a running server has them, then requests
`/programmes/ddns/status` many times in-process. It prints the median and 95th percentile
server time and the SQL queries per request beside the goals of issue 5.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from _common import build_portfolio, dialects, scratch_database, sign_in, summary, verdict

URL = "/programmes/ddns/status"
REQUESTS = 200
WARM_UP = 5
MEDIAN_GOAL = 25.0  # ms, with a warm chart cache
QUERY_GOAL = 12


def measure(app) -> tuple[float, float, int, int]:
    """Return median and p95 in ms, and the fewest and most queries of one request."""
    from portfolio.extensions import db

    client = app.test_client()
    sign_in(client)
    for _ in range(WARM_UP):
        assert client.get(URL).status_code == 200
        for chart in ("timeline", "risk-matrix"):  # what the browser fetches next
            assert client.get(f"{URL}/charts/{chart}.svg").status_code == 200
    with app.app_context():
        engine = db.engine
    queries = {"n": 0}

    def count(*_args, **_kwargs):
        queries["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    times, counts = [], []
    try:
        for _ in range(REQUESTS):
            queries["n"] = 0
            start = time.perf_counter()
            response = client.get(URL)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            counts.append(queries["n"])
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return (*summary(times), min(counts), max(counts))


def main() -> None:
    print(f"DDNS status page, {REQUESTS} requests in-process after warm-up (server time, ms)")
    print(f"{'database':<11}{'median':>8}{'goal':>6}{'':>8}{'p95':>8}{'queries':>9}{'goal':>6}")
    for dialect in dialects():
        with scratch_database(dialect) as url:
            app = build_portfolio(url, 1)
            median, p95, fewest, most = measure(app)
            with app.app_context():
                from portfolio.extensions import db

                db.engine.dispose()
        queries = str(most) if fewest == most else f"{fewest}–{most}"
        print(
            f"{dialect:<11}{median:>8.1f}{MEDIAN_GOAL:>6.0f}{verdict(median, MEDIAN_GOAL):>8}"
            f"{p95:>8.1f}{queries:>9}{QUERY_GOAL:>6} {verdict(most, QUERY_GOAL)}"
        )


if __name__ == "__main__":
    main()
