"""`flask metrics refresh` against a local source: 1,000 metrics, and one hanging source.

Run with `.venv/bin/python benchmarks/bench_refresh.py` (`make bench` runs it too). For each
database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set) it migrates a scratch
database, registers 1,000 JSON-stat sources (one metric each, 12 monthly values) on a local
threaded HTTP server that answers every request after 100 ms, and times a full refresh
(goal: under 10 s). Then it adds one source that accepts the connection and never answers
(timeout 10 s; the others have 5 s) and times a forced refresh of all of them: the
others must all succeed and the run must end within the hanging source's timeout plus a
second.

Before that it fetches a 1,000,000-observation SDMX-ML 2.1 message (structure-specific, a
synthetic one written by `sdmx_message.py`, 64 MB) through the `sdmx_ml` adapter, once
from a file and once from a local HTTP server, each in a fresh process, and prints the
time it took (wall clock and CPU) and the process's peak memory (goal: within the
adapters' default timeout of 30 s).
Last, one JSON-stat fetch of 1,000,000 observations (1,000 series × 1,000 periods, served
by the same local server) in a fresh process, printing its time and the process's peak
memory (goal: within the source's default 30 s timeout).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _common import dialects, scratch_database, verdict
from sdmx_message import write_message

METRICS = 1_000
DELAY = 0.1
REFRESH_GOAL = 10.0
HANG_TIMEOUT = 10
BODY = json.dumps(
    {
        "version": "2.0",
        "class": "dataset",
        "id": ["region", "Tid"],
        "size": [1, 12],
        "role": {"time": ["Tid"]},
        "dimension": {
            "region": {"category": {"index": ["000"]}},
            "Tid": {"category": {"index": [f"2025M{m:02d}" for m in range(1, 13)]}},
        },
        "value": [100 + m for m in range(12)],
    }
).encode()


SDMX_OBSERVATIONS = 1_000_000
SDMX_GOAL = 30.0


def serve_file(path: str, ports, stop) -> None:
    """Serve one file's bytes at every path, from a process of its own."""
    body = Path(path).read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.put(server.server_address[1])
    stop.wait()
    server.shutdown()


def fetch_sdmx(location: str, results) -> None:
    """Fetch the message in this (fresh) process; report seconds, CPU seconds, memory."""
    from portfolio.metrics.adapters import get_adapter

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    result = get_adapter("sdmx_ml").fetch({"location": location, "max_megabytes": 128}, timeout=600)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results.put((len(result.observations), seconds, cpu, before / 1024, peak / 1024))


def bench_sdmx_ml() -> None:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: honest memory
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message.xml"
        size = write_message(path, SDMX_OBSERVATIONS, "ss")
        saved = {
            name: os.environ.get(name) for name in ("METRICS_FILE_ROOTS", "METRICS_ALLOWED_HOSTS")
        }
        # Read by the fetching processes: exactly this folder and the local server.
        os.environ["METRICS_FILE_ROOTS"] = folder
        os.environ["METRICS_ALLOWED_HOSTS"] = "127.0.0.1"
        stop, ports = context.Event(), context.Queue()
        server = context.Process(target=serve_file, args=(str(path), ports, stop), daemon=True)
        server.start()
        url = f"http://127.0.0.1:{ports.get(timeout=30)}/message.xml"
        print(
            f"Fetching a {SDMX_OBSERVATIONS:,}-observation SDMX-ML message "
            f"({size / 1e6:.0f} MB, structure-specific) through the sdmx_ml adapter"
        )
        columns = ("obs", 11), ("seconds", 9), ("cpu s", 8), ("start MB", 10), ("peak MB", 9)
        print(f"{'from':<7}" + "".join(f"{name:>{width}}" for name, width in columns) + "  goal")
        try:
            for name, location in (("file", str(path)), ("http", url)):
                results = context.Queue()
                child = context.Process(target=fetch_sdmx, args=(location, results))
                child.start()
                count, seconds, cpu, start_mb, peak_mb = results.get(timeout=900)
                child.join(30)
                print(
                    f"{name:<7}{count:>11,}{seconds:>9.1f}{cpu:>8.1f}{start_mb:>10.0f}"
                    f"{peak_mb:>9.0f}  {SDMX_GOAL:.0f}  {verdict(seconds, SDMX_GOAL)}"
                )
        finally:
            stop.set()
            server.join(5)
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    print()


LARGE_SERIES = 1_000
LARGE_PERIODS = 1_000
LARGE_TIMEOUT = 30.0


def large_body() -> bytes:
    """A JSON-stat 2.0 dataset of LARGE_SERIES × LARGE_PERIODS cells, decimals and nulls."""
    count = LARGE_SERIES * LARGE_PERIODS
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "id": ["region", "Tid"],
            "size": [LARGE_SERIES, LARGE_PERIODS],
            "role": {"time": ["Tid"]},
            "dimension": {
                "region": {"category": {"index": [f"{n:04d}" for n in range(LARGE_SERIES)]}},
                "Tid": {"category": {"index": [f"D{n:04d}" for n in range(LARGE_PERIODS)]}},
            },
            "value": [None if n % 997 == 0 else round(n * 0.37, 2) for n in range(count)],
            "status": {str(n): ".." for n in range(0, count, 997)},
        }
    ).encode()


