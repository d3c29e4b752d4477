"""Status reports as PDF, with WeasyPrint.

WeasyPrint renders the same HTML and print style sheet as the browser's print view,
supports CSS paged media (A4, margins, page numbers) and draws SVG charts as vectors,
with no browser process on the server. It needs the Pango text library from the
operating system (Debian: libpango-1.0-0, present with most desktop or browser
packages); without it the PDF download answers 503 and says so.
"""

from __future__ import annotations

import functools


class PdfUnavailable(Exception):
    """WeasyPrint (or the Pango library under it) is not installed here."""


@functools.cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: the system library is missing
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def pdf_available() -> bool:
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
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AppFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            data, mime = fetch(url)
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=AppFetcher()).write_pdf()
