"""API tokens: listed and revoked by their owner and by administrators, and ended by a
password change or a closed account (issue 11, finding 10)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.auth import services as auth_services
from portfolio.auth.models import ApiToken, TokenEnd, User
from portfolio.extensions import db
from tests.conftest import PASSWORD, sign_in

API = "/api/v1/programmes"


def _api(app, secret):
    return app.test_client().get(API, headers={"Authorization": f"Bearer {secret}"})


def _new_token(client, name="Power BI"):
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 201, response.get_data(as_text=True)
    match = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))
    return response, match.group(1)


def _token(name) -> ApiToken:
    db.session.expire_all()
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.name == name))


def test_owner_makes_lists_and_revokes_a_token_on_their_account_page(app, client, login_as):
    login_as("viewer")
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "Ingen API-tokens." in page.get_data(as_text=True)

    response, secret = _new_token(client)
    text = response.get_data(as_text=True)
    assert "Kopiér det nu: det vises ikke igen." in text
    assert response.headers["Cache-Control"] == "no-store"
    assert _api(app, secret).status_code == 200

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Power BI" in listing and "Aktivt" in listing
    assert secret not in listing  # shown once only
    assert secret[:6] + "…" in listing  # enough to tell the tokens apart
    assert "Aldrig" not in listing  # it has been used

    token = _token("Power BI")
    revoked = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "Tokenet »Power BI« er tilbagekaldt." in revoked.get_data(as_text=True)
    assert "Tilbagekaldt af ejeren" in revoked.get_data(as_text=True)
    assert _api(app, secret).status_code == 401


def test_the_account_page_links_to_the_tokens(client, login_as):
    login_as("viewer")
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/tokens"' in page


def test_a_token_needs_a_name(client, login_as):
    login_as("viewer")
    response = client.post("/account/tokens", data={"name": "   "})
    assert response.status_code == 422
    assert "Feltet skal udfyldes" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_user_cannot_revoke_anothers_token(app, client, users, login_as):
    other = users.make("secretariat")
    secret = auth_services.issue_token(other, "Deres")
    db.session.commit()
    login_as("viewer")
    response = client.post(f"/account/tokens/{_token('Deres').id}/revoke")
    assert response.status_code == 404
    assert _api(app, secret).status_code == 200
    assert "Deres" not in client.get("/account/tokens").get_data(as_text=True)


def test_changing_the_password_ends_every_token(app, client, login_as):
    login_as("viewer")
    _response, first = _new_token(client, "Første")
    _response, second = _new_token(client, "Andet")
    new = "en helt ny og lang sætning"
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
        follow_redirects=True,
    )
    assert "Dine 2 API-tokens er ophørt." in response.get_data(as_text=True)
    assert _api(app, first).status_code == 401
    assert _api(app, second).status_code == 401
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert listing.count("Ophørt ved skift af adgangskode") == 2
    # A token made after the change works.
    _response, third = _new_token(client, "Tredje")
    assert _api(app, third).status_code == 200


def test_closing_the_account_ends_its_tokens_for_good(app, users):
    user = users.make("viewer")
    secret = auth_services.issue_token(user, "Integration")
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, users.make("admin"))

    def set_active(active):
        version = db.session.scalar(sa.select(User.version).where(User.id == user.id))
        data = {
            "name": user.name,
            "version": version,
            **({"is_active_account": "y"} if active else {}),
        }
        assert admin.post(f"/admin/users/{user.id}", data=data).status_code == 302

    set_active(False)
    assert _api(app, secret).status_code == 401
    set_active(True)
    assert _api(app, secret).status_code == 401  # reopening does not revive it
    assert _token("Integration").end_reason is TokenEnd.ACCOUNT_DEACTIVATED


def test_an_administrator_sees_and_revokes_a_users_tokens(app, users):
    user = users.make("viewer")
    secret = auth_services.issue_token(user, "Datavarehus")
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, users.make("admin"))
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "API-tokens" in page and "Datavarehus" in page

    token = _token("Datavarehus")
    response = admin.post(f"/admin/users/{user.id}/tokens/{token.id}/revoke", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Tokenet »Datavarehus« er tilbagekaldt." in text
    assert "Tilbagekaldt af en administrator" in text
    assert _api(app, secret).status_code == 401


def test_an_administrator_revokes_only_the_named_users_token(app, users):
    owner, other = users.make("viewer"), users.make("track_lead")
    secret = auth_services.issue_token(owner, "Ejers")
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, users.make("admin"))
    token = _token("Ejers")
    response = admin.post(f"/admin/users/{other.id}/tokens/{token.id}/revoke")
    assert response.status_code == 404
    assert _api(app, secret).status_code == 200


def test_token_changes_are_audited_without_the_secret(app, client, login_as):
    user = login_as("viewer")
    _response, secret = _new_token(client, "Revideret")
    token = _token("Revideret")
    client.post(f"/account/tokens/{token.id}/revoke")
    entries = list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.entity == "api_tokens", AuditEntry.entity_id == str(token.id))
            .order_by(AuditEntry.id)
        )
    )
    assert entries[0].action == "create"
    assert {e.field for e in entries if e.action == "update"} >= {"ended_at", "end_reason"}
    assert all(e.actor == user.email and e.entity_label == "Revideret" for e in entries)
    stored = " ".join(f"{e.old_value} {e.new_value}" for e in entries)
    assert secret not in stored
    assert token.token_hash not in stored
    assert "revoked_by_owner" in stored


def test_a_token_of_a_closed_account_is_refused_even_if_still_live(app, users):
    """Belt and braces: the owner's state is checked on every request, not only at closing."""
    user = users.make("viewer")
    secret = auth_services.issue_token(user, "Direkte")
    user.is_active_account = False  # past the service, as a database edit would be
    db.session.commit()
    assert _api(app, secret).status_code == 401


def test_the_page_is_in_english_too(client, login_as):
    login_as("viewer")
    page = client.get("/account/tokens?lang=en").get_data(as_text=True)
    assert "API tokens" in page and "No API tokens." in page