def serve(ports, stop) -> None:
    """Run the local source in a process of its own, as a real source is not in ours."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/large":
                body = large
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path == "/hang":
                stop.wait(HANG_TIMEOUT * 3)
                return
            time.sleep(DELAY)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    large = large_body()
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.put(server.server_address[1])
    stop.wait()
    server.shutdown()


def build(url: str, base: str):
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portfolio import create_app
    from portfolio.extensions import db
    from portfolio.metrics.models import Metric, MetricSource

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            # Sources reach only public hosts unless allowed: let exactly the local server in.
            "METRICS_ALLOWED_HOSTS": [base.removeprefix("http://")],
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection = connection.execution_options(audit_exempt=True)  # bench set-up
            ids = connection.execute(
                sa.insert(MetricSource.__table__).returning(
                    MetricSource.__table__.c.id, sort_by_parameter_order=True
                ),
                [
                    {
                        "key": f"bench-{n:04d}",
                        "name": f"Bench source {n}",
                        "type": "jsonstat",
                        "location": f"{base}/data/{n}",
                        "config": {},
                        "timeout_seconds": 5,
                    }
                    for n in range(METRICS)
                ],
            ).scalars()
            connection.execute(
                sa.insert(Metric.__table__),
                [
                    {"source_id": source_id, "key": f"bench-{n:04d}.m", "name": "m", "filters": {}}
                    for n, source_id in enumerate(ids)
                ],
            )
        db.session.remove()
    return app


def add_hanging_source(app, base: str) -> None:
    from portfolio.extensions import db
    from portfolio.metrics.services import create_metric, create_source

    with app.app_context():
        source = create_source(
            "bench-hang", "Hanging", "jsonstat", f"{base}/hang", timeout_seconds=HANG_TIMEOUT
        )
        create_metric(source, "bench-hang.m", "m")
        db.session.commit()
        db.session.remove()


def run(app, **kwargs):
    from portfolio.extensions import db
    from portfolio.metrics.refresh import refresh_due

    with app.app_context():
        start = time.perf_counter()
        report = refresh_due(**kwargs)
        seconds = time.perf_counter() - start
        db.session.remove()
    return report, seconds


def fetch_large(base: str, results) -> None:
    """Fetch the 1,000,000-cell dataset through the jsonstat adapter (in its own process,
    so that the peak memory is this fetch's own)."""
    from portfolio import create_app
    from portfolio.metrics.adapters import get_adapter

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "bench",
            "METRICS_ALLOWED_HOSTS": [base.removeprefix("http://")],
        }
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with app.test_request_context():
        start = time.perf_counter()
        result = get_adapter("jsonstat").fetch({"location": f"{base}/large"}, timeout=LARGE_TIMEOUT)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results.put((len(result.observations), seconds, before / 1024, peak / 1024))


def large_fetch(base: str) -> None:
    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=fetch_large, args=(base, results))
    child.start()
    count, seconds, before, peak = results.get(timeout=LARGE_TIMEOUT * 4)
    child.join(10)
    print(
        f"JSON-stat fetch of {count:,} observations: {seconds:.1f} s (goal "
        f"{LARGE_TIMEOUT:.0f}), peak memory {peak:.0f} MB (at start {before:.0f} MB)  "
        f"{verdict(seconds, LARGE_TIMEOUT)}"
    )


def main() -> None:
    bench_sdmx_ml()
    stop = multiprocessing.Event()
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, stop), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=10)}"
    print(
        f"Refreshing {METRICS:,} metrics from a local source answering after {DELAY * 1000:.0f} ms"
    )
    print(f"{'database':<11}{'run':<30}{'ok':>7}{'failed':>8}{'seconds':>9}{'goal':>7}")
    try:
        for dialect in dialects():
            with scratch_database(dialect) as url:
                app = build(url, base)
                report, seconds = run(app)
                print(
                    f"{dialect:<11}{'all due (first refresh)':<30}{len(report.succeeded):>7}"
                    f"{len(report.failed):>8}{seconds:>9.1f}{REFRESH_GOAL:>7.0f}  "
                    f"{verdict(seconds, REFRESH_GOAL)}"
                )
                add_hanging_source(app, base)
                report, seconds = run(app, every=True)
                goal = HANG_TIMEOUT + 1
                rest_ok = len(report.succeeded) == METRICS
                print(
                    f"{dialect:<11}{'--all, one source hanging':<30}{len(report.succeeded):>7}"
                    f"{len(report.failed):>8}{seconds:>9.1f}{goal:>7.0f}  "
                    f"{verdict(seconds, goal) if rest_ok else 'MISSED (others failed)'}"
                )
                with app.app_context():
                    from portfolio.extensions import db

                    db.engine.dispose()
        large_fetch(base)
    finally:
        stop.set()
        server.join(5)


if __name__ == "__main__":
    main()
