"""The refresh job: fetch the due metrics concurrently and store what changed.

`flask --app app metrics refresh` calls `refresh_due()`. How it behaves:

- **Due**: a metric is due when it never succeeded or its last success is `refresh_hours`
  old; paused sources are left alone unless a refresh is forced (`--metric`, `--all`).
- **One fetch per source**: the metrics reading a source share one fetch; each metric takes
  the observations whose dimensions match its `filters`.
- **Concurrency and time**: fetches run in a bounded thread pool. Each source has its own
  budget (`timeout_seconds`) covering all its attempts; transient errors (no connection,
  HTTP 5xx or 429) are retried with exponential backoff within that budget. The main thread
  waits on the futures with timeouts and gives up on a fetch still running past its budget
  (plus a little grace), so a hanging source never holds the others up.
- **Storage**: all database writes happen in the main thread. The results that arrive
  together are stored in one transaction (if it fails, each source's results are retried
  in a transaction of their own, so one bad write cannot lose the others). A period
  not seen before becomes revision 1; the same value and status again writes nothing;
  a changed value or status becomes a new current revision and the old one is kept
  with `is_current=False`.
- **Failure**: the last good values stay; the metric gets `last_error` and `stale_since`
  (the first failure after a success); the source's `failure_count` grows and the source
  is paused after `PAUSE_AFTER_FAILURES` failures in a row. A success resets all of it.
- **One at a time**: `refresh_lock()` takes a PostgreSQL advisory lock on a dedicated
  connection, or an exclusive file lock beside a SQLite database; a second run gets
  `RefreshLocked`.

Refresh bookkeeping (last attempt, last success, errors, failure counts) is written
without the per-row audit trail: every attempt is logged in `MetricFetch` instead, and a
source being paused or resumed is an ordinary audited change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import filelock
import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from portfolio.core.models import utcnow
from portfolio.core.text import clean_text, clean_value, is_clean
from portfolio.extensions import db
from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    SourceConnectionError,
    SourceError,
    SourceHTTPError,
    SourceTimeout,
    log_source_error,
    shown_names,
    timeout_message,
)
from portfolio.metrics.models import (
    PAUSE_AFTER_FAILURES,
    Metric,
    MetricFetch,
    MetricSource,
    StoredObservation,
)
from portfolio.metrics.observations import FetchResult, Observation
from portfolio.metrics.services import build_config

DEFAULT_WORKERS = 32
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
# Time a fetch may run past its source's timeout before the main thread stops waiting.
GRACE_SECONDS = 0.5
# pg_try_advisory_lock key: "Styrbd" in ASCII, so it is recognisable in pg_locks.
ADVISORY_LOCK_KEY = 0x537479726264
_EXEMPT = {"audit_exempt": True}


class RefreshLocked(Exception):
    """Another refresh is running against the same database."""


# ---------------------------------------------------------------------------------------
# Periods


def _month(year: int, month: int) -> str | None:
    if 1 <= month <= 12 and 1000 <= year <= 9999:
        return f"{year:04d}-{month:02d}"
    return None


def _week(year: int, week: int) -> str | None:
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return _month(monday.year, monday.month)


_PERIODS: list[tuple[re.Pattern, Callable[[int, int], str | None]]] = [
    (re.compile(r"(\d{4})"), lambda y, _n: _month(y, 1)),
    (re.compile(r"(\d{4})-?[Mm](\d{1,2})"), _month),
    (re.compile(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?"), _month),
    (re.compile(r"(\d{4})-?[KkQq]([1-4])"), lambda y, q: _month(y, 3 * q - 2)),
    (re.compile(r"(\d{4})-?[HhSs]([12])"), lambda y, h: _month(y, 6 * h - 5)),
    (re.compile(r"(\d{4})-?[Ww](\d{1,2})"), _week),
]


def period_start(period: str) -> str | None:
    """Return the first month ("YYYY-MM") a provider's period code covers, or None.

    Understands years (2020), quarters (2021K4, 2021Q4, 2021-Q4), months (2019M01,
    2019-01), half years (2020H1, 2020S1), ISO weeks (2020W05) and dates (2020-03-31).
    """
    text = period.strip()
    for pattern, to_month in _PERIODS:
        match = pattern.fullmatch(text)
        if match:
            numbers = [int(group) for group in match.groups() if group is not None]
            return to_month(numbers[0], numbers[1] if len(numbers) > 1 else 0)
    return None


# ---------------------------------------------------------------------------------------
# Choosing what to refresh


def is_due(metric: Metric, now: dt.datetime) -> bool:
    """Tell whether a metric's last success is `refresh_hours` old (or never happened)."""
    if metric.last_success_at is None:
        return True
    return now - metric.last_success_at >= dt.timedelta(hours=metric.refresh_hours)


