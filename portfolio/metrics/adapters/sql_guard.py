"""Keep the SQL adapter away from Styrbord's own database and from over-privileged accounts.

An SQL source runs a query a source manager wrote. It is read-only, but reading is the
danger when the database is Styrbord's own: password hashes, API token hashes and other
sources' secret settings (database passwords) live there. So the adapter refuses:

1. By URL, before connecting, anything that names the app's own database
   (`SQLALCHEMY_DATABASE_URI`):
   - SQLite: the same file by device and inode, after resolving symlinks, `file:` URIs and
     `?mode=` variants, so a hard link or another spelling of the path is the same file;
   - PostgreSQL: the same port and database on the same host, where host names are
     resolved and every loopback spelling (localhost, 127.0.0.1, ::1, 0.0.0.0) is one.
   This is cheap and answers early, but URL spellings never end (a DNS alias, a pooler,
   a replica, the server's outside address), so it is not what the refusal rests on.
2. By identity, once connected, whatever the URL said:
   - SQLite: the file SQLite really opened (`PRAGMA database_list`), by device and inode;
   - PostgreSQL: the cluster's `system_identifier` (from `pg_control_system()`, shared by
     its streaming replicas and base backups) and `current_database()`, compared with what
     the app's own connection answers. A replica of the app's database is refused too:
     it holds the same secrets.
   - Both: a database holding Styrbord's user table (with `password_hash`) and source table
     (with `secret_config`) in one schema, that is a copy or restore of Styrbord's database.
3. PostgreSQL accounts that can reach the server's files: a superuser, a member of
   `pg_read_server_files`, `pg_write_server_files` or `pg_execute_server_program`, or an
   account allowed to execute `pg_read_file` and the like. A least-privilege account
   (docs/deploy.md) passes; then `query_to_xml('select pg_read_file(…)')` and every other
   spelling of a file read fails for want of privileges, whatever the text check missed.

Outside an app context there is no own database to compare with, so nothing is read.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import has_app_context
from flask_babel import gettext as _

from portfolio.metrics.adapters.access import current_policy
from portfolio.metrics.adapters.base import SourceConfigError

DEFAULT_PORT = 5432
_LOCAL = "<this machine>"

# PostgreSQL's predefined roles that read, write or run files on the database server.
SERVER_FILE_ROLES = ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")
# Functions that read the server's files; revoked from PUBLIC by default, but grantable.
SERVER_FILE_FUNCTIONS = (
    "pg_catalog.pg_read_file(text)",
    "pg_catalog.pg_read_binary_file(text)",
    "pg_catalog.pg_ls_dir(text)",
    "pg_catalog.pg_stat_file(text)",
    "pg_catalog.lo_import(text)",
    "pg_catalog.lo_export(oid, text)",
)

# Names are schema-qualified throughout, so that no function of the same name earlier on
# the account's search_path can answer instead. The system identifier is read only where
# the account may (PostgreSQL checks the privilege when it plans the call, so it is asked
# first): without it the source is refused rather than guessed about.
_MAY_READ_SYSTEM = sa.text(
    "SELECT pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')"
)
_POSTGRES_IDENTITY = sa.text(
    "SELECT pg_catalog.current_database(), "
    "(SELECT system_identifier::text FROM pg_catalog.pg_control_system())"
)
_POSTGRES_ACCOUNT = sa.text(
    """
    SELECT r.rolsuper,
           ARRAY(SELECT b.rolname::text FROM pg_catalog.pg_roles AS b
                 WHERE b.rolname::text = ANY(CAST(:roles AS text[]))
                   AND pg_catalog.pg_has_role(current_user, b.oid, 'MEMBER')),
           ARRAY(SELECT f FROM pg_catalog.unnest(CAST(:functions AS text[])) AS f
                 WHERE pg_catalog.to_regprocedure(f) IS NOT NULL
                   AND pg_catalog.has_function_privilege(
                       pg_catalog.to_regprocedure(f), 'EXECUTE'))
    FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user
    """
)
_POSTGRES_APP_TABLES = sa.text(
    """
    SELECT count(*) FROM (
        SELECT c.relnamespace FROM pg_catalog.pg_class AS c
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND NOT a.attisdropped
        WHERE (c.relname = :users AND a.attname = :password)
           OR (c.relname = :sources AND a.attname = :secrets)
        GROUP BY c.relnamespace HAVING count(DISTINCT c.relname) = 2
    ) AS copies
    """
)
_SQLITE_APP_TABLES = sa.text(
    "SELECT EXISTS (SELECT 1 FROM pragma_table_info(:users) WHERE name = :password)"
    " AND EXISTS (SELECT 1 FROM pragma_table_info(:sources) WHERE name = :secrets)"
)


def own_database_error() -> SourceConfigError:
    """Return the refusal of a source that points at Styrbord's own database."""
    return SourceConfigError(
        _(
            "Adressen peger på Styrbords egen database. En SQL-kilde må kun læse en "
            "dataplatform, aldrig Styrbords egne tabeller."
        )
    )


