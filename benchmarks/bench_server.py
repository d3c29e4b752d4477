"""The status page under gunicorn, against a bare route, and a bounded load test.

Run with `.venv/bin/python benchmarks/bench_server.py [--scale 100] [--duration 30]`. It
builds a scratch database (PostgreSQL when TEST_DATABASE_URL is set, else SQLite) with
DDNS and a synthetic portfolio, starts gunicorn with 2 workers on 127.0.0.1, signs in, and:

1. measures requests per second of the bare route `/healthz` and of the status page with
   the same load generator (20 clients, 10 s each): goal, the status page reaches at least
   40 % of the bare route's rate;
2. runs the load test: 20 concurrent clients for 30 s against the status pages of ten
   programmes: no errors; throughput and latency reported.

Everything stays on 127.0.0.1, and every run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

from _common import PASSWORD, ROOT, build_portfolio, scratch_database, summary, verdict
from loadgen import HOST, run

RATIO_GOAL = 0.40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def sign_in(port: int) -> str:
    """Log in through the real form (CSRF on) and return the session cookie header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": "bench@example.dk", "password": PASSWORD}
    )
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login failed: {response.status}")
    return response.getheader("Set-Cookie").split(";", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    dialect = (
        "postgresql"
        if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
    with scratch_database(dialect) as url:
        build_portfolio(url, args.scale)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "STYRBORD_TODAY": "2026-11-21",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(port)
            cookie = {"Cookie": sign_in(port)}
            status_url = "/programmes/syn-001/status"
            for url in ("/healthz", status_url):  # warm both workers' caches
                run(port, [url], clients=4, duration=2, headers=cookie)
            bare = run(port, ["/healthz"], clients=args.clients, duration=10, headers=cookie)
            page = run(port, [status_url], clients=args.clients, duration=10, headers=cookie)
            ratio = page.throughput / bare.throughput
            print(f"gunicorn, 2 workers, {dialect}, scale {args.scale}, {args.clients} clients")
            print(
                f"  bare route /healthz     {bare.throughput:8.1f} req/s  "
                f"({len(bare.errors)} errors)"
            )
            print(
                f"  status page             {page.throughput:8.1f} req/s  "
                f"({len(page.errors)} errors)"
            )
            print(
                f"  ratio                   {ratio:8.0%}   goal ≥ {RATIO_GOAL:.0%}  "
                f"{verdict(ratio, RATIO_GOAL, at_least=True)}"
            )
            urls = [f"/programmes/syn-{n:03d}/status" for n in range(1, 11)]
            load = run(port, urls, clients=args.clients, duration=args.duration, headers=cookie)
            median, p95 = summary(load.latencies_ms)
            print(
                f"load test: {args.clients} clients × {args.duration:.0f} s on ten status "
                f"pages: {load.requests} requests, {len(load.errors)} errors "
                f"({verdict(len(load.errors), 0)}), {load.throughput:.1f} req/s, "
                f"latency median {median:.0f} ms, p95 {p95:.0f} ms, "
                f"max {max(load.latencies_ms):.0f} ms"
            )
            if load.errors:
                print("  errors:", sorted(set(load.errors))[:5])
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