def select_metrics(
    *,
    metric_key: str | None = None,
    every: bool = False,
    now: dt.datetime | None = None,
    demo: bool | None = None,
) -> tuple[list[Metric], list[Metric]]:
    """Return (metrics to refresh, metrics skipped because their source is paused).

    With `metric_key` exactly that metric is refreshed (forced, paused or not); with
    `every` all metrics are, due or not; otherwise the due metrics of unpaused sources.
    `demo` limits the choice to demo sources (True) or real ones (False).
    """
    now = now or utcnow()
    query = (
        sa.select(Metric)
        .join(Metric.source)
        .options(sa.orm.contains_eager(Metric.source))
        .order_by(MetricSource.key, Metric.key)
    )
    if demo is not None:
        query = query.where(MetricSource.is_demo.is_(demo))
    if metric_key is not None:
        metric = db.session.scalar(query.where(Metric.key == metric_key))
        if metric is None:
            raise LookupError(metric_key)
        return [metric], []
    chosen, paused = [], []
    for metric in db.session.scalars(query):
        if every:
            chosen.append(metric)
        elif is_due(metric, now):
            (paused if metric.source.is_paused else chosen).append(metric)
    return chosen, paused


# ---------------------------------------------------------------------------------------
# Fetching (worker threads)


@dataclass(frozen=True)
class FetchOutcome:
    """What fetching a source gave: a result or an error (exactly one), after `attempts`."""

    result: FetchResult | None = None
    error: SourceError | None = None
    attempts: int = 0


@dataclass(frozen=True)
class _Fetched:
    """A source's fetch, finished (or given up on), waiting to be stored."""

    source_id: int
    started_at: dt.datetime
    outcome: FetchOutcome


@dataclass(frozen=True)
class _Running:
    """A source's fetch submitted to a worker thread."""

    source_id: int
    started_at: dt.datetime
    timeout: float


def _is_transient(error: SourceError) -> bool:
    if isinstance(error, SourceConnectionError):
        return True
    return isinstance(error, SourceHTTPError) and (
        error.status_code >= 500 or error.status_code == 429
    )


def fetch_with_retries(
    source_type: str,
    config: Any,
    *,
    timeout: float,
    since_revision: str | None,
    attempts: int = MAX_ATTEMPTS,
    backoff: float | None = None,
) -> FetchOutcome:
    """Fetch a source, retrying transient errors with backoff, all within `timeout` seconds."""
    ends_at = time.monotonic() + timeout
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    adapter = get_adapter(source_type)
    made = 0
    while True:
        made += 1
        left = ends_at - time.monotonic()
        if left <= 0:
            return FetchOutcome(error=SourceTimeout(timeout_message(timeout)), attempts=made - 1)
        try:
            result = adapter.fetch(config, since_revision=since_revision, timeout=left)
            return FetchOutcome(result=result, attempts=made)
        except SourceTimeout as error:
            # Say the source's own time limit, not what was left of it after retries.
            message = timeout_message(timeout, reading=error.reading)
            timed_out = SourceTimeout(message, detail=error.detail, reading=error.reading)
            return FetchOutcome(error=timed_out, attempts=made)
        except SourceError as error:
            pause = backoff * 2 ** (made - 1)
            if not _is_transient(error) or made >= attempts or time.monotonic() + pause >= ends_at:
                return FetchOutcome(error=error, attempts=made)
            time.sleep(pause)
        except Exception as error:  # an adapter's bug must not end the whole run
            unexpected = SourceError(_("Uventet fejl under læsning af kilden."), detail=repr(error))
            return FetchOutcome(error=unexpected, attempts=made)


