"""Server time and SQL queries of the main pages at portfolio scale 1 and 100.

Run with `.venv/bin/python benchmarks/bench_portfolio.py` (`make bench` runs it too). For
each database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) and each scale it
builds a scratch database with DDNS and a synthetic portfolio (`seed synthetic`), signs in,
and requests each page many times in-process after a warm-up (which fills the chart cache
and other per-process caches, as a running server has them). It prints the median and
95th percentile server time and the SQL queries per page beside the goals, and the time
to export one programme's Excel workbook.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from _common import build_portfolio, dialects, scratch_database, sign_in, summary, verdict

REQUESTS = 40
SCALES = (1, 100)
# page: (url, p95 goal in ms or None)
PAGES = {
    "portfolio overview": ("/", 150),
    "programme page": ("/programmes/syn-001", 100),
    "status page": ("/programmes/syn-001/status", 100),
    # The same page drawn anew each time, as after any change to the data.
    "status page (cold)": ("/programmes/syn-001/status", 100),
    "budget page": ("/programmes/syn-001/budget", None),
    "benefit page": ("/programmes/syn-001/benefits/GH1", None),
}
QUERY_GOAL = 15
EXPORT_GOAL = 0.3


def measure(app) -> tuple[dict, float]:
    from portfolio.budgets import transfer
    from portfolio.core.pagecache import fragments
    from portfolio.extensions import db
    from portfolio.programmes.services import get_programme

    client = app.test_client()
    sign_in(client)
    queries = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*_args, **_kwargs):
        queries["n"] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    results = {}
    for name, (url, _goal) in PAGES.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(REQUESTS):
            if name.endswith("(cold)"):
                with app.app_context():
                    fragments().clear()
            queries["n"] = 0
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        results[name] = (*summary(times), queries["n"])
    sa.event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        from portfolio.auth.services import get_user_by_email

        user = get_user_by_email("bench@example.dk")
        programme = get_programme("syn-001")
        transfer.export_budget(user, programme)  # warm-up
        start = time.perf_counter()
        for _ in range(5):
            transfer.export_budget(user, programme)
        export = (time.perf_counter() - start) / 5
        db.session.remove()
    return results, export


def main() -> None:
    print("Pages at portfolio scale (server time in-process, ms)")
    print(
        f"{'database':<11}{'scale':>6}  {'page':<20}{'median':>8}{'p95':>8}{'goal':>7}"
        f"{'':>8}{'queries':>8}{'goal':>6}"
    )
    for dialect in dialects():
        for scale in SCALES:
            with scratch_database(dialect) as url:
                started = time.perf_counter()
                app = build_portfolio(url, scale)
                built = time.perf_counter() - started
                results, export = measure(app)
                with app.app_context():
                    from portfolio.extensions import db

                    db.engine.dispose()
            for name, (median, p95, queries) in results.items():
                goal = PAGES[name][1]
                print(
                    f"{dialect:<11}{scale:>6}  {name:<20}{median:>8.1f}{p95:>8.1f}"
                    f"{goal if goal else '–':>7}{verdict(p95, goal):>8}{queries:>8}"
                    f"{QUERY_GOAL:>6} {verdict(queries, QUERY_GOAL)}"
                )
            print(
                f"{dialect:<11}{scale:>6}  {'Excel export':<20}{export * 1000:>8.1f}"
                f"{'':>8}{EXPORT_GOAL * 1000:>7.0f}{verdict(export, EXPORT_GOAL):>8}"
                f"   (portfolio built in {built:.1f} s)"
            )


if __name__ == "__main__":
    main()
