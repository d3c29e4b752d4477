"""An administrator resets a password in a real browser (CSRF on), on a desktop and a phone."""

from __future__ import annotations

import os

import pytest

from portfolio.auth import services as auth_services
from portfolio.extensions import db
from tests.conftest import PASSWORD, Users

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

# Set STYRBORD_SHOTS to a folder to keep a picture of each page as the test saw it.
SHOTS = os.environ.get("STYRBORD_SHOTS")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_new_password_is_shown_once_and_fits_the_screen(page, live_server, width):
    with live_server.app.app_context():
        Users().make("admin")
        viewer_id = Users().make("viewer").id
        db.session.remove()
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/login")
    page.get_by_label("E-mail").fill("admin@example.dk")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(f"/admin/users/{viewer_id}")
    page.get_by_role("button", name="Nulstil adgangskode").click()
    secret = page.locator("code.secret")
    expect(secret).to_be_visible()
    password = secret.inner_text()
    box = secret.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"progfile-reset-{width}.png"), full_page=True)
    with live_server.app.app_context():
        assert auth_services.authenticate("viewer@example.dk", password) is not None
        assert auth_services.authenticate("viewer@example.dk", PASSWORD) is None
        db.session.remove()
