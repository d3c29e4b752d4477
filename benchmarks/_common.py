"""Shared pieces of the benchmark scripts: a scratch database with a synthetic portfolio,
an in-process client that is signed in, and the way figures are printed."""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "et langt og sikkert kodeord til målinger"


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def verdict(value: float, goal: float | None, *, at_least: bool = False) -> str:
    if goal is None:
        return ""
    ok = value >= goal if at_least else value <= goal
    return "ok" if ok else "MISSED"


@contextlib.contextmanager
def scratch_database(dialect: str) -> Iterator[str]:
    """Yield the URL of an empty database of the dialect, removed afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    base = sa.make_url(os.environ["TEST_DATABASE_URL"])
    name = f"styrbord_bench_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sign_in(client, email: str = "bench@example.dk") -> None:
    """Log the test client in through the real login form, CSRF token and all."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": PASSWORD},
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed with status {response.status_code}")


def dialects() -> list[str]:
    found = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        found.append("postgresql")
    return found


def build_portfolio(url: str, scale: int, *, extra_config: dict | None = None):
    """Migrate, load DDNS and a synthetic portfolio of `scale` programmes; return the app."""
    from flask_migrate import upgrade

    from portfolio import create_app
    from portfolio.auth import services as auth_services
    from portfolio.extensions import db
    from portfolio.seed.loader import load_seed, read_seed_file
    from portfolio.seed.synthetic import generate

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TODAY": "2026-11-21",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **(extra_config or {}),
        }
    )
    with app.app_context():
        upgrade()
        load_seed(read_seed_file())
        db.session.commit()
        generate(scale)
        auth_services.create_user("bench@example.dk", PASSWORD, is_admin=True)
        db.session.commit()
        db.session.remove()
    return app
