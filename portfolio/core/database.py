"""Database wiring: SQLite pragmas, lock timeouts and the health probe."""

import functools

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine

from portfolio.extensions import db


def init_app(app: Flask) -> None:
    """Turn on what SQLite leaves off by default, and bound how long a write waits its turn.

    A write that waits longer than DATABASE_LOCK_TIMEOUT_MS for another transaction's lock
    (SQLite's busy timeout; PostgreSQL's lock_timeout) fails, and the user is told the
    database was busy and to save again (core/locking.lost_turn), instead of the request
    hanging until the web server gives up on it.
    """
    timeout_ms = int(app.config.get("DATABASE_LOCK_TIMEOUT_MS") or 5000)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", functools.partial(_sqlite_pragmas, timeout_ms))
    elif engine.dialect.name == "postgresql":
        sa.event.listen(engine, "connect", functools.partial(_postgres_settings, timeout_ms))


def _sqlite_pragmas(timeout_ms: int, dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")
    cursor.close()


def _postgres_settings(timeout_ms: int, dbapi_connection, _record) -> None:
    # SET is transactional in PostgreSQL: commit it, or the pool's first rollback undoes it.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(timeout_ms)}")
    finally:
        dbapi_connection.autocommit = autocommit


def database_answers(engine: Engine | None = None) -> bool:
    """Return True when the database answers a trivial query."""
    try:
        with (engine or db.engine).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
