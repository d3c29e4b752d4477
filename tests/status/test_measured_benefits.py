"""The benefits light from the benefits' indicators, and key risk indicators on the status page."""

import datetime as dt

import pytest

from portfolio.benefits.services import get_benefit
from portfolio.core.lights import Colour
from portfolio.core.pagecache import fragments
from portfolio.extensions import db
from portfolio.indicators.models import Direction
from portfolio.reports import services as report_services
from portfolio.risks.services import get_risk
from portfolio.status import services
from tests.conftest import count_queries
from tests.indicators.factories import enter, make_indicator, make_metric, observe

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()


def planned(benefit, code, actual):
    """Baseline 40 (2023) to target 80 (2027), 60 planned for 2025; actual given for 2025."""
    indicator = make_indicator(
        benefit,
        code,
        baseline_value=40,
        baseline_period=2023,
        target_value=80,
        target_period=2027,
        trajectory=[(2025, 60)],
    )
    if actual is not None:
        enter(indicator, (2025, actual))
    return indicator


def light(ddns):
    data = services.load_status_data(ddns)
    return services.benefits_light(data)


def test_without_measured_values_the_manual_assessment_stands(app, ddns):
    planned(get_benefit(ddns, "GH1"), "GH1.1", None)
    db.session.commit()
    result = light(ddns)
    assert "sekretariatets seneste vurdering" in result.rule


@pytest.mark.parametrize(
    ("gh1", "gh2", "colour", "named"),
    [
        ("60", "61", Colour.GREEN, "På rette spor: GH1"),
        ("60", "59", Colour.YELLOW, "I risiko: GH2"),  # 1 behind, margin 2
        ("57", "59", Colour.RED, "Ikke på rette spor: GH1"),  # 3 behind
    ],
)
def test_measured_light_is_the_worst_benefit(app, ddns, gh1, gh2, colour, named):
    planned(get_benefit(ddns, "GH1"), "GH1.1", gh1)
    planned(get_benefit(ddns, "GH2"), "GH2.1", gh2)
    db.session.commit()
    result = light(ddns)
    assert result.colour is colour, result.reason
    assert "2 af 6 gevinster er målt" in result.reason
    assert named in result.reason
    assert "10 %" in result.rule
    figures = dict(result.figures)
    assert figures["Uden målte værdier"].startswith("4:")


def test_benefit_progress_is_its_worst_indicator(app, ddns):
    gh1 = get_benefit(ddns, "GH1")
    planned(gh1, "GH1.1", "70")
    planned(gh1, "GH1.2", "50")  # off track: GH1 off track
    db.session.commit()
    assert light(ddns).colour is Colour.RED


def test_report_freezes_the_measured_reason(app, ddns, users):
    planned(get_benefit(ddns, "GH3"), "GH3.1", "59")
    db.session.commit()
    secretariat = users.make("secretariat")
    report = report_services.create_report(
        secretariat, ddns, title="Møde", meeting_on=TODAY, today=TODAY
    )
    db.session.commit()
    frozen = report.snapshot["lights"]["benefits"]["computed"]
    assert frozen["colour"] == "yellow"
    assert "I risiko: GH3" in frozen["reason"]
    assert [b["progress"] for b in report.snapshot["benefits"] if b["code"] == "GH3"] == ["at_risk"]


def test_crossed_key_risk_indicator_flags_the_risk_for_reassessment(client, login_as, ddns):
    r2 = get_risk(ddns, "R2")
    kri = make_indicator(
        r2,
        "R2.1",
        direction=Direction.LOWER_IS_BETTER,
        threshold_value="8",
        unit="%",
    )
    enter(kri, (2025, "7.5"))
    db.session.commit()
    login_as("viewer")
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Til revurdering" not in html
    enter(kri, (2026, "9.2"))
    db.session.commit()
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Til revurdering" in html
    assert "forbi tærsklen 8,0" in html and "9,2" in html
    register = client.get("/programmes/ddns/risks/").get_data(as_text=True)
    assert "til revurdering" in register


def test_status_page_with_indicators_stays_within_its_query_budget(client, login_as, ddns):
    login_as("viewer")
    planned(get_benefit(ddns, "GH1"), "GH1.1", "60")
    db.session.commit()
    client.get("/programmes/ddns/status")
    fragments().clear()  # the page drawn, not served from the page cache
    with count_queries() as few:
        assert client.get("/programmes/ddns/status").status_code == 200
    for n, code in enumerate(["GH2", "GH3", "GH4", "GH5", "GH6"]):
        for k in range(4):
            planned(get_benefit(ddns, code), f"{code}.{k}", str(55 + n + k))
    db.session.commit()
    fragments().clear()
    with count_queries() as many:
        assert client.get("/programmes/ddns/status").status_code == 200
    # 15: the approved document's printed totals (shown as approved, with ≠) are one query;
    # the budget's rows and its versions are one each, read beside the lines' plain values.
    assert few() == many() <= 15, (few(), many())


def test_a_light_measured_on_demo_data_says_so(app, ddns):
    gh1 = get_benefit(ddns, "GH1")
    metric = make_metric("demo-gh1", is_demo=True)
    make_indicator(
        gh1,
        "GH1.1",
        metric_id=metric.id,
        baseline_value=40,
        baseline_period=2023,
        target_value=80,
        target_period=2027,
        trajectory=[(2025, 60)],
    )
    observe(metric, (2025, 70))
    db.session.commit()
    assert "Målt på demodata, ikke rigtige tal." in light(ddns).reason


def test_a_light_measured_on_real_data_does_not_mention_demo_data(app, ddns):
    planned(get_benefit(ddns, "GH1"), "GH1.1", "70")
    db.session.commit()
    assert "demodata" not in light(ddns).reason
