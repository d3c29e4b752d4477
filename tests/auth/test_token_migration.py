"""Migration 0007 turns each user's single API token into a row, and back again."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.extensions import db
from tests.conftest import _config
from tests.test_migrations import _database_urls

SECRET = "et-gammelt-token-fra-før-0007"


def _users_table():
    return sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("email", sa.String),
        sa.column("name", sa.String),
        sa.column("password_hash", sa.String),
        sa.column("is_admin", sa.Boolean),
        sa.column("is_active_account", sa.Boolean),
        sa.column("api_token_hash", sa.String),
        sa.column("session_epoch", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )


def test_an_existing_token_survives_the_migration_as_a_revocable_row(tmp_path):
    checked = []
    digest = hashlib.sha256(SECRET.encode()).hexdigest()
    now = dt.datetime.now(dt.UTC)
    for dialect, url in _database_urls(tmp_path):
        app = create_app(_config(url))
        with app.app_context():
            upgrade(revision="0007-1")  # the schema before API tokens had rows
            with db.engine.begin() as connection:
                # Rows as an older Styrbord wrote them, before this test's audit ledger.
                connection = connection.execution_options(audit_exempt=True)
                connection.execute(
                    _users_table().insert(),
                    [
                        {
                            "email": f"{name}@example.dk",
                            "name": name,
                            "password_hash": "x",
                            "is_admin": False,
                            "is_active_account": True,
                            "api_token_hash": token,
                            "session_epoch": 0,
                            "version": 1,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for name, token in (("med", digest), ("uden", None))
                    ],
                )
            upgrade(revision="0007")
            users = _users_table()
            with db.engine.connect() as connection:
                # The old column is left for the previous release, empty: one place per token.
                left = connection.execute(sa.select(users.c.api_token_hash)).scalars().all()
            assert left == [None, None], dialect
            # The models are today's: later migrations (new user columns) come first.
            upgrade()
            with app.test_request_context():
                owner = auth_services.user_by_token(SECRET)
                assert owner is not None and owner.email == "med@example.dk", dialect
                rows = auth_services.list_tokens(owner)
                assert [(t.name, t.is_live) for t in rows] == [("API-token", True)]
                db.session.remove()

            downgrade(revision="0007-1")
            with db.engine.connect() as connection:
                held = dict(
                    connection.execute(sa.select(users.c.email, users.c.api_token_hash)).all()
                )
            assert held == {"med@example.dk": digest, "uden@example.dk": None}, dialect
            downgrade(revision="base")
            db.engine.dispose()
        checked.append(dialect)
    assert "sqlite" in checked
