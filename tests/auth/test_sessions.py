"""Sessions end on the server, not only in the browser that asked (issue 11, finding 10).

A session cookie names the user's session epoch; logout, a password change, closing and
reopening the account raise it, so every cookie issued before is refused.
"""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.conftest import PASSWORD, log_in, sign_in


def _copy_of(app, client):
    """Return a second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_cookie_copied_before_logout_is_refused_after(app, client, users):
    user = users.make("viewer")
    log_in(client, user)
    thief = _copy_of(app, client)
    assert thief.get("/programmes/ddns").status_code == 200
    response = client.post("/logout", follow_redirects=True)
    assert "Du er logget ud – også i dine andre browsere." in response.get_data(as_text=True)
    assert _signed_out(thief.get("/programmes/ddns"))
    assert _signed_out(client.get("/programmes/ddns"))


def test_logout_ends_the_users_other_sessions_but_not_other_users(app, users):
    viewer, colleague = users.make("viewer"), users.make("secretariat")
    laptop, phone, theirs = app.test_client(), app.test_client(), app.test_client()
    log_in(laptop, viewer)
    log_in(phone, viewer)
    log_in(theirs, colleague)
    laptop.post("/logout")
    assert _signed_out(phone.get("/programmes/ddns"))
    assert theirs.get("/programmes/ddns").status_code == 200
    log_in(phone, viewer)  # a new login works at once
    assert phone.get("/programmes/ddns").status_code == 200


def _set_active(admin_client, user, active: bool):
    version = db.session.scalar(sa.select(User.version).where(User.id == user.id))
    data = {"name": user.name, "version": version}
    if active:
        data["is_active_account"] = "y"
    response = admin_client.post(f"/admin/users/{user.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_closing_an_account_ends_its_sessions_and_reopening_does_not_revive_them(
    app, client, users
):
    user = users.make("viewer")
    admin_client = app.test_client()
    sign_in(admin_client, users.make("admin"))
    log_in(client, user)
    kept = _copy_of(app, client)

    _set_active(admin_client, user, False)
    assert _signed_out(client.get("/programmes/ddns"))
    refused = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 422

    _set_active(admin_client, user, True)
    # The cookie from before the account was closed stays dead …
    assert _signed_out(kept.get("/programmes/ddns"))
    # … and the user signs in anew.
    fresh = app.test_client()
    log_in(fresh, user)
    assert fresh.get("/programmes/ddns").status_code == 200


def test_the_session_epoch_changes_are_in_the_users_history(app, client, users):
    user = users.make("viewer")
    log_in(client, user)
    client.post("/logout")
    admin_client = app.test_client()
    sign_in(admin_client, users.make("admin"))
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    # Named as the history names it, not by its column.
    assert "Sessionstæller" in page and "session_epoch" not in page