def _app_tables() -> dict[str, str]:
    from portfolio.auth.models import User
    from portfolio.metrics.models import MetricSource

    return {
        "users": User.__tablename__,
        "password": User.password_hash.key,
        "sources": MetricSource.__tablename__,
        "secrets": MetricSource.secret_config.key,
    }


# --- SQLite --------------------------------------------------------------------------------


def sqlite_path(database: str | None) -> Path:
    """Return the file an SQLAlchemy SQLite URL's database part names, symlinks resolved.

    A `file:` URI (`sqlite:///file:/x.db?mode=ro&uri=true`) names the same file as its
    path; an in-memory database names none and is refused.
    """
    if database and database.startswith("file:"):
        parts = urlsplit(database)
        if parts.netloc not in ("", "localhost") or "mode=memory" in parts.query:
            database = None
        else:
            database = unquote(parts.path)
    if not database or database == ":memory:":
        raise SourceConfigError(_("Angiv stien til en SQLite-fil: sqlite:////sti/til/fil.db"))
    return Path(database).expanduser().resolve()


def file_identity(path: Path) -> tuple[int, int] | None:
    """Return the (device, inode) of a file, or None if there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


# --- PostgreSQL ---------------------------------------------------------------------------


def _addresses(host: str | None) -> set[str]:
    """Return the addresses a host name stands for, every loopback one as one 'local'."""
    host = (host or "").strip().strip("[]").lower()
    # No host, or a socket directory: the local server.
    if not host or host.startswith("/") or host == "localhost":
        return {_LOCAL}
    found = {host}
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        infos = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        # 0.0.0.0 and :: reach the local server as well.
        found.add(_LOCAL if address.is_loopback or address.is_unspecified else str(address))
    return found


def _postgres_endpoint(url: sa.URL) -> tuple[str | None, int, str]:
    host = url.host or url.query.get("host")
    if isinstance(host, tuple):
        host = host[0] if host else None
    return host, int(url.port or DEFAULT_PORT), url.database or url.username or ""


def _postgres_identity(connection: sa.Connection) -> tuple[str, str]:
    if not connection.execute(_MAY_READ_SYSTEM).scalar():
        raise SourceConfigError(
            _(
                "Styrbord kan ikke se, om databasen er dens egen: databasebrugeren må ikke "
                "kalde pg_control_system()."
            )
        )
    name, system = connection.execute(_POSTGRES_IDENTITY).one()
    return name, system


# --- the app's own database ---------------------------------------------------------------


@dataclass(frozen=True)
class AppDatabase:
    """Styrbord's own database, as the SQL adapter compares a source's database with it."""

    engine: sa.Engine

    @classmethod
    def current(cls) -> AppDatabase:
        """Return the current app's database; refuse to go on outside an app context."""
        if not has_app_context():
            raise SourceConfigError(
                _("En SQL-kilde kan kun læses inde fra Styrbord (ingen app-kontekst).")
            )
        from portfolio.extensions import db

        return cls(db.engine)

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def sqlite_identity(self) -> tuple[int, int] | None:
        """Return the (device, inode) of the app's SQLite file, or None."""
        if self.backend != "sqlite":
            return None
        try:
            return file_identity(sqlite_path(self.engine.url.database))
        except SourceConfigError:  # an in-memory database: no file to be confused with
            return None

    def postgres_identity(self) -> tuple[str, str] | None:
        """Return (database, cluster's system identifier) of the app's PostgreSQL database."""
        if self.backend != "postgresql":
            return None
        with self.engine.connect() as connection:
            identity = _postgres_identity(connection)
            connection.rollback()
        return identity

    # Before connecting ---------------------------------------------------------------

    def refuse_sqlite_file(self, path: Path, spelt: str | None) -> None:
        """Refuse the app's own SQLite file (same device and inode), and any file the file
        adapter could not read either: outside METRICS_FILE_ROOTS, bar the demo register."""
        own = self.sqlite_identity()
        if own is not None and file_identity(path) == own:
            raise own_database_error()
        if not current_policy().allows_file(path.resolve()):
            raise SourceConfigError(
                _("Filen %(path)s ligger uden for de tilladte mapper.", path=spelt)
            )

    def refuse_postgres_url(self, url: sa.URL) -> None:
        """Refuse a PostgreSQL URL naming the app's database on the same host and port."""
        if self.backend != "postgresql":
            return
        host, port, database = _postgres_endpoint(url)
        own_host, own_port, own_database = _postgres_endpoint(self.engine.url)
        # Names are resolved only when port and database already match.
        if (port, database) == (own_port, own_database) and (
            _addresses(host) & _addresses(own_host)
        ):
            raise own_database_error()

    # Once connected ------------------------------------------------------------------

    def check_sqlite_connection(
        self, connection: sa.Connection, opened: tuple[int, int] | None
    ) -> None:
        """Refuse a connection to the app's SQLite file, to a copy of it, or to a swapped file."""
        own = self.sqlite_identity()
        for _seq, name, file in connection.exec_driver_sql("PRAGMA database_list"):
            if not file:
                continue  # the temporary database
            identity = file_identity(Path(file))
            if own is not None and identity == own:
                raise own_database_error()
            if name == "main" and identity != opened:
                raise SourceConfigError(_("Databasefilen blev skiftet ud, mens den blev åbnet."))
        self._refuse_app_tables(connection, _SQLITE_APP_TABLES)

    def check_postgres_connection(self, connection: sa.Connection) -> None:
        """Refuse the app's PostgreSQL database (or a copy), and accounts that reach files."""
        own = self.postgres_identity()
        if own is not None and _postgres_identity(connection) == own:
            raise own_database_error()
        self._refuse_app_tables(connection, _POSTGRES_APP_TABLES)
        superuser, roles, functions = connection.execute(
            _POSTGRES_ACCOUNT,
            {"roles": list(SERVER_FILE_ROLES), "functions": list(SERVER_FILE_FUNCTIONS)},
        ).one()
        if superuser:
            raise SourceConfigError(
                _(
                    "Databasebrugeren er superbruger. Brug en bruger, der kun må læse de "
                    "visninger, metrikkerne bygger på (se docs/deploy.md)."
                )
            )
        if roles or functions:
            names = [*roles, *(f.removeprefix("pg_catalog.").partition("(")[0] for f in functions)]
            raise SourceConfigError(
                _(
                    "Databasebrugeren kan læse eller skrive filer på databaseserveren "
                    "(%(names)s). Brug en bruger, der kun må læse de visninger, metrikkerne "
                    "bygger på (se docs/deploy.md).",
                    names=", ".join(dict.fromkeys(names)),
                )
            )

    @staticmethod
    def _refuse_app_tables(connection: sa.Connection, query: sa.TextClause) -> None:
        if connection.execute(query, _app_tables()).scalar():
            raise SourceConfigError(
                _(
                    "Databasen indeholder Styrbords egne bruger- og kildetabeller (en kopi af "
                    "Styrbords database?). En SQL-kilde må ikke læse dem."
                )
            )
