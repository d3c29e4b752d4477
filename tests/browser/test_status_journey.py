"""The steering group's status page in a real browser: read it, change a risk, freeze a
report, print it and download its PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
).expect

pytestmark = pytest.mark.browser

STATUS = "/programmes/ddns/status"
REPORT_TITLE = "Programstyregruppemøde 3. december 2026"
LIGHTS = {
    "schedule": "Tidsplan",
    "cost": "Økonomi",
    "risks": "Risici",
    "benefits": "Gevinster",
    "scope": "Omfang og leverancer",
}


def reassess(page, code: str, probability: str, consequence: str, note: str) -> None:
    """Reassess a risk through its form on the risk pages."""
    page.goto(f"/programmes/ddns/risks/{code}")
    page.get_by_role("link", name="Vurdér igen").click()
    page.get_by_label("Sandsynlighed", exact=True).select_option(probability)
    page.get_by_label("Konsekvens", exact=True).select_option(consequence)
    page.get_by_label("Begrundelse").fill(note)
    page.get_by_role("button", name="Gem vurdering").click()
    expect(page.get_by_text("Den nye vurdering er gemt.")).to_be_visible()


def matrix_alt(page) -> str:
    return page.locator("#risici img.chart").get_attribute("alt")


def matrix_picture(page) -> bytes:
    """The risk matrix as the browser draws it (a PNG of the image on the page)."""
    image = page.locator("#risici img.chart")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    return image.screenshot()


def test_status_page_shows_phase_lights_with_reasons(signed_in):
    page = signed_in
    page.goto(STATUS)
    summary = page.locator(".status-summary")
    expect(summary).to_contain_text("Lukning af program")
    for key, label in LIGHTS.items():
        box = page.locator(f"#lys-{key}")
        expect(box.locator(".light-box__head")).to_contain_text(label)
        expect(box.locator(".light")).to_have_text(re.compile("Grøn|Gul|Rød|Ingen vurdering"))
        reason = box.locator(".light-box__reason").first
        expect(reason).to_be_visible()
        assert len(reason.inner_text().strip()) > 10, f"{label} has no reason"
    expect(page.locator("#lys-risks .light-box__reason")).to_contain_text("R2 har score 6.")
    top = page.locator("#risici tbody tr")
    expect(top.first).to_contain_text("Tilgængelighed af nøgleressourcer")
    expect(top.first.locator("td.num")).to_have_text("6")
    expect(page.locator("#okonomi")).to_contain_text("58,1 mio. kr.")
    # The charts load as images (a broken image has no natural width).
    for chart in page.locator("img.chart").all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0


def test_a_decision_put_forward_shows_at_the_top_of_the_status_page(signed_in):
    page = signed_in
    page.goto(STATUS)
    expect(page.locator(".status-summary")).to_contain_text("Til beslutning Intet")
    page.get_by_role("link", name="Beslutninger").click()
    page.get_by_role("link", name="Nyt beslutningspunkt").click()
    page.get_by_label("Beslutningspunkt").fill("Godkendelse af afslutningsrapport")
    page.get_by_label("Til møde (dato)").fill("2026-12-03")
    page.get_by_label("Baggrund og indstilling").fill("Indstilling: godkendes.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Beslutningspunktet er oprettet.")).to_be_visible()
    page.goto(STATUS)
    summary = page.locator(".status-summary")
    expect(summary).to_contain_text("Godkendelse af afslutningsrapport (3. december 2026)")
    summary.get_by_role("link", name="Godkendelse af afslutningsrapport").click()
    expect(page.locator("#beslutninger")).to_be_in_viewport()
    expect(page.locator("#beslutninger")).to_contain_text("Indstilling: godkendes.")


def test_reassessing_a_risk_moves_it_in_the_matrix(signed_in):
    page = signed_in
    page.goto(STATUS)
    before = matrix_alt(page)
    assert "medium sandsynlighed, stor konsekvens (score 6): R2" in before
    picture_before = matrix_picture(page)
    reassess(page, "R2", "high", "high", "Nøglepersoner er sagt op.")
    page.goto(STATUS)
    assert matrix_picture(page) != picture_before  # the drawn matrix changed, too
    after = matrix_alt(page)
    assert "stor sandsynlighed, stor konsekvens (score 9): R2" in after
    assert "(score 6): R2" not in after
    expect(page.locator("#lys-risks .light")).to_have_text(re.compile("Rød"))
    expect(page.locator("#lys-risks .light-box__reason")).to_have_text(
        "R2 har stor sandsynlighed og stor konsekvens."
    )


def test_status_report_keeps_its_values_when_data_change(signed_in):
    page = signed_in
    reassess(page, "R2", "high", "high", "Nøglepersoner er sagt op.")
    page.goto(STATUS)
    page.get_by_role("link", name="Statusrapporter").click()
    page.get_by_label("Titel").fill(REPORT_TITLE)
    page.get_by_label("Mødedato").fill("2026-12-03")
    page.get_by_role("button", name="Opret og frys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REPORT_TITLE)
    report_url = page.url
    frozen_alt = matrix_alt(page)
    assert "(score 9): R2" in frozen_alt

    reassess(page, "R2", "low", "low", "Ressourcerne er sikret.")
    page.goto(STATUS)
    assert "(score 1): R2" in matrix_alt(page)  # the live page moved on

    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(REPORT_TITLE)
    assert matrix_alt(page) == frozen_alt
    expect(page.locator("#lys-risks .light")).to_have_text(re.compile("Rød"))
    row = page.locator("#risici tbody tr", has_text="R2")
    expect(row.locator("td.num")).to_have_text("9")


def test_print_view_hides_navigation_and_forms(signed_in):
    page = signed_in
    page.goto(STATUS)
    expect(page.locator(".site-header")).to_be_visible()
    page.get_by_role("link", name="Udskriftsvisning").click()
    page.wait_for_url(re.compile(r"print=1"))
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".no-print", ".breadcrumbs", ".tabs"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_text("Overstyr et lys eller vurdér gevinsterne")).to_be_hidden()
    expect(page.locator(".status-summary")).to_contain_text("Lukning af program")
    for key in LIGHTS:
        expect(page.locator(f"#lys-{key} .light-box__reason").first).to_be_visible()
    expect(page.locator("#beslutninger h2")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 6, f"the status page prints on {pages} A4 pages"


def test_report_pdf_downloads_with_its_content(signed_in, tmp_path):
    page = signed_in
    page.goto("/programmes/ddns/reports/")
    page.get_by_label("Titel").fill(REPORT_TITLE)
    page.get_by_label("Mødedato").fill("2026-12-03")
    page.get_by_role("button", name="Opret og frys").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent PDF").click()
    download = download_info.value
    assert download.suggested_filename == "ddns-statusrapport-2026-12-03.pdf"
    path = tmp_path / "report.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; the PDF's text is not checked")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())  # lines wrap where the page is narrow
    assert REPORT_TITLE in text
    assert "Lukning af program" in text
    assert "R2 har score 6." in text
