"""The several-instance deployment docs/deploy.md promises, with real parts: two gunicorn
instances on one PostgreSQL database and one Redis. An edit made through one is seen on
the other at its next request (page caches are keyed on the data's version, read from the
database), and the login throttle counts the failures of both."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portfolio.auth import services as auth_services
from portfolio.auth.services import login_throttle_key
from portfolio.extensions import db
from tests.conftest import PASSWORD, TEST_DATABASE_URL
from tests.live import REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="two instances share one PostgreSQL database: needs TEST_DATABASE_URL",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(app, tmp_path: Path, name: str) -> Iterator[str]:
    """Serve the app's database with a gunicorn instance of its own; yield its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "STYRBORD_INSTANCE": str(tmp_path / name),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"gunicorn {name} did not come up")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _sign_in(client: httpx.Client, email: str, password: str) -> int:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    return answer.status_code


def test_an_edit_on_one_instance_is_seen_on_the_other_and_the_throttle_counts_both(
    app, users, tmp_path
):
    redis = redis_or_skip()
    run = uuid.uuid4().hex
    editor = users.make("secretariat")
    users.make("viewer")
    token = auth_services.issue_token(editor, "two instances")
    guessed = users.make("viewer", email=f"gaet-{run}@example.dk")
    db.session.commit()
    try:
        with _gunicorn(app, tmp_path, "a") as a, _gunicorn(app, tmp_path, "b") as b:
            with httpx.Client(base_url=b, timeout=30) as reader:
                assert _sign_in(reader, "viewer@example.dk", PASSWORD) == 302
                before = reader.get("/programmes/ddns/risks/").text  # now in b's cache
                assert "Titel fra instans A" not in before
                api = {"Authorization": f"Bearer {token}"}
                risk = httpx.get(f"{a}/api/v1/programmes/ddns/risks", headers=api).json()
                first = risk["items"][0]
                changed = httpx.patch(
                    f"{a}/api/v1/programmes/ddns/risks/{first['code']}",
                    json={"version": first["version"], "title": "Titel fra instans A"},
                    headers=api,
                )
                assert changed.status_code == 200, changed.text
                assert "Titel fra instans A" in reader.get("/programmes/ddns/risks/").text

            # Ten failures in all, five on each: the account is locked on both.
            statuses = []
            for base in (a, b) * 5:
                with httpx.Client(base_url=base, timeout=30) as guesser:
                    statuses.append(_sign_in(guesser, guessed.email, "forkert gæt"))
            assert statuses == [422] * 10, statuses
            for base in (a, b):
                with httpx.Client(base_url=base, timeout=30) as owner:
                    assert _sign_in(owner, guessed.email, PASSWORD) == 429
    finally:
        for key in redis.scan_iter(f"*{login_throttle_key(guessed.email)}*"):
            redis.delete(key)
