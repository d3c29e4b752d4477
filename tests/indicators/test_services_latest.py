"""A summary reading stops at the latest value and agrees with the full reading."""

from portfolio.benefits.services import get_benefit
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Frequency
from portfolio.indicators.services import RECENT_OBSERVATIONS, readings_for
from tests.indicators.factories import make_indicator, make_metric, observe


def test_a_summary_reading_agrees_with_the_full_one(app, ddns):
    app.config["TODAY"] = "2026-11-21"
    metric = make_metric("summary-count", is_count=True)
    indicator = make_indicator(
        get_benefit(ddns, "GH1"),
        "GH1.8",
        metric_id=metric.id,
        baseline_value=10,
        baseline_period=2022,
        target_value=90,
        target_period=2026,
        trajectory=[(2024, 50)],
        decimals=0,
    )
    observe(metric, (2022, 12), (2023, 30), (2024, 60), (2025, 3))  # 2025 is withheld
    db.session.commit()
    full = readings_for([indicator])[indicator.id]
    summary = readings_for([indicator], latest_only=True)[indicator.id]
    assert [p.label for p in full.points] == ["2022", "2023", "2024", "2025"]
    assert [(p.label, p.shown) for p in summary.points] == [("2024", "60"), ("2025", "<5")]
    assert summary.latest == full.latest
    assert (summary.achievement, summary.progress, summary.rule) == (
        full.achievement,
        full.progress,
        full.rule,
    )


def _monthly(ddns, key: str, code: str):
    metric = make_metric(key, is_count=True)
    indicator = make_indicator(
        get_benefit(ddns, "GH1"),
        code,
        metric_id=metric.id,
        baseline_value=10,
        baseline_period=2020,
        target_value=90,
        target_period=2026,
        frequency=Frequency.MONTHLY,
        decimals=0,
    )
    return metric, indicator


def test_a_summary_reads_a_long_series_latest_first_and_stops_at_its_latest_value(app, ddns):
    """Ten years of months: the summary agrees with the full reading, the months after
    today are not measurements, and withheld recent months are passed over."""
    app.config["TODAY"] = "2026-11-21"
    metric, indicator = _monthly(ddns, "long-series", "GH1.9")
    months = [Month(2017, 1).add(n) for n in range(120)]  # January 2017 to December 2026
    # The last three months before today are withheld (a count under 5).
    observe(metric, *((str(m), 2 if Month(2026, 9) <= m else 40 + n) for n, m in enumerate(months)))
    db.session.commit()
    full = readings_for([indicator])[indicator.id]
    summary = readings_for([indicator], latest_only=True)[indicator.id]
    assert full.points[-1].period == Month(2026, 11)  # December 2026 has not begun
    assert summary.latest == full.latest
    assert summary.latest.period == Month(2026, 8)
    assert [p.period for p in summary.points] == [Month(2026, m) for m in (8, 9, 10, 11)]


def test_a_summary_finds_a_latest_value_older_than_the_recent_periods(app, ddns):
    """More withheld months than the summary reads at first: it reads the rest."""
    app.config["TODAY"] = "2026-11-21"
    metric, indicator = _monthly(ddns, "withheld-series", "GH1.9")
    recent = RECENT_OBSERVATIONS + 6
    months = [Month(2026, 11).add(-n) for n in range(recent + 12)]
    observe(metric, *((str(m), 3 if n < recent else 70) for n, m in enumerate(months)))
    db.session.commit()
    full = readings_for([indicator])[indicator.id]
    summary = readings_for([indicator], latest_only=True)[indicator.id]
    assert summary.latest is not None
    assert summary.latest == full.latest
    assert summary.latest.period == Month(2026, 11).add(-recent)
    assert (summary.achievement, summary.progress) == (full.achievement, full.progress)
