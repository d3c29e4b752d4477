"""Owners are people: a user of the system or a named person, and a benefit's owner holds
the benefit owner's right on it for as long as they own it."""

import datetime as dt

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.auth import services as auth_services
from portfolio.auth.models import Membership, Role
from portfolio.auth.permissions import Action, can
from portfolio.benefits.services import get_benefit
from portfolio.extensions import db
from portfolio.risks.services import get_risk
from tests.conftest import PASSWORD, sign_in
from tests.indicators.factories import make_indicator


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _benefit_form(benefit, **changes) -> dict:
    data = {
        "version": benefit.version,
        "name": benefit.name,
        "description": benefit.description,
        "owner_user_id": benefit.owner_user_id or "",
        "owner": benefit.owner or "",
        "types": [t.value for t in benefit.types],
        "recipient_ids": [r.id for r in benefit.recipients],
        "track_ids": [t.id for t in benefit.tracks],
        "project_ids": [p.id for p in benefit.projects],
    }
    data.update(changes)
    return data


def _gh2(ddns):
    db.session.expire_all()
    return get_benefit(ddns, "GH2")


def _person(email: str, name: str):
    user = auth_services.create_user(email, PASSWORD, name=name)
    db.session.commit()
    return user


def _enter_value(client):
    return client.post(
        "/programmes/ddns/indicators/GH2.7/values",
        data={"period": "2025", "value": "3", "status": "ok", "note": ""},
    )


def test_a_named_owner_can_measure_their_benefit_until_it_is_reassigned(app, client, users, ddns):
    make_indicator(get_benefit(ddns, "GH2"), "GH2.7", unit="%")
    db.session.commit()
    secretariat = users.make("secretariat")
    karen = _person("karen@example.dk", "Karen Kvist")
    ole = _person("ole@example.dk", "Ole Olsen")

    sign_in(client, karen)
    assert _enter_value(client).status_code == 403  # no role at all yet

    sign_in(client, secretariat)
    named = client.post(
        "/programmes/ddns/benefits/GH2/edit", data=_benefit_form(_gh2(ddns), owner_user_id=karen.id)
    )
    assert named.status_code == 302
    gh2 = _gh2(ddns)
    assert (gh2.owner_user_id, gh2.owner_label) == (karen.id, "Karen Kvist")
    assert "Karen Kvist" in client.get("/programmes/ddns/benefits/GH2").get_data(as_text=True)

    sign_in(client, karen)
    assert _enter_value(client).status_code == 302
    assert can(karen, Action.ASSESS_BENEFIT, gh2) and not can(karen, Action.EDIT_BENEFIT, gh2)

    sign_in(client, secretariat)
    moved = client.post(
        "/programmes/ddns/benefits/GH2/edit", data=_benefit_form(_gh2(ddns), owner_user_id=ole.id)
    )
    assert moved.status_code == 302

    sign_in(client, karen)
    assert _enter_value(client).status_code == 403
    sign_in(client, ole)
    assert _enter_value(client).status_code == 302
    # The right came and went as rows of memberships, so the audit trail has both.
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.entity == "memberships")
    ).all()
    assert "create" in actions and "delete" in actions


def test_a_free_text_owner_takes_the_right_away(app, client, users, ddns):
    secretariat = users.make("secretariat")
    karen = _person("karen@example.dk", "Karen Kvist")
    sign_in(client, secretariat)
    client.post(
        "/programmes/ddns/benefits/GH2/edit", data=_benefit_form(_gh2(ddns), owner_user_id=karen.id)
    )
    response = client.post(
        "/programmes/ddns/benefits/GH2/edit",
        data=_benefit_form(_gh2(ddns), owner_user_id="", owner="Kontorchef uden konto"),
    )
    assert response.status_code == 302
    gh2 = _gh2(ddns)
    assert (gh2.owner_user_id, gh2.owner_label) == (None, "Kontorchef uden konto")
    held = db.session.scalars(
        sa.select(Membership).where(
            Membership.user_id == karen.id, Membership.role == Role.BENEFIT_OWNER
        )
    ).all()
    assert held == []


