"""Disclosure control: small counts, provider symbols, derived figures, secondary suppression."""

from decimal import Decimal

import pytest

from portfolio.extensions import db
from portfolio.indicators import disclosure
from portfolio.indicators.disclosure import Cell, protect_total
from portfolio.indicators.services import readings_for
from portfolio.metrics.observations import ObservationStatus as S
from tests.indicators.factories import D, enter, make_indicator, make_metric, observe


@pytest.fixture
def gh1(ddns):
    from portfolio.benefits.services import get_benefit

    return get_benefit(ddns, "GH1")


@pytest.mark.parametrize(
    ("value", "shown", "kept"),
    [
        ("0", "0,0", True),  # zero discloses nobody
        ("1", "<5", False),
        ("4", "<5", False),
        ("4.9", "<5", False),
        ("5", "5,0", True),  # at the threshold: shown
        ("1234.5", "1.234,5", True),
    ],
)
def test_counts_below_the_threshold_are_withheld(app, value, shown, kept):
    cell = disclosure.disclose(D(value), "ok", is_count=True, threshold=5, decimals=1)
    assert cell.shown == shown
    assert (cell.value is not None) is kept
    if not kept:
        assert cell.status is S.SUPPRESSED


def test_values_that_are_not_counts_are_not_withheld(app):
    cell = disclosure.disclose(D("3"), "ok", is_count=False, threshold=5, decimals=0)
    assert cell.value == 3 and cell.shown == "3"


@pytest.mark.parametrize(
    ("status", "shown"),
    [(S.SUPPRESSED, ".."), (S.MISSING, ".."), (S.NOT_APPLICABLE, "–")],
)
def test_provider_withheld_values_keep_their_status(app, status, shown):
    cell = disclosure.disclose(None, status, is_count=True, threshold=5)
    assert cell == Cell(None, status, shown)


def test_threshold_comes_from_indicator_else_metric_else_source_else_five(app, gh1):
    manual = make_indicator(gh1, "M1", is_count=True)
    assert disclosure.threshold_for(manual) == 5
    metric = make_metric("m-thr", is_count=True)
    metric.source.disclosure_threshold = 3
    by_source = make_indicator(gh1, "M2", metric_id=metric.id)
    assert disclosure.threshold_for(by_source) == 3
    metric.disclosure_threshold = 10
    assert disclosure.threshold_for(by_source) == 10
    by_source.disclosure_threshold = 20
    assert disclosure.threshold_for(by_source) == 20
    db.session.rollback()


def test_reading_withholds_small_counts_and_derived_achievement(app, gh1):
    metric = make_metric("m-small", is_count=True, threshold=5)
    indicator = make_indicator(
        gh1,
        "C1",
        metric_id=metric.id,
        baseline_value=0,
        baseline_period=2023,
        target_value=20,
        target_period=2027,
        decimals=0,
    )
    observe(metric, (2023, 0), (2024, 12), (2025, 3), (2026, None, "missing"))
    reading = readings_for([indicator])[indicator.id]
    shown = [(p.label, p.value, p.status, p.shown) for p in reading.points]
    assert shown == [
        ("2023", Decimal("0"), S.OK, "0"),
        ("2024", Decimal("12"), S.OK, "12"),
        ("2025", None, S.SUPPRESSED, "<5"),
        ("2026", None, S.MISSING, ".."),
    ]
    # The latest value shown is 2024's: achievement from it, never from the withheld 3.
    assert reading.latest.label == "2024"
    assert reading.achievement == Decimal("0.6")
    db.session.rollback()


def test_achievement_is_withheld_when_the_baseline_is_missing(app, gh1):
    indicator = make_indicator(gh1, "C2", target_value=20, target_period=2027)
    enter(indicator, (2024, 12))
    reading = readings_for([indicator])[indicator.id]
    assert reading.latest.value == 12
    assert reading.achievement is None
    assert reading.progress is None
    db.session.rollback()


def test_manual_counts_follow_the_same_rule(app, gh1):
    indicator = make_indicator(gh1, "C3", is_count=True, disclosure_threshold=3, decimals=0)
    enter(indicator, (2024, 2), (2025, 3))
    reading = readings_for([indicator])[indicator.id]
    assert [p.shown for p in reading.points] == ["<3", "3"]
    db.session.rollback()


def test_derived_sums_and_rates_are_withheld_with_any_withheld_input():
    assert disclosure.safe_sum([D(1), D(2)]) == 3
    assert disclosure.safe_sum([D(1), None]) is None
    assert disclosure.safe_rate(D(3), D(4)) == Decimal("0.75")
    assert disclosure.safe_rate(None, D(4)) is None
    assert disclosure.safe_rate(D(3), None) is None
    assert disclosure.safe_rate(D(3), D(0)) is None


def cells(*values):
    withheld = Cell(None, S.SUPPRESSED, "<5")
    return [withheld if v is None else Cell(D(v), S.OK, str(v)) for v in values]


def test_one_withheld_part_withholds_the_next_smallest_part():
    # 40 = 20 + 3 (withheld) + 10 + 7: without the rule, 40 − 20 − 10 − 7 = 3.
    parts, total = protect_total(cells(20, None, 10, 7), Cell(D(40), S.OK, "40"))
    assert [p.value for p in parts] == [D(20), None, D(10), None]
    assert total.value == 40
    # The withheld cell can no longer be recovered: two unknowns remain.
    known = sum(p.value for p in parts if p.value is not None)
    assert total.value - known == 10  # the sum of two withheld cells, not one


def test_a_lone_withheld_part_withholds_the_total():
    _parts, total = protect_total(cells(None), Cell(D(3), S.OK, "3"))
    assert total.is_withheld and total.status is S.SUPPRESSED


def test_two_withheld_parts_need_no_further_suppression():
    parts, total = protect_total(cells(20, None, None, 7), Cell(D(40), S.OK, "40"))
    assert [p.value for p in parts] == [D(20), None, None, D(7)]
    assert total.value == 40


def test_a_withheld_total_protects_its_parts():
    parts, total = protect_total(cells(20, None, 7), Cell(None, S.SUPPRESSED, ".."))
    assert [p.value for p in parts] == [D(20), None, D(7)]
    assert total.is_withheld
