"""Documents as issued (frozen, downloadable later exactly as they were), and the lessons
learned a secretariat writes for the programme evaluation."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portfolio.core.models import Timestamped, UTCDateTime, Versioned, utcnow
from portfolio.extensions import db

FROZEN = ("kind", "number", "docx", "pdf", "docx_sha256", "pdf_sha256", "issued_at")


class IssuedDocument(db.Model):
    """A document as it was issued: its Word file and (where PDFs can be made) its PDF.

    Like a frozen status report, nothing that happens later changes it: the files are kept
    byte for byte and refused any change once written.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (sa.UniqueConstraint("programme_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    # 1, 2, 3 … per programme and kind.
    number: Mapped[int]
    # What the document calls its version: "3", or the programme basis's "1.1".
    version_label: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The status report (and so the meeting) the document was issued with, if any.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_reports.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(sa.String(254))
    docx: Mapped[bytes] = mapped_column(sa.LargeBinary)
    docx_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    programme = relationship("Programme")
    report = relationship("StatusReport")

    @validates(*FROZEN)
    def _freeze(self, key, value):
        if getattr(self, key) is not None:
            raise ValueError(f"an issued document's {key} cannot be changed")
        return value

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.kind} {self.version_label}>"


class Lesson(Versioned, Timestamped, db.Model):
    """A lesson learned, written by the secretariat for the programme evaluation report."""

    __tablename__ = "lessons"
    __table_args__ = (sa.UniqueConstraint("programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # What the next programme should do differently (or keep doing).
    recommendation: Mapped[str] = mapped_column(sa.Text, default="")

    programme = relationship("Programme")

    def __repr__(self) -> str:
        return f"<Lesson {self.position} {self.title!r}>"
