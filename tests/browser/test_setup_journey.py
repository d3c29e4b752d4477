"""A programme office sets a programme up in a real browser, CSRF protection on: the
forms, the inline move/retire buttons and the first budget's grid as a person uses them.

With BROWSER_SHOTS=<folder> each set-up page is saved at 390 and 1366 px for a person to
look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BROWSER_SHOTS")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=folder / f"setup-{name}-{width}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def _add_track(page, name: str, deliverables: str) -> None:
    page.get_by_role("link", name="Nyt spor").click()
    page.get_by_label("Navn").fill(name)
    page.get_by_label("Leverancer (én pr. linje)").fill(deliverables)
    page.get_by_role("button", name="Opret spor").click()
    page.wait_for_url("**/setup#spor")


def _add_item(page, name: str, kind: str, start: str, end: str) -> None:
    page.get_by_role("link", name="Ny fase eller bølge").click()
    page.get_by_label("Navn").fill(name)
    page.get_by_label("Type").select_option(label=kind)
    page.get_by_label("Start (måned)").fill(start)
    page.get_by_label("Slut (måned)").fill(end)
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url("**/setup#tidsplan")


def test_a_programme_is_set_up_in_the_browser(signed_in):
    page = signed_in
    page.goto("/")
    page.get_by_role("link", name="Opret program").click()
    _shoot(page, "new-programme")
    page.get_by_label("Programnavn").fill("Sammenhængende data på ældreområdet")
    page.get_by_label("Kort navn").fill("Ældredata")
    page.get_by_label("Kortadresse").fill("aeldredata")
    page.get_by_label("Start (måned)").fill("2027-01")
    page.get_by_label("Slut (måned)").fill("2028-12")
    page.get_by_role("button", name="Opret program").click()
    page.wait_for_url("**/programmes/aeldredata/setup")
    assert "Programmet er oprettet." in page.content()

    _add_track(page, "Data fra hjemmeplejen", "Fælles datamodel\nDatadeling")
    _add_track(page, "Brug af data", "Ledelsesinformation")
    # Move track 2 up: the inline button carries the CSRF token and the version.
    page.get_by_role("button", name="Flyt op").first.click()
    page.wait_for_url("**/setup#spor")
    assert "Sporet er flyttet." in page.content()
    rows = page.locator("#spor tbody tr")
    assert "Brug af data" in rows.nth(0).inner_text()

    _add_item(page, "Afklaring", "Fase", "2027-01", "2027-06")
    _add_item(page, "Bølge 1", "Bølge", "2026-10", "2027-12")
    assert "uden for programmets periode" in page.content()
    _shoot(page, "page")

    page.get_by_role("link", name="Opret første godkendte budget").click()
    page.get_by_label("Spor 1: Brug af data 2027").fill("1,5")
    page.get_by_label("Spor 2: Data fra hjemmeplejen 2028").fill("-2")
    page.get_by_label("Godkendt (dato)").fill("2026-11-30")
    page.get_by_label("Godkendt af").fill("Programstyregruppen")
    page.get_by_label("Beslutning").fill("Godkendt")
    page.get_by_role("button", name="Registrér budgettet").click()
    assert "Beløbet må ikke være negativt." in page.content()
    _shoot(page, "first-budget-refused")
    page.get_by_label("Spor 2: Data fra hjemmeplejen 2028").fill("2,25")
    page.get_by_label("Spor 2: Data fra hjemmeplejen Varigt").fill("0,3")
    page.get_by_label("Jeg har læst ovenstående").check()
    page.get_by_role("button", name="Registrér budgettet").click()
    page.wait_for_url("**/programmes/aeldredata/budget")
    html = page.content()
    assert "Spor 2: Data fra hjemmeplejen" in html and "2,25" in html
    _shoot(page, "budget")
    page.goto("/")
    assert "Ældredata" in page.content() or "ældreområdet" in page.content()
