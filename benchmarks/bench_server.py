"""Pages under gunicorn against the bare route, measured with wrk in one run.

Run with `.venv/bin/python benchmarks/bench_server.py [--scale 100] [--duration 8]`. It
builds a scratch database (PostgreSQL when TEST_DATABASE_URL is set, else SQLite) with
DDNS and a synthetic portfolio, starts gunicorn with 2 workers on 127.0.0.1, signs in as
a viewer of every programme, and measures with wrk (Debian's package `wrk`; a C load
generator that is not itself the bottleneck, as a Python one is on the bare route):

1. `/healthz` and each page, one after the other with the same wrk settings
   (`-t2 -c20 -d8s`), printing requests per second, each page's ratio to `/healthz`'s,
   and the latency's p50 and p99. Goals: the status, programme, budget, risk register and
   benefits pages reach at least 40 % of the bare route's rate, the portfolio overview 25 %;
2. a page drawn anew after an edit: an administrator changes a risk through the API and
   the status page, then the portfolio overview, is fetched at once, 30 times each; goal
   p95 ≤ 100 ms.

Everything stays on 127.0.0.1, and every run stops by itself. The benchmark installs
nothing: without wrk it says how to get it and stops.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

from _common import PASSWORD, ROOT, build_portfolio, scratch_database, summary, verdict

HOST = "127.0.0.1"
PAGES = [
    # (name, path, goal as a share of /healthz's requests per second)
    ("status page", "/programmes/syn-001/status", 0.40),
    ("programme page", "/programmes/syn-001", 0.40),
    ("budget page", "/programmes/syn-001/budget", 0.40),
    ("risk register", "/programmes/syn-001/risks/", 0.40),
    ("benefits overview", "/programmes/syn-001/benefits/", 0.40),
    ("portfolio overview", "/", 0.25),
    # Filtered and sorted: a page of its own in the cache (the query string is in its key),
    # drawn from every visible programme's lights and budget like the plain overview.
    ("portfolio overview, sorted", "/?sort=variance&order=desc&status=active", 0.25),
]
# Drawn anew after an edit in one programme: its status page, and the portfolio overview
# (which computes the figures of the edited programme only, status/portfolio.py).
REDRAWN = [("status page", "/programmes/syn-001/status"), ("portfolio overview", "/")]
REDRAW_GOAL_MS = 100.0
VIEWER = "viewer@example.dk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60) -> None:
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


def sign_in(port: int, email: str) -> str:
    """Log in through the real form (CSRF on) and return the session cookie header."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/login", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login as {email} failed: {response.status}")
    return response.getheader("Set-Cookie").split(";", 1)[0]


def browser_cookie(port: int, path: str, cookie: str) -> str:
    """Fetch the page once and return the session cookie a browser would hold after it.

    wrk sends the same cookie all along, as a browser that never stores one would: the
    session it names would have to be signed anew on every answer (the first page adds a
    CSRF token to it, and its activity is noted once a minute). A browser keeps what it is
    sent, so each page is measured with a cookie as fresh as a browser's.
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    fresh = response.getheader("Set-Cookie")
    return fresh.split(";", 1)[0] if fresh else cookie


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, cookie: str, duration: float) -> dict:
    """Run wrk against one path; return requests/s, p50 and p99 (ms) and the error count."""
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c20",
            f"-d{duration:g}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    sockets = re.search(r"Socket errors:(.*)", output)
    # wrk prints "Socket errors: connect 0, read 3, write 0, timeout 0" when any occurred,
    # and "Non-2xx or 3xx responses: N" when any answer was neither.
    errors = []
    if non_2xx:
        errors.append(f"{non_2xx.group(1)} non-2xx")
    if sockets:
        errors.append(f"socket: {sockets.group(1).strip()}")
    errors = "; ".join(errors) or "0"
    return {"rate": rate, "p50": p50, "p99": p99, "errors": errors}


def redraw_after_edit(
    port: int, token: str, viewer_cookie: str, times: int, path: str = "/programmes/syn-001/status"
) -> list[float]:
    """Edit a risk through the API, then time the page at `path` drawn anew; `times` times."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    durations = []
    for attempt in range(times):
        connection.request("GET", "/api/v1/programmes/syn-001/risks", headers=api)
        risk = json.loads(connection.getresponse().read())["items"][0]
        body = json.dumps({"version": risk["version"], "owner": f"Ejer {attempt}"})
        connection.request(
            "PATCH", f"/api/v1/programmes/syn-001/risks/{risk['code']}", body=body, headers=api
        )
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"the edit was refused: {answer.status}")
        began = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": viewer_cookie})
        page = connection.getresponse()
        page.read()
        durations.append((time.perf_counter() - began) * 1000)
        if page.status != 200:
            raise RuntimeError(f"{path} answered {page.status}")
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--duration", type=float, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench_server needs wrk: `apt-get install wrk` (Debian) or `brew install wrk`.")
        return
    dialect = (
        "postgresql"
        if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
    with scratch_database(dialect) as url:
        app = build_portfolio(url, args.scale)
        with app.app_context():
            from portfolio.auth import services as auth_services
            from portfolio.auth.models import Role
            from portfolio.extensions import db

            viewer = auth_services.create_user(VIEWER, PASSWORD)
            auth_services.grant_role(viewer, Role.VIEWER)  # every programme
            admin = auth_services.get_user_by_email("bench@example.dk")
            token = auth_services.issue_token(admin, "bench")
            db.session.commit()
            db.session.remove()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "STYRBORD_TODAY": "2026-11-21",
            "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
            # gunicorn.conf.py recycles a worker every ~2,000 requests; a restart in the middle
            # of a measurement shows up as wrk timeouts and a rate that belongs to no page.
            "GUNICORN_CMD_ARGS": "--max-requests 0",
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
            cookie = sign_in(port, VIEWER)
            for _name, path, _goal in PAGES:  # warm both workers' caches
                wrk(port, path, cookie, 1)
            cookie = browser_cookie(port, "/healthz", cookie)
            bare = wrk(port, "/healthz", cookie, args.duration)
            print(
                f"gunicorn, 2 workers, {dialect}, scale {args.scale}, "
                f"wrk -t2 -c20 -d{args.duration:g}s, signed in as a viewer of every programme"
            )
            print()
            print("| page | req/s | ratio to /healthz | goal | p50 ms | p99 ms | errors |")
            print("|---|---|---|---|---|---|---|")
            print(
                f"| /healthz | {bare['rate']:.0f} | 100% | – | {bare['p50']:.1f} | "
                f"{bare['p99']:.1f} | {bare['errors']} |"
            )
            for name, path, goal in PAGES:
                cookie = browser_cookie(port, path, cookie)
                measured = wrk(port, path, cookie, args.duration)
                ratio = measured["rate"] / bare["rate"]
                print(
                    f"| {name} `{path}` | {measured['rate']:.0f} | {ratio:.0%} | "
                    f"≥ {goal:.0%}: {verdict(ratio, goal, at_least=True)} | "
                    f"{measured['p50']:.1f} | {measured['p99']:.1f} | {measured['errors']} |"
                )
            print()
            for name, path in REDRAWN:
                median, p95 = summary(redraw_after_edit(port, token, cookie, 30, path))
                print(
                    f"{name} drawn anew after an edit (30 edits): median {median:.0f} ms, "
                    f"p95 {p95:.0f} ms, goal ≤ {REDRAW_GOAL_MS:.0f} ms: "
                    f"{verdict(p95, REDRAW_GOAL_MS)}"
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
