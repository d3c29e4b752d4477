"""Reading what the documents need, and writing them out as Word or PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import defer

from portfolio.audit.versions import check_version
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import LASTING
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.i18n import locale_code
from portfolio.core.locking import delete_once, next_number
from portfolio.core.text import has_visible_text
from portfolio.documents import builders
from portfolio.documents.model import Document
from portfolio.documents.models import IssuedDocument, Lesson
from portfolio.documents.word import write_docx
from portfolio.extensions import db
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.programmes.models import Revision
from portfolio.reports import services as report_services
from portfolio.reports.models import StatusReport
from portfolio.reports.pdf import PAGE, PAGES, PdfUnavailable, html_to_pdf, page_css
from portfolio.status import services as status_services
from portfolio.status.snapshot import build_snapshot
from portfolio.workshops import services as workshop_services
from portfolio.workshops.models import WorkshopStatus

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


def gather(programme, today: dt.date, report: StatusReport | None = None) -> builders.Inputs:
    """Read what the builders need: the status snapshot (a report's own, frozen with it,
    when the document belongs to a meeting), the benefits, the budget rows, the lessons
    learned and the workshops held since the previous meeting."""
    if report is not None:
        snapshot = report.snapshot
    else:
        snapshot = build_snapshot(status_services.load_status_data(programme), today)
    benefits = benefit_services.list_benefits_with_indicators(programme.id)
    by_benefit: dict[int | None, list] = {b.id: [] for b in benefits}
    if by_benefit:
        condition = Indicator.benefit_id.in_(list(by_benefit))
        for reading in indicator_services.readings_where(condition):
            by_benefit[reading.indicator.benefit_id].append(reading)
    profiles = [indicator_services.benefit_snapshot(b, by_benefit[b.id]) for b in benefits]
    previous = _previous_meeting(programme, report)
    return builders.Inputs(
        programme=programme,
        snapshot=snapshot,
        benefits=profiles,
        budget_rows=_budget_rows(programme, today),
        today=today,
        language=locale_code(),
        lessons=list_lessons(programme),
        report=report,
        previous_meeting=previous,
        workshops=_workshops_between(programme, previous, report.meeting_on if report else today),
    )


def _previous_meeting(programme, report: StatusReport | None) -> dt.date | None:
    if report is None:
        return None
    earlier = [
        r.meeting_on
        for r in report_services.list_reports(programme)
        if r.meeting_on < report.meeting_on
    ]
    return max(earlier, default=None)


def _workshops_between(programme, after: dt.date | None, until: dt.date) -> list:
    """The workshops held after the previous meeting, up to and including this one's day."""
    return [
        w
        for w in workshop_services.list_workshops(programme.id)
        if w.status is not WorkshopStatus.PLANNED
        and w.held_on <= until
        and (after is None or w.held_on > after)
    ]


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


def build(programme, kind: str, today: dt.date, report: StatusReport | None = None) -> Document:
    """Build a document; the steering group's pack needs the meeting's status report."""
    check_kind(kind)
    if kind in builders.NEEDS_REPORT and report is None:
        reports = report_services.list_reports(programme)
        if not reports:
            raise RuleViolation(
                _("Styregruppepakken hører til et møde: opret først mødets statusrapport.")
            )
        report = max(reports, key=lambda r: (r.meeting_on, r.id))
    return builders.build(kind, gather(programme, today, report))


# --- issuing ------------------------------------------------------------------------------


def list_issued(programme) -> list[IssuedDocument]:
    """The programme's issued documents, newest first (their files are not loaded)."""
    return list(
        db.session.scalars(
            sa.select(IssuedDocument)
            .where(IssuedDocument.programme_id == programme.id)
            .options(defer(IssuedDocument.docx), defer(IssuedDocument.pdf))
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        )
    )


def get_issued(programme, issued_id: int) -> IssuedDocument:
    issued = db.session.get(IssuedDocument, issued_id)
    if issued is None or issued.programme_id != programme.id:
        raise NotFound(_("Dokumentet findes ikke."))
    return issued


