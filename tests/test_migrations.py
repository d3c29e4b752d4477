"""The migrations build exactly the models' schema, and take it down again."""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portfolio import create_app
from portfolio.extensions import db
from tests.conftest import TEST_DATABASE_URL, _config, requires_postgres

_ONE_AUDIT_ROW = (
    "INSERT INTO audit_entries (at, actor, action, entity, entity_id, entity_label)"
    " VALUES ('2026-01-01 00:00:00', 'test', 'create', 'x', '1', '')"
)


def _database_urls(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migrated.db'}"
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        name = f"styrbord_migrations_{os.getpid()}"
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield (
                "postgresql",
                sa.make_url(TEST_DATABASE_URL)
                .set(database=name)
                .render_as_string(hide_password=False),
            )
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_upgrade_gives_models_schema_and_downgrade_removes_it(tmp_path):
    checked = []
    for dialect, url in _database_urls(tmp_path):
        app = create_app(_config(url))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                assert _diff(connection) == [], dialect
                tables = set(sa.inspect(connection).get_table_names())
            assert {t.name for t in db.metadata.sorted_tables} <= tables
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
        checked.append(dialect)
    assert "sqlite" in checked


def test_migrated_audit_trail_refuses_updates(tmp_path):
    app = create_app(_config(f"sqlite:///{tmp_path / 'audit.db'}"))
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text(_ONE_AUDIT_ROW))
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            db.engine.begin() as connection,
        ):
            connection.execute(sa.text("UPDATE audit_entries SET actor = 'someone else'"))
        db.engine.dispose()


@requires_postgres()
def test_migrated_audit_trail_refuses_truncate_on_postgres(tmp_path):
    """Revision 0006 adds the BEFORE TRUNCATE trigger; going back to 0005 removes it."""
    for dialect, url in _database_urls(tmp_path):
        if dialect == "postgresql":  # inside the loop: the generator drops the database after
            _check_truncate_refused_and_downgraded(url)


def _check_truncate_refused_and_downgraded(url: str) -> None:
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text(_ONE_AUDIT_ROW))
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            db.engine.begin() as connection,
        ):
            connection.execute(sa.text("TRUNCATE audit_entries"))
        with db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM audit_entries")) == 1
        downgrade(revision="0005")
        with db.engine.connect() as connection:
            triggers = connection.scalars(
                sa.text(
                    "SELECT tgname FROM pg_trigger"
                    " WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal"
                )
            ).all()
        assert triggers == ["audit_entries_no_change"]
        db.engine.dispose()


def test_0008_cleans_stored_text_of_nul_and_control_characters(tmp_path):
    """Issue 11: rows stored before core/text.py (NUL on SQLite, control characters on
    both) are cleaned, in any text column of any table; the audit trail is left alone."""
    checked = []
    for dialect, url in _database_urls(tmp_path):
        app = create_app(_config(url))
        with app.app_context():
            upgrade()
            downgrade(revision="0007")
            dirty = "Ny\x0bnavn\x01\x1b" + ("\x00" if dialect == "sqlite" else "")
            with db.engine.begin() as connection:
                connection = connection.execution_options(audit_exempt=True)  # test data
                connection.execute(
                    sa.text(
                        "INSERT INTO users (email, name, password_hash, is_admin,"
                        " is_active_account, session_epoch, version, created_at, updated_at)"
                        " VALUES ('a@example.dk', :name, 'x', false, true, 1, 1,"
                        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                    ),
                    {"name": dirty},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_entries (at, actor, action, entity, entity_id,"
                        " entity_label) VALUES ('2026-01-01 00:00:00', :actor, 'create', 'x',"
                        " '1', '')"
                    ),
                    {"actor": "a\x01b"},
                )
            upgrade()
            with db.engine.connect() as connection:
                assert connection.scalar(sa.text("SELECT name FROM users")) == "Ny\nnavn"
                assert connection.scalar(sa.text("SELECT actor FROM audit_entries")) == "a\x01b"
            downgrade(revision="base")
            db.engine.dispose()
        checked.append(dialect)
    assert "sqlite" in checked
