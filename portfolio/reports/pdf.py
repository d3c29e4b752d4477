"""Status reports as PDF, with WeasyPrint.

WeasyPrint renders the same HTML and print style sheet as the browser's print view,
supports CSS paged media (A4, margins, page numbers) and draws SVG charts as vectors,
with no browser process on the server. It needs the Pango text library from the
operating system (Debian: libpango-1.0-0 and libpangoft2-1.0-0, present with most desktop
or browser packages); without it the PDF download answers 503 and says so. HarfBuzz's
subsetting library (Debian: libharfbuzz-subset0) is optional: without it WeasyPrint embeds
whole fonts instead of the glyphs used, and warns when it is imported.
"""

from __future__ import annotations

import functools
import importlib
import logging
import warnings
from types import ModuleType

log = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library under it) is not installed here."""


def _import_weasyprint() -> ModuleType:
    return importlib.import_module("weasyprint")


@functools.cache
def _weasyprint() -> ModuleType:
    """Import WeasyPrint once, turning what its import says into a log line or PdfUnavailable.

    WeasyPrint loads its system libraries when it is imported and warns there about the
    optional ones (a DeprecationWarning when libharfbuzz-subset0 is missing). That is news for
    the operator, not a failure of the request that happened to load it first, so the
    warnings of this one import are logged instead of raised, whatever the warning filters
    say (the test suite makes every warning an error).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            module = _import_weasyprint()
        except (ImportError, OSError) as error:  # OSError: a system library is missing
            raise PdfUnavailable(str(error)) from error
    for warning in caught:
        log.warning("WeasyPrint: %s", warning.message)
    return module


def pdf_available() -> bool:
    """Tell whether PDFs can be made here."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def html_to_pdf(html: str, base_url: str, fetch) -> bytes:
    """Render HTML to PDF; `fetch(url)` supplies (bytes, mime type) for every linked file.

    Nothing is fetched from the network or the file system behind the app's back: the
    fetcher answers from `fetch` only, so a report cannot pull in outside content.
    """
    weasyprint = _weasyprint()
    urls = weasyprint.urls

    class AppFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            data, mime = fetch(url)
            return urls.URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=AppFetcher())
    # PDF/UA-1: tagged (headings, tables, figures with their alt text, in reading order),
    # with the page's language and title, so a screen reader can read the report.
    return document.write_pdf(pdf_variant="pdf/ua-1")
