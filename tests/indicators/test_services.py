"""Readings: values, achievement and progress from the trajectory, and a bounded query count."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Direction, Indicator, Progress
from portfolio.indicators.services import (
    benefit_progress,
    benefit_snapshot,
    list_indicators,
    planned_value,
    readings_for,
    threshold_crossed,
)
from tests.conftest import count_queries
from tests.indicators.factories import enter, make_indicator, make_metric, observe


@pytest.fixture
def gh1(ddns):
    from portfolio.benefits.services import get_benefit

    return get_benefit(ddns, "GH1")


def planned(gh1, direction=Direction.HIGHER_IS_BETTER, code="P1"):
    """Baseline 40 (2023), trajectory 50 (2024) and 60 (2025), target 80 (2027)."""
    return make_indicator(
        gh1,
        code,
        direction=direction,
        baseline_value=40 if direction is Direction.HIGHER_IS_BETTER else 80,
        baseline_period=2023,
        target_value=80 if direction is Direction.HIGHER_IS_BETTER else 40,
        target_period=2027,
        trajectory=[(2024, 50), (2025, 60)]
        if direction is Direction.HIGHER_IS_BETTER
        else [(2024, 70), (2025, 60)],
    )


def test_planned_value_interpolates_between_plan_points(app, gh1):
    indicator = planned(gh1)
    assert planned_value(indicator, Month(2022, 1)) == 40  # before the baseline
    assert planned_value(indicator, Month(2024, 7)) == 55
    assert planned_value(indicator, Month(2026, 1)) == 70  # halfway from 60 to 80
    assert planned_value(indicator, Month(2030, 1)) == 80  # after the target
    db.session.rollback()


@pytest.mark.parametrize(
    ("actual", "progress"),
    [
        ("60", Progress.ON_TRACK),  # exactly the plan
        ("61", Progress.ON_TRACK),
        ("58", Progress.AT_RISK),  # planned improvement 20: margin 2
        ("57.99", Progress.OFF_TRACK),
        (None, None),
    ],
)
def test_progress_boundaries_higher_is_better(app, gh1, actual, progress):
    indicator = planned(gh1)
    if actual is not None:
        enter(indicator, (2025, actual))
    reading = readings_for([indicator], today=dt.date(2026, 11, 21))[indicator.id]
    assert reading.progress is progress
    if progress is not None:
        assert "60,0" in reading.rule and "10 %" in reading.rule and "2,0" in reading.rule
    else:
        assert "Ingen status" in reading.rule
    db.session.rollback()


@pytest.mark.parametrize(
    ("actual", "progress"),
    [
        ("60", Progress.ON_TRACK),
        ("59", Progress.ON_TRACK),
        ("62", Progress.AT_RISK),
        ("62.01", Progress.OFF_TRACK),
    ],
)
def test_progress_boundaries_lower_is_better(app, gh1, actual, progress):
    indicator = planned(gh1, Direction.LOWER_IS_BETTER)
    enter(indicator, (2025, actual))
    reading = readings_for([indicator], today=dt.date(2026, 11, 21))[indicator.id]
    assert reading.progress is progress
    db.session.rollback()


def test_achievement_uses_the_latest_value(app, gh1):
    indicator = planned(gh1)
    enter(indicator, (2024, 45), (2025, 60))
    reading = readings_for([indicator], today=dt.date(2026, 11, 21))[indicator.id]
    assert reading.latest.label == "2025"
    assert reading.achievement == Decimal("0.5")
    assert reading.source_label == "Manuel indtastning"
    assert reading.data_as_of is not None and reading.stale_since is None
    db.session.rollback()


def test_periods_after_today_are_not_measurements(app, gh1):
    indicator = planned(gh1)
    enter(indicator, (2025, 60), (2027, 10))
    reading = readings_for([indicator], today=dt.date(2026, 11, 21))[indicator.id]
    assert [p.label for p in reading.points] == ["2025"]
    db.session.rollback()


def test_metric_reading_carries_source_staleness_and_demo_label(app, gh1):
    metric = make_metric("demo-1", is_demo=True)
    stale = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)
    metric.stale_since = stale
    indicator = planned(gh1)
    indicator.metric_id = metric.id
    observe(metric, (2024, 52), (2025, 61))
    reading = readings_for([indicator], today=dt.date(2026, 11, 21))[indicator.id]
    assert reading.is_demo and reading.source_label == "Kilde demo-1"
    assert reading.stale_since == stale
    assert reading.latest.value == 61 and reading.progress is Progress.ON_TRACK
    db.session.rollback()


def test_benefit_progress_is_the_worst_of_its_indicators(app, gh1):
    on_track = planned(gh1, code="A")
    off_track = planned(gh1, code="B")
    no_data = planned(gh1, code="C")
    enter(on_track, (2025, 60))
    enter(off_track, (2025, 41))
    readings = readings_for([on_track, off_track, no_data], today=dt.date(2026, 11, 21))
    assert benefit_progress(list(readings.values())) is Progress.OFF_TRACK
    assert benefit_progress([readings[on_track.id], readings[no_data.id]]) is Progress.ON_TRACK
    assert benefit_progress([readings[no_data.id]]) is None
    db.session.rollback()


def test_key_risk_indicator_crosses_its_threshold_in_the_bad_direction(app, ddns):
    from portfolio.risks.models import Risk

    risk = db.session.scalars(db.select(Risk).where(Risk.programme_id == ddns.id)).first()
    kri = make_indicator(risk, "R1", direction=Direction.LOWER_IS_BETTER, threshold_value="10")
    enter(kri, (2025, 10))
    today = dt.date(2026, 11, 21)
    assert not threshold_crossed(readings_for([kri], today=today)[kri.id])
    enter(kri, (2026, "10.1"))
    assert threshold_crossed(readings_for([kri], today=today)[kri.id])
    db.session.rollback()


def test_reading_costs_a_fixed_number_of_queries(app, gh1):
    def make(count, prefix):
        made = []
        for n in range(count):
            metric = make_metric(f"{prefix}{n}", is_count=True)
            observe(metric, (2024, 10 + n), (2025, 3))
            indicator = planned(gh1, code=f"{prefix}{n}")
            indicator.metric_id = metric.id
            manual = planned(gh1, code=f"{prefix}M{n}")
            enter(manual, (2025, 50))
            made += [indicator, manual]
        db.session.flush()
        return made

    few, many = make(2, "f"), make(20, "m")
    db.session.expire_all()
    few = [db.session.get(type(i), i.id) for i in few]
    many = [db.session.get(type(i), i.id) for i in many]
    with count_queries() as small:
        for reading in readings_for(few).values():
            _ = [p.shown for p in reading.points], reading.indicator.trajectory
    with count_queries() as large:
        readings = readings_for(many)
        for reading in readings.values():
            _ = [p.shown for p in reading.points], reading.indicator.trajectory
    assert small() == large() <= 3
    # Loaded with their metrics and trajectories, the values take one query in all.
    db.session.expire_all()
    loaded = list_indicators(Indicator.id.in_([i.id for i in many]))
    with count_queries() as one:
        readings = readings_for(loaded)
        _ = [(r.latest, r.indicator.trajectory, r.source_label) for r in readings.values()]
    assert one() == 1 and len(readings) == 40
    db.session.rollback()


def test_benefit_snapshot_is_json_with_decimal_strings_and_no_withheld_values(app, gh1):
    metric = make_metric("snap", is_count=True)
    indicator = planned(gh1)
    indicator.metric_id = metric.id
    observe(metric, (2024, 52), (2025, 3))
    readings = readings_for([indicator], today=dt.date(2026, 11, 21))
    snapshot = benefit_snapshot(gh1, list(readings.values()))
    text = json.dumps(snapshot)  # raises on anything that is not plain JSON
    frozen = snapshot["indicators"][0]
    assert frozen["latest"]["value"] == "52"
    assert frozen["points"][1] == {
        "period": "2025-01",
        "label": "2025",
        "value": None,
        "status": "suppressed",
        "shown": "<5",
    }
    assert frozen["trajectory"] == [
        {"period": "2024-01", "value": "50"},
        {"period": "2025-01", "value": "60"},
    ]
    assert snapshot["code"] == "GH1" and "float" not in text
    db.session.rollback()
