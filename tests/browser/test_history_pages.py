"""The audit log and an object's history in a real browser, on a desktop and on a phone."""

from __future__ import annotations

import os

import pytest

from portfolio.extensions import db
from tests.conftest import PASSWORD, Users

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

# Set STYRBORD_SHOTS to a folder to keep a picture of each page as the test saw it.
SHOTS = os.environ.get("STYRBORD_SHOTS")


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def admin_page(page, live_server):
    with live_server.app.app_context():
        Users().make("admin")
        db.session.remove()
    _sign_in(page, "admin@example.dk")
    return page


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"history-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_audit_log_stays_short_and_within_the_screen(admin_page, width):
    page = admin_page
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/admin/audit")
    rows = page.locator("table.audit-log tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 50
    # Every snapshot folded: one page of 50 creations is a few screens, not 120,000 px.
    assert page.locator("details.audit-details[open]").count() == 0
    _shot(page, f"audit-{width}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 100 * 50, height
    # The table scrolls inside its own box; the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator("details.audit-details").first
    first.locator("summary").click()
    expect(first.locator("dl")).to_be_visible()
    expect(first.locator("dt").first).not_to_be_empty()
    _shot(page, f"audit-open-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Type").select_option(label="Budgetlinje")
    page.get_by_role("button", name="Filtrér").click()
    expect(page.locator("table.audit-log tbody tr").first).to_contain_text("Budgetlinje")
    expect(page.locator("table.audit-log tbody")).not_to_contain_text("budget_lines")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_risk_history_reads_in_danish_and_fits_the_screen(signed_in, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/programmes/ddns/risks/R2")
    page.get_by_role("link", name="Vurdér igen").click()
    page.get_by_label("Sandsynlighed", exact=True).select_option("high")
    page.get_by_label("Konsekvens", exact=True).select_option("high")
    page.get_by_label("Begrundelse").fill("Leverandøren er forsinket.")
    page.get_by_role("button", name="Gem vurdering").click()
    history = page.locator("section.history")
    expect(history).to_contain_text("Sandsynlighed")
    expect(history).to_contain_text("Stor")
    expect(history).to_contain_text("Vurderinger")
    expect(history).not_to_contain_text("None")
    expect(history).not_to_contain_text("high")
    # The history's table scrolls in its own box: the section is never wider than itself.
    assert history.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert history.evaluate("e => e.getBoundingClientRect().right") <= width
    history.scroll_into_view_if_needed()
    _shot(page, f"risk-{width}")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_programme_history_page_never_scrolls_sideways(signed_in, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/programmes/ddns/history")
    history = page.locator("section.history")
    expect(history.locator("tbody tr").first).to_contain_text("Oprettet")
    expect(history).to_contain_text("vis detaljer")
    expect(history).not_to_contain_text('{"')
    assert page.locator("details.audit-details[open]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"programme-{width}")
