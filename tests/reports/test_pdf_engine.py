"""The report PDF in each state of the PDF engine's system libraries.

The states are simulated at the one place WeasyPrint is imported, so these tests say the
same on every machine: Pango missing (the import fails), HarfBuzz-subset missing (the
import warns), and everything present (the real engine, in tests/reports/test_reports.py).
"""

from __future__ import annotations

import logging
import types
import warnings

import pytest

from portfolio.reports import pdf
from tests.reports.test_reports import _create


@pytest.fixture
def engine(monkeypatch):
    """Let a test choose what importing WeasyPrint does; forget the choice afterwards."""
    pdf._weasyprint.cache_clear()

    def use(importer):
        monkeypatch.setattr(pdf, "_import_weasyprint", importer)

    yield use
    pdf._weasyprint.cache_clear()


def _fake_weasyprint(body: bytes) -> types.SimpleNamespace:
    """A stand-in exposing the names html_to_pdf uses, returning `body` as the PDF."""

    class HTML:
        def __init__(self, string, base_url, url_fetcher):
            self.string = string

        def write_pdf(self, **options):
            return body

    class CSS:
        def __init__(self, string, url_fetcher):
            self.string = string

    class URLFetcher:
        pass

    urls = types.SimpleNamespace(URLFetcher=URLFetcher, URLFetcherResponse=object)
    return types.SimpleNamespace(HTML=HTML, CSS=CSS, urls=urls)


def test_without_pango_the_pdf_answers_503_in_danish(client, login_as, engine):
    def missing_pango():
        raise OSError("cannot load library 'libpango-1.0-0': not found")

    engine(missing_pango)
    login_as("secretariat")
    report_id = _create(client)
    response = client.get(f"/programmes/ddns/reports/{report_id}.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "PDF kan ikke dannes her" in page and "Gem som PDF" in page
    assert "libpango" not in page  # the library's own message is for the log, not the user
    # The rest of the report still works, print view included.
    assert client.get(f"/programmes/ddns/reports/{report_id}?print=1").status_code == 200
    assert not pdf.pdf_available()


def test_a_warning_from_the_import_is_logged_not_raised(client, login_as, engine, caplog):
    def warns_like_weasyprint_without_harfbuzz_subset():
        warnings.warn(
            "HarfBuzz-Subset will be required by future versions of WeasyPrint.",
            DeprecationWarning,
            stacklevel=2,
        )
        return _fake_weasyprint(b"%PDF-1.7 simulated")

    engine(warns_like_weasyprint_without_harfbuzz_subset)
    login_as("secretariat")
    report_id = _create(client)
    with caplog.at_level(logging.WARNING, logger="portfolio.reports.pdf"):
        response = client.get(f"/programmes/ddns/reports/{report_id}.pdf")
    # The suite turns every warning into an error; the PDF is made all the same.
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 simulated"
    assert any("HarfBuzz-Subset" in record.getMessage() for record in caplog.records)
    # Imported once: a second download does not import (or warn) again.
    caplog.clear()
    assert client.get(f"/programmes/ddns/reports/{report_id}.pdf").status_code == 200
    assert not [r for r in caplog.records if r.name == "portfolio.reports.pdf"]


def test_an_import_error_of_the_package_itself_is_unavailable_too(engine):
    def not_installed():
        raise ImportError("No module named 'weasyprint'")

    engine(not_installed)
    assert not pdf.pdf_available()
    with pytest.raises(pdf.PdfUnavailable):
        pdf.html_to_pdf("<p>x</p>", "http://localhost/", lambda url: (b"", "text/plain"))