def _fetch_in_thread(
    app: Flask, started: dict, key: int, source_type: str, config: Any, timeout: float, since
) -> FetchOutcome:
    started[key] = time.monotonic()
    # The adapters translate their messages and may read the app's config.
    with app.app_context():
        return fetch_with_retries(source_type, config, timeout=timeout, since_revision=since)


# ---------------------------------------------------------------------------------------
# Storing (main thread)


@dataclass
class MetricOutcome:
    """What happened to one metric in a run."""

    key: str
    ok: bool
    unchanged: bool = False
    new: int = 0
    revised: int = 0
    error: str | None = None


@dataclass
class RefreshReport:
    """What one run did, for the CLI and the tests."""

    outcomes: list[MetricOutcome] = field(default_factory=list)
    paused_skipped: list[str] = field(default_factory=list)
    sources_paused: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[MetricOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def succeeded(self) -> list[MetricOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def revised(self) -> int:
        return sum(o.revised for o in self.outcomes)


@dataclass(frozen=True)
class _MetricInfo:
    """What the run needs of a metric, read once: ORM objects expire at every commit."""

    id: int
    key: str
    filters: dict
    stale_since: dt.datetime | None
    has_data: bool

    @classmethod
    def of(cls, metric: Metric) -> _MetricInfo:
        return cls(
            metric.id,
            metric.key,
            dict(metric.filters or {}),
            metric.stale_since,
            metric.last_success_at is not None,
        )


@dataclass(frozen=True)
class _SourceInfo:
    id: int
    key: str
    type: str
    location: str | None
    options: dict
    timeout: float
    last_revision: str | None
    failure_count: int
    is_paused: bool

    @classmethod
    def of(cls, source: MetricSource) -> _SourceInfo:
        location, options = source.fetch_settings()
        return cls(
            source.id,
            source.key,
            source.type,
            location,
            options,
            float(source.timeout_seconds),
            source.last_revision,
            source.failure_count,
            source.is_paused,
        )


def matching_observations(filters: dict, observations: list[Observation]) -> list[Observation]:
    """Return the observations whose dimensions match every one of a metric's filters."""
    wanted = {str(k): str(v) for k, v in (filters or {}).items()}
    return [
        o
        for o in observations
        if all(o.dimensions.get(name) == value for name, value in wanted.items())
    ]


def _free_dimensions(observations: list[Observation]) -> list[str]:
    values: dict[str, set[str]] = {}
    for observation in observations:
        for name, value in observation.dimensions.items():
            values.setdefault(name, set()).add(value)
    return sorted(name for name, seen in values.items() if len(seen) > 1)


def store_observations(
    metric_id: int,
    observations: list[Observation],
    *,
    fetched_at: dt.datetime,
    source_revision: str | None,
) -> tuple[int, int]:
    """Store a metric's observations as revisions; return (new periods, revised periods).

    Only flushes: the caller commits.
    """
    table = StoredObservation.__table__
    current = {
        row.period: row
        for row in db.session.execute(
            sa.select(
                table.c.id, table.c.period, table.c.revision, table.c.value, table.c.status
            ).where(table.c.metric_id == metric_id, table.c.is_current.is_(True))
        )
    }
    rows = []
    superseded = []
    new = revised = 0
    for observation in observations:
        old = current.get(observation.period)
        if old is None:
            revision = 1
            new += 1
        elif old.value == observation.value and old.status == observation.status.value:
            continue
        else:
            superseded.append(old.id)
            revision = old.revision + 1
            revised += 1
        rows.append(
            {
                "metric_id": metric_id,
                "period": observation.period,
                "period_start": period_start(observation.period),
                "revision": revision,
                "is_current": True,
                "value": observation.value,
                "status": observation.status.value,
                "raw_status": observation.raw_status,
                "fetched_at": fetched_at,
                "source_revision": source_revision,
            }
        )
    if superseded:
        db.session.execute(
            sa.update(table).where(table.c.id.in_(superseded)).values(is_current=False)
        )
    if rows:
        db.session.execute(sa.insert(table), rows)
    return new, revised


def _clean_observation(observation: Observation) -> Observation:
    texts = [observation.period, observation.raw_status or "", observation.unit or ""]
    texts += [*observation.dimensions.keys(), *observation.dimensions.values()]
    if all(is_clean(text) for text in texts):
        return observation
    return dataclasses.replace(
        observation,
        period=clean_text(observation.period),
        raw_status=clean_value(observation.raw_status),
        unit=clean_value(observation.unit),
        dimensions=clean_value(observation.dimensions),
    )


def clean_result(result: FetchResult | None) -> FetchResult | None:
    """Return a fetch's result with its provider text cleaned (core/text.clean_text)."""
    if result is None:
        return None
    return dataclasses.replace(
        result,
        observations=[_clean_observation(o) for o in result.observations],
        revision=clean_value(result.revision),
        unit=clean_value(result.unit),
        notes=clean_value(list(result.notes)),
    )


def _set(model, row_id: int, **values) -> None:
    """Write refresh bookkeeping columns (logged in MetricFetch, not in the audit trail)."""
    db.session.execute(
        sa.update(model.__table__).where(model.__table__.c.id == row_id).values(**values),
        execution_options=_EXEMPT,
    )


def _record_metric(
    metric: _MetricInfo,
    *,
    started_at: dt.datetime,
    attempts: int,
    result: FetchResult | None,
    error: str | None,
) -> MetricOutcome:
    """Store one metric's part of a fetch and log the attempt, in one transaction."""
    now = utcnow()
    fetch = {
        "metric_id": metric.id,
        "started_at": started_at,
        "finished_at": now,
        "attempts": attempts,
        "ok": False,
        "unchanged": False,
        "observations_read": 0,
        "observations_new": 0,
        "observations_revised": 0,
        "source_revision": result.revision if result else None,
        "error": None,
    }
    outcome = MetricOutcome(metric.key, ok=False)
    if error is None and result is not None and not result.unchanged:
        observations = matching_observations(metric.filters, result.observations)
        periods = {o.period for o in observations}
        if not observations:
            error = _(
                "Ingen observationer i kilden passer til metrikkens filtre (%(filters)s).",
                filters=", ".join(f"{k}={v}" for k, v in metric.filters.items()) or "–",
            )
        elif len(periods) < len(observations):
            error = _(
                "Metrikkens filtre udvælger flere serier; fastlæg også: %(dimensions)s.",
                dimensions=shown_names(_free_dimensions(observations))
                or _("dimensioner, hvis navne ikke kan vises"),
            )
        else:
            outcome.new, outcome.revised = store_observations(
                metric.id, observations, fetched_at=now, source_revision=result.revision
            )
            fetch["observations_read"] = len(observations)
    if error is None:
        outcome.ok = True
        outcome.unchanged = result is not None and result.unchanged
        fetch.update(
            ok=True,
            unchanged=outcome.unchanged,
            observations_new=outcome.new,
            observations_revised=outcome.revised,
        )
        _set(
            Metric,
            metric.id,
            last_attempt_at=now,
            last_success_at=now,
            last_error=None,
            stale_since=None,
        )
    else:
        error = clean_text(error)  # a filter or a dimension's name may be in it
        outcome.error = error
        fetch["error"] = error
        _set(
            Metric,
            metric.id,
            last_attempt_at=now,
            last_error=error,
            stale_since=metric.stale_since or now,
        )
    db.session.execute(sa.insert(MetricFetch.__table__), [fetch])
    return outcome


def _record_source(source: _SourceInfo, *, result: FetchResult | None, error: str | None) -> bool:
    """Update a source's bookkeeping after its fetch; return True when it got paused."""
    now = utcnow()
    paused = False
    if error is None:
        values: dict[str, Any] = {
            "last_attempt_at": now,
            "last_success_at": now,
            "last_error": None,
            "failure_count": 0,
        }
        if result is not None and result.revision is not None:
            values["last_revision"] = result.revision
        _set(MetricSource, source.id, **values)
        if source.is_paused:
            # Resuming is a change of state worth the audit trail.
            db.session.get(MetricSource, source.id).paused_at = None
    else:
        failures = source.failure_count + 1
        _set(
            MetricSource,
            source.id,
            last_attempt_at=now,
            last_error=error,
            failure_count=failures,
        )
        if failures >= PAUSE_AFTER_FAILURES and not source.is_paused:
            db.session.get(MetricSource, source.id).paused_at = now
            paused = True
    db.session.flush()
    return paused


# ---------------------------------------------------------------------------------------
# The run


def refresh_metrics(
    metrics: list[Metric],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RefreshReport:
    """Fetch and store the given metrics, one fetch per source, concurrently.

    Commits as results arrive. Never raises for a source's failure: it is recorded on the
    metrics and the source, and in the report.
    """
    app = current_app._get_current_object()
    workers = workers or app.config.get("METRICS_REFRESH_WORKERS") or DEFAULT_WORKERS
    clock = time.monotonic()
    report = RefreshReport()
    by_source: dict[int, list[_MetricInfo]] = {}
    sources: dict[int, _SourceInfo] = {}
    for metric in metrics:
        by_source.setdefault(metric.source_id, []).append(_MetricInfo.of(metric))
        if metric.source_id not in sources:
            sources[metric.source_id] = _SourceInfo.of(metric.source)

    def write_source(item: _Fetched) -> tuple[list[MetricOutcome], bool]:
        """Record a source's fetch on its metrics and itself; say if the source was paused."""
        error = item.outcome.error
        # What a source answered is stored and shown only as core/text.py leaves it: NUL
        # stopped PostgreSQL's writes and later backup restores.
        message = clean_text(error.message) if error is not None else None
        result = clean_result(item.outcome.result)
        if error is not None:
            # The message is stored and shown; what the source said goes to the log only.
            log_source_error(error, f"{sources[item.source_id].key} (refresh)")
        outcomes = [
            _record_metric(
                metric,
                started_at=item.started_at,
                attempts=item.outcome.attempts,
                result=result,
                error=message,
            )
            for metric in by_source[item.source_id]
        ]
        return outcomes, _record_source(sources[item.source_id], result=result, error=message)

    def store(items: list[_Fetched]) -> None:
        # The results that arrived together share a transaction: a commit per metric costs
        # an fsync each, which on SQLite alone would take longer than all the fetching.
        try:
            written = [write_source(item) for item in items]
            db.session.commit()
        except Exception:
            db.session.rollback()
            if len(items) == 1:
                raise
            for item in items:  # find the culprit; the others are stored one by one
                store([item])
            return
        for item, (outcomes, paused) in zip(items, written, strict=True):
            report.outcomes.extend(outcomes)
            if paused:
                report.sources_paused.append(sources[item.source_id].key)
            if progress:
                progress(len(outcomes))

    started: dict[int, float] = {}
    futures: dict[Future[FetchOutcome], _Running] = {}
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(by_source))), thread_name_prefix="metric-refresh"
    )
    try:
        # Longest first: sources that failed last time (they may hang again) and those with
        # the largest time budgets, so a slow one overlaps the others instead of trailing.
        order = sorted(by_source, key=lambda i: (-sources[i].failure_count, -sources[i].timeout))
        for source_id in order:
            source_metrics = by_source[source_id]
            source = sources[source_id]
            started_at = utcnow()
            try:
                config = build_config(source.type, source.location, source.options)
            except SourceError as error:
                store([_Fetched(source_id, started_at, FetchOutcome(error=error))])
                continue
            # Skip the download when nothing changed, unless a metric has no data yet.
            since = source.last_revision if all(m.has_data for m in source_metrics) else None
            future = pool.submit(
                _fetch_in_thread,
                app,
                started,
                source_id,
                source.type,
                config,
                source.timeout,
                since,
            )
            futures[future] = _Running(source_id, started_at, source.timeout)

        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            arrived = [
                _Fetched(futures[f].source_id, futures[f].started_at, f.result()) for f in done
            ]
            if arrived:
                store(arrived)
            now = time.monotonic()
            stuck = []
            for future in list(pending):
                running = futures[future]
                began = started.get(running.source_id)
                if (
                    began is not None
                    and now - began > running.timeout + GRACE_SECONDS
                    and not future.done()  # finished while earlier results were stored
                ):
                    # The worker is stuck past its budget: stop waiting for it.
                    pending.discard(future)
                    future.cancel()
                    gave_up = SourceTimeout(timeout_message(running.timeout))
                    outcome = FetchOutcome(error=gave_up, attempts=1)
                    stuck.append(_Fetched(running.source_id, running.started_at, outcome))
            if stuck:
                store(stuck)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    report.seconds = time.monotonic() - clock
    return report


