"""An administrator imports a programme file in a real browser: preview, then confirm."""

from __future__ import annotations

import os

import pytest
import yaml

from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from portfolio.seed.programme_file import export_programme
from tests.conftest import PASSWORD, Users

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("STYRBORD_SHOTS")


@pytest.mark.parametrize("width", [1366, 390])
def test_upload_preview_and_confirm(page, live_server, tmp_path, width):
    with live_server.app.app_context():
        Users().make("admin")
        data = yaml.safe_load(export_programme(get_programme("ddns")))
        db.session.remove()
    data["programmes"][0].update(slug="tredje", name="Et tredje program", short_name="Tredje")
    path = tmp_path / "tredje.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/login")
    page.get_by_label("E-mail").fill("admin@example.dk")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/admin/programme-file")
    page.get_by_label("Programfil (.yaml)").set_input_files(str(path))
    page.get_by_role("button", name="Vis, hvad filen vil gøre").click()
    expect(page.get_by_role("heading", name="Det vil filen gøre")).to_be_visible()
    expect(page.get_by_text("Programmer i filen: tredje.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"progfile-preview-{width}.png"), full_page=True)
    page.get_by_role("button", name="Indlæs filen").click()
    page.wait_for_url("**/programmes/tredje")
    expect(page.get_by_text("Programfilen er indlæst: tredje.")).to_be_visible()
    expect(page.get_by_role("heading", name="Et tredje program").first).to_be_visible()
