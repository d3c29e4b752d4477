"""`flask metrics refresh`: due metrics fetched concurrently from a local HTTP server,
stored as revisions, failures recorded without losing the last good values, and one run
at a time."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.metrics import refresh as refresh_module
from portfolio.metrics.models import (
    PAUSE_AFTER_FAILURES,
    Metric,
    MetricFetch,
    MetricSource,
    StoredObservation,
)
from portfolio.metrics.refresh import RefreshLocked, period_start, refresh_lock
from portfolio.metrics.services import create_metric, create_source
from tests.metrics.conftest import SAMPLES, Elapsed, Route

SSB_BYTES = (SAMPLES / "ssb_no_05300_jsonstat2_with_status.json").read_bytes()


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch):
    monkeypatch.setattr(refresh_module, "BACKOFF_SECONDS", 0.05)


def jsonstat2(values: dict[str, dict[str, str | None]], updated: str | None = None) -> bytes:
    """A JSON-stat 2.0 dataset {region: {period: value}}; None is a missing cell."""
    regions = list(values)
    periods = list(next(iter(values.values())))
    cells = [values[r][p] for r in regions for p in periods]
    document = {
        "version": "2.0",
        "class": "dataset",
        "id": ["region", "Tid"],
        "size": [len(regions), len(periods)],
        "role": {"time": ["Tid"]},
        "dimension": {
            "region": {"category": {"index": regions}},
            "Tid": {"category": {"index": periods}},
        },
        "value": [None if v is None else json.loads(v) for v in cells],
    }
    if updated:
        document["updated"] = updated
    return json.dumps(document).encode()


def add_source(server, key, path, *, timeout=5, metrics=None):
    source = create_source(
        key, f"Kilde {key}", "jsonstat", f"{server.url}{path}", timeout_seconds=timeout
    )
    for metric_key, filters in (metrics or {f"{key}.m": {}}).items():
        create_metric(source, metric_key, f"Metrik {metric_key}", filters=filters)
    db.session.commit()
    return source


def refresh(runner, *args):
    return runner.invoke(args=["metrics", "refresh", *args])


def current(metric_key: str) -> dict[str, tuple[int, Decimal | None, str]]:
    rows = db.session.scalars(
        sa.select(StoredObservation)
        .join(StoredObservation.metric)
        .where(Metric.key == metric_key, StoredObservation.is_current.is_(True))
    )
    return {row.period: (row.revision, row.value, row.status) for row in rows}


def count_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StoredObservation))


def metric(key: str) -> Metric:
    db.session.expire_all()
    return db.session.scalar(sa.select(Metric).where(Metric.key == key))


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("2020", "2020-01"),
        ("2021K4", "2021-10"),
        ("2021Q4", "2021-10"),
        ("2021-Q2", "2021-04"),
        ("2019M01", "2019-01"),
        ("2019M12", "2019-12"),
        ("2019-01", "2019-01"),
        ("2020H1", "2020-01"),
        ("2020H2", "2020-07"),
        ("2020-03-31", "2020-03"),
        ("2020W01", "2019-12"),
        ("2019M13", None),
        ("2020-2021", None),
        ("i år", None),
    ],
)
def test_period_start(period, start):
    assert period_start(period) == start


def test_one_fetch_per_source_split_by_the_metrics_filters(app, runner, http_server):
    http_server.routes["/ssb"] = Route(body=SSB_BYTES)
    add_source(
        http_server,
        "ssb",
        "/ssb",
        metrics={
            "ssb.near.library": {"Avstand1": "01", "Kulturtilbud": "01"},
            "ssb.far.cinema": {"Avstand1": "06", "Kulturtilbud": "03"},
        },
    )
    result = refresh(runner)
    assert result.exit_code == 0, result.output
    assert "Refreshed 2 of 2 metrics" in result.output
    assert len(http_server.requests) == 1
    near, far = current("ssb.near.library"), current("ssb.far.cinema")
    assert len(near) == len(far) == 9  # one value per year, 1991 … 2021
    raw = json.loads(SSB_BYTES)
    # Row-major: Avstand1=01, Kulturtilbud=01 is the first block of 9 cells.
    assert near["1991"] == (1, Decimal(str(raw["value"][0])), "ok")
    row = db.session.scalar(
        sa.select(StoredObservation).where(StoredObservation.period == "2021").limit(1)
    )
    assert row.period_start == "2021-01"
    assert row.source_revision == "2022-05-24T06:00:00Z"
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "ssb"))
    assert source.last_revision == "2022-05-24T06:00:00Z"
    assert source.last_success_at is not None


def test_refreshing_twice_duplicates_nothing(app, runner, http_server):
    # One source with a revision marker (skipped when unchanged) and one without (compared).
    http_server.routes["/ssb"] = Route(body=SSB_BYTES)
    http_server.routes["/plain"] = Route(
        body=jsonstat2({"A": {"2024": "10", "2025": "12.5", "2026": None}})
    )
    add_source(
        http_server, "ssb", "/ssb", metrics={"ssb.m": {"Avstand1": "02", "Kulturtilbud": "02"}}
    )
    add_source(http_server, "plain", "/plain")
    assert refresh(runner).exit_code == 0
    rows = count_rows()
    assert rows == 9 + 3
    assert current("plain.m")["2026"] == (1, None, "missing")

    result = refresh(runner, "--all")
    assert result.exit_code == 0, result.output
    assert "0 new and 0 revised" in result.output
    assert count_rows() == rows
    fetches = db.session.scalars(sa.select(MetricFetch).order_by(MetricFetch.id)).all()
    assert len(fetches) == 4 and all(f.ok for f in fetches)
    ssb_second = [f for f in fetches[2:] if f.unchanged]
    assert len(ssb_second) == 1  # StatBank-style revision: nothing downloaded to compare


def test_a_due_metric_only_is_fetched(app, runner, http_server):
    http_server.routes["/plain"] = Route(body=jsonstat2({"A": {"2025": "1"}}))
    add_source(http_server, "plain", "/plain")
    assert refresh(runner).exit_code == 0
    assert refresh(runner).exit_code == 0  # not due again for 24 hours
    assert len(http_server.requests) == 1
    metric("plain.m").refresh_hours = 0
    db.session.commit()
    assert refresh(runner).exit_code == 0
    assert len(http_server.requests) == 2


def test_a_changed_value_becomes_revision_2_and_revision_1_is_kept(app, runner, http_server):
    http_server.routes["/data"] = Route(
        body=jsonstat2({"A": {"2024": "10", "2025": "12.5"}}, updated="2026-01-01")
    )
    add_source(http_server, "src", "/data")
    assert refresh(runner).exit_code == 0
    http_server.routes["/data"] = Route(
        body=jsonstat2({"A": {"2024": "10", "2025": "13.0"}}, updated="2026-02-01")
    )
    result = refresh(runner, "--metric", "src.m")
    assert result.exit_code == 0, result.output
    assert "0 new and 1 revised" in result.output
    assert current("src.m") == {
        "2024": (1, Decimal("10"), "ok"),
        "2025": (2, Decimal("13.0"), "ok"),
    }
    history = db.session.scalars(
        sa.select(StoredObservation)
        .where(StoredObservation.period == "2025")
        .order_by(StoredObservation.revision)
    ).all()
    assert [(h.revision, h.value, h.is_current) for h in history] == [
        (1, Decimal("12.5"), False),
        (2, Decimal("13.0"), True),
    ]
    assert [h.source_revision for h in history] == ["2026-01-01", "2026-02-01"]


@pytest.mark.parametrize(
    ("route", "message", "attempts"),
    [
        (Route(body=b"<h1>Internal Server Error</h1>", status=500), "HTTP-fejl 500", 3),
        (Route(body=b"{not json at all"), "kunne ikke læses som JSON-stat", 1),
    ],
    ids=["server-error", "garbage"],
)
def test_failure_keeps_the_last_good_values_and_marks_them_stale(
    app, runner, http_server, route, message, attempts
):
    http_server.routes["/data"] = Route(body=jsonstat2({"A": {"2024": "10", "2025": "11"}}))
    add_source(http_server, "src", "/data")
    assert refresh(runner).exit_code == 0
    good = current("src.m")
    succeeded_at = metric("src.m").last_success_at

    http_server.routes["/data"] = route
    result = refresh(runner, "--all")
    assert result.exit_code == 1
    assert message in result.output
    assert current("src.m") == good
    failed = metric("src.m")
    assert message in failed.last_error
    assert failed.stale_since is not None
    assert failed.last_success_at == succeeded_at
    last = db.session.scalars(sa.select(MetricFetch).order_by(MetricFetch.id.desc())).first()
    assert (last.ok, last.attempts) == (False, attempts)
    assert message in last.error

    first_stale = failed.stale_since
    assert refresh(runner, "--all").exit_code == 1
    assert metric("src.m").stale_since == first_stale  # stale since the FIRST failure

    http_server.routes["/data"] = Route(body=jsonstat2({"A": {"2024": "10", "2025": "11"}}))
    assert refresh(runner, "--all").exit_code == 0
    recovered = metric("src.m")
    assert (recovered.stale_since, recovered.last_error) == (None, None)


def test_a_source_is_paused_after_repeated_failures_and_resumed_by_a_forced_refresh(
    app, runner, http_server
):
    http_server.routes["/data"] = Route(body=b"oops", status=503)
    add_source(http_server, "src", "/data")
    metric("src.m").refresh_hours = 0
    db.session.commit()
    for run in range(1, PAUSE_AFTER_FAILURES + 1):
        result = refresh(runner)
        assert result.exit_code == 1
        source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "src"))
        db.session.refresh(source)
        assert source.failure_count == run
        assert source.is_paused == (run == PAUSE_AFTER_FAILURES)
    assert "Paused source src" in result.output

    requests = len(http_server.requests)
    result = refresh(runner)
    assert result.exit_code == 0
    assert "Skipped 1 due metrics of paused sources" in result.output
    assert len(http_server.requests) == requests  # a paused source is left alone

    http_server.routes["/data"] = Route(body=jsonstat2({"A": {"2025": "7"}}))
    assert refresh(runner, "--metric", "src.m").exit_code == 0
    db.session.refresh(source)
    assert (source.is_paused, source.failure_count, source.last_error) == (False, 0, None)


def test_a_hanging_source_does_not_hold_the_others_up(app, runner, http_server):
    http_server.routes["/hang"] = Route(hang=True)
    add_source(http_server, "hanging", "/hang", timeout=1)
    for number in range(4):
        http_server.routes[f"/slow{number}"] = Route(
            body=jsonstat2({"A": {"2025": str(number)}}), delay=0.3
        )
        add_source(http_server, f"slow{number}", f"/slow{number}")
    with Elapsed() as elapsed:
        result = refresh(runner)
    assert elapsed.seconds < 1 + 1
    assert result.exit_code == 1
    assert "Refreshed 4 of 5 metrics" in result.output
    assert metric("hanging.m").last_error == (
        "Kilden svarede ikke inden for tidsgrænsen på 1 sekunder."
    )
    assert current("slow3.m") == {"2025": (1, Decimal("3"), "ok")}


def test_a_metric_whose_filters_match_nothing_fails_alone(app, runner, http_server):
    http_server.routes["/data"] = Route(body=jsonstat2({"A": {"2025": "1"}, "B": {"2025": "2"}}))
    add_source(
        http_server, "src", "/data", metrics={"src.b": {"region": "B"}, "src.x": {"region": "X"}}
    )
    result = refresh(runner)
    assert result.exit_code == 1
    assert current("src.b") == {"2025": (1, Decimal("2"), "ok")}
    assert "passer til metrikkens filtre (region=X)" in metric("src.x").last_error
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "src"))
    assert source.failure_count == 0  # the source answered; only the metric is wrong


def test_the_lock_refuses_a_concurrent_run(app, runner, http_server):
    http_server.routes["/data"] = Route(body=jsonstat2({"A": {"2025": "1"}}))
    add_source(http_server, "src", "/data")
    with refresh_lock():
        result = refresh(runner)
        with pytest.raises(RefreshLocked), refresh_lock():
            pass
    assert result.exit_code == 1
    assert "Another metrics refresh is running" in result.output
    assert http_server.requests == []
    assert refresh(runner).exit_code == 0  # released when the first run ends


def test_the_lock_is_held_across_threads_of_one_process(app):
    # A second run started from another thread (or process) while one holds it is refused.
    outcome = {}
    with refresh_lock():

        def other():
            with app.app_context():
                try:
                    with refresh_lock():
                        outcome["got"] = True
                except RefreshLocked:
                    outcome["got"] = False

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert outcome == {"got": False}
