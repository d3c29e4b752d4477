"""Calendar feed tokens: the secret a calendar client puts in the feed's address."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.core.models import Timestamped, UTCDateTime
from portfolio.extensions import db


class FeedToken(Timestamped, db.Model):
    """A revocable token that reads one user's calendar feed.

    A calendar client cannot sign in, so the feed's address carries the token. With a
    programme it reads that programme's feed; without one, the owner's personal feed over
    every programme they may see. Either way it reads only what its owner may see, checked
    on every request. Only the SHA-256 of the secret is kept.
    """

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(8), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    programme = relationship("Programme")

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def __repr__(self) -> str:
        return f"<FeedToken {self.id} user={self.user_id} programme={self.programme_id}>"
