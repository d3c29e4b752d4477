"""A live server and a headless Chromium for the browser tests.

The app runs on a database of its own (a SQLite file, or the test run's PostgreSQL
database), with CSRF protection on as in production, served by werkzeug on 127.0.0.1 on a
free port in a thread. Playwright drives Debian's Chromium (`/usr/bin/chromium`); without
Playwright or that browser every test here skips and says which is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from portfolio.extensions import db
from tests.conftest import PASSWORD, Users, make_app
from tests.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
TODAY = "2026-11-21"


def _missing() -> str | None:
    """Say what the browser tests lack here, or None when they can run."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(browser, tmp_path, _sqlite_template, _postgres_schema) -> Iterator[LiveServer]:
    """The seeded app with CSRF on and a secretariat user, served on 127.0.0.1."""
    app = make_app(
        tmp_path,
        _sqlite_template,
        snapshot=_postgres_schema,
        WTF_CSRF_ENABLED=True,
        TODAY=TODAY,
    )
    with app.app_context():
        Users().make("secretariat")
        db.session.remove()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) at 1366×900, not yet signed in."""
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1366, "height": 900}, locale="da-DK"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def signed_in(page):
    """The tab, signed in through the login form as the DDNS secretariat."""
    page.goto("/login")
    page.get_by_label("E-mail").fill("secretariat@example.dk")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page
