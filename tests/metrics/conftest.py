"""Fixtures for the metric adapters: the recorded samples and a local HTTP server.

The server listens on 127.0.0.1 on a free port and answers each path the way a test tells
it to: a body, an error status, garbage, an answer after a delay, an answer trickled a few
bytes at a time, or no answer at all. Tests never reach any other host.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
PXWEB_FIXTURES = SAMPLES.parent / "pxweb"


@pytest.fixture(autouse=True)
def source_access(monkeypatch, tmp_path):
    """Let the adapters read the samples and the test's own files, and reach 127.0.0.1.

    Sources may read local files only inside METRICS_FILE_ROOTS and reach only public
    hosts (portfolio/metrics/adapters/access.py). The tests read the recorded samples,
    files they write to `tmp_path`, and a local server on 127.0.0.1, so they allow exactly
    those, through the same settings an operator uses: set in the environment, they reach
    both the adapters called without an app and every app a test makes. Tests of the rules
    themselves set narrower ones. Production never allows loopback by default.
    """
    monkeypatch.setenv(
        "METRICS_FILE_ROOTS", os.pathsep.join([str(SAMPLES), str(PXWEB_FIXTURES), str(tmp_path)])
    )
    monkeypatch.setenv("METRICS_ALLOWED_HOSTS", "127.0.0.1")


@pytest.fixture
def samples() -> Path:
    return SAMPLES


def read_sample_json(name: str):
    """Load a sample with the standard json module, independently of the parsers tested."""
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0  # seconds before the answer starts
    hang: bool = False  # never answer (until the server stops)
    trickle: float | None = None  # seconds between single bytes of the body
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable | None = None  # (request body: dict | None) -> Route, for APIs


class LocalServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, bytes]] = []
        self.headers: list[dict[str, str]] = []  # each request's headers, in order
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # keep test output quiet
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, body))
                server.headers.append(dict(self.headers.items()))
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(body=b'{"message": "not found"}', status=404)
                if route.handler is not None:
                    route = route.handler(json.loads(body) if body else None)
                if route.hang:
                    server.stopping.wait(30)
                    return
                if route.delay and server.stopping.wait(route.delay):
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if route.trickle is None:
                        self.wfile.write(route.body)
                        return
                    for byte in route.body:
                        if server.stopping.wait(route.trickle):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            do_GET = _answer
            do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def http_server():
    """A local HTTP server whose answers a test sets in `server.routes[path]`."""
    server = LocalServer()
    server.start()
    yield server
    server.stop()


class Elapsed:
    """Measures the time a block took: `with Elapsed() as t: …; t.seconds`."""

    def __enter__(self):
        self.start = time.monotonic()
        self.seconds = None
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start
        return False
