"""A change request through a real browser: drafted, a wave moved, put forward, shown on the
status page under "Til beslutning", approved; each page fits a phone's 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BROWSER_SHOTS")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def _look(page, name: str) -> None:
    """The page fits 390 px; with BROWSER_SHOTS, save it at 390 and 1366 px."""
    for label, size in (("390", PHONE), ("1366", LAPTOP)):
        page.set_viewport_size(size)
        if size is PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (name, width)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/change-{name}-{label}.png", full_page=True)
    page.set_viewport_size(LAPTOP)


def test_a_change_request_from_draft_to_approval(signed_in):
    page = signed_in
    page.goto("/programmes/ddns/change-requests")
    _look(page, "index-empty")
    page.get_by_role("link", name="Ny ændringsanmodning").click()
    page.get_by_label("Titel").fill("Bølge 3 forlænges")
    page.get_by_label("Begrundelse").fill("Leverandøren af data fra almen praksis er forsinket.")
    page.get_by_label("Anmodet af").fill("Programsekretariatet")
    _look(page, "new")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url("**/change-requests/%C3%86A1")
    assert "oprettet som kladde" in page.content()

    page.get_by_text("Tidsplan: flyt en fase eller bølge").click()
    form = page.locator("details.change-form[open] form")
    form.get_by_label("Fase eller bølge").select_option(label="Bølge 3 – flere data (Bølge)")
    form.get_by_label("Ny startmåned").fill("2025-10")
    form.get_by_label("Ny slutmåned").fill("2027-01")
    form.get_by_role("button", name="Tilføj ændring").click()
    page.wait_for_url("**#aendringer")
    assert "Bølge 3 – flere data flyttes til" in page.content()
    _look(page, "draft")

    page.get_by_role("button", name="Indstil til beslutning").click()
    page.wait_for_load_state()
    assert "Indstillet" in page.content()
    _look(page, "submitted")

    page.goto("/programmes/ddns/status")
    summary = page.locator(".status-summary")
    assert "Ændringsanmodning ÆA1: Bølge 3 forlænges" in summary.inner_text()
    page.locator("#aendringsanmodninger").scroll_into_view_if_needed()
    _look(page, "status")

    page.goto("/programmes/ddns/change-requests/ÆA1")
    page.get_by_label("Beslutning", exact=True).select_option("approved")
    page.get_by_label("Møde").fill("Programstyregruppemøde 3. december 2026")
    page.get_by_label("Styregruppens beslutning").fill("Godkendt.")
    page.get_by_role("button", name="Registrér beslutning").click()
    page.wait_for_load_state()
    assert "ændringerne er gennemført" in page.content()
    assert "Gennemførte ændringer" in page.content()
    _look(page, "approved")

    page.goto("/programmes/ddns/history")
    assert "Ændret af ændringsanmodning ÆA1" in page.content()
    _look(page, "history")
