"""Reading what the documents need, and writing them out as Word or PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _

from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import LASTING
from portfolio.core.errors import NotFound
from portfolio.core.i18n import locale_code
from portfolio.documents import builders
from portfolio.documents.model import Document
from portfolio.documents.word import write_docx
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.reports.pdf import PAGE, PAGES, html_to_pdf, page_css
from portfolio.status import services as status_services
from portfolio.status.snapshot import build_snapshot

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class WrittenDocument:
    content: bytes
    mimetype: str
    filename: str


def check_kind(kind: str) -> str:
    if kind not in builders.KINDS:
        raise NotFound(_unknown_kind())
    return kind


def _unknown_kind() -> str:
    return _("Dokumenttypen findes ikke.")


def gather(programme, today: dt.date) -> builders.Inputs:
    """Read the programme's status snapshot, benefits and budget rows for the builders."""
    snapshot = build_snapshot(status_services.load_status_data(programme), today)
    benefits = benefit_services.list_benefits_with_indicators(programme.id)
    by_benefit: dict[int | None, list] = {b.id: [] for b in benefits}
    if by_benefit:
        condition = Indicator.benefit_id.in_(list(by_benefit))
        for reading in indicator_services.readings_where(condition):
            by_benefit[reading.indicator.benefit_id].append(reading)
    profiles = [indicator_services.benefit_snapshot(b, by_benefit[b.id]) for b in benefits]
    return builders.Inputs(
        programme=programme,
        snapshot=snapshot,
        benefits=profiles,
        budget_rows=_budget_rows(programme, today),
        today=today,
        language=locale_code(),
    )


def _budget_rows(programme, today: dt.date) -> list[dict]:
    overview = budget_services.budget_overview(programme, today=today)
    if overview is None:
        return []
    rows = []
    for figures in overview.rows:
        printed = overview.printed_row_total(figures.row.id)
        computed = figures.year_total("baseline", overview.years)
        rows.append(
            {
                "label": figures.row.label,
                "amounts": {y: figures.baseline.get(y) for y in overview.years},
                # The approved document's own total where it prints one, as the budget page.
                "total": printed if printed is not None else computed,
                "lasting": figures.baseline.get(LASTING),
            }
        )
    return rows


def build(programme, kind: str, today: dt.date) -> Document:
    return builders.build(check_kind(kind), gather(programme, today))


def write(document: Document, file_format: str) -> WrittenDocument:
    content = write_docx(document) if file_format == "docx" else write_pdf(document)
    return WrittenDocument(content, FORMATS[file_format], f"{document.file_stem}.{file_format}")


def write_pdf(document: Document) -> bytes:
    """The same parts through the status reports' print path (tagged PDF/UA, A4)."""
    html = render_template("documents/document.html", document=document)
    css = page_css(page_of=_("Side %(page)s af %(pages)s", page=PAGE, pages=PAGES), draft_mark=None)
    return html_to_pdf(html, "http://styrbord.invalid/", _fetch_nothing, css=css)


def _fetch_nothing(url: str) -> tuple[bytes, str]:
    # The document's HTML carries its style inline and links nothing.
    return b"", "text/plain"  # nothing is fetched, least of all the network
