"""Charts cached by the hash of their input, so a repeated view draws no figure.

`render_chart` looks in a small in-process LRU first, then in the `chart_cache` table
(shared by every worker), and only then calls the builder and stores what it drew. The
table is touched through connections of its own, never the caller's session: a cache read
or write can neither commit nor spoil the transaction of the request that asks for a chart.
The cache is an optimisation, so a failing store is logged and the chart is drawn anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.dialects import postgresql, sqlite

from portfolio.charts import benefit_map, budget, indicators, risks, roadmap, timeline
from portfolio.charts.data import (
    BenefitMapData,
    BudgetYearsData,
    CumulativeSpendData,
    IndicatorTrendData,
    RiskMatrixData,
    RoadmapData,
    TimelineData,
    stable_json,
)
from portfolio.charts.labels import check_locale
from portfolio.charts.models import ChartCache
from portfolio.core.lru import LRU
from portfolio.core.models import utcnow
from portfolio.extensions import db

log = logging.getLogger(__name__)

# Part of every key: bump it whenever a builder's output changes for the same input, and
# every cached chart is drawn afresh (old rows then age out through prune_chart_cache).
BUILDER_VERSION = "3"  # 3: trends at page size, thinned period labels, hatched gaps

MEMORY_ENTRIES = 64  # charts kept per process; an SVG is typically 30–150 kB
# How long a cache write waits for SQLite's write lock (ms). The request's own session may
# hold that lock, and waiting for it would only stall the page: better to skip the write.
SQLITE_LOCK_WAIT_MS = 200


@dataclass(frozen=True)
class ChartKind:
    """A kind of chart: its input type, its builder and its text alternative."""

    name: str
    data_type: type
    build: Callable[..., bytes]
    describe: Callable[..., str]


KINDS: dict[str, ChartKind] = {
    kind.name: kind
    for kind in (
        ChartKind("timeline", TimelineData, timeline.build_timeline, timeline.describe_timeline),
        ChartKind("roadmap", RoadmapData, roadmap.build_roadmap, roadmap.describe_roadmap),
        ChartKind(
            "risk_matrix", RiskMatrixData, risks.build_risk_matrix, risks.describe_risk_matrix
        ),
        ChartKind(
            "budget_years",
            BudgetYearsData,
            budget.build_budget_years,
            budget.describe_budget_years,
        ),
        ChartKind(
            "cumulative_spend",
            CumulativeSpendData,
            budget.build_cumulative_spend,
            budget.describe_cumulative_spend,
        ),
        ChartKind(
            "indicator_trend",
            IndicatorTrendData,
            indicators.build_indicator_trend,
            indicators.describe_indicator_trend,
        ),
        ChartKind(
            "indicator_trend_narrow",
            IndicatorTrendData,
            indicators.build_indicator_trend_narrow,
            indicators.describe_indicator_trend,
        ),
        ChartKind(
            "indicator_thumbnail",
            IndicatorTrendData,
            indicators.build_indicator_thumbnail,
            indicators.describe_indicator_trend,
        ),
        ChartKind(
            "benefit_map",
            BenefitMapData,
            benefit_map.build_benefit_map,
            benefit_map.describe_benefit_map,
        ),
    )
}


@dataclass(frozen=True)
class CacheStats:
    """Counts since start (or the last reset): how each request for a chart was served."""

    builds: int = 0  # figures drawn
    memory_hits: int = 0
    store_hits: int = 0
    store_writes: int = 0
    store_errors: int = 0  # store reads or writes that failed (logged, chart still served)


_lock = threading.Lock()
_memory: LRU[bytes] = LRU(MEMORY_ENTRIES)
_stats = CacheStats()


def _count(**increments: int) -> None:
    global _stats
    with _lock:
        _stats = replace(
            _stats, **{name: getattr(_stats, name) + n for name, n in increments.items()}
        )


def cache_stats() -> CacheStats:
    """Return the counters (an immutable snapshot)."""
    return _stats


def reset_cache_stats() -> None:
    """Set every counter back to zero."""
    global _stats
    with _lock:
        _stats = CacheStats()


def clear_memory_cache() -> None:
    """Forget this process's cached charts (the shared store keeps them)."""
    _memory.clear()


def _kind(name: str) -> ChartKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown chart kind {name!r}; known: {', '.join(KINDS)}") from None


def _checked(kind: str, data, locale: str) -> ChartKind:
    """Return the chart kind, once the input is of its type and the locale is known."""
    chart = _kind(kind)
    if not isinstance(data, chart.data_type):
        raise TypeError(f"{kind} takes {chart.data_type.__name__}, not {type(data).__name__}")
    check_locale(locale)
    return chart


