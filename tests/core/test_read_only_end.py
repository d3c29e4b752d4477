"""How a request's transaction ends: a request that only read commits, so PostgreSQL's
prepared statements stay; anything that may have written is rolled back as before.

The routes here exist for these tests only: they stand for a view that reads, one that
changes an object without saving it, one that runs an UPDATE without committing it, and
one that writes and then fails. None of the last three may leave a trace.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.programmes.models import Programme
from tests.conftest import requires_postgres


def _name(app) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Programme.name).where(Programme.slug == "ddns"))


@pytest.fixture
def routes(app, ddns):
    @app.get("/_test/read")
    def read():
        prepared = db.session.scalar(
            sa.select(sa.func.count()).select_from(sa.table("pg_prepared_statements"))
        )
        return {"prepared": prepared}

    @app.get("/_test/unsaved-change")
    def unsaved_change():
        programme = db.session.scalar(sa.select(Programme).where(Programme.slug == "ddns"))
        programme.name = "Ikke gemt"
        return "ok"

    @app.get("/_test/unsaved-update")
    def unsaved_update():
        # Exempt from the audit ledger's count: it is rolled back, which is the point.
        db.session.execute(
            sa.update(Programme).where(Programme.slug == "ddns").values(name="Ikke gemt"),
            execution_options={"audit_exempt": True},
        )
        return "ok"

    @app.get("/_test/write-then-fail")
    def write_then_fail():
        programme = db.session.scalar(sa.select(Programme).where(Programme.slug == "ddns"))
        programme.name = "Halvt skrevet"
        db.session.flush()
        raise RuntimeError("after the flush")

    return _name(app)


@requires_postgres("prepared statements are PostgreSQL's")
def test_requests_that_only_read_keep_the_prepared_statements(app, client, routes, login_as):
    login_as("viewer")
    # psycopg prepares a statement on its sixth run on a connection; a ROLLBACK would make
    # it forget them all, so with every request rolled back none would ever be left.
    for _ in range(8):
        assert client.get("/_test/read").status_code == 200
    assert client.get("/_test/read").get_json()["prepared"] > 0


@pytest.mark.parametrize("path", ["/_test/unsaved-change", "/_test/unsaved-update"])
def test_a_change_a_view_did_not_commit_is_not_kept(app, client, routes, login_as, path):
    login_as("viewer")
    assert client.get(path).status_code == 200
    assert _name(app) == routes


def test_a_request_that_wrote_and_failed_leaves_nothing(app, client, routes, login_as):
    login_as("viewer")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/_test/write-then-fail").status_code == 500
    assert _name(app) == routes
