"""The steering group's status page: what it shows, who may change what, and its cost."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from portfolio.core.pagecache import fragments
from portfolio.extensions import db
from portfolio.risks.models import Risk
from portfolio.status import services
from portfolio.status.models import Dimension, LightOverride, Milestone
from tests.conftest import count_queries, sign_in


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def test_page_shows_phase_lights_risks_money_and_decisions(client, login_as, ddns, users):
    secretariat = users.make("secretariat")
    services.create_decision(
        secretariat,
        ddns,
        {
            "title": "Godkendelse af afslutningsrapport",
            "body": "Programstyregruppen",
            "requested_for": dt.date(2026, 12, 3),
            "background": "Indstilling: godkendes.",
        },
    )
    db.session.commit()
    login_as("viewer")
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Lukning af program" in html
    for label in ("Tidsplan", "Økonomi", "Risici", "Gevinster", "Omfang og leverancer"):
        assert label in html
    assert "R2 har score 6." in html  # the risk light's reason
    assert "58,1 mio. kr." in html
    assert "Godkendelse af afslutningsrapport" in html
    assert "/programmes/ddns/status/charts/timeline.svg" in html
    assert "Overstyr" not in html  # a viewer cannot override


def test_charts_are_svg_and_named(client, login_as):
    login_as("viewer")
    for name in ("timeline", "risk-matrix"):
        response = client.get(f"/programmes/ddns/status/charts/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    timeline = client.get("/programmes/ddns/status/charts/timeline.svg").get_data(as_text=True)
    assert "Lukning af program" in timeline and "I dag" in timeline
    matrix = client.get("/programmes/ddns/status/charts/risk-matrix.svg").get_data(as_text=True)
    for code in ("R1", "R2", "R3", "R4"):
        assert code in matrix


def test_override_needs_justification_and_shows_as_override(client, login_as, ddns):
    login_as("secretariat")
    refused = client.post(
        "/programmes/ddns/status/override",
        data={"dimension": "risks", "colour": "green", "justification": ""},
    )
    assert refused.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LightOverride)) == 0
    client.post(
        "/programmes/ddns/status/override",
        data={
            "dimension": "risks",
            "colour": "red",
            "justification": "Hjemlen til almen praksis er forsinket af valget.",
        },
    )
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Overstyret" in html and "Hjemlen til almen praksis er forsinket af valget." in html
    client.post("/programmes/ddns/status/override/lift", data={"dimension": "risks"})
    db.session.expire_all()
    (override,) = db.session.scalars(sa.select(LightOverride)).all()
    assert override.lifted_at is not None  # kept, not deleted


def test_track_lead_comments_own_track_only(client, login_as, ddns):
    login_as("track_lead")
    ok = client.post(
        "/programmes/ddns/tracks/1/commentary",
        data={"version": 1, "commentary": "Alle 98 kommuner leverer dagligt."},
    )
    assert ok.status_code == 302
    assert (
        client.post(
            "/programmes/ddns/tracks/2/commentary", data={"version": 1, "commentary": "x"}
        ).status_code
        == 403
    )
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Alle 98 kommuner leverer dagligt." in html and "track_lead@example.dk" in html


def test_milestones_drive_the_schedule_light(client, login_as, ddns):
    login_as("track_lead")
    track1 = ddns.tracks[0]
    response = client.post(
        "/programmes/ddns/milestones/new",
        data={
            "title": "Overdragelse til drift",
            "kind": "milestone",
            "track_id": track1.id,
            "project_id": "",
            "planned_on": "2026-06-30",
            "forecast_on": "",
            "done_on": "",
            "status": "planned",
            "description": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "5 måneders forsinkelse (Overdragelse til drift)." in html
    assert (
        client.post(
            "/programmes/ddns/milestones/new",
            data={
                "title": "Andet spor",
                "kind": "milestone",
                "track_id": ddns.tracks[1].id,
                "planned_on": "2026-06-30",
                "status": "planned",
            },
        ).status_code
        == 403
    )


def test_done_milestone_needs_a_date(client, login_as, ddns):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/milestones/new",
        data={
            "title": "Uden dato",
            "kind": "milestone",
            "track_id": "",
            "project_id": "",
            "planned_on": "2026-06-30",
            "status": "done",
        },
    )
    assert response.status_code == 422
    assert "Angiv datoen, milepælen blev nået." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Milestone).where(Milestone.title == "Uden dato")) is None


def _add_volume(ddns, factor: int):
    """Add many risks, projects and milestones (what must not change the query count)."""
    from portfolio.programmes.models import Project
    from portfolio.risks.models import Level

    for i in range(factor):
        db.session.add(
            Risk(
                programme_id=ddns.id,
                code=f"X{i}",
                title=f"Risiko {i}",
                probability=Level.LOW,
                consequence=Level.MEDIUM,
                track_id=ddns.tracks[i % 4].id,
            )
        )
        db.session.add(
            Project(
                programme_id=ddns.id,
                code=f"9.{i}",
                name=f"Projekt {i}",
                track_id=ddns.tracks[i % 4].id,
            )
        )
        db.session.add(
            Milestone(
                programme_id=ddns.id,
                title=f"Milepæl {i}",
                planned_on=dt.date(2026, 1 + i % 12, 1),
                track_id=ddns.tracks[i % 4].id,
            )
        )
    db.session.commit()


def test_status_page_costs_a_fixed_number_of_queries(client, login_as, ddns):
    login_as("viewer")
    client.get("/programmes/ddns/status")  # warm whatever is cached per process
    fragments().clear()  # but draw the page's body anew each time
    with count_queries() as small:
        assert client.get("/programmes/ddns/status").status_code == 200
    _add_volume(ddns, 70)  # ten times DDNS's risks, projects and milestones
    fragments().clear()
    with count_queries() as large:
        assert client.get("/programmes/ddns/status").status_code == 200
    # 14 on SQLite and PostgreSQL alike: the approved document's printed totals (shown as
    # approved, with ≠) are one query; the budget's rows and its versions are one each, read
    # beside the lines' plain values.
    assert small() <= 14, small()
    assert large() == small()


def test_a_cached_status_page_carries_each_users_own_csrf_token(app, users):
    """Two editors share the cached body; each gets forms with a token of their own."""
    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    editors = [users.make("secretariat", email) for email in ("a@example.dk", "b@example.dk")]
    for editor in editors:
        client = app.test_client()
        sign_in(client, editor)
        page = client.get("/programmes/ddns/status").text
        found = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page))
        assert len(found) == 1, found
        token = found.pop()
        tokens.append(token)
        # The token in the (possibly cached) form is accepted for this user's session.
        answer = client.post(
            "/programmes/ddns/status/override/lift",
            data={"csrf_token": token, "dimension": "cost"},
        )
        assert answer.status_code == 302
    assert tokens[0] != tokens[1]
    with app.app_context():
        assert fragments().hits >= 1


def test_dimension_labels_cover_every_light(app):
    assert {d.value for d in Dimension} == {"schedule", "cost", "risks", "benefits", "scope"}