def issue(
    actor: User,
    programme,
    kind: str,
    *,
    today: dt.date,
    report: StatusReport | None = None,
    version_label: str | None = None,
    note: str = "",
) -> IssuedDocument:
    """Freeze a document as issued now: its Word file and its PDF, kept byte for byte.

    A programme basis is issued as a new version of the basis: `version_label` ("1.1") is
    required, must be new, and becomes the basis' document version with a revision row
    (`note` its description) before the document is built, so the issued basis carries its
    own revision history.
    """
    require(actor, Action.ISSUE_DOCUMENTS, programme)
    check_kind(kind)
    if report is not None and report.programme_id != programme.id:
        raise NotFound(_("Statusrapporten findes ikke."))
    number = next_number(programme, lambda: _highest_number(programme, kind))
    if kind == "programgrundlag":
        version_label = _new_basis_version(programme, version_label, note, today)
    document = build(programme, kind, today, report)
    docx = write_docx(document)
    try:
        pdf: bytes | None = write_pdf(document)
    except PdfUnavailable:
        pdf = None  # the Word file is the document; a PDF can be made where Pango is
    issued = IssuedDocument(
        programme_id=programme.id,
        kind=kind,
        number=number,
        version_label=version_label or str(number),
        title=document.title,
        note=note,
        report_id=report.id if report is not None else None,
        issued_by=actor.email,
        docx=docx,
        docx_sha256=hashlib.sha256(docx).hexdigest(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf is not None else None,
    )
    db.session.add(issued)
    db.session.flush()
    return issued


def _highest_number(programme, kind: str) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(IssuedDocument.number)).where(
            IssuedDocument.programme_id == programme.id, IssuedDocument.kind == kind
        )
    )


VERSION_LABEL = re.compile(r"\d{1,3}(\.\d{1,3}){0,2}")


def _new_basis_version(programme, label: str | None, note: str, today: dt.date) -> str:
    label = (label or "").strip()
    if not VERSION_LABEL.fullmatch(label):
        raise RuleViolation(
            _("Angiv programgrundlagets nye version som tal, fx 1.1."),
            errors={"version_label": [_("Skriv versionen som 1.1 eller 2.0.")]},
        )
    known = {r.version for r in programme.revisions} | {a.version for a in programme.approvals}
    if label in known or label == programme.document_version:
        raise RuleViolation(
            _("Programgrundlaget har allerede en version %(label)s.", label=label),
            errors={"version_label": [_("Vælg en ny version.")]},
        )
    if not note.strip():
        raise RuleViolation(
            _("Beskriv, hvad der er ændret i den nye version."),
            errors={"note": [_("Skriv en kort beskrivelse af ændringerne.")]},
        )
    programme.revisions.append(Revision(version=label, revised_on=today, description=note))
    programme.document_version = label
    db.session.flush()
    return label


def issued_file(issued: IssuedDocument, file_format: str) -> WrittenDocument:
    """The file as it was issued, byte for byte."""
    if file_format not in FORMATS:
        raise NotFound(_("Formatet findes ikke."))
    content = issued.docx if file_format == "docx" else issued.pdf
    if content is None:
        raise NotFound(_("Dokumentet blev udstedt uden PDF; hent det som Word."))
    stem = f"{issued.programme.slug}-{issued.kind}-v{issued.version_label}"
    return WrittenDocument(content, FORMATS[file_format], f"{stem}.{file_format}")


# --- lessons learned ----------------------------------------------------------------------

LESSON_FIELDS = ("title", "text", "recommendation")


def list_lessons(programme) -> list[Lesson]:
    return list(
        db.session.scalars(
            sa.select(Lesson).where(Lesson.programme_id == programme.id).order_by(Lesson.position)
        )
    )


def get_lesson(programme, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.programme_id != programme.id:
        raise NotFound(_("Erfaringen findes ikke."))
    return lesson


def _check_lesson(values: dict) -> None:
    if not has_visible_text(values.get("title")):
        raise RuleViolation(
            _("Giv erfaringen en overskrift."), errors={"title": [_("Skriv en overskrift.")]}
        )


def create_lesson(actor: User, programme, values: dict) -> Lesson:
    require(actor, Action.EDIT_PROGRAMME, programme)
    _check_lesson(values)
    position = next_number(programme, lambda: _highest_lesson(programme))
    lesson = Lesson(
        programme_id=programme.id,
        position=position,
        **{k: values.get(k) or "" for k in LESSON_FIELDS},
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


def _highest_lesson(programme) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(Lesson.position)).where(Lesson.programme_id == programme.id)
    )


def update_lesson(actor: User, lesson: Lesson, values: dict, expected_version: int | None) -> None:
    require(actor, Action.EDIT_PROGRAMME, lesson)
    _check_lesson(values)
    check_version(lesson, expected_version)
    for key in LESSON_FIELDS:
        setattr(lesson, key, values.get(key) or "")
    db.session.flush()


def delete_lesson(actor: User, lesson: Lesson) -> None:
    require(actor, Action.EDIT_PROGRAMME, lesson)
    delete_once(lesson)


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
