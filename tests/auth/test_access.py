"""The route walker: every route refuses the anonymous, and each role exactly as documented."""

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from tests.access import ALLOWED
from tests.auth.walk_counts import ROLES_WALKED, WALKED
from tests.conftest import ROLES, make_app, sign_in
from tests.routes import PUBLIC, all_routes

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _row_counts():
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name != "audit_entries"
    }


def _all_rules(app):
    for method in ("GET", *STATE_CHANGING):
        for endpoint, url in all_routes(app, method):
            yield method, endpoint, url


def test_public_allowlist_is_short(app):
    # The login page, its two OIDC steps (to the provider and back), static files, the
    # health check, the language switch and the OpenAPI document; the two calendar feeds,
    # which carry a credential of their own (a feed token in the address) and refuse
    # without it (tests/calendars); and asking for and using a one-time password link
    # (tests/mail).
    assert len(PUBLIC) <= 11
    assert {r.endpoint for r in app.url_map.iter_rules()} >= PUBLIC


def test_every_route_has_a_documented_rule(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - PUBLIC
    assert endpoints - set(ALLOWED) == set(), "add the new route to tests/access.py"


def test_anonymous_is_sent_to_login_or_answered_401(app, client):
    walked = 0
    for method, endpoint, url in _all_rules(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
        walked += 1
    WALKED["anonymous"] += walked
    assert walked >= 40


@pytest.mark.parametrize("role", ROLES)
def test_state_changing_routes_obey_the_permission_table(app, client, users, role):
    """Allowed roles get past the permission check; the others get 403 and change nothing."""
    user = users.make(role)
    checked = 0
    for method, endpoint, url in _all_rules(app):
        if method == "GET" or endpoint in PUBLIC:
            continue
        sign_in(client, user)
        before = _row_counts()
        payload = {"json": {}} if url.startswith("/api/") else {"data": {}}
        response = client.open(url, method=method, **payload)
        if role in ALLOWED[endpoint]:
            assert response.status_code != 403, (role, method, url)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)
            db.session.expire_all()
            assert _row_counts() == before, (role, method, url)
        checked += 1
    WALKED["role_checks"] += checked
    ROLES_WALKED.add(role)
    assert checked >= 12


def test_post_without_csrf_token_is_refused_on_every_form_route(
    tmp_path, _sqlite_template, _postgres_schema, users
):
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = users.make("admin")
        client = app.test_client()
        checked = 0
        for method, endpoint, url in _all_rules(app):
            if method == "GET":
                continue
            if endpoint not in PUBLIC:
                sign_in(client, admin)
            response = client.open(url, method=method, data={"name": "x"})
            assert response.status_code == 400, (method, url, response.status_code)
            checked += 1
        WALKED["csrf"] += checked
        assert checked >= 13
        db.session.remove()


def test_api_write_with_session_needs_csrf_header_but_token_does_not(
    tmp_path, _sqlite_template, _postgres_schema, users
):
    from portfolio.auth import services as auth_services

    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = users.make("admin")
        token = auth_services.issue_token(admin)
        db.session.commit()
        client = app.test_client()
        sign_in(client, admin)
        refused = client.patch(
            "/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "A"}
        )
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == "bad_request"
        fresh = app.test_client()
        accepted = fresh.patch(
            "/api/v1/programmes/ddns/risks/R1",
            json={"version": 1, "owner": "A"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert accepted.status_code == 200, accepted.get_json()
        assert accepted.get_json()["owner"] == "A"
        db.session.remove()
