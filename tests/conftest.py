"""Shared fixtures: an app on a fresh database with the DDNS data, clients and users by role.

Tests run on SQLite; with TEST_DATABASE_URL set they run on that database (PostgreSQL in
CI) instead. Each test gets a database of its own holding exactly the seeded DDNS data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.auth.models import Role, User
from portfolio.extensions import db
from portfolio.seed.loader import load_seed, read_seed_file

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


def _config(uri: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        **extra,
    }


def _reset_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    """A SQLite file with the schema and the DDNS data, copied for each test."""
    if TEST_DATABASE_URL:
        return None
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        load_seed(read_seed_file())
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_schema():
    if not TEST_DATABASE_URL:
        return None
    app = create_app(_config(TEST_DATABASE_URL))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    return True


def make_app(tmp_path, template, seeded: bool = True, **config):
    """Create an app on a database of its own (seeded with DDNS unless told otherwise)."""
    if TEST_DATABASE_URL:
        app = create_app(_config(TEST_DATABASE_URL, **config))
        with app.app_context():
            _reset_postgres()
            if seeded:
                load_seed(read_seed_file())
                db.session.commit()
        return app
    path = tmp_path / "styrbord.db"
    if seeded:
        shutil.copy(template, path)
        app = create_app(_config(f"sqlite:///{path}", **config))
    else:
        app = create_app(_config(f"sqlite:///{path}", **config))
        with app.app_context():
            db.create_all()
    return app


@pytest.fixture
def app(tmp_path, _sqlite_template, _postgres_schema):
    app = make_app(tmp_path, _sqlite_template)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path, _sqlite_template, _postgres_schema):
    """An app whose database has the schema but no data."""
    app = make_app(tmp_path, _sqlite_template, seeded=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ddns(app):
    from portfolio.programmes.services import get_programme

    return get_programme("ddns")


ROLES = ("admin", "secretariat", "track_lead", "benefit_owner", "viewer", "outsider")


@dataclass
class Users:
    """Creates users with a role in DDNS (track 1 for a track lead, GH1 for a benefit owner)."""

    def make(self, role: str, email: str | None = None) -> User:
        from portfolio.benefits.services import get_benefit
        from portfolio.programmes.services import get_programme, get_track

        email = email or f"{role}@example.dk"
        existing = auth_services.get_user_by_email(email)
        if existing is not None:
            return existing
        user = auth_services.create_user(
            email, PASSWORD, name=role.replace("_", " ").title(), is_admin=role == "admin"
        )
        programme = get_programme("ddns")
        if role == "secretariat":
            auth_services.grant_role(user, Role.SECRETARIAT, programme=programme)
        elif role == "track_lead":
            auth_services.grant_role(user, Role.TRACK_LEAD, track=get_track(programme, 1))
        elif role == "benefit_owner":
            auth_services.grant_role(
                user, Role.BENEFIT_OWNER, benefit=get_benefit(programme, "GH1")
            )
        elif role == "viewer":
            auth_services.grant_role(user, Role.VIEWER, programme=programme)
        db.session.commit()
        return user


@pytest.fixture
def users(app):
    return Users()


def sign_in(client, user: User) -> None:
    """Put the user's session in the client's cookie, as a login would."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def login_as(client, users):
    """Sign the test client in with a user of the given role and return that user."""

    def login(role: str) -> User:
        user = users.make(role)
        sign_in(client, user)
        return user

    return login


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as n: …; n()`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield lambda: len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def requires_postgres(reason: str = "needs TEST_DATABASE_URL pointing at PostgreSQL"):
    return pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgresql"), reason=reason)