def refresh_due(
    *,
    metric_key: str | None = None,
    every: bool = False,
    demo: bool | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RefreshReport:
    """Take the refresh lock, choose the metrics and refresh them (see the module doc)."""
    with refresh_lock():
        metrics, paused = select_metrics(metric_key=metric_key, every=every, demo=demo)
        if on_start:
            on_start(len(metrics))
        report = refresh_metrics(metrics, workers=workers, progress=progress)
        report.paused_skipped = [m.key for m in paused]
        return report


# ---------------------------------------------------------------------------------------
# The lock

_process_lock = threading.Lock()


@contextlib.contextmanager
def refresh_lock(engine: sa.Engine | None = None) -> Iterator[None]:
    """Hold the refresh lock for the block; raise RefreshLocked if another run holds it.

    PostgreSQL: a session-level advisory lock on a connection of its own, released when
    the block ends or the process dies. SQLite: an exclusive lock on a file beside the
    database file, which the operating system also releases when the process dies.
    """
    engine = engine or db.engine
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file:"):
        with _file_lock(f"{database}.refresh-lock"):
            yield
        return
    if not _process_lock.acquire(blocking=False):
        raise RefreshLocked("another refresh is running in this process")
    try:
        yield
    finally:
        _process_lock.release()


@contextlib.contextmanager
def _advisory_lock(engine: sa.Engine) -> Iterator[None]:
    with engine.connect() as connection:
        got = connection.scalar(
            sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )
        connection.commit()
        if not got:
            raise RefreshLocked("another refresh holds the PostgreSQL advisory lock")
        try:
            yield
        finally:
            connection.scalar(
                sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            connection.commit()


@contextlib.contextmanager
def _file_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` (filelock: flock on Unix, msvcrt on Windows)."""
    lock = filelock.FileLock(path, thread_local=False)
    try:
        lock.acquire(blocking=False)
    except filelock.Timeout:
        raise RefreshLocked(f"another refresh holds the lock file {path}") from None
    try:
        yield
    finally:
        lock.release()
