"""The secretariat maintains benefits, the organisation and the annexes in a real browser
(CSRF on): each new page fits a phone (390 px) and a laptop (1366 px)."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_every_page import WIDEST
from tests.conftest import PASSWORD

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("STYRBORD_SHOTS")


def _fits(page, width: int, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"structure-{name}-{width}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, (name, page.evaluate(WIDEST))
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"structure-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_secretariat_maintains_the_programme_structure(page, live_server, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/login")
    page.get_by_label("E-mail").fill("secretariat@example.dk")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)

    # A new benefit, from the overview.
    page.goto("/programmes/ddns/benefits")
    page.get_by_role("link", name="Ny gevinst").click()
    expect(page.get_by_text("nu GH7")).to_be_visible()
    _fits(page, width, "benefit-new")
    page.get_by_label("Navn", exact=True).fill("Færre genindlæggelser")
    page.get_by_label("Økonomisk gevinst", exact=True).check()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url("**/benefits/GH7")
    expect(page.get_by_text("Gevinsten er oprettet.")).to_be_visible()

    # Retired with a reason.
    page.get_by_role("link", name="Lad gevinsten udgå").click()
    _fits(page, width, "benefit-retire")
    page.get_by_label("Begrundelse for at gevinsten udgår").fill("Indgår i GH2.")
    page.get_by_role("button", name="Lad gevinsten udgå").click()
    expect(page.get_by_text("Gevinsten er markeret som udgået.")).to_be_visible()
    expect(page.get_by_text("Begrundelse: Indgår i GH2.")).to_be_visible()
    _fits(page, width, "benefit-retired")
    page.goto("/programmes/ddns/benefits")
    _fits(page, width, "benefits")

    # The organisation: a body with a member, from the programme page.
    page.goto("/programmes/ddns")
    page.get_by_role("link", name="Redigér organisering og medlemmer").click()
    _fits(page, width, "organisation")
    page.get_by_role("link", name="Tilføj organ").click()
    page.get_by_label("Navn", exact=True).fill("Arbejdsgruppe for data")
    page.get_by_label("Type").select_option(label="Arbejdsgruppe")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Organet er oprettet.")).to_be_visible()
    page.get_by_label("Medlem (person eller organisation)").fill("Anna Andersen")
    page.get_by_label("Rolle i organet").fill("formand")
    page.get_by_role("button", name="Tilføj medlem").click()
    expect(page.get_by_text("Medlemmet er tilføjet.")).to_be_visible()
    _fits(page, width, "body-edit")

    # An annex with a file; a file of the wrong kind is refused in Danish.
    page.goto("/programmes/ddns/annexes/")
    _fits(page, width, "annexes")
    page.get_by_role("link", name="Tilføj bilag").click()
    bad = tmp_path / "side.html"
    bad.write_bytes(b"<html><script>alert(1)</script></html>")
    page.get_by_label("Titel").fill("Business case")
    page.get_by_label("Fil", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Filtypen tages ikke imod.")).to_be_visible()
    _fits(page, width, "annex-refused")
    good = tmp_path / "business case.pdf"
    good.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Fil", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Bilaget er oprettet.")).to_be_visible()
    expect(page.get_by_role("link", name="business case.pdf")).to_be_visible()
    _fits(page, width, "annexes-with-file")
    with page.expect_download() as download:
        page.get_by_role("link", name="business case.pdf").click()
    assert download.value.suggested_filename == "business case.pdf"
    page.get_by_role("link", name="Redigér").last.click()
    _fits(page, width, "annex-edit")
