"""The app served over real HTTP on 127.0.0.1, for tests that need a browser or parallel
requests: werkzeug's threaded server on a free port, in a thread of the test process; and
the test Redis, for tests of state shared between instances."""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server


class LiveServer:
    """The app served over HTTP in a thread; `url(path)` gives an address on it."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# The Redis server tests that share counts between instances use (`TEST_REDIS_URL`).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip():
    """Return a client of the test Redis, or skip the test saying none answers there."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
    return client
