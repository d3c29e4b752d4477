"""Rendered charts kept by the hash of their input, shared by every worker process."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.core.models import UTCDateTime, utcnow
from portfolio.extensions import db


class ChartCache(db.Model):
    """One rendered chart. The key is a digest of kind, locale, input and builder version,
    so a row is never updated: changed data gives a new key, and old rows are pruned."""

    __tablename__ = "chart_cache"
    # A cache row is derived data, not a change anyone made: the audit trail skips it.
    __audit__ = False

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    svg: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<ChartCache {self.kind} {self.key[:12]}>"
