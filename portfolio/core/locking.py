"""Taking turns: what two requests must not do at the same moment, and how they wait.

Two writes can race in this app:

* numbering: a new risk gets the code after the programme's highest (R5 after R4), a new
  baseline the next number, a new stakeholder the next place in the list. Two requests that
  both read "R4" would both take R5; the second then fails on the unique constraint (or, for
  a number without one, two rows share it).
* editing: two saves started from version 1 both pass the version check before either has
  written; the second UPDATE then matches no row and SQLAlchemy raises StaleDataError.

Both are solved the same way: before it reads what it decides on, the request locks a row
for the rest of its transaction, so the next request waits and then reads what the first
one committed.

* PostgreSQL: ``SELECT … FOR NO KEY UPDATE`` on the parent (the programme) or on the edited
  row. NO KEY UPDATE is the lock an ordinary UPDATE takes; unlike FOR UPDATE it does not hold
  back inserts elsewhere that merely refer to the row (a milestone of the same programme).
* SQLite has one writer at a time. Python's sqlite3 begins a transaction only at the first
  INSERT/UPDATE/DELETE, so a request's earlier reads saw the database before the other
  writer committed. ``BEGIN IMMEDIATE`` takes the write lock now (waiting up to the busy
  timeout set in core/database.py); reads after it see every committed write. A connection
  already inside a transaction has written, so it holds the write lock already.

The lock ends with the transaction (the request's commit or rollback); nothing to release.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portfolio.core.errors import NotFound
from portfolio.extensions import db


def take_turn(obj) -> sa.Row | None:
    """Wait until no other transaction holds `obj`'s row, then hold it until this one ends.

    Returns the row's primary key as committed now, or None if the row is gone meanwhile.
    """
    mapper = sa.inspect(type(obj))
    return _locking_read(obj, *mapper.primary_key).first()


def stored_version(obj) -> int | None:
    """Return the version of `obj` as committed now, holding its row until the transaction ends.

    The object in the session may have been loaded before a colleague's save; this reads
    past it, so a version check made with it cannot be overtaken by a save in between.
    """
    return _locking_read(obj, sa.inspect(type(obj)).version_id_col).scalar()


def next_number(parent, highest: Callable[[], int | None]) -> int:
    """Return one more than `highest()`, the largest number so far under `parent`.

    `parent` (a programme) is locked first, so a parallel request numbering under it waits
    for this transaction and then sees the number taken here. Every "largest + 1" in the
    app goes through this function.
    """
    take_turn(parent)
    return (highest() or 0) + 1


def delete_once(obj) -> None:
    """Delete `obj`'s row, or raise NotFound when a parallel request deleted it first.

    Two people pressing "Slet" at once both loaded the row; the row is locked and read
    again first, so the second waits for the first and then finds nothing to delete,
    rather than deleting nothing and auditing a deletion that never happened.
    """
    hold_for_delete(obj)
    db.session.delete(obj)


def hold_for_delete(obj) -> None:
    """Lock `obj`'s row for a deletion; NotFound if a parallel request deleted it first."""
    if take_turn(obj) is None:
        raise NotFound(_("Det, du ville slette, er allerede slettet af en anden."))


def _locking_read(obj, *columns) -> sa.Result:
    """Read columns of obj's row, locked for this transaction (see the module's docstring)."""
    mapper = sa.inspect(type(obj))
    key = mapper.primary_key_from_instance(obj)
    query = sa.select(*columns).where(
        *(column == value for column, value in zip(mapper.primary_key, key, strict=True))
    )
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        _hold_sqlite_write_lock(connection)
    else:
        query = query.with_for_update(key_share=True)
    return db.session.execute(query)


def _hold_sqlite_write_lock(connection: sa.Connection) -> None:
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# ------------------------------------------------------------------ when turns are lost

# SQLite's result codes (Python 3.11+ names them on the exception) and PostgreSQL's
# SQLSTATEs for "another transaction got there first" and "the database was too busy".
_SQLITE_RACES = {
    "SQLITE_CONSTRAINT_UNIQUE",
    "SQLITE_CONSTRAINT_PRIMARYKEY",
    "SQLITE_CONSTRAINT_FOREIGNKEY",
}
_POSTGRES_RACES = {"23505", "23503"}  # unique_violation, foreign_key_violation
_SQLITE_BUSY = {"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_LOCKED"}
# serialization_failure, deadlock_detected, lock_not_available
_POSTGRES_BUSY = {"40001", "40P01", "55P03"}
# A busy database is answered 503 with this Retry-After: the other writers are done by then.
RETRY_AFTER_SECONDS = "2"


def lost_turn(error: BaseException) -> tuple[int, str] | None:
    """Say whether `error` means a parallel request won a race, and how to tell the user.

    Returns (status, Danish message) for: a save that lost to a colleague's save of the same
    row (StaleDataError), a unique or foreign-key violation (someone stored the same name or
    code, or removed what this refers to, a moment earlier), and a database too busy to wait
    for (SQLite's "database is locked", a PostgreSQL deadlock or lock timeout). Returns None
    for every other error: those are not races, and stay what they are.
    """
    if isinstance(error, StaleDataError):
        return 409, _(
            "Nogen gemte en ændring samtidig med dig. Din ændring er ikke gemt; formularen "
            "viser stadig, hvad du skrev. Indlæs siden igen for at se deres, og prøv på ny."
        )
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlite_errorname", None) or getattr(original, "sqlstate", None)
    if isinstance(error, sa.exc.IntegrityError) and code in _SQLITE_RACES | _POSTGRES_RACES:
        return 409, _(
            "Nogen gemte noget tilsvarende samtidig med dig (fx samme navn eller kode), eller "
            "fjernede det, du henviser til. Din ændring er ikke gemt; formularen viser stadig, "
            "hvad du skrev. Indlæs siden igen, og prøv på ny."
        )
    if isinstance(error, sa.exc.OperationalError) and code in _SQLITE_BUSY | _POSTGRES_BUSY:
        return 503, _(
            "Databasen var optaget af andres ændringer. Din ændring er ikke gemt; prøv at "
            "gemme igen om et øjeblik."
        )
    return None
