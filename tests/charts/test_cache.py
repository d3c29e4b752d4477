"""The chart cache: a repeated view draws no figure, and workers share what was drawn."""

import dataclasses
import datetime as dt
import hashlib
import time

import pytest
import sqlalchemy as sa

from portfolio.audit.listeners import is_audited
from portfolio.audit.models import AuditEntry
from portfolio.charts import cache
from portfolio.charts.cache import (
    BUILDER_VERSION,
    cache_stats,
    chart_alt_text,
    chart_key,
    clear_memory_cache,
    prune_chart_cache,
    render_chart,
    reset_cache_stats,
)
from portfolio.charts.data import stable_json
from portfolio.charts.models import ChartCache
from portfolio.core.models import utcnow
from portfolio.extensions import db
from tests.charts import samples, svg
from tests.conftest import TEST_DATABASE_URL, count_queries


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty in-process cache and zeroed counters."""
    clear_memory_cache()
    reset_cache_stats()
    yield
    clear_memory_cache()
    reset_cache_stats()


def stored_rows() -> list[tuple[str, str]]:
    with db.engine.connect() as connection:
        return connection.execute(sa.select(ChartCache.key, ChartCache.kind)).all()


def test_the_key_hashes_kind_locale_data_and_builder_version():
    data = samples.ddns_risks()
    material = "\n".join(("risk_matrix", "da", stable_json(data), BUILDER_VERSION))
    assert chart_key("risk_matrix", data) == hashlib.sha256(material.encode()).hexdigest()


def test_different_data_locale_or_version_give_different_keys(monkeypatch):
    data = samples.ddns_risks()
    key = chart_key("risk_matrix", data)
    assert key == chart_key("risk_matrix", samples.ddns_risks())
    assert key != chart_key("risk_matrix", samples.ddns_risks(with_history=True))
    assert key != chart_key("risk_matrix", dataclasses.replace(data, title="DDNS v2"))
    assert key != chart_key("risk_matrix", data, locale="en")
    monkeypatch.setattr(cache, "BUILDER_VERSION", BUILDER_VERSION + ".next")
    assert key != chart_key("risk_matrix", data)


def test_wrong_kind_or_data_is_refused():
    with pytest.raises(ValueError, match="unknown chart kind"):
        render_chart("pie", samples.ddns_risks())
    with pytest.raises(TypeError, match="TimelineData"):
        render_chart("timeline", samples.ddns_risks())
    with pytest.raises(ValueError, match="da, en"):
        render_chart("risk_matrix", samples.ddns_risks(), locale="sv")


def test_a_repeated_view_draws_no_figure_and_runs_no_query(app):
    first = render_chart("risk_matrix", samples.ddns_risks())
    assert cache_stats().builds == 1
    with count_queries() as queries:
        again = render_chart("risk_matrix", samples.ddns_risks())
    assert again == first
    assert queries() == 0
    assert (cache_stats().builds, cache_stats().memory_hits) == (1, 1)


def test_the_builder_is_really_not_called_on_a_hit(app, monkeypatch):
    calls = []
    kind = cache.KINDS["risk_matrix"]

    def counting_build(data, *, locale):
        calls.append(locale)
        return kind.build(data, locale=locale)

    monkeypatch.setitem(cache.KINDS, "risk_matrix", dataclasses.replace(kind, build=counting_build))
    render_chart("risk_matrix", samples.ddns_risks())
    render_chart("risk_matrix", samples.ddns_risks())
    clear_memory_cache()
    render_chart("risk_matrix", samples.ddns_risks())
    assert calls == ["da"]


def test_different_data_draws_again(app):
    render_chart("risk_matrix", samples.ddns_risks())
    render_chart("risk_matrix", samples.ddns_risks(with_history=True))
    render_chart("risk_matrix", samples.ddns_risks(), locale="en")
    assert cache_stats().builds == 3
    assert len(stored_rows()) == 3


def test_a_second_worker_finds_the_chart_in_the_shared_store(app):
    drawn = render_chart("timeline", samples.ddns_timeline())
    assert stored_rows() == [(chart_key("timeline", samples.ddns_timeline()), "timeline")]
    clear_memory_cache()  # a second worker: same database, empty process cache
    with count_queries() as queries:
        again = render_chart("timeline", samples.ddns_timeline())
    assert again == drawn
    assert queries() == 1
    stats = cache_stats()
    assert (stats.builds, stats.store_hits, stats.store_writes, stats.store_errors) == (1, 1, 1, 0)


def test_the_stored_row(app):
    render_chart("benefit_map", samples.ddns_benefit_map())
    row = db.session.get(ChartCache, chart_key("benefit_map", samples.ddns_benefit_map()))
    assert row.kind == "benefit_map"
    svg.parse(row.svg)
    assert row.created_at.tzinfo is not None
    assert utcnow() - row.created_at < dt.timedelta(minutes=1)
    assert repr(row).startswith("<ChartCache benefit_map ")


def test_cache_rows_stay_out_of_the_audit_trail(app):
    assert not is_audited(ChartCache(key="x", kind="timeline", svg=b""))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    render_chart("risk_matrix", samples.ddns_risks())
    assert stored_rows()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before


def test_a_race_for_the_same_key_is_ignored(app):
    key = chart_key("risk_matrix", samples.ddns_risks())
    cache._save(key, "risk_matrix", b"<svg/>")
    cache._save(key, "risk_matrix", b"<svg/>")  # another worker got there first
    assert stored_rows() == [(key, "risk_matrix")]
    assert (cache_stats().store_writes, cache_stats().store_errors) == (1, 0)


def test_a_race_is_ignored_on_databases_without_on_conflict(app, monkeypatch):
    monkeypatch.setattr(
        cache, "_insert", lambda _dialect, values: (sa.insert(cache._TABLE).values(values), False)
    )
    key = chart_key("risk_matrix", samples.ddns_risks())
    cache._save(key, "risk_matrix", b"<svg/>")
    cache._save(key, "risk_matrix", b"<svg/>")  # IntegrityError, swallowed
    assert len(stored_rows()) == 1
    assert cache_stats().store_errors == 0


def test_the_callers_transaction_is_neither_committed_nor_spoilt(app, ddns):
    original = ddns.vision
    ddns.vision = "Ny vision, endnu ikke gemt"
    db.session.flush()  # the request holds uncommitted work (and, on SQLite, the write lock)
    started = time.monotonic()
    drawn = render_chart("risk_matrix", samples.ddns_risks())
    assert time.monotonic() - started < 3  # no long wait for a lock the caller holds
    svg.parse(drawn)
    assert db.session().in_transaction()
    assert ddns.vision == "Ny vision, endnu ikke gemt"
    db.session.rollback()  # the request fails after all: nothing of it may have been committed
    assert db.session.get(type(ddns), ddns.id).vision == original
    if not TEST_DATABASE_URL:
        # SQLite: the caller's write lock made the cache skip its write, and say so.
        assert cache_stats().store_errors == 1 and stored_rows() == []
    # The next view, with no lock held, stores the chart.
    clear_memory_cache()
    render_chart("risk_matrix", samples.ddns_risks())
    assert len(stored_rows()) == 1


def test_the_callers_commit_still_works_after_a_cached_render(app, ddns):
    ddns.vision = "Ændret vision"
    db.session.flush()
    render_chart("risk_matrix", samples.ddns_risks())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(ddns), ddns.id).vision == "Ændret vision"


@pytest.fixture
def without_cache_table(app):
    """Drop chart_cache (as before its migration has run), and put it back afterwards."""
    ChartCache.__table__.drop(db.engine)
    yield
    # PostgreSQL test runs share one schema across tests: the next test needs the table.
    ChartCache.__table__.create(db.engine)


def test_a_missing_table_costs_the_cache_not_the_page(without_cache_table):
    drawn = render_chart("risk_matrix", samples.ddns_risks())
    svg.parse(drawn)
    assert cache_stats().store_errors == 2  # the read and the write, both logged
    assert render_chart("risk_matrix", samples.ddns_risks()) == drawn  # memory still works
    # The request's own session is untouched and goes on working.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) is not None


def test_without_an_app_the_process_cache_alone_serves():
    drawn = render_chart("risk_matrix", samples.ddns_risks())
    assert render_chart("risk_matrix", samples.ddns_risks()) == drawn
    stats = cache_stats()
    assert (stats.builds, stats.memory_hits, stats.store_errors) == (1, 1, 0)


def test_the_process_cache_keeps_only_the_most_recent(monkeypatch):
    monkeypatch.setattr(cache, "MEMORY_ENTRIES", 2)
    first, second, third = (
        samples.ddns_risks(),
        samples.ddns_risks(with_history=True),
        dataclasses.replace(samples.ddns_risks(), title="Tredje"),
    )
    render_chart("risk_matrix", first)
    render_chart("risk_matrix", second)
    render_chart("risk_matrix", first)  # first is now the most recently used
    render_chart("risk_matrix", third)  # evicts second
    render_chart("risk_matrix", first)
    assert cache_stats().builds == 3
    render_chart("risk_matrix", second)
    assert cache_stats().builds == 4


def test_alt_text_draws_nothing():
    text = chart_alt_text("risk_matrix", samples.ddns_risks(), locale="en")
    assert text.startswith("Risk matrix for DDNS with 4 risks.")
    assert cache_stats().builds == 0


def test_prune_removes_old_rows_only(app):
    render_chart("risk_matrix", samples.ddns_risks())
    with db.engine.begin() as connection:
        connection.execute(
            sa.insert(ChartCache.__table__).values(
                key="0" * 64,
                kind="timeline",
                svg=b"<svg/>",
                created_at=utcnow() - dt.timedelta(days=90),
            )
        )
    assert prune_chart_cache(dt.timedelta(days=30)) == 1
    assert [kind for _key, kind in stored_rows()] == ["risk_matrix"]


def test_flask_charts_prune_drops_old_charts_and_keeps_recent_ones(app, runner):
    render_chart("risk_matrix", samples.ddns_risks())
    with db.engine.begin() as connection:
        for days in (3, 45):
            connection.execute(
                sa.insert(ChartCache.__table__).values(
                    key=str(days) * 32,
                    kind="timeline",
                    svg=b"<svg/>",
                    created_at=utcnow() - dt.timedelta(days=days),
                )
            )
    result = runner.invoke(args=["charts", "prune"])
    assert result.exit_code == 0, result.output
    assert "Pruned 1 stored charts older than 30 days." in result.output
    assert sorted(kind for _key, kind in stored_rows()) == ["risk_matrix", "timeline"]
    result = runner.invoke(args=["charts", "prune", "--older-than-days", "2"])
    assert "Pruned 1 stored charts" in result.output
    assert [kind for _key, kind in stored_rows()] == ["risk_matrix"]
    refused = runner.invoke(args=["charts", "prune", "--older-than-days", "0"])
    assert refused.exit_code != 0 and stored_rows()
