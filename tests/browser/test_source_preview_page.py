"""The "Forhåndsvis" button in a real browser (CSRF on), at 1366 and 390 px."""

import os

import pytest

from portfolio.extensions import db
from tests.conftest import PASSWORD, Users

SAMPLES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "samples")
PLEJEHJEM = os.path.abspath(
    os.path.join(SAMPLES, "ssi_dk_plejehjem_ugeoversigt_year_week_split.csv")
)


@pytest.fixture(autouse=True)
def _file_roots(monkeypatch):
    monkeypatch.setenv("METRICS_FILE_ROOTS", os.path.abspath(SAMPLES))


@pytest.mark.parametrize("width", [1366, 390])
def test_preview_shows_the_rules_on_the_form_and_saves_nothing(page, live_server, width, tmp_path):
    with live_server.app.app_context():
        Users().make("admin")
        db.session.remove()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/login")
    page.get_by_label("E-mail").fill("admin@example.dk")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/metrics/sources/new?type=file")
    page.get_by_label("Nøgle").fill("plejehjem")
    page.get_by_label("Navn", exact=True).fill("Plejehjem, ugeoversigt")
    page.get_by_label("Adresse (URL eller sti)").fill(PLEJEHJEM)
    page.locator("#opt-period_columns").fill("År, Uge")
    page.locator("#opt-value_column").fill("Antal tests blandt beboere")
    page.locator("#opt-dimension_columns").fill("[]")
    page.locator("#opt-thousands_separator").select_option(".")
    page.get_by_role("button", name="Forhåndsvis").click()
    preview = page.locator("#forhaandsvisning")
    preview.wait_for()
    assert "152 observationer" in preview.inner_text()
    assert "(række 154)" in preview.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"preview-{width}.png"), full_page=True)
    # Nothing was saved; Save then stores the source with the same settings.
    assert "/metrics/sources/new" in page.url
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(lambda url: "/new" not in url)
    assert "Kilden er oprettet." in page.content()