def test_both_a_user_and_a_name_is_refused(client, login_as, ddns):
    user = login_as("secretariat")
    before = _gh2(ddns)
    response = client.post(
        "/programmes/ddns/benefits/GH2/edit",
        data=_benefit_form(before, owner_user_id=user.id, owner="Også et navn"),
    )
    assert response.status_code == 422
    assert "Vælg enten en bruger eller skriv et navn – ikke begge." in response.get_data(
        as_text=True
    )
    assert _gh2(ddns).version == before.version


def test_an_inactive_user_cannot_be_chosen(client, login_as, ddns):
    login_as("secretariat")
    gone = _person("gone@example.dk", "Lukket Konto")
    gone.is_active_account = False
    db.session.commit()
    response = client.post(
        "/programmes/ddns/benefits/GH2/edit", data=_benefit_form(_gh2(ddns), owner_user_id=gone.id)
    )
    assert response.status_code == 422
    assert _gh2(ddns).owner_user_id is None


def test_risk_and_mitigation_action_owners_can_be_users(client, login_as, ddns):
    user = login_as("secretariat")
    risk = get_risk(ddns, "R1")
    edited = client.post(
        "/programmes/ddns/risks/R1/edit",
        data={
            "version": risk.version,
            "title": risk.title,
            "description": risk.description,
            "consequence_text": risk.consequence_text or "",
            "owner_user_id": user.id,
            "owner": "",
            "track_id": risk.track_id or "",
        },
    )
    assert edited.status_code == 302
    added = client.post(
        "/programmes/ddns/risks/R1/actions",
        data={
            "description": "Aftal leveranceplan med KL",
            "owner_user_id": user.id,
            "owner": "",
            "due_on": "",
            "status": "planned",
        },
    )
    assert added.status_code == 302
    db.session.expire_all()
    risk = get_risk(ddns, "R1")
    assert risk.owner_label == "Secretariat"
    assert [a.owner_label for a in risk.actions if a.description.startswith("Aftal")] == [
        "Secretariat"
    ]
    page = client.get("/programmes/ddns/risks/R1").get_data(as_text=True)
    assert page.count("Secretariat") >= 2


def test_a_workshop_action_needs_a_user_or_a_name(client, login_as, ddns):
    from portfolio.workshops.models import Workshop, WorkshopItem

    user = login_as("secretariat")
    workshop = Workshop(
        programme_id=ddns.id,
        title="Workshop",
        held_on=dt.date(2026, 11, 1),
        items=[WorkshopItem(benefit=get_benefit(ddns, "GH1"), position=0)],
    )
    db.session.add(workshop)
    db.session.commit()
    base = f"/programmes/ddns/workshops/{workshop.id}"
    client.post(f"{base}/hold", data={"version": workshop.version, "confirmed": "y"})
    missing = client.post(
        f"{base}/actions",
        data={"text": "Følg op", "owner": "", "owner_user_id": "", "status": "open"},
        follow_redirects=True,
    )
    assert "Vælg en bruger eller skriv navnet på den ansvarlige." in missing.get_data(as_text=True)
    added = client.post(
        f"{base}/actions",
        data={"text": "Følg op", "owner": "", "owner_user_id": user.id, "status": "open"},
    )
    assert added.status_code == 302
    db.session.expire_all()
    action = db.session.get(Workshop, workshop.id).actions
    assert [(a.owner_label, a.owner) for a in action] == [("Secretariat", "")]


def test_a_name_alone_replaces_a_user_owner(app, users, ddns):
    from portfolio.risks.services import update_risk

    actor = users.make("secretariat")
    risk = get_risk(ddns, "R2")
    update_risk(actor, risk, {"owner_user_id": actor.id}, risk.version)
    update_risk(actor, risk, {"owner": "Anne uden konto"}, risk.version)  # as the API sends it
    db.session.commit()
    risk = get_risk(ddns, "R2")
    assert (risk.owner_user_id, risk.owner_label) == (None, "Anne uden konto")
