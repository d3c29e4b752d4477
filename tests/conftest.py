"""Shared fixtures: an app on a fresh database with the DDNS data, clients and users by role.

Tests run on SQLite; with TEST_DATABASE_URL set they run on that database (PostgreSQL in
CI) instead. Each test gets a database of its own holding exactly the seeded DDNS data.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.auth.models import Role, User
from portfolio.extensions import db
from portfolio.seed.loader import load_seed, read_seed_file
from tests import run_totals
from tests.audit_ledger import LEDGER

LEDGER.install()

PASSWORD = "correct horse battery staple"


def _private_postgres_database(url: str | None) -> str | None:
    """Give this test run a PostgreSQL database of its own, next to the one named.

    Several test runs may share one server (CI jobs, developers' branches); each then works
    in `<name>_run_<pid>`, created here and dropped when the run ends, so that no run can
    lock or empty another's tables.
    """
    if not url or not url.startswith("postgresql"):
        return url
    base = sa.make_url(url)
    private = base.set(database=f"{base.database}_run_{os.getpid()}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{private.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{private.database}"'))
    admin.dispose()

    def drop():
        engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(
                sa.text(f'DROP DATABASE IF EXISTS "{private.database}" WITH (FORCE)')
            )
        engine.dispose()

    atexit.register(drop)
    return private.render_as_string(hide_password=False)


TEST_DATABASE_URL = _private_postgres_database(os.environ.get("TEST_DATABASE_URL"))
if TEST_DATABASE_URL:
    # Tests that read the variable themselves get the private database too.
    os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL


def _config(uri: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # A cheap hash keeps the many test users fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **extra,
    }


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The tests hold an app context open to reach the database; without this, requests
    would share its `g` (and Flask-Login's cached user) and its database session, which
    real requests never do.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _reset_postgres(snapshot: dict | None = None) -> None:
    """Empty every table, then put back the rows of a snapshot (if one is given).

    Seeding through the services for every test is slow on PostgreSQL; copying the rows
    back in bulk gives each test the same fresh, seeded database in a few statements.
    """
    with db.engine.begin() as connection:
        connection = connection.execution_options(audit_exempt=True)  # test harness
        # DELETE is much faster than TRUNCATE on small tables; the replica role lets the
        # test harness (a superuser) past the audit trail's append-only trigger.
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        tables = list(db.metadata.sorted_tables)
        connection.execute(sa.text("; ".join(f'DELETE FROM "{t.name}"' for t in tables)))
        sequences = []
        for table in tables:
            rows = (snapshot or {}).get(table.name)
            if rows:
                connection.execute(table.insert(), rows)
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                sequences.append(
                    f"setval(pg_get_serial_sequence('{table.name}', 'id'),"
                    f' coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
        connection.execute(sa.text("SELECT " + ", ".join(sequences)))


def _take_snapshot() -> dict:
    with db.engine.connect() as connection:
        return {
            table.name: [dict(r._mapping) for r in connection.execute(table.select())]
            for table in db.metadata.sorted_tables
        }


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
    """Create the schema on PostgreSQL once and return a snapshot of the seeded rows."""
    if not TEST_DATABASE_URL:
        return None
    app = create_app(_config(TEST_DATABASE_URL))
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        db.create_all()
        load_seed(read_seed_file())
        db.session.commit()
        snapshot = _take_snapshot()
        db.session.remove()
        db.engine.dispose()
    return snapshot


def make_app(tmp_path, template, seeded: bool = True, snapshot=None, **config):
    """Create an app on a database of its own (seeded with DDNS unless told otherwise)."""
    app = _make_app(tmp_path, template, seeded, snapshot, **config)
    app.test_client_class = FreshContextClient
    _APPS_MADE.append(app)
    return app


_APPS_MADE: list = []


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close the connection pools of every app a test made, so no connection outlives it."""
    yield
    while _APPS_MADE:
        made = _APPS_MADE.pop()
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


def _make_app(tmp_path, template, seeded, snapshot, **config):
    if TEST_DATABASE_URL:
        app = create_app(_config(TEST_DATABASE_URL, **config))
        with app.app_context():
            _reset_postgres(snapshot if seeded else None)
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
    app = make_app(tmp_path, _sqlite_template, snapshot=_postgres_schema)
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
    """Put the user's session in the client's cookie, as a login would.

    A login names the user's session epoch as the database holds it now: an earlier
    request may have raised it (a logout ends every session of the user).
    """
    user_id = int(user.get_id().partition(":")[0])
    epoch = db.session.scalar(sa.select(User.session_epoch).where(User.id == user_id))
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{epoch}"
        session["_fresh"] = True


def log_in(client, user: User) -> None:
    """Sign the user in through the login form with the test password, as a person would
    (the sign-in is stamped in the trail, unlike `sign_in`)."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


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


@pytest.fixture(autouse=True)
def _audit_completeness():
    """Every row any test changes leaves an audit row (counted, not sampled)."""
    LEDGER.reset()
    yield
    missing = LEDGER.unaudited()
    LEDGER.settle()
    assert not missing, f"changes without audit rows (table: changed, audited): {missing}"


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(run_totals.XdistTotals(), "styrbord-run-totals")


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput[run_totals.KEY] = run_totals.collect()


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, "workeroutput"):
        return
    for line in run_totals.lines():
        terminalreporter.write_line(line)
