"""The status report's PDF is tagged (PDF/UA-1), so a screen reader can read it."""

import re
import zlib

import pytest

from portfolio.extensions import db
from portfolio.reports.models import StatusReport
from portfolio.reports.pdf import pdf_available


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's objects as bytes, compressed streams (object streams too) inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue  # an image or a font
    return b"\n".join(parts)


def test_approved_report_pdf_is_tagged_for_screen_readers(client, login_as):
    if not pdf_available():
        pytest.skip("WeasyPrint cannot load the Pango library here; PDF answers 503 instead")
    login_as("secretariat")
    created = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 3. december 2026", "meeting_on": "2026-12-03"},
    )
    report_id = int(created.headers["Location"].rsplit("/", 1)[1])
    report = db.session.get(StatusReport, report_id)
    approved = client.post(
        f"/programmes/ddns/reports/{report_id}/approve",
        data={"version": report.version, "confirmed": "y"},
    )
    assert approved.status_code == 302
    response = client.get(f"/programmes/ddns/reports/{report_id}.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", text), "not marked as tagged"
    assert b"/StructTreeRoot" in text
    # Headings, tables and the charts (with their alt text) are in the structure tree.
    for tag in (rb"/S\s*/H1", rb"/S\s*/Table", rb"/S\s*/Figure"):
        assert re.search(tag, text), tag.decode()
    # Each chart carries its alt text (a literal string, or UTF-16 hex when it has æ, ø, å).
    figures = len(re.findall(rb"/S\s*/Figure", text))
    assert len(re.findall(rb"/Alt\s*[(<]", text)) == figures, "a chart without its alt text"
    assert re.search(rb"/Lang\s*\(da", text)
    assert b"pdfuaid:part" in text  # it says which standard it follows
