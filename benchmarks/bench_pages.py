"""Server time and SQL queries of DDNS's status page, the steering group's page.

Run with `.venv/bin/python benchmarks/bench_pages.py` (`make bench` runs it too). For each
database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) it builds a scratch database
with DDNS (and one synthetic programme beside it), signs in, warms the chart cache and the
other per-process caches with a few requests, as a running server has them, then requests
`/programmes/ddns/status` many times in-process. It prints the median and 95th percentile
server time (and this process's CPU time, which other load on the machine leaves
alone) and the SQL queries per request beside the goals of issue 5.
"""

from __future__ import annotations

import statistics
import time

import sqlalchemy as sa
from _common import build_portfolio, dialects, scratch_database, sign_in, summary, verdict

URL = "/programmes/ddns/status"
REQUESTS = 200
WARM_UP = 5
MEDIAN_GOAL = 25.0  # ms, with a warm chart cache
QUERY_GOAL = 12


def measure(app, *, drawn: bool) -> tuple[float, float, float, int, int]:
    """Return median and p95 in ms, median CPU ms, and the fewest and most queries.

    With `drawn` the page cache is emptied before each request, so the page is drawn from
    the database each time (as after any change to the data); the chart cache stays warm.
    Without it the page comes from the page cache, as it does between changes.
    """
    from portfolio.core.pagecache import fragments
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
    times, cpu_times, counts = [], [], []
    try:
        for _ in range(REQUESTS):
            if drawn:
                with app.app_context():
                    fragments().clear()
            queries["n"] = 0
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.get(URL)
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
            assert response.status_code == 200
            counts.append(queries["n"])
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return (*summary(times), statistics.median(cpu_times), min(counts), max(counts))


def main() -> None:
    print(f"DDNS status page, {REQUESTS} requests in-process after warm-up (server time, ms)")
    print(
        f"{'database':<11}{'page':<14}{'median':>8}{'goal':>6}{'':>8}{'p95':>8}{'CPU':>7}"
        f"{'queries':>9}{'goal':>6}"
    )
    for dialect in dialects():
        with scratch_database(dialect) as url:
            app = build_portfolio(url, 1)
            results = {mode: measure(app, drawn=mode == "drawn") for mode in ("drawn", "cached")}
            with app.app_context():
                from portfolio.extensions import db

                db.engine.dispose()
        for mode, (median, p95, cpu, fewest, most) in results.items():
            queries = str(most) if fewest == most else f"{fewest}–{most}"
            print(
                f"{dialect:<11}{mode:<14}{median:>8.1f}{MEDIAN_GOAL:>6.0f}"
                f"{verdict(median, MEDIAN_GOAL):>8}{p95:>8.1f}{cpu:>7.1f}{queries:>9}"
                f"{QUERY_GOAL:>6} {verdict(most, QUERY_GOAL)}"
            )
    # CPU is this process's median per request: the work itself, when other processes
    # compete for the cores (PostgreSQL's own work is not in it).


if __name__ == "__main__":
    main()
