"""OIDC without the browser: switching local passwords off, who may sign in, the callback's
state check, and the administrators' group → role mapping page (audited)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.auth import oidc
from portfolio.auth.models import OidcGroupRole, Role, User
from portfolio.extensions import db
from tests.conftest import PASSWORD

ISSUER = "https://login.example.dk/tenant/v2.0"


@pytest.fixture
def oidc_config(app):
    app.config.update(
        OIDC_ISSUER=ISSUER,
        OIDC_CLIENT_ID="styrbord",
        OIDC_CLIENT_SECRET="s",
        OIDC_PROVIDER_NAME="Entra ID",
    )
    return app


def test_without_local_passwords_the_form_is_gone_and_a_password_is_refused(
    app, client, users, oidc_config
):
    users.make("secretariat")
    app.config["LOCAL_PASSWORDS"] = False
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page
    assert "Log ind via Entra ID" in page
    answer = client.post("/login", data={"email": "secretariat@example.dk", "password": PASSWORD})
    assert answer.status_code == 403
    assert "Login med adgangskode er slået fra" in answer.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # still not signed in


def test_with_local_passwords_both_ways_are_offered(client, oidc_config):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' in page
    assert "Log ind via Entra ID" in page


def test_a_callback_with_no_sign_in_under_way_is_refused(client, oidc_config):
    answer = client.get("/login/oidc/callback?code=abc&state=forged")
    assert answer.status_code == 403
    assert "hører ikke til et login, der er i gang" in answer.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_callback_with_another_state_is_refused(client, oidc_config):
    with client.session_transaction() as session:
        session["oidc_pending"] = {"state": "mine", "nonce": "n", "verifier": "v", "next": ""}
    answer = client.get("/login/oidc/callback?code=abc&state=theirs")
    assert answer.status_code == 403
    with client.session_transaction() as session:
        assert "oidc_pending" not in session  # used up: the right state cannot follow


def test_a_callback_naming_another_issuer_is_refused(client, oidc_config):
    with client.session_transaction() as session:
        session["oidc_pending"] = {"state": "s", "nonce": "n", "verifier": "v", "next": ""}
    answer = client.get("/login/oidc/callback?code=abc&state=s&iss=https://evil.example")
    assert answer.status_code == 403
    assert "en anden udbyder" in answer.get_data(as_text=True)


def _claims(**more):
    return {"sub": "subject-1", "email": "ny@example.dk", "name": "Ny Bruger", **more}


def test_unknown_users_are_refused_unless_creation_is_on(app, oidc_config):
    with app.test_request_context():
        with pytest.raises(oidc.SignInRefused, match="ingen konto i Styrbord"):
            oidc.find_or_create_user(_claims())
        app.config["OIDC_CREATE_USERS"] = True
        user, created = oidc.find_or_create_user(_claims())
        db.session.flush()
        assert created and user.oidc_subject == "subject-1" and user.oidc_issuer == ISSUER
        again, created = oidc.find_or_create_user(_claims(email="changed@example.dk"))
        assert again.id == user.id and not created
        db.session.rollback()


def test_an_email_held_by_a_local_account_is_not_taken_over(app, users, oidc_config):
    users.make("secretariat")
    app.config["OIDC_CREATE_USERS"] = True
    with app.test_request_context():
        with pytest.raises(oidc.SignInRefused, match="findes allerede en Styrbord-konto"):
            oidc.find_or_create_user(_claims(email="secretariat@example.dk"))
        db.session.rollback()


def test_a_closed_account_is_refused(app, users, oidc_config):
    user = users.make("viewer")
    user.oidc_issuer, user.oidc_subject, user.is_active_account = ISSUER, "subject-1", False
    db.session.commit()
    with app.test_request_context(), pytest.raises(oidc.SignInRefused, match="lukket"):
        oidc.find_or_create_user(_claims())


def test_administrators_keep_the_mapping_and_every_change_is_audited(client, login_as, app):
    login_as("admin")
    page = client.get("/admin/group-roles")
    assert page.status_code == 200
    answer = client.post(
        "/admin/group-roles",
        data={"g-claim_value": " ddns-sek ", "g-role": "secretariat", "g-programme_id": ""},
    )
    assert answer.status_code == 302
    mapping = db.session.scalar(sa.select(OidcGroupRole))
    assert (mapping.claim_value, mapping.role, mapping.programme_id) == (
        "ddns-sek",
        Role.SECRETARIAT,
        None,
    )
    again = client.post(
        "/admin/group-roles",
        data={"g-claim_value": "ddns-sek", "g-role": "secretariat", "g-programme_id": ""},
    )
    assert again.status_code == 422
    assert "giver allerede den rolle" in again.get_data(as_text=True)
    assert client.post(f"/admin/group-roles/{mapping.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(OidcGroupRole)) is None
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.entity == "oidc_group_roles")
    ).all()
    assert sorted(actions) == ["create", "delete"]


def test_track_lead_cannot_be_mapped(client, login_as):
    login_as("admin")
    answer = client.post(
        "/admin/group-roles",
        data={"g-claim_value": "g", "g-role": "track_lead", "g-programme_id": ""},
    )
    assert answer.status_code == 422
    assert db.session.scalar(sa.select(OidcGroupRole)) is None


def test_only_administrators_see_the_mapping(client, login_as):
    login_as("secretariat")
    assert client.get("/admin/group-roles").status_code == 403


def test_an_oidc_user_has_no_password(app, oidc_config):
    app.config["OIDC_CREATE_USERS"] = True
    with app.test_request_context():
        user, _created = oidc.find_or_create_user(_claims())
        db.session.flush()
        from portfolio.auth.services import authenticate

        assert authenticate("ny@example.dk", oidc.UNUSABLE_PASSWORD) is None
        assert isinstance(user, User)
        db.session.rollback()


def test_the_account_page_offers_no_password_change_without_local_passwords(app, client, login_as):
    login_as("viewer")
    assert "Skift adgangskode" in client.get("/account").get_data(as_text=True)
    app.config["LOCAL_PASSWORDS"] = False
    assert "Skift adgangskode" not in client.get("/account").get_data(as_text=True)
    answer = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": "x" * 20, "confirm": "x" * 20},
        follow_redirects=True,
    )
    assert "adgangskoden kan ikke skiftes her" in answer.get_data(as_text=True)


def test_an_administrator_links_an_existing_account_to_its_subject(
    app, client, login_as, users, oidc_config
):
    login_as("admin")
    target = users.make("viewer")
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "Subject hos login-udbyderen" in page
    data = {
        "name": target.name,
        "is_active_account": "y",
        "oidc_subject": " subject-7 ",
        "version": str(target.version),
    }
    assert client.post(f"/admin/users/{target.id}", data=data).status_code == 302
    db.session.refresh(target)
    assert (target.oidc_issuer, target.oidc_subject) == (ISSUER, "subject-7")
    with app.test_request_context():
        found, created = oidc.find_or_create_user(_claims(sub="subject-7"))
        assert found.id == target.id and not created
    other = users.make("secretariat")
    data = {**data, "version": str(other.version), "name": other.name}
    answer = client.post(f"/admin/users/{other.id}", data=data)
    assert answer.status_code == 422
    assert "allerede knyttet" in answer.get_data(as_text=True)
