"""Database wiring: SQLite pragmas, lock timeouts, how a read-only request ends, and the
health probe."""

import functools

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.default import DefaultExecutionContext

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
    sa.event.listen(engine, "begin", _transaction_begins)
    sa.event.listen(engine, "before_cursor_execute", _note_writes)
    app.teardown_request(_end_read_only_transaction)


# Set in a connection's info from the first statement of a transaction that may write.
_MAY_WRITE = "styrbord_may_write"


def _transaction_begins(connection: Connection) -> None:
    connection.info[_MAY_WRITE] = False


def _note_writes(
    connection: Connection,
    _cursor: object,
    _statement: str,
    _parameters: object,
    context: DefaultExecutionContext | None,
    _many: bool,
) -> None:
    """Remember that the transaction ran a statement that is not a plain SELECT.

    Only a compiled SELECT counts as reading; anything else (DML, DDL, SET, textual SQL)
    counts as a possible write, so that such a transaction ends as before, rolled back.
    """
    compiled = getattr(context, "compiled", None)
    reads = compiled is not None and getattr(compiled.statement, "is_select", False)
    if not reads or context is None or context.isinsert or context.isupdate or context.isdelete:
        connection.info[_MAY_WRITE] = True


def _end_read_only_transaction(error: BaseException | None) -> None:
    """End a request's transaction that only read with COMMIT instead of ROLLBACK.

    Both leave the data as it was. The difference is psycopg's: a ROLLBACK makes it forget
    (and deallocate) every statement it has prepared on the connection, so each request
    had PostgreSQL parse and plan every query anew, and the planning of a page's version
    query cost more than running it (docs/performance.md). After a COMMIT the prepared
    statements stay, and a page served from the cache runs its one query on a kept plan.

    A request that failed, has objects waiting to be flushed, or ran anything but SELECTs
    is left to Flask-SQLAlchemy's teardown, which rolls it back.
    """
    session = db.session()
    if error is not None or not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(_MAY_WRITE, True):
        return
    session.commit()


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
