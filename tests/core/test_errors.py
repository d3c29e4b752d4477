"""Error pages in Danish and English, JSON errors of one shape, 503 when the database is gone."""

import json
import logging

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Conflict

from portfolio.extensions import db
from tests.conftest import make_app, sign_in

SHAPE = {"status", "code", "message"}


def test_404_page_in_danish_and_english(client, login_as):
    login_as("viewer")
    response = client.get("/programmes/findes-ikke")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Programmet findes ikke." in html or "Siden findes ikke" in html
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get("/does/not/exist").get_data(as_text=True)
    assert "Page not found" in english
    assert "Traceback" not in english


def test_403_page(client, login_as):
    login_as("viewer")
    response = client.get("/programmes/ddns/edit")
    assert response.status_code == 403
    assert "Adgang nægtet" in response.get_data(as_text=True)


def test_400_page_for_missing_csrf(tmp_path, _sqlite_template, _postgres_schema, users):
    from tests.conftest import sign_in

    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        sign_in(client, users.make("secretariat"))
        response = client.post("/programmes/ddns/stakeholders/new", data={"name": "X"})
        assert response.status_code == 400
        assert "sikkerhedsfelt" in response.get_data(as_text=True)


def test_409_page(app, client, login_as):
    login_as("viewer")

    @app.get("/_test/conflict")
    def conflict():  # a route for this test only
        raise Conflict()

    response = client.get("/_test/conflict")
    assert response.status_code == 409
    assert "Konflikt" in response.get_data(as_text=True)


def test_413_page(app, client, login_as):
    login_as("secretariat")
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/programmes/ddns/edit", data={"vision": "x" * 1000})
    assert response.status_code == 413
    assert "Forespørgslen er for stor" in response.get_data(as_text=True)


def test_500_page_hides_the_trace(tmp_path, _sqlite_template, _postgres_schema, users, caplog):
    from tests.conftest import sign_in

    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema, SHOW_ERROR_PAGES=True)

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/api/v1/_test/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        client = app.test_client()
        sign_in(client, users.make("viewer"))
        with caplog.at_level(logging.ERROR, logger="portfolio"):
            logging.getLogger("portfolio").propagate = True
            try:
                page = client.get("/_test/boom")
                api = client.get("/api/v1/_test/boom")
            finally:
                logging.getLogger("portfolio").propagate = False
        assert page.status_code == 500
        html = page.get_data(as_text=True)
        assert "Der opstod en fejl" in html
        assert "secret internals" not in html and "Traceback" not in html
        assert api.status_code == 500
        body = api.get_json()["error"]
        assert set(body) >= SHAPE and body["code"] == "internal_error"
        assert "secret internals" not in api.get_data(as_text=True)
        assert any("secret internals" in r.getMessage() or r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/programmes/nope", 404, "not_found"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ],
)
def test_api_errors_have_one_shape(client, login_as, url, status, code):
    login_as("viewer")
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) >= SHAPE
    assert body["error"]["code"] == code


def test_api_405_and_422_shape(client, login_as):
    login_as("admin")
    wrong_method = client.delete("/api/v1/programmes/ddns")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    invalid = client.patch(
        "/api/v1/programmes/ddns/risks/R1", json={"version": 1, "probability": "x"}
    )
    assert invalid.status_code == 422
    error = invalid.get_json()["error"]
    assert error["code"] == "invalid" and "probability" in error["details"]


def test_unreachable_database_gives_503(tmp_path):
    from portfolio import create_app
    from tests.conftest import _config

    app = create_app(_config("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "unreachable"}
    page = client.post("/login", data={"email": "a@b.dk", "password": "x" * 12})
    assert page.status_code == 503
    assert "Databasen svarer ikke" in page.get_data(as_text=True)


def test_request_id_reaches_the_logs(app, client, login_as, caplog):
    login_as("viewer")
    logger = logging.getLogger("portfolio")
    logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="portfolio.access"):
            response = client.get("/programmes/ddns", headers={"X-Request-ID": "abcdef123456"})
    finally:
        logger.propagate = False
    assert response.headers["X-Request-ID"] == "abcdef123456"
    from portfolio.core.logging import JsonFormatter

    with app.test_request_context("/programmes/ddns"):
        from flask import g

        g.request_id = "abcdef123456"
        line = JsonFormatter().format(caplog.records[-1])
    assert '"request_id": "abcdef123456"' in line
    assert any(r.getMessage() == "GET /programmes/ddns 200" for r in caplog.records)
    # How long the request took, so an operator can find the slow ones in the access log.
    entry = json.loads(line)
    assert isinstance(entry["duration_ms"], float) and 0 < entry["duration_ms"] < 60_000


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/ddns/reports/99999999999999999999",
        "/programmes/ddns/milestones/2147483648/edit",
        "/admin/users/0",
    ],
)
def test_an_id_no_row_can_have_is_404(client, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 404


def test_comparing_reports_with_an_impossible_id_asks_for_two_reports(client, login_as):
    login_as("admin")
    response = client.get(
        "/programmes/ddns/reports/compare", query_string={"a": "9" * 20, "b": "1"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vælg to forskellige rapporter at sammenligne." in page


def test_405_page_says_which_methods_are_allowed(client, login_as):
    login_as("admin")
    response = client.put("/programmes/ddns/edit")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "Handlingen kan ikke udføres på denne adresse." in response.get_data(as_text=True)


def _database_goes_down(engine) -> None:
    """Make every new connection fail as a stopped server's does, and drop the pooled ones.

    SQLite is pointed at a file in a folder that does not exist ("unable to open database
    file"); PostgreSQL at a port nobody listens on ("connection refused").
    """

    def unreachable(dialect, connection_record, cargs, cparams):
        if dialect.name == "sqlite":
            cargs[0] = "/nonexistent-styrbord-folder/styrbord.db"
        else:
            cparams.update(host="127.0.0.1", port=1)

    sa.event.listen(engine, "do_connect", unreachable)
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/programmes/ddns", 503, "Databasen svarer ikke"),
        ("/programmes/ddns/risks/new", 503, "Databasen svarer ikke"),
        ("/no/such/page", 404, "Siden findes ikke"),
    ],
)
def test_a_signed_in_user_gets_a_danish_page_while_the_database_is_down(
    tmp_path, _sqlite_template, _postgres_schema, users, url, status, text
):
    """The page's menu would look the user up; the error page must not need the database."""
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema)
    with app.app_context():
        client = app.test_client()
        sign_in(client, users.make("secretariat"))
        db.session.remove()
        _database_goes_down(db.engine)
        response = client.get(url)
        assert response.status_code == status
        html = response.get_data(as_text=True)
        assert text in html
        assert "<title>" in html and "Styrbord" in html  # our page, not Werkzeug's
        assert "Internal Server Error" not in html and "Traceback" not in html
        # Nothing on it asks the database: no name in the header, no menu.
        assert "Log ud" not in html and "secretariat@example.dk" not in html
        client.post("/language", data={"lang": "en", "next": "/"})  # no database needed
        english = client.get(url).get_data(as_text=True)
        assert {503: "Service unavailable", 404: "Page not found"}[status] in english


def test_an_error_page_that_cannot_be_rendered_is_still_a_page(app, client, login_as, monkeypatch):
    """If even the plain template fails, a few lines of HTML say what happened."""
    login_as("viewer")

    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(app.jinja_env, "get_template", broken)
    monkeypatch.setattr("portfolio.core.errorpages.render_template", broken)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>Siden findes ikke</h1>" in html and "template broken" not in html
