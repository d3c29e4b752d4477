"""Mail waiting to be sent, and the one-time links that mail carries."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.core.models import Timestamped, UTCDateTime, enum_column
from portfolio.extensions import db


class OutboxStatus(enum.Enum):
    """Where a message is on its way out."""

    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a run that is handing it to the SMTP server
    SENT = "sent"
    FAILED = "failed"  # given up after the last attempt
    UNCERTAIN = "uncertain"  # a run died mid-hand-over: not resent without a person


class OutboxMessage(Timestamped, db.Model):
    """One e-mail to one recipient, sent by the scheduled job (never inside a request).

    `dedupe_key` is unique: the same reminder is queued at most once, however often the
    job looks for it. Bookkeeping, not anybody's change: no audit rows.
    """

    __tablename__ = "outbox_messages"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(300))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status.value}>"


class LinkPurpose(enum.Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


class OneTimeLink(db.Model):
    """A link that sets a password once: an invitation or a password reset.

    Only the SHA-256 of the secret is kept. It works once and until it expires.
    """

    __tablename__ = "one_time_links"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "link_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class MailPreference(db.Model):
    """A kind of mail a user has turned off (every kind is on until they do)."""

    __tablename__ = "mail_preferences"
    __audit__ = False
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
