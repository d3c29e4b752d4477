"""Security headers, cookies, throttling, passwords, timeouts and size limits."""

import time

import pytest

from portfolio.auth import services as auth_services
from portfolio.extensions import db
from tests.conftest import PASSWORD, make_app


def test_security_headers_on_pages_and_api(client, login_as):
    login_as("viewer")
    for url in ("/programmes/ddns", "/api/v1/programmes", "/login"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cache-Control"] == "no-store"
        assert len(headers["X-Request-ID"]) >= 8


def test_pages_carry_no_inline_script_or_style(client, login_as):
    login_as("admin")
    for url in ("/", "/programmes/ddns", "/admin/users", "/login"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html.lower().replace('<script src="', "")
        assert " style=" not in html and "<style" not in html


def test_session_cookie_flags(client, users):
    users.make("viewer")
    response = client.post("/login", data={"email": "viewer@example.dk", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost


def test_cookie_secure_behind_https_proxy(tmp_path, _sqlite_template, _postgres_schema, users):
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, BEHIND_PROXY=True)
    # ProxyFix is installed at start-up; the factory reads BEHIND_PROXY from the config.
    with app.app_context():
        users.make("viewer")
        client = app.test_client()
        response = client.post(
            "/login",
            data={"email": "viewer@example.dk", "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
        )
        assert "Secure" in response.headers["Set-Cookie"]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        db.session.remove()


def test_login_is_throttled(tmp_path, _sqlite_template, _postgres_schema, users):
    app = make_app(
        tmp_path,
        _sqlite_template,
        snapshot=_postgres_schema,
        RATELIMIT_ENABLED=True,
        LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        users.make("viewer")
        client = app.test_client()
        statuses = [
            client.post(
                "/login", data={"email": "viewer@example.dk", "password": "forkert"}
            ).status_code
            for _attempt in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
        page = client.post("/login", data={"email": "viewer@example.dk", "password": PASSWORD})
        assert page.status_code == 429  # even the right password waits
        assert "For mange forsøg" in page.get_data(as_text=True)
        db.session.remove()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort123", "mindst 12 tegn"),
        ("adgangskode2024!", "for almindelig"),
        ("passwordpassword", "let at gætte"),
        ("aaaaaaaaaaaaaaaa", "let at gætte"),
    ],
)
def test_weak_passwords_refused(client, login_as, password, message):
    login_as("viewer")
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": password, "confirm": password},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, users):
    user = users.make("viewer")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": user.email, "password": PASSWORD})
        assert device.get("/programmes/ddns").status_code == 200
    new = "en helt ny og lang sætning"
    response = laptop.post(
        "/account", data={"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert laptop.get("/programmes/ddns").status_code == 200
    assert phone.get("/programmes/ddns").status_code == 302  # sent to the login page
    db.session.expire_all()
    assert auth_services.authenticate(user.email, new) is not None


def test_idle_session_times_out(app, client, users):
    user = users.make("viewer")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    response = client.get("/programmes/ddns")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302


def test_an_unchanged_session_is_not_signed_and_sent_again(client, users):
    """Activity is noted once a minute; a page in between sends no new cookie."""
    user = users.make("viewer")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.get("/")  # the first page adds a CSRF token to the session
    assert "Set-Cookie" not in client.get("/programmes/ddns").headers
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 61
    assert "session=" in client.get("/programmes/ddns").headers["Set-Cookie"]
    with client.session_transaction() as session:
        assert session["seen"] >= int(time.time()) - 5


def test_request_size_limit(app, client, login_as):
    login_as("secretariat")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/programmes/ddns/stakeholders/new", data={"name": "x" * 5000, "attitude": "neutral"}
    )
    assert response.status_code == 413
    assert "større end tilladt" in response.get_data(as_text=True)


def test_no_secret_in_the_repository():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout: cannot list tracked files")
    assert "instance/secret_key" not in tracked
    assert not any(name.endswith((".pem", ".key", ".env")) for name in tracked)


def test_static_files_are_cacheable_and_versioned(client, login_as):
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    import re

    href = re.search(r'href="(/static/css/styrbord\.css\?v=\w+)"', html).group(1)
    with client.get(href) as response:  # a file response: close it
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "no-store" not in response.headers["Cache-Control"]