def chart_key(kind: str, data, *, locale: str = "da") -> str:
    """Return the cache key: sha256 of kind, locale, the input's stable JSON and version."""
    _checked(kind, data, locale)
    # Newlines keep the parts apart, so no two different tuples join into the same text.
    material = "\n".join((kind, locale, stable_json(data), BUILDER_VERSION))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def chart_version(kind: str, data, *, locale: str = "da") -> str:
    """Return a short name of the picture `data` draws: its cache key, cut to 20 digits.

    Chart addresses carry it (`?v=`) and answers send it as ETag (charts/web.py), so it
    changes exactly when the picture does: with the data, the locale or BUILDER_VERSION.
    """
    return chart_key(kind, data, locale=locale)[:20]


def chart_alt_text(kind: str, data, *, locale: str = "da") -> str:
    """Return the chart's text alternative for an <img alt> (cheap: draws nothing)."""
    return _checked(kind, data, locale).describe(data, locale)


def render_chart(kind: str, data, *, locale: str = "da") -> bytes:
    """Return the chart as SVG, drawing it only if no cache (memory, then store) has it."""
    key = chart_key(kind, data, locale=locale)
    svg = _memory.get(key)
    if svg is not None:
        _count(memory_hits=1)
        return svg
    use_store = has_app_context()
    svg = _load(key) if use_store else None
    if svg is not None:
        _count(store_hits=1)
    else:
        svg = KINDS[kind].build(data, locale=locale)
        _count(builds=1)
        if use_store:
            _save(key, kind, svg)
    _remember(key, svg)
    return svg


def _remember(key: str, svg: bytes) -> None:
    _memory.size = MEMORY_ENTRIES  # read each time, so a test may shrink it
    _memory.put(key, svg)


_TABLE = ChartCache.__table__


def _load(key: str) -> bytes | None:
    try:
        with db.engine.connect() as connection:
            found = connection.execute(
                sa.select(_TABLE.c.svg).where(_TABLE.c.key == key)
            ).scalar_one_or_none()
    except sa.exc.SQLAlchemyError:
        log.warning("chart cache: could not read %s", key, exc_info=True)
        _count(store_errors=1)
        return None
    return None if found is None else bytes(found)


def _insert(dialect_name: str, values: dict) -> tuple[sa.Insert, bool]:
    """Return an INSERT that quietly does nothing if another worker stored the key first,
    and whether it says (by RETURNING a row) that it stored anything.

    RETURNING rather than rowcount: psycopg reports no rowcount for this statement.
    """
    for dialect in (postgresql, sqlite):
        if dialect_name == dialect.dialect.name:
            statement = dialect.insert(_TABLE).values(values).on_conflict_do_nothing()
            return statement.returning(_TABLE.c.key), True
    # Elsewhere a duplicate raises IntegrityError, which _save takes as the same answer.
    return sa.insert(_TABLE).values(values), False


@contextlib.contextmanager
def _short_lock_wait(connection: sa.Connection):
    """On SQLite, wait only briefly for the write lock, then restore the usual wait."""
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(SQLITE_LOCK_WAIT_MS)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")


def _save(key: str, kind: str, svg: bytes) -> None:
    values = {"key": key, "kind": kind, "svg": svg, "created_at": utcnow()}
    try:
        # A connection and transaction of its own, committed at once: never the caller's.
        with db.engine.connect() as connection, _short_lock_wait(connection):
            statement, says_if_stored = _insert(connection.dialect.name, values)
            result = connection.execute(statement)
            stored = result.first() is not None if says_if_stored else True
            connection.commit()
    except sa.exc.IntegrityError:
        # Another worker stored the same chart in between: its copy is as good as ours.
        log.debug("chart cache: %s was stored by another worker", key)
        return
    except sa.exc.SQLAlchemyError:
        log.warning("chart cache: could not store %s", key, exc_info=True)
        _count(store_errors=1)
        return
    # No row means another worker stored the same chart in between (ON CONFLICT DO NOTHING).
    _count(store_writes=1 if stored else 0)


def prune_chart_cache(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete stored charts created more than `older_than` ago; return how many went.

    Keys change whenever data does (a timeline's daily "today" included), so rows only
    accumulate; run this from a scheduled job. A pruned chart is simply drawn again.
    """
    cutoff = utcnow() - older_than
    with db.engine.begin() as connection:
        result = connection.execute(sa.delete(_TABLE).where(_TABLE.c.created_at < cutoff))
    return result.rowcount
