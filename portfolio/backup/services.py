"""Back up every table to one file, check such a file, and restore it into an empty database.

The file format is described in portfolio/backup/fileformat.py and docs/backups.md.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from portfolio.audit.context import current_actor
from portfolio.audit.models import AuditEntry
from portfolio.backup.codecs import UnsupportedColumn, codec_name
from portfolio.backup.fileformat import (
    APP_NAME,
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    BackupSummary,
    TablePlan,
    TableSummary,
    canonical_json,
    make_summary,
    read_backup,
    write_backup,
)
from portfolio.core.models import utcnow
from portfolio.core.roles import id_sequences, tables_not_owned
from portfolio.extensions import db

__all__ = [
    "APP_NAME",
    "FORMAT",
    "FORMAT_VERSION",
    "BackupError",
    "BackupSummary",
    "TableSummary",
    "canonical_json",
    "create_backup",
    "restore_backup",
    "schema_revision",
    "verify_backup",
]

_ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num", sa.String))


def schema_revision(connection: sa.Connection) -> str | None:
    """Return the database's Alembic revision, or None when it was never migrated."""
    if not sa.inspect(connection).has_table(_ALEMBIC_VERSION.name):
        return None
    versions = connection.scalars(sa.select(_ALEMBIC_VERSION.c.version_num)).all()
    # Several rows only when migrations branched; the set of heads is the revision then.
    return ",".join(sorted(versions)) or None


# --- Writing ---------------------------------------------------------------------------


def create_backup(
    path: str | os.PathLike,
    *,
    engine: sa.Engine | None = None,
    metadata: sa.MetaData | None = None,
    after_table: Callable[[str], None] | None = None,
) -> BackupSummary:
    """Write a consistent snapshot of every table to a new backup file at `path`.

    All tables are read in one read-only transaction that sees the database as it was when
    the backup began. The file appears only once it is complete. `after_table` is called
    with each table's name once its rows are written (tests use it to change the database
    while a backup runs).
    """
    target = Path(path)
    engine = engine if engine is not None else db.engine
    tables = list((metadata if metadata is not None else db.metadata).sorted_tables)
    try:
        plans = [TablePlan.of(table) for table in tables]
    except UnsupportedColumn as error:
        raise BackupError(str(error)) from error
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    try:
        # Closed in reverse: the snapshot ends, gzip writes its trailer, the file is renamed.
        # mtime=0 keeps the compressed bytes a function of the content alone.
        with (
            _atomic_file(target) as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out,
            _snapshot(engine) as connection,
        ):
            # Read first, so the snapshot begins here (SQLite takes it at the first read, not
            # at BEGIN) and the revision belongs to the same snapshot as the rows.
            revision = schema_revision(connection)
            header, summaries, content_sha256 = write_backup(
                out, connection, plans, revision, after_table
            )
    except sa.exc.SQLAlchemyError as error:
        raise BackupError(f"Could not read the database; no backup was written: {error}") from error
    except OSError as error:
        raise BackupError(f"Could not write {target}; no backup was written: {error}") from error
    return make_summary(target, header, summaries, content_sha256)


@contextlib.contextmanager
def _atomic_file(target: Path) -> Iterator[IO[bytes]]:
    """Yield a new file beside `target` that becomes `target` only if the block succeeds."""
    # mkstemp creates the file readable by its owner only: backups hold password hashes.
    handle, partial = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    if os.name == "posix":
        # Make the rename itself durable, not only the file's contents.
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


