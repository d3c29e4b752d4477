"""A saved figure reaches the picture at once in a real browser: the budget chart the
browser kept before the save is not the one it shows after it."""

from __future__ import annotations

import pytest

from portfolio.budgets import services
from portfolio.extensions import db
from portfolio.programmes.services import get_programme

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

pytestmark = pytest.mark.browser

BUDGET = "/programmes/ddns/budget"
CHART = 'img[src*="/charts/budget-years.svg"]'

# What the picture the browser shows says: its SVG's <desc>, fetched as the page's <img>
# would be (from the browser's HTTP cache where it may).
DESC = """async (img) => {
  const svg = await (await fetch(img.currentSrc, {cache: "force-cache"})).text();
  const desc = new DOMParser().parseFromString(svg, "image/svg+xml").querySelector("desc");
  return [img.currentSrc, img.alt, desc.textContent, img.naturalWidth];
}"""


def test_saved_actuals_show_in_the_budget_chart_at_once(signed_in, live_server):
    page = signed_in
    with live_server.app.app_context():
        row = services.budget_rows(get_programme("ddns").id)[0].id
        db.session.remove()
    page.goto(BUDGET)
    before_src, before_alt, before_desc, width = page.locator(CHART).evaluate(DESC)
    assert width > 0 and before_desc == before_alt
    assert "7,4" not in before_alt

    page.goto(f"{BUDGET}/actual/edit")
    page.fill(f'input[name="cell-{row}-2024"]', "7,4")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"**{BUDGET}")

    after_src, after_alt, after_desc, width = page.locator(CHART).evaluate(DESC)
    assert after_src != before_src
    assert width > 0
    assert "7,4" in after_alt
    assert after_desc == after_alt  # the picture and its text agree
