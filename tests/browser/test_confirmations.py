"""Irreversible steps in a real browser (CSRF on): approving a status report asks first,
refuses without the ticked box, and approves with it."""

from __future__ import annotations

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

REPORT_TITLE = "Programstyregruppemøde 3. december 2026"


def test_approving_a_report_needs_the_confirmation(signed_in):
    page = signed_in
    page.goto("/programmes/ddns/status")
    page.get_by_role("link", name="Statusrapporter").click()
    page.get_by_label("Titel").fill(REPORT_TITLE)
    page.get_by_label("Mødedato").fill("2026-12-03")
    page.get_by_role("button", name="Opret og frys").click()
    report_url = page.url

    page.get_by_role("link", name="Godkend og lås").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkend og lås statusrapporten")
    expect(page.locator("main")).to_contain_text("Mødedatoen er om 12 dage (3. december 2026).")
    page.get_by_role("button", name="Godkend og lås").click()
    expect(page.locator("main")).to_contain_text("Sæt kryds for at bekræfte. Intet er ændret.")
    page.goto(report_url)
    expect(page.locator("main")).to_contain_text("Kladde.")

    page.get_by_role("link", name="Godkend og lås").click()
    page.get_by_label("Jeg har læst ovenstående og vil fortsætte").check()
    page.get_by_role("button", name="Godkend og lås").click()
    expect(page.locator("main")).to_contain_text("Rapporten er godkendt og låst.")
    expect(page.get_by_role("link", name="Godkend og lås")).to_have_count(0)
