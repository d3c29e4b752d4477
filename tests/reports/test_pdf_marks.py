"""A draft report's PDF says KLADDE on every page; every PDF numbers its pages "Side 1 af N"."""

import shutil
import subprocess

import pytest

from portfolio.extensions import db
from portfolio.reports import services
from portfolio.reports.models import StatusReport
from portfolio.reports.pdf import PAGE, PAGES, css_string, page_css, pdf_available
from tests.reports.test_reports import _create

needs_pdf = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None,
    reason="needs WeasyPrint with Pango, and pdftotext (Debian: poppler-utils)",
)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _pages(client, tmp_path, report_id) -> list[str]:
    response = client.get(f"/programmes/ddns/reports/{report_id}.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


@needs_pdf
def test_draft_pdf_is_marked_and_numbered(client, login_as, tmp_path):
    login_as("secretariat")
    report_id = _create(client)
    pages = _pages(client, tmp_path, report_id)
    count = len(pages)
    assert 2 <= count <= 6  # sections follow on where they fit, not one page each
    for number, page in enumerate(pages, start=1):
        assert "KLADDE – ikke godkendt" in page, number
        assert f"Side {number} af {count}" in page


@needs_pdf
def test_approved_pdf_has_page_numbers_and_no_draft_mark(client, login_as, users, tmp_path):
    login_as("secretariat")
    report_id = _create(client)
    services.approve_report(users.make("secretariat"), db.session.get(StatusReport, report_id))
    db.session.commit()
    pages = _pages(client, tmp_path, report_id)
    text = "\n".join(pages)
    assert "KLADDE" not in text and "Kladde" not in text
    assert f"Side 1 af {len(pages)}" in text and f"Side {len(pages)} af {len(pages)}" in text


@needs_pdf
def test_english_pdf_says_draft_and_page(client, login_as, tmp_path):
    login_as("secretariat")
    report_id = _create(client)
    client.post("/language", data={"lang": "en", "next": "/"})
    pages = _pages(client, tmp_path, report_id)
    assert "DRAFT – not approved" in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_page_counters_and_hostile_text_in_the_paper_css():
    css = page_css(page_of=f"Page {PAGE} of {PAGES}", draft_mark='KLADDE"}body{x')
    assert '"Page " counter(page) " of " counter(pages)' in css
    assert '"}body{x' not in css  # a quote in a translation cannot end the CSS string
    assert css_string('a"b') == '"a\\000022b"'
