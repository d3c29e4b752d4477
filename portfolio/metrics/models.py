"""Metric sources, the metrics read from them, and the observations kept as a time series.

A source is one place on a data platform (a StatBank table, a JSON-stat file, an SQL
warehouse) read by one adapter. A metric is one series selected from a source by fixing
every dimension but time. Each refresh stores what it read as observations; a value that
changes becomes a new revision of its period, and the earlier revision is kept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.core.credentials import mask_url_secrets
from portfolio.core.models import DecimalText, Timestamped, UTCDateTime, Versioned, utcnow
from portfolio.extensions import db
from portfolio.metrics.observations import ObservationStatus

# Small counts are shown as "<5" unless a source or an indicator says otherwise.
DEFAULT_DISCLOSURE_THRESHOLD = 5
# A source is paused after this many failed refreshes in a row.
PAUSE_AFTER_FAILURES = 5
# The key in `secret_config` that holds a location carrying a password or an API key; the
# `location` column then holds the same URL with those masked (`core.credentials`).
LOCATION_SECRET = "location"  # noqa: S105 - a key name, not a secret


class MetricSource(Versioned, Timestamped, db.Model):
    """A configured connection to one statistic or table on a data platform."""

    __tablename__ = "metric_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(40))  # an adapter's name in the registry
    # The URL or file path the adapter reads (its `location_field`), with any password or
    # API key in it masked; the real URL is then `secret_config["location"]`.
    location: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The adapter's other settings, shown in the UI.
    config: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Passwords and tokens: written, never shown back, redacted in the audit trail.
    secret_config: Mapped[dict | None] = mapped_column(sa.JSON)
    timeout_seconds: Mapped[int] = mapped_column(default=30)
    disclosure_threshold: Mapped[int] = mapped_column(default=DEFAULT_DISCLOSURE_THRESHOLD)
    # Demo sources feed the embedded demo data platform; their figures are labelled so.
    is_demo: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Refresh bookkeeping, kept up to date by the refresh job.
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_revision: Mapped[str | None] = mapped_column(sa.String(200))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    failure_count: Mapped[int] = mapped_column(default=0)
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    metrics: Mapped[list[Metric]] = relationship(back_populates="source", order_by="Metric.key")

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def shown_location(self) -> str:
        """The location as pages, forms and the CLI show it: passwords and keys masked.

        Masking here as well covers sources saved before URLs' secrets were split off.
        """
        return mask_url_secrets(self.location) or ""

    @property
    def location_summary(self) -> str:
        """Where the source reads, in words, for lists: no user, password, path or query.

        "Database (postgresql) på db.example.dk", "SQLite-fil demo-register.sqlite",
        "api.statbank.dk", "Fil dataudtraek.json". The whole (masked) address is on the
        source's own page, for those who manage it.
        """
        location = (self.location or "").strip()
        if not location:
            return ""
        if "://" not in location:
            return str(_("Fil %(name)s", name=PurePath(location).name or location))
        parts = urlsplit(location)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        if scheme in ("http", "https"):
            return host or scheme
        if scheme.startswith("sqlite"):
            return str(_("SQLite-fil %(name)s", name=PurePath(parts.path).name or "–"))
        dialect = scheme.split("+", 1)[0]
        if host:
            return str(_("Database (%(kind)s) på %(host)s", kind=dialect, host=host))
        return str(_("Database (%(kind)s)", kind=dialect))

    def fetch_settings(self) -> tuple[str | None, dict]:
        """Return (location, options) as the adapter reads them: secrets put back in."""
        secrets = dict(self.secret_config or {})
        location = secrets.pop(LOCATION_SECRET, None) or self.location or None
        return location, {**(self.config or {}), **secrets}

    def __repr__(self) -> str:
        return f"<MetricSource {self.key} ({self.type})>"


class Metric(Versioned, Timestamped, db.Model):
    """One time series read from a source: every dimension but time fixed by `filters`."""

    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("metric_sources.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    # {dimension code: category code}; observations whose dimensions match are this metric.
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    unit: Mapped[str] = mapped_column(sa.String(60), default="")
    # Counts of people or units are subject to disclosure control; rates and shares are not
    # unless their numerator is (then the source publishes them suppressed itself).
    is_count: Mapped[bool] = mapped_column(default=False)
    disclosure_threshold: Mapped[int | None]  # overrides the source's threshold
    # How often the metric is due for a refresh, in hours.
    refresh_hours: Mapped[int] = mapped_column(default=24)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the values shown became stale (the first failure after the last success).
    stale_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    source: Mapped[MetricSource] = relationship(back_populates="metrics")

    @property
    def threshold(self) -> int:
        if self.disclosure_threshold is not None:
            return self.disclosure_threshold
        return self.source.disclosure_threshold

    def __repr__(self) -> str:
        return f"<Metric {self.key}>"


class StoredObservation(db.Model):
    """One revision of one period's value of a metric.

    Fetched data, not an edit: the refresh job's own log (`MetricFetch`) and the revision
    chain record where every value came from, so these rows are not written to the
    audit trail one by one.
    """

    __tablename__ = "metric_observations"
    __audit__ = False
    __table_args__ = (
        sa.UniqueConstraint("metric_id", "period", "revision"),
        sa.Index("ix_metric_observations_current", "metric_id", "is_current", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(sa.ForeignKey("metrics.id"))
    # The provider's time code verbatim ("2021K4", "2019M01", "2020") ...
    period: Mapped[str] = mapped_column(sa.String(40))
    # ... and the first month it covers, for ordering and plotting.
    period_start: Mapped[str | None] = mapped_column(sa.String(7))
    revision: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    value: Mapped[Decimal | None] = mapped_column(DecimalText)
    status: Mapped[str] = mapped_column(sa.String(20), default=ObservationStatus.OK.value)
    raw_status: Mapped[str | None] = mapped_column(sa.String(40))
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    source_revision: Mapped[str | None] = mapped_column(sa.String(200))

    metric: Mapped[Metric] = relationship()

    @property
    def observation_status(self) -> ObservationStatus:
        return ObservationStatus(self.status)


class MetricFetch(db.Model):
    """The log of one metric's refresh attempt: when, with what result, and why not."""

    __tablename__ = "metric_fetches"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(sa.ForeignKey("metrics.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(default=False)
    unchanged: Mapped[bool] = mapped_column(default=False)
    observations_read: Mapped[int] = mapped_column(default=0)
    observations_new: Mapped[int] = mapped_column(default=0)
    observations_revised: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=1)
    source_revision: Mapped[str | None] = mapped_column(sa.String(200))
    error: Mapped[str | None] = mapped_column(sa.Text)
