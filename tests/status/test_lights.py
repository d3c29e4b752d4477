"""Each light's rule at its boundaries."""

import datetime as dt
from types import SimpleNamespace

import pytest

from portfolio.core.lights import Colour
from portfolio.risks.models import Level, RiskStatus
from portfolio.status.lights import months_late, risk_light, schedule_light, scope_light
from portfolio.status.models import MilestoneKind, MilestoneStatus

TODAY = dt.date(2026, 11, 21)


def milestone(
    planned,
    *,
    forecast=None,
    done=None,
    status=MilestoneStatus.PLANNED,
    kind=MilestoneKind.MILESTONE,
    title="M",
):
    return SimpleNamespace(
        title=title,
        planned_on=planned,
        forecast_on=forecast,
        done_on=done,
        status=status,
        kind=kind,
    )


@pytest.mark.parametrize(
    ("forecast", "colour"),
    [
        (dt.date(2027, 1, 31), Colour.GREEN),  # same month as planned: on time
        (dt.date(2027, 2, 1), Colour.YELLOW),  # 1 month
        (dt.date(2027, 4, 30), Colour.YELLOW),  # exactly 3 months
        (dt.date(2027, 5, 1), Colour.RED),  # more than 3 months
    ],
)
def test_schedule_light_boundaries(app, forecast, colour):
    light = schedule_light([milestone(dt.date(2027, 1, 10), forecast=forecast)], TODAY)
    assert light.colour is colour, light.reason
    assert "Statens It-råd" in light.rule


def test_open_milestone_past_its_date_counts_as_late_today(app):
    late = milestone(dt.date(2026, 7, 15))
    assert months_late(late, TODAY) == 4
    assert schedule_light([late], TODAY).colour is Colour.RED
    done_late = milestone(
        dt.date(2026, 7, 15), done=dt.date(2026, 9, 2), status=MilestoneStatus.DONE
    )
    assert months_late(done_late, TODAY) == 2
    assert schedule_light([done_late], TODAY).colour is Colour.YELLOW


def test_schedule_light_names_the_most_delayed_milestone_only_when_one_is_late(app):
    on_time = milestone(dt.date(2027, 1, 10), title="Til tiden")
    labels = [label for label, _value in schedule_light([on_time], TODAY).figures]
    assert labels == ["Milepæle", "Forsinkede"]
    late = milestone(dt.date(2026, 7, 15), title="Overdragelse")
    figures = dict(schedule_light([on_time, late], TODAY).figures)
    assert figures["Forsinkede"] == "1"
    assert figures["Mest forsinket"].startswith("Overdragelse (15. juli 2026 → ")


def test_cancelled_milestones_do_not_count(app):
    cancelled = milestone(dt.date(2025, 1, 1), status=MilestoneStatus.CANCELLED)
    assert schedule_light([cancelled], TODAY).colour is Colour.NONE


def risk(code, p, c, status=RiskStatus.OPEN, rp=None, rc=None, actions_done=False):
    score = Level(p).number * Level(c).number
    residual = Level(rp).number * Level(rc).number if rp else None
    counts = residual is not None and actions_done
    return SimpleNamespace(
        code=code,
        title=code,
        score=score,
        residual_counts=counts,
        current_score=residual if counts else score,
        is_open=status in (RiskStatus.OPEN, RiskStatus.MITIGATED),
    )


@pytest.mark.parametrize(
    ("risks", "colour"),
    [
        ([], Colour.NONE),  # no risk registered is no evidence of a green risk picture
        ([risk("R1", "medium", "medium")], Colour.GREEN),  # 4
        ([risk("R1", "medium", "high")], Colour.YELLOW),  # 6
        ([risk("R1", "high", "high")], Colour.RED),  # 9
        ([risk("R1", "high", "high", RiskStatus.CLOSED)], Colour.GREEN),
        # residual 3 counts only once the mitigation actions are done
        ([risk("R1", "high", "high", rp="low", rc="high", actions_done=True)], Colour.GREEN),
        ([risk("R1", "high", "high", rp="low", rc="high")], Colour.RED),
    ],
)
def test_risk_light_boundaries(app, risks, colour):
    assert risk_light(risks).colour is colour


def deliverable(planned, status=MilestoneStatus.PLANNED):
    return milestone(
        planned,
        status=status,
        kind=MilestoneKind.DELIVERABLE,
        done=planned if status is MilestoneStatus.DONE else None,
    )


@pytest.mark.parametrize(
    ("done", "due", "colour"),
    [(5, 5, Colour.GREEN), (4, 5, Colour.YELLOW), (3, 4, Colour.RED)],
)
def test_scope_light_boundaries(app, done, due, colour):
    items = [deliverable(dt.date(2026, 1, 1), MilestoneStatus.DONE) for _ in range(done)]
    items += [deliverable(dt.date(2026, 1, 1)) for _ in range(due - done)]
    items += [deliverable(dt.date(2027, 1, 1))]  # not yet due: does not count
    assert scope_light(items, TODAY).colour is colour


def test_dropped_deliverable_makes_scope_at_least_yellow(app):
    items = [
        deliverable(dt.date(2026, 1, 1), MilestoneStatus.DONE),
        deliverable(dt.date(2026, 2, 1), MilestoneStatus.CANCELLED),
    ]
    light = scope_light(items, TODAY)
    assert light.colour is Colour.YELLOW
    assert "udgået" in light.reason
