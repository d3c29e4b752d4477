"""Administrators give a user a new password; the old one, the user's sessions and tokens end."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portfolio.audit.listeners import REDACTED
from portfolio.audit.models import AuditEntry
from portfolio.auth import services as auth_services
from portfolio.auth.models import TokenEnd
from portfolio.extensions import db
from tests.conftest import PASSWORD, sign_in


def _logs_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 302


def _shown_password(response) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True))
    assert match, "the page shows the new password"
    return match.group(1)


def test_admin_resets_a_password_and_the_old_one_stops_working(app, client, users, login_as):
    viewer = users.make("viewer")
    token = auth_services.issue_token(viewer, "script")
    db.session.commit()
    viewers_browser = app.test_client()
    sign_in(viewers_browser, viewer)
    assert viewers_browser.get("/programmes/ddns").status_code == 200
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/programmes", headers=bearer).status_code == 200
    login_as("admin")

    page = client.get(f"/admin/users/{viewer.id}")
    assert "Nulstil adgangskode" in page.get_data(as_text=True)
    response = client.post(f"/admin/users/{viewer.id}/password")

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    password = _shown_password(response)
    assert not auth_services.password_problems(password)
    assert not _logs_in(app, viewer.email, PASSWORD)
    assert _logs_in(app, viewer.email, password)
    # The viewer's browser is signed out, and their API token no longer works.
    assert viewers_browser.get("/programmes/ddns").headers["Location"].startswith("/login")
    assert app.test_client().get("/api/v1/programmes", headers=bearer).status_code == 401
    ended = auth_services.list_tokens(viewer)[0]
    assert ended.end_reason is TokenEnd.PASSWORD_CHANGED


def test_the_trail_records_the_reset_without_the_password(app, client, users, login_as):
    viewer = users.make("viewer")
    admin = login_as("admin")
    password = _shown_password(client.post(f"/admin/users/{viewer.id}/password"))

    row = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "users",
            AuditEntry.entity_id == str(viewer.id),
            AuditEntry.field == "password_hash",
        )
    )
    assert row is not None
    assert row.user_id == admin.id
    assert (row.old_value, row.new_value) == (REDACTED, REDACTED)
    leaked = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.old_value.contains(password),
                AuditEntry.new_value.contains(password),
            )
        )
    )
    assert leaked == 0


def test_a_non_admin_cannot_reset_a_password(app, client, users, login_as):
    viewer = users.make("viewer")
    login_as("secretariat")
    response = client.post(f"/admin/users/{viewer.id}/password")
    assert response.status_code == 403
    assert _logs_in(app, viewer.email, PASSWORD)


def test_an_admin_changes_their_own_password_on_the_account_page(app, client, login_as):
    admin = login_as("admin")
    assert "Nulstil adgangskode" not in client.get(f"/admin/users/{admin.id}").get_data(
        as_text=True
    )
    response = client.post(f"/admin/users/{admin.id}/password", follow_redirects=True)
    assert "Skift din egen adgangskode på din kontoside." in response.get_data(as_text=True)
    assert _logs_in(app, admin.email, PASSWORD)