@contextlib.contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Yield a connection in a read-only transaction that sees one state of the database."""
    with engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            # The transaction's first statement (PostgreSQL refuses it anywhere else): every
            # later SELECT sees the snapshot taken at the first query.
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        elif dialect == "sqlite":
            # pysqlite opens no transaction for SELECTs; without an explicit one each SELECT
            # would see whatever was committed just before it.
            connection.exec_driver_sql("BEGIN")
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
        try:
            yield connection
        finally:
            connection.rollback()


# --- Checking --------------------------------------------------------------------------


def verify_backup(path: str | os.PathLike) -> BackupSummary:
    """Read a whole backup file and check its header, every value and every checksum."""
    return read_backup(Path(path))


# --- Restoring -------------------------------------------------------------------------


def restore_backup(
    path: str | os.PathLike,
    *,
    engine: sa.Engine | None = None,
    metadata: sa.MetaData | None = None,
    actor: str | None = None,
) -> BackupSummary:
    """Load a backup file into an empty database at the same schema revision, all or nothing.

    The whole file is checked before anything is written. Rows go in through SQLAlchemy
    Core, so restored history makes no new audit rows; one audit entry (action "restore")
    records the restore itself, by `actor` (default: who is acting, e.g. the CLI command).
    """
    path = Path(path)
    summary = verify_backup(path)
    engine = engine if engine is not None else db.engine
    metadata = metadata if metadata is not None else db.metadata
    try:
        with engine.connect() as connection, connection.begin():
            tables = list(metadata.sorted_tables)
            _lock_for_restore(connection, tables)
            revision = schema_revision(connection)
            if revision != summary.schema_revision:
                raise BackupError(
                    f"The backup is of schema revision {summary.schema_revision or '(none)'},"
                    f" the database is at {revision or '(none)'}. Restore into a database"
                    " migrated to the backup's revision; nothing was written."
                )
            _check_compatible(summary, metadata)
            _check_empty(connection, tables)
            read_backup(path, _Loader(connection, metadata))
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
            _record_restore(
                connection, metadata, summary, actor if actor is not None else current_actor().label
            )
    except sa.exc.SQLAlchemyError as error:
        raise BackupError(f"Restoring {path} failed; nothing was written: {error}") from error
    return summary


def _lock_for_restore(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Keep other writers out from the emptiness check until the restore commits."""
    if connection.dialect.name == "sqlite":
        # Takes the write lock now; pysqlite would otherwise begin only at the first INSERT.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        if not tables:
            return
        _check_owner(connection, tables)
        # EXCLUSIVE lets others read but not write until the restore commits.
        preparer = connection.dialect.identifier_preparer
        names = ", ".join(preparer.format_table(table) for table in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.dialect.name}.")


