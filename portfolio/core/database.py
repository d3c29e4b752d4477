"""Database wiring: SQLite pragmas and the health probe."""

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine

from portfolio.extensions import db


def init_app(app: Flask) -> None:
    """Turn on what SQLite leaves off by default."""

    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


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
