"""Fixtures for the backup tests: empty databases to restore into and a source with history."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil

import pytest
import sqlalchemy as sa
from flask_migrate import stamp, upgrade

from portfolio import create_app
from portfolio.audit.context import acting_as
from portfolio.extensions import db
from portfolio.organisation.models import Attitude, BodyKind, GovernanceBody
from portfolio.organisation.services import create_stakeholder
from portfolio.programmes.services import get_programme, update_programme
from portfolio.risks.models import Level, RiskStatus
from portfolio.risks.services import get_risk, update_risk
from tests.conftest import TEST_DATABASE_URL, Users, _config

ON_POSTGRES = (TEST_DATABASE_URL or "").startswith("postgresql")
NO_POSTGRES = "needs TEST_DATABASE_URL pointing at PostgreSQL"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def _admin():
    """A connection to PostgreSQL's server for creating and dropping databases."""
    if not ON_POSTGRES:
        yield None
        return
    engine = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _postgres_url(name: str) -> str:
    return sa.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def _drop(admin: sa.Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory, _admin):
    """Empty databases built by `flask db upgrade`, once per kind and session, to copy."""
    made: dict[str, str] = {}

    def template(dialect: str) -> str:
        if dialect not in made:
            if dialect == "sqlite":
                made[dialect] = str(tmp_path_factory.mktemp("migrated") / "migrated.db")
                url = f"sqlite:///{made[dialect]}"
            else:
                made[dialect] = f"styrbord_backup_test_template_{os.getpid()}"
                _drop(_admin, made[dialect])
                with _admin.connect() as connection:
                    connection.execute(sa.text(f'CREATE DATABASE "{made[dialect]}"'))
                url = _postgres_url(made[dialect])
            app = create_app(_config(url))
            with app.app_context():
                upgrade()
                db.engine.dispose()
        return made[dialect]

    yield template
    if "postgresql" in made:
        _drop(_admin, made["postgresql"])


@pytest.fixture
def fresh_url(tmp_path, _admin, _migrated_templates):
    """Return a maker of URLs of new databases, migrated (the default) or bare.

    Each is its own copy of a migrated template; PostgreSQL ones are dropped after the test.
    """
    created: list[str] = []

    def make(dialect: str, *, migrated: bool = True) -> str:
        number = next(_numbers)
        if dialect == "sqlite":
            path = tmp_path / f"fresh_{number}.db"
            if migrated:
                shutil.copy(_migrated_templates(dialect), path)
            return f"sqlite:///{path}"
        if _admin is None:
            pytest.skip(NO_POSTGRES)
        name = f"styrbord_backup_test_{os.getpid()}_{number}"
        template = f' TEMPLATE "{_migrated_templates(dialect)}"' if migrated else ""
        _drop(_admin, name)
        with _admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{template}'))
        created.append(name)
        return _postgres_url(name)

    yield make
    for name in created:
        _drop(_admin, name)


@contextlib.contextmanager
def app_on(url: str):
    """Run the block in an app context on the database at `url`."""
    app = create_app(_config(url))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def make_history() -> None:
    """Edit the seeded DDNS data through the services, as users would, and commit.

    Leaves creates and updates in the audit trail, a user with a membership, and a
    governance body whose parent has a higher id than itself (restored parents first).
    """
    secretariat = Users().make("secretariat")
    programme = get_programme("ddns")
    with acting_as(secretariat):
        risk = get_risk(programme, "R1")
        update_risk(
            secretariat,
            risk,
            {"probability": Level.MEDIUM, "status": RiskStatus.MITIGATED, "owner": "Søren Æbelø"},
            expected_version=risk.version,
        )
        create_stakeholder(
            secretariat,
            programme,
            {"name": "Danske Regioner", "attitude": Attitude.NEUTRAL, "involvement": "Høres"},
        )
        update_programme(secretariat, programme, {"vision": "Data, der følger borgeren."})
        top = db.session.scalar(
            sa.select(GovernanceBody)
            .where(GovernanceBody.programme_id == programme.id, GovernanceBody.parent_id.is_(None))
            .order_by(GovernanceBody.id)
        )
        above = GovernanceBody(
            programme_id=programme.id, position=0, name="Forum for backup", kind=BodyKind.BOARD
        )
        db.session.add(above)
        db.session.flush()
        top.parent = above
    db.session.commit()


def head_revision() -> str:
    """The newest migration's revision id, which `flask db upgrade` leaves a database at."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.fixture
def source(app):
    """The `app` fixture's DDNS database with history, stamped at the migrations' head.

    The test databases are made by create_all(), which builds exactly the migrated schema
    (tests/test_migrations.py); stamping records that, as `flask db upgrade` would.
    """
    stamp()
    make_history()
    yield app
    with db.engine.begin() as connection:
        # The PostgreSQL test database is shared by the whole session.
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def target(fresh_url, app):
    """An empty, migrated database of the suite's kind, current while the test runs."""
    with app_on(fresh_url(db.engine.dialect.name)) as target_app:
        yield target_app


def table_contents(engine: sa.Engine, metadata: sa.MetaData | None = None) -> dict:
    """Return every table's rows in primary-key order, each value as its repr."""
    metadata = metadata if metadata is not None else db.metadata
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(repr(value) for value in row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
        }


def stored_contents(engine: sa.Engine) -> dict:
    """Return every table's rows as the database stores them (each value cast to text)."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(*[sa.cast(c, sa.Text) for c in table.columns]).order_by(
                    *table.primary_key.columns
                )
            ).all()
            for table in db.metadata.sorted_tables
        }