def _check_owner(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Refuse a restore by a role that does not own the tables (the app's runtime role).

    Restoring locks every table against writers, which PostgreSQL allows only to roles that
    may update or delete, and sets the id sequences, which needs more than nextval: the
    runtime role may do neither on the audit trail (docs/deploy.md). The owner may.
    """
    not_owned = tables_not_owned(connection, [table.name for table in tables])
    if not_owned:
        role = connection.scalar(sa.text("SELECT current_user"))
        raise BackupError(
            f"The role {role} does not own {not_owned[0]}"
            f"{f' and {len(not_owned) - 1} more tables' if len(not_owned) > 1 else ''}:"
            " restore as the role that owns the tables, the one migrations run as (set"
            " DATABASE_URL to its URL for this command, see docs/deploy.md);"
            " nothing was written."
        )


def _check_compatible(summary: BackupSummary, metadata: sa.MetaData) -> None:
    """Refuse a backup whose tables, columns or value types differ from this schema."""
    known = {table.name: table for table in metadata.sorted_tables}
    in_file = [table.name for table in summary.tables]
    missing, unknown = sorted(set(known) - set(in_file)), sorted(set(in_file) - set(known))
    if missing or unknown:
        raise BackupError(
            "The backup's tables differ from this database's"
            f" (not in the backup: {', '.join(missing) or 'none'};"
            f" not in this database: {', '.join(unknown) or 'none'}); nothing was written."
        )
    position = {name: index for index, name in enumerate(in_file)}
    for saved in summary.tables:
        table = known[saved.name]
        try:
            expected = {column.name: codec_name(column) for column in table.columns}
        except UnsupportedColumn as error:
            raise BackupError(str(error)) from error
        found = dict(zip(saved.columns, saved.codecs, strict=True))
        if found != expected:
            raise BackupError(
                f"Table {table.name} has other columns or column types in the backup"
                f" ({found}) than in this database ({expected}); nothing was written."
            )
        for key in table.foreign_keys:
            parent = key.column.table.name
            if parent != table.name and position[parent] > position[table.name]:
                raise BackupError(
                    f"The backup stores {table.name} before {parent}, which it refers to;"
                    " nothing was written."
                )


def _check_empty(connection: sa.Connection, tables: list[sa.Table]) -> None:
    filled = [
        table.name
        for table in tables
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]
    if filled:
        named = ", ".join(filled[:3]) + (f" and {len(filled) - 3} more" if len(filled) > 3 else "")
        raise BackupError(
            f"The database is not empty: {named} already"
            f" {'has' if len(filled) == 1 else 'have'} rows. A backup is restored only into"
            " an empty database (create one with `flask --app app db upgrade`);"
            " nothing was written."
        )


class _Loader:
    """Insert a backup's rows into the tables, within the caller's transaction."""

    def __init__(self, connection: sa.Connection, metadata: sa.MetaData):
        self.connection = connection
        self.tables = {table.name: table for table in metadata.sorted_tables}
        self.held: list[dict] = []

    def add_rows(self, name: str, columns: list[str], rows: list[list]) -> None:
        table = self.tables[name]
        by_name = {column.name: column for column in table.columns}
        keys = [by_name[column].key for column in columns]
        if self.connection.dialect.name == "postgresql":
            rows = [[_without_nul(value) for value in row] for row in rows]
        params = [dict(zip(keys, row, strict=True)) for row in rows]
        if _self_references(table):
            # Rows may point at rows later in the file; they go in once the table is read.
            self.held.extend(params)
        else:
            self.connection.execute(table.insert(), params)

    def end_table(self, name: str) -> None:
        if self.held:
            _insert_parents_first(self.connection, self.tables[name], self.held)
            self.held = []


def _without_nul(value: object) -> object:
    """PostgreSQL's text cannot hold NUL, which SQLite stored before core/text.py cleaned
    every boundary (it survives in old audit rows, which no migration rewrites). Into
    PostgreSQL it goes as the visible escape `\\x00`, so the row is restored and shows
    that a NUL was there; every other character is restored as it was written."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\\x00")
    return value


def _self_references(table: sa.Table) -> list[sa.ForeignKeyConstraint]:
    return [fk for fk in table.foreign_key_constraints if fk.referred_table is table]


def _insert_parents_first(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows of a self-referencing table so that every parent precedes its children.

    Rows caught in a cycle of references (legal in the database, when made by updates) are
    inserted with the reference empty and then updated to it.
    """
    links = [
        ([e.parent.key for e in fk.elements], [e.column.key for e in fk.elements])
        for fk in _self_references(table)
    ]
    index = {
        (number, tuple(row[key] for key in remote)): position
        for number, (_local, remote) in enumerate(links)
        for position, row in enumerate(rows)
    }
    parents = []
    for position, row in enumerate(rows):
        found = set()
        for number, (local, _remote) in enumerate(links):
            values = tuple(row[key] for key in local)
            # A reference with a NULL part is not checked by the database (MATCH SIMPLE).
            if None not in values and (number, values) in index:
                found.add(index[(number, values)])
        found.discard(position)
        parents.append(found)

    placed: set[int] = set()
    pending = list(range(len(rows)))
    while pending:
        ready = [position for position in pending if parents[position] <= placed]
        if not ready:
            break
        connection.execute(table.insert(), [rows[position] for position in ready])
        placed.update(ready)
        pending = [position for position in pending if position not in placed]
    if pending:
        _insert_cycle(connection, table, [rows[position] for position in pending], links)


def _insert_cycle(connection: sa.Connection, table: sa.Table, rows: list[dict], links) -> None:
    local_keys = sorted({key for local, _remote in links for key in local})
    key_columns = list(table.primary_key.columns)
    if not key_columns or any(not table.c[key].nullable for key in local_keys):
        raise BackupError(
            f"Rows of {table.name} refer to each other in a cycle that cannot be restored;"
            " nothing was written."
        )
    connection.execute(table.insert(), [{**row, **dict.fromkeys(local_keys)} for row in rows])
    # Bind names of their own, since an UPDATE's parameters share a namespace with columns.
    update = (
        table.update()
        .where(*[column == sa.bindparam(f"old_{column.key}") for column in key_columns])
        .values({key: sa.bindparam(f"new_{key}") for key in local_keys})
    )
    connection.execute(
        update,
        [
            {
                **{f"old_{column.key}": row[column.key] for column in key_columns},
                **{f"new_{key}": row[key] for key in local_keys},
            }
            for row in rows
        ],
    )


def _reset_sequences(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Make PostgreSQL's id sequences continue after the restored ids."""
    for column, sequence in id_sequences(connection, tables):
        highest = sa.select(sa.func.max(column)).scalar_subquery()
        connection.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(highest, 0) + 1, False))
        )


def _record_restore(
    connection: sa.Connection, metadata: sa.MetaData, summary: BackupSummary, actor: str
) -> None:
    """Append one audit entry saying which backup was restored, by a Core INSERT."""
    audit = AuditEntry.__table__
    if metadata.tables.get(audit.name) is not audit:
        # Restoring tables other than the app's (as the codec tests do): no trail to write.
        return
    details = {
        "file": summary.path.name,
        "content_sha256": summary.content_sha256,
        "created_at": summary.created_at.isoformat(),
        "source_dialect": summary.dialect,
        "schema_revision": summary.schema_revision,
        "row_count": summary.row_count,
        "rows": summary.rows_by_table(),
    }
    connection.execute(
        audit.insert().values(
            at=utcnow(),
            user_id=None,
            actor=actor[:300],
            request_id=None,
            action="restore",
            entity="database",
            entity_id="",
            entity_label=summary.path.name[:300],
            entity_version=None,
            programme_id=None,
            field=None,
            old_value=None,
            new_value=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
    )
