"""Mail (issue 17, item 3): the outbox is sent by the scheduled job to a real SMTP server
(aiosmtpd, started here on 127.0.0.1), at most once, retried after a temporary failure;
invitations and password resets are one-time links that expire; reminders for actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from portfolio.auth import services as auth_services
from portfolio.core.clock import today
from portfolio.core.models import utcnow
from portfolio.extensions import db
from portfolio.mail import services as mail_services
from portfolio.mail.models import OneTimeLink, OutboxMessage, OutboxStatus
from portfolio.workshops.models import ActionStatus, Workshop, WorkshopAction
from tests.conftest import PASSWORD, sign_in
from tests.mail.conftest import free_port, job

NEW_PASSWORD = "grøn lampe under trappen"


def _link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"https://styrbord\.example\.dk(/password/set\?token=\S+)", body)
    assert url, body
    return url.group(1)


def _set_password(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"new_password": password, "confirm": password})


def test_invitation_link_lets_a_new_user_choose_a_password(app, client, runner, login_as, smtp):
    new = auth_services.create_user(
        "ny@example.dk", auth_services.generate_password(), name="Nina Ny"
    )
    db.session.commit()
    login_as("admin")
    response = client.post(f"/admin/users/{new.id}/invite")
    assert response.status_code == 302
    assert smtp.messages == []  # never sent inside the request: it waits in the outbox

    assert "1 sent" in job(runner)
    (mail,) = smtp.to("ny@example.dk")
    assert mail["Subject"] == "Du er inviteret til Styrbord"
    assert mail["From"] == "Styrbord <styrbord@example.dk>"
    assert "Kære Nina Ny" in mail.get_body(("plain",)).get_content()
    path = _link(mail)

    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "ny@example.dk" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = _set_password(anonymous, path)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    db.session.expire_all()
    assert auth_services.authenticate("ny@example.dk", NEW_PASSWORD) is not None

    # Used once; a second try is refused in Danish and changes nothing.
    again = _set_password(anonymous, path, "en helt anden adgangskode her")
    assert again.status_code == 410
    assert "Linket er allerede brugt" in again.get_data(as_text=True)
    assert auth_services.authenticate("ny@example.dk", NEW_PASSWORD) is not None
    # The job sends nothing twice, and the sent message no longer holds the link.
    job(runner)
    assert len(smtp.to("ny@example.dk")) == 1
    sent = db.session.scalar(sa.select(OutboxMessage))
    assert sent.status is OutboxStatus.SENT and sent.body_text == ""


def test_reset_link_by_mail_sets_a_new_password(app, client, runner, users, smtp):
    viewer = users.make("viewer")
    page = client.post("/password/forgot", data={"email": "Viewer@Example.dk"})
    assert page.status_code == 200
    said = page.get_data(as_text=True)
    assert "Hvis der findes en konto med den e-mailadresse" in said
    # An unknown address gets the same answer and no mail.
    unknown = client.post("/password/forgot", data={"email": "nobody@example.dk"})
    assert "Hvis der findes en konto med den e-mailadresse" in unknown.get_data(as_text=True)

    job(runner)
    assert [m["To"] for m in smtp.messages] == ["viewer@example.dk"]
    (mail,) = smtp.messages
    assert mail["Subject"] == "Nulstil din adgangskode til Styrbord"
    path = _link(mail)
    sign_in(client, viewer)  # a session from before the reset ...
    response = _set_password(app.test_client(), path)
    assert response.status_code == 302
    db.session.expire_all()
    assert auth_services.authenticate("viewer@example.dk", NEW_PASSWORD) is not None
    assert auth_services.authenticate("viewer@example.dk", PASSWORD) is None
    assert client.get("/account").status_code == 302  # ... has ended


def test_weak_password_through_a_link_is_refused_and_the_link_still_works(app, users):
    viewer = users.make("viewer")
    _link_row, secret = mail_services.issue_link(viewer, mail_services.LinkPurpose.PASSWORD_RESET)
    db.session.commit()
    client = app.test_client()
    path = f"/password/set?token={secret}"
    weak = _set_password(client, path, "password")
    assert weak.status_code == 422
    assert _set_password(client, path).status_code == 302


def test_expired_and_unknown_links_are_refused_in_danish(app, users):
    viewer = users.make("viewer")
    link, secret = mail_services.issue_link(viewer, mail_services.LinkPurpose.PASSWORD_RESET)
    link.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    client = app.test_client()
    expired = client.get(f"/password/set?token={secret}")
    assert expired.status_code == 410
    assert "Linket er udløbet. Bed om et nyt." in expired.get_data(as_text=True)
    posted = _set_password(client, f"/password/set?token={secret}")
    assert posted.status_code == 410
    assert auth_services.authenticate("viewer@example.dk", NEW_PASSWORD) is None
    for path in ("/password/set", "/password/set?token=nonsense"):
        response = client.get(path)
        assert response.status_code == 410
        assert "Linket er ugyldigt. Bed om et nyt." in response.get_data(as_text=True)


def test_a_new_reset_link_ends_the_earlier_one(app, users):
    viewer = users.make("viewer")
    _first, first = mail_services.issue_link(viewer, mail_services.LinkPurpose.PASSWORD_RESET)
    _second, second = mail_services.issue_link(viewer, mail_services.LinkPurpose.PASSWORD_RESET)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/password/set?token={first}").status_code == 410
    assert client.get(f"/password/set?token={second}").status_code == 200
    assert all(len(row.token_hash) == 64 for row in db.session.scalars(sa.select(OneTimeLink)))


@pytest.fixture
def action_due(ddns, users):
    """A workshop action owned by the viewer ("Viewer"), due in three days."""
    users.make("viewer")
    workshop = Workshop(programme_id=ddns.id, title="Gevinstworkshop", held_on=today())
    action = WorkshopAction(
        text="Indsaml baseline for GH1", owner="Viewer", due_on=today() + dt.timedelta(days=3)
    )
    workshop.actions = [action]
    db.session.add(workshop)
    db.session.commit()
    return action


def test_reminder_for_an_action_due_is_sent_once_through_the_refresh_job(
    app, runner, action_due, smtp
):
    result = runner.invoke(args=["metrics", "refresh"])
    # The action's reminder, and the viewer's weekly digest, which lists it too.
    assert "Mail: 2 reminders queued; 2 sent" in result.output, result.output
    assert len(smtp.to("viewer@example.dk", digest=True)) == 1
    (mail,) = smtp.to("viewer@example.dk")
    assert mail["Subject"].startswith("Handling med frist ")
    body = mail.get_body(("plain",)).get_content()
    assert "Indsaml baseline for GH1" in body
    assert "https://styrbord.example.dk/programmes/ddns/workshops/actions" in body
    # Never twice: the next runs queue and send nothing more for the same action and date.
    job(runner)
    job(runner)
    assert len(smtp.to("viewer@example.dk")) == 1

    # Overdue (the day passed without it being done): one more reminder, once.
    app.config["TODAY"] = (today() + dt.timedelta(days=4)).isoformat()
    job(runner)
    job(runner)
    subjects = [m["Subject"] for m in smtp.to("viewer@example.dk")]
    assert subjects[1:] == ["Forsinket handling i DDNS"]
    # Done: no more reminders.
    action_due.status = ActionStatus.DONE
    action_due.due_on = today() + dt.timedelta(days=1)
    db.session.commit()
    job(runner)
    assert len(smtp.to("viewer@example.dk")) == 2


def test_a_user_who_turned_reminders_off_gets_none(app, client, runner, users, action_due, smtp):
    sign_in(client, users.make("viewer"))
    page = client.get("/account/mail")
    assert page.status_code == 200 and "checked" in page.get_data(as_text=True)
    # A browser posts the CSRF token with it; with CSRF off in tests, an empty value stands in.
    response = client.post("/account/mail", data={"action_due": ""})
    assert response.status_code == 302
    assert "checked" not in client.get("/account/mail").get_data(as_text=True)
    job(runner)
    assert smtp.to("viewer@example.dk") == []
    client.post("/account/mail", data={"action_due": "y"})
    job(runner)
    assert len(smtp.to("viewer@example.dk")) == 1


def _queue_one(to="viewer@example.dk", key="test:1"):
    message = mail_services.queue(
        recipient=to, kind="test", dedupe_key=key, subject="Prøve", text="Hej\n"
    )
    db.session.commit()
    return message.id


def test_a_temporary_failure_is_retried_later_and_then_sent_once(app, runner, smtp):
    message_id = _queue_one()
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    assert "1 to retry" in job(runner)
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    assert message.status is OutboxStatus.QUEUED and message.attempts == 1
    assert message.last_error and "Prøve" not in message.last_error
    assert message.next_attempt_at > utcnow()

    app.config["MAIL_PORT"] = smtp.port
    job(runner)
    assert smtp.messages == []  # not yet: its next attempt is later
    message.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert "1 sent" in job(runner)
    assert len(smtp.messages) == 1


def test_a_refused_recipient_fails_for_good(app, runner, smtp):
    smtp.refuse.add("gone@example.dk")
    message_id = _queue_one("gone@example.dk")
    assert "1 failed" in job(runner)
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    assert message.status is OutboxStatus.FAILED
    assert message.last_error == "SMTPRecipientsRefused"


def test_a_message_claimed_by_a_run_that_died_is_not_resent_without_an_operator(app, runner, smtp):
    message_id = _queue_one()
    table = OutboxMessage.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == message_id)
        .values(status="sending", claimed_at=utcnow() - dt.timedelta(hours=1))
    )
    db.session.commit()
    assert "1 uncertain" in job(runner)
    assert smtp.messages == []
    result = runner.invoke(args=["mail", "requeue", str(message_id)])
    assert result.exit_code == 0, result.output
    job(runner)
    assert len(smtp.messages) == 1


def test_the_same_dedupe_key_is_queued_once(app):
    assert _queue_one(key="same") is not None
    assert (
        mail_services.queue(
            recipient="x@example.dk", kind="test", dedupe_key="same", subject="S", text="T"
        )
        is None
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_without_a_mail_server_nothing_is_sent_and_the_mail_waits(app, runner):
    _queue_one()
    assert "MAIL_SERVER is not set" in job(runner)
    assert db.session.scalar(sa.select(OutboxMessage)).status is OutboxStatus.QUEUED


def test_login_page_offers_the_reset_link(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html
    assert client.get("/password/forgot").status_code == 200


def test_a_draft_report_before_its_meeting_reminds_the_secretariat_once(
    app, runner, users, ddns, smtp
):
    from portfolio.reports.services import create_report

    users.make("secretariat")
    users.make("viewer")
    admin = users.make("admin")
    create_report(
        admin,
        ddns,
        title="Styregruppemøde",
        meeting_on=today() + dt.timedelta(days=5),
        today=today(),
    )
    db.session.commit()
    job(runner)
    job(runner)
    (mail,) = smtp.to("secretariat@example.dk")
    assert mail["Subject"] == "Statusrapport venter på godkendelse i DDNS"
    assert "»Styregruppemøde«" in mail.get_body(("plain",)).get_content()
    assert smtp.to("viewer@example.dk") == []  # viewers do not approve reports


def test_an_upcoming_workshop_reminds_its_benefit_owners_and_the_secretariat_once(
    app, runner, users, ddns, smtp
):
    from portfolio.benefits.services import get_benefit
    from portfolio.workshops.models import WorkshopItem

    users.make("benefit_owner")  # owns GH1
    users.make("secretariat")
    workshop = Workshop(
        programme_id=ddns.id,
        title="Gevinstworkshop 2",
        held_on=today() + dt.timedelta(days=2),
        place="Mødelokale 3",
        items=[WorkshopItem(benefit=get_benefit(ddns, "GH1"), position=0)],
    )
    db.session.add(workshop)
    db.session.commit()
    job(runner)
    job(runner)
    (mail,) = smtp.to("benefit_owner@example.dk")
    assert mail["Subject"].startswith("Gevinstworkshop ")
    body = mail.get_body(("plain",)).get_content()
    assert "Gevinstworkshop 2" in body and "Sted: Mødelokale 3" in body
    assert f"/programmes/ddns/workshops/{workshop.id}" in body
    assert len(smtp.to("secretariat@example.dk")) == 1


def test_the_weekly_digest_lists_the_coming_two_weeks_once_a_week(
    app, client, runner, users, ddns, action_due, smtp
):
    from portfolio.status.models import Milestone

    db.session.add(
        Milestone(
            programme_id=ddns.id, title="Datamodel klar", planned_on=today() + dt.timedelta(days=9)
        )
    )
    db.session.add(
        Milestone(
            programme_id=ddns.id, title="Langt ude", planned_on=today() + dt.timedelta(days=60)
        )
    )
    db.session.commit()
    job(runner)
    job(runner)
    (digest,) = smtp.to("viewer@example.dk", digest=True)
    assert digest["Subject"].startswith("Ugens oversigt fra Styrbord, uge ")
    body = digest.get_body(("plain",)).get_content()
    assert "DDNS (https://styrbord.example.dk/programmes/ddns)" in body
    assert "Milepæl: Datamodel klar" in body
    assert "Handling forfalder: Indsaml baseline for GH1" in body
    assert "Langt ude" not in body
    # A week later: the next one.
    app.config["TODAY"] = (today() + dt.timedelta(days=7)).isoformat()
    job(runner)
    assert len(smtp.to("viewer@example.dk", digest=True)) == 2
    # Turned off: no more.
    sign_in(client, users.make("viewer"))
    client.post("/account/mail", data={"action_due": "y", "digest": ""})
    app.config["TODAY"] = (today() + dt.timedelta(days=7)).isoformat()
    job(runner)
    assert len(smtp.to("viewer@example.dk", digest=True)) == 2
