"""PostgreSQL roles: an owner that migrates, and a runtime role that holds privileges only.

Only a table's owner (or a member of the owning role, or a superuser) can ALTER the table,
disable or drop its triggers, or be given them back. So the app itself should not connect
as the owner: migrations run as the owner, and the web app and its timers connect as a
runtime role granted here, which can read and write rows but change no table:

- SELECT, INSERT, UPDATE, DELETE on every table of the app;
- SELECT and INSERT only on the tables marked append-only (`info={"append_only": True}`:
  the audit trail), so it cannot rewrite or remove the trail even without the triggers;
- SELECT on alembic_version (backups record the schema revision);
- USAGE on the tables' id sequences (nextval for new rows; not setval);
- CONNECT on the database and USAGE on the schema.

It gets no TRUNCATE, REFERENCES or TRIGGER privilege anywhere, and everything else it
held on these tables is revoked first, so running the grant again (after each `db upgrade`,
which may add tables) leaves exactly this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from portfolio.core.errors import RuleViolation
from portfolio.extensions import db

ALEMBIC_VERSION = "alembic_version"


@dataclass
class RuntimeGrant:
    """What grant_runtime_role gave the role."""

    role: str
    read_write: list[str] = field(default_factory=list)
    append_only: list[str] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)


def tables_not_owned(connection: sa.Connection, names: list[str]) -> list[str]:
    """Return the tables among `names` that the connected role can neither alter nor own.

    A superuser, the owner and members of the owning role count as owners (PostgreSQL).
    """
    if connection.dialect.name != "postgresql" or not names:
        return []
    rows = connection.execute(
        sa.text(
            "SELECT tablename FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = ANY(:names)"
            " AND NOT pg_has_role(current_user, tableowner, 'USAGE')"
        ),
        {"names": names},
    )
    return sorted(rows.scalars())


def grant_runtime_role(
    role: str,
    *,
    connection: sa.Connection | None = None,
    metadata: sa.MetaData | None = None,
) -> RuntimeGrant:
    """Give `role` exactly the privileges the running app needs (module doc); the caller commits.

    Refuses, writing nothing, on SQLite, for a role that does not exist, and for a role
    that could undo the point of it: a superuser, a role that can create roles (before
    PostgreSQL 16 such a role can make itself a member of any other), and the tables'
    owner or a member of it.
    """
    connection = connection if connection is not None else db.session.connection()
    metadata = metadata if metadata is not None else db.metadata
    if connection.dialect.name != "postgresql":
        raise RuleViolation(
            f"{connection.dialect.name} has no roles: whoever can open the database file can"
            " change all of it. grant-runtime is for PostgreSQL."
        )
    _check_role(connection, role)
    tables = list(metadata.sorted_tables)
    names = [table.name for table in tables]
    present = set(
        connection.scalars(
            sa.text(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = current_schema() AND tablename = ANY(:names)"
            ),
            {"names": [*names, ALEMBIC_VERSION]},
        )
    )
    missing = [name for name in [*names, ALEMBIC_VERSION] if name not in present]
    if missing:
        raise RuleViolation(
            f"The database lacks {len(missing)} of the app's tables (for example"
            f" {missing[0]}); run `flask --app app db upgrade` as the owner first."
            " Nothing was granted."
        )
    _check_not_owner(connection, role, [*names, ALEMBIC_VERSION])

    preparer = connection.dialect.identifier_preparer
    grantee = preparer.quote_identifier(role)
    database = connection.scalar(sa.text("SELECT current_database()"))
    schema = connection.scalar(sa.text("SELECT current_schema()"))
    grant = RuntimeGrant(role)
    for table in tables:
        (grant.append_only if table.info.get("append_only") else grant.read_write).append(
            table.name
        )
    grant.read_only.append(ALEMBIC_VERSION)

    def listed(table_names: list[str]) -> str:
        return ", ".join(preparer.quote(name) for name in table_names)

    statements = [
        f"GRANT CONNECT ON DATABASE {preparer.quote_identifier(database)} TO {grantee}",
        f"GRANT USAGE ON SCHEMA {preparer.quote_identifier(schema)} TO {grantee}",
        f"REVOKE ALL ON TABLE {listed([*names, ALEMBIC_VERSION])} FROM {grantee}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {listed(grant.read_write)} TO {grantee}",
        f"GRANT SELECT ON TABLE {listed(grant.read_only)} TO {grantee}",
    ]
    if grant.append_only:
        statements.append(f"GRANT SELECT, INSERT ON TABLE {listed(grant.append_only)} TO {grantee}")
    grant.sequences = [sequence for _column, sequence in id_sequences(connection, tables)]
    if grant.sequences:
        # pg_get_serial_sequence returns the names quoted where they need it.
        sequences = ", ".join(grant.sequences)
        statements.append(f"REVOKE ALL ON SEQUENCE {sequences} FROM {grantee}")
        statements.append(f"GRANT USAGE ON SEQUENCE {sequences} TO {grantee}")
    for statement in statements:
        connection.exec_driver_sql(statement)
    return grant


def _check_role(connection: sa.Connection, role: str) -> None:
    found = connection.execute(
        sa.text("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = :role"),
        {"role": role},
    ).first()
    if found is None:
        raise RuleViolation(
            f"There is no role {role!r}. Create it first (CREATE ROLE … LOGIN PASSWORD …,"
            " see docs/deploy.md); nothing was granted."
        )
    if found.rolsuper:
        raise RuleViolation(
            f"{role!r} is a superuser, which no privilege or trigger binds; give the app a"
            " role of its own (docs/deploy.md). Nothing was granted."
        )
    if found.rolcreaterole:
        raise RuleViolation(
            f"{role!r} can create roles, and so could make itself a member of the owner;"
            f" ALTER ROLE {role} NOCREATEROLE first. Nothing was granted."
        )


def _check_not_owner(connection: sa.Connection, role: str, names: list[str]) -> None:
    owned = connection.scalars(
        sa.text(
            "SELECT tablename FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = ANY(:names)"
            " AND pg_has_role(:role, tableowner, 'MEMBER')"
            " ORDER BY tablename"
        ),
        {"role": role, "names": names},
    ).all()
    if owned:
        raise RuleViolation(
            f"{role!r} owns {owned[0]} (or is a member of its owner), so it could alter the"
            " tables and disable the audit trail's triggers. The runtime role must be another"
            " role than the one migrations run as; nothing was granted."
        )


def id_sequences(
    connection: sa.Connection, tables: list[sa.Table]
) -> list[tuple[sa.Column[Any], str]]:
    """Return (column, sequence) for each table's autoincrementing id backed by a sequence."""
    preparer = connection.dialect.identifier_preparer
    found = []
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = connection.scalar(
            sa.select(sa.func.pg_get_serial_sequence(preparer.format_table(table), column.name))
        )
        if sequence is not None:
            found.append((column, sequence))
    return found
