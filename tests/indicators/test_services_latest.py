"""A summary reading stops at the latest value and agrees with the full reading."""

from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.indicators.services import readings_for
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
