"""Calendar feeds (issue 17, item 4): a revocable feed token in the address, an iCalendar
that parses back with the programme's milestones, decisions, steering group meetings,
workshops and actions, and only what the token's owner may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from portfolio.calendars.models import FeedToken
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.status.models import Decision, Milestone, MilestoneStatus
from portfolio.workshops.models import Workshop, WorkshopAction
from tests.conftest import sign_in

REFUSED = "Kalenderfeedet findes ikke, eller dets token er tilbagekaldt."


@pytest.fixture
def dated(ddns):
    """A milestone, a cancelled one, a decision, a workshop with an action due in DDNS."""
    db.session.add_all(
        [
            Milestone(
                programme_id=ddns.id,
                title="Fælles datamodel, version 1",
                planned_on=dt.date(2027, 3, 1),
                forecast_on=dt.date(2027, 4, 15),
                description="Leveres af spor 1; »datamodel«, komma, semikolon;",
            ),
            Milestone(
                programme_id=ddns.id,
                title="Udgået milepæl",
                planned_on=dt.date(2027, 5, 1),
                status=MilestoneStatus.CANCELLED,
            ),
            Decision(
                programme_id=ddns.id,
                title="Godkend gevinstplan",
                body="PSG",
                requested_for=dt.date(2027, 2, 10),
            ),
        ]
    )
    workshop = Workshop(
        programme_id=ddns.id,
        title="Gevinstworkshop 1",
        held_on=dt.date(2027, 1, 20),
        place="Sundhedsdatastyrelsen, Ørestads Boulevard",
    )
    workshop.actions = [
        WorkshopAction(text="Indsaml baseline for GH1", owner="Anne", due_on=dt.date(2027, 2, 1))
    ]
    db.session.add(workshop)
    db.session.commit()
    return ddns


def _new_feed(client, programme="ddns"):
    response = client.post("/account/calendars", data={"programme": programme})
    assert response.status_code == 201, response.get_data(as_text=True)
    match = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))
    address = match.group(1).replace("&amp;", "&")
    return response, address


def _local(address: str) -> str:
    return address.removeprefix("http://localhost")


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_programme_feed_parses_and_holds_milestones_decisions_and_workshops(
    app, client, login_as, dated
):
    login_as("viewer")
    response, address = _new_feed(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert address.startswith("http://localhost/programmes/ddns/calendar.ics?token=")

    feed = app.test_client().get(_local(address))  # a calendar client: no session
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in feed.headers
    calendar = Calendar.from_ical(feed.data)
    assert str(calendar["X-WR-CALNAME"]) == "Styrbord – DDNS"
    events = _events(feed.data)
    summaries = {str(e["SUMMARY"]) for e in events.values()}
    assert "Milepæl: Fælles datamodel, version 1" in summaries
    assert "Beslutning ønskes: Godkend gevinstplan" in summaries
    assert "Workshop: Gevinstworkshop 1" in summaries
    assert "Handling forfalder: Indsaml baseline for GH1" in summaries
    assert not any("Udgået milepæl" in s for s in summaries)

    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.title.like("Fælles%")))
    event = events[f"milestone-{milestone.id}@styrbord"]
    # An all-day event on the forecast date, the text escaped and read back intact.
    assert event.decoded("DTSTART") == dt.date(2027, 4, 15)
    assert event.decoded("DTEND") == dt.date(2027, 4, 16)
    assert str(event["DESCRIPTION"]) == "Leveres af spor 1; »datamodel«, komma, semikolon;"
    assert "DTSTAMP" in event
    workshop = db.session.scalar(sa.select(Workshop).where(Workshop.title == "Gevinstworkshop 1"))
    event = events[f"workshop-{workshop.id}@styrbord"]
    assert str(event["LOCATION"]) == "Sundhedsdatastyrelsen, Ørestads Boulevard"
    assert str(event["URL"]).endswith(f"/programmes/ddns/workshops/{workshop.id}")

    # The UIDs stay the same from one read to the next, so clients update, not duplicate.
    again = _events(app.test_client().get(_local(address)).data)
    assert set(again) == set(events)


def test_steering_group_meetings_appear_with_their_report(app, client, login_as, dated):
    from portfolio.reports.services import create_report

    admin = login_as("admin")
    report = create_report(
        admin,
        dated,
        title="Styregruppemøde marts",
        meeting_on=dt.date(2027, 3, 9),
        today=dt.date(2027, 3, 1),
    )
    db.session.commit()
    _response, address = _new_feed(client)
    event = _events(app.test_client().get(_local(address)).data)[f"report-{report.id}@styrbord"]
    assert str(event["SUMMARY"]) == "Styregruppemøde: Styregruppemøde marts"
    assert event.decoded("DTSTART") == dt.date(2027, 3, 9)
    assert str(event["URL"]).endswith(f"/programmes/ddns/reports/{report.id}")


def test_feed_without_or_with_a_wrong_token_is_refused_in_danish(app, dated):
    anonymous = app.test_client()
    for url in (
        "/programmes/ddns/calendar.ics",
        "/programmes/ddns/calendar.ics?token=nonsense",
        "/calendar.ics",
        "/calendar.ics?token=" + "x" * 500,
        "/programmes/nowhere/calendar.ics?token=nonsense",
    ):
        response = anonymous.get(url)
        assert response.status_code == 404, url
        assert REFUSED in response.get_data(as_text=True)
        assert "BEGIN:VCALENDAR" not in response.get_data(as_text=True)


def test_revoked_token_stops_the_feed(app, client, login_as, dated):
    login_as("viewer")
    _response, address = _new_feed(client)
    assert app.test_client().get(_local(address)).status_code == 200
    token = db.session.scalar(sa.select(FeedToken))
    listing = client.get("/account/calendars").get_data(as_text=True)
    assert "Aktivt" in listing and address.split("token=")[1] not in listing
    response = client.post(f"/account/calendars/{token.id}/revoke")
    assert response.status_code == 302
    assert "Tilbagekaldt" in client.get("/account/calendars").get_data(as_text=True)
    refused = app.test_client().get(_local(address))
    assert refused.status_code == 404 and REFUSED in refused.get_data(as_text=True)


def test_another_users_feed_cannot_be_revoked(app, client, users, login_as, dated):
    owner = users.make("viewer")
    sign_in(client, owner)
    _response, address = _new_feed(client)
    token = db.session.scalar(sa.select(FeedToken))
    login_as("secretariat")
    assert client.post(f"/account/calendars/{token.id}/revoke").status_code == 404
    assert app.test_client().get(_local(address)).status_code == 200


def test_feed_reads_only_what_its_owner_may_see(app, client, users, dated):
    from portfolio.auth import services as auth_services

    other = Programme(
        portfolio_id=dated.portfolio_id, slug="andet", name="Et andet program", short_name="ANDET"
    )
    db.session.add(other)
    db.session.add(
        Milestone(programme=other, title="Hemmelig milepæl", planned_on=dt.date(2027, 6, 1))
    )
    db.session.commit()
    viewer = users.make("viewer")
    sign_in(client, viewer)
    # A programme one may not see cannot be chosen.
    refused = client.post("/account/calendars", data={"programme": "andet"})
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedToken)) == 0

    _response, personal = _new_feed(client, "personal")
    assert _local(personal).startswith("/calendar.ics?token=")
    body = app.test_client().get(_local(personal)).get_data(as_text=True)
    assert "DDNS: Milepæl: Fælles datamodel" in body.replace("\r\n ", "")
    assert "Hemmelig" not in body
    # The personal token does not open the other programme's feed either.
    secret = personal.split("token=")[1]
    assert (
        app.test_client().get(f"/programmes/andet/calendar.ics?token={secret}").status_code == 404
    )

    # A programme token opens only its own programme.
    _response, address = _new_feed(client, "ddns")
    secret = address.split("token=")[1]
    assert app.test_client().get(f"/calendar.ics?token={secret}").status_code == 404
    assert (
        app.test_client().get(f"/programmes/andet/calendar.ics?token={secret}").status_code == 404
    )

    # Losing the role ends what the token reads; a closed account ends it all.
    auth_services.revoke_membership(viewer.memberships[0])
    db.session.commit()
    assert app.test_client().get(_local(address)).status_code == 404
    assert "Fælles datamodel" not in app.test_client().get(_local(personal)).get_data(as_text=True)


def test_closed_account_ends_the_feed(app, client, users, dated):
    from portfolio.auth import services as auth_services

    viewer = users.make("viewer")
    sign_in(client, viewer)
    _response, address = _new_feed(client)
    auth_services.set_active(viewer, False)
    db.session.commit()
    assert app.test_client().get(_local(address)).status_code == 404


def test_account_page_links_to_the_feeds(client, login_as):
    login_as("viewer")
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/account/calendars"' in html
    page = client.get("/account/calendars").get_data(as_text=True)
    assert "Ingen kalenderfeeds." in page
    assert "Personlig kalender (alle dine programmer)" in page


def test_feed_token_is_stored_only_as_a_hash_and_audited_masked(app, client, login_as, dated):
    from portfolio.audit.models import AuditEntry

    login_as("viewer")
    _response, address = _new_feed(client)
    secret = address.split("token=")[1]
    token = db.session.scalar(sa.select(FeedToken))
    assert token.token_hash != secret and secret not in token.token_hash
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "feed_tokens"))
    texts = " ".join(f"{e.old_value} {e.new_value}" for e in entries)
    assert texts and secret not in texts


def test_programme_feed_holds_open_mitigation_actions_on_their_due_date(
    app, client, login_as, dated
):
    from portfolio.risks.models import ActionStatus, MitigationAction, RiskStatus
    from portfolio.risks.services import get_risk

    r1, r2 = get_risk(dated, "R1"), get_risk(dated, "R2")
    r2.status = RiskStatus.CLOSED
    open_action = MitigationAction(
        risk=r1,
        description="Aftal udlån af to dataarkitekter",
        owner="Anne",
        due_on=dt.date(2027, 2, 15),
    )
    db.session.add_all(
        [
            open_action,
            MitigationAction(
                risk=r1, description="Gjort", due_on=dt.date(2027, 2, 1), status=ActionStatus.DONE
            ),
            MitigationAction(
                risk=r1,
                description="Opgivet",
                due_on=dt.date(2027, 2, 1),
                status=ActionStatus.CANCELLED,
            ),
            MitigationAction(risk=r2, description="Lukket risiko", due_on=dt.date(2027, 2, 1)),
        ]
    )
    db.session.commit()
    login_as("viewer")
    _response, address = _new_feed(client)
    events = _events(app.test_client().get(_local(address)).data)
    event = events[f"risk-action-{open_action.id}@styrbord"]
    assert str(event["SUMMARY"]) == "Risikohandling forfalder: R1 Aftal udlån af to dataarkitekter"
    assert event.decoded("DTSTART") == dt.date(2027, 2, 15)
    assert str(event["URL"]).endswith("/programmes/ddns/risks/R1")
    assert f"Risiko: R1 {r1.title}\nAnsvarlig: Anne" in str(event["DESCRIPTION"])
    summaries = " ".join(str(e["SUMMARY"]) for e in events.values())
    assert "Gjort" not in summaries and "Opgivet" not in summaries
    assert "Lukket risiko" not in summaries
