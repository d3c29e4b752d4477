"""One read-only query against a data platform, given by an SQLAlchemy URL.

The query a source manager writes runs with these defences, each enough on its own for
what it covers and none trusted alone:

1. The text check (`sql_statement`): one SELECT or WITH statement, no data-changing
   keyword, and no function or view that reaches the server's files, settings, other
   databases or SQL evaluated from a string (`query_to_xml`, `dblink`, `pg_read_file`, …).
2. Never Styrbord's own database (`sql_guard`): refused by URL before connecting and by
   identity once connected, and so is a copy of it. On PostgreSQL an account that is a
   superuser or can reach the server's files is refused as well.
3. The connection itself is read-only: SQLite is opened with `mode=ro`, `PRAGMA
   query_only` and `trusted_schema = OFF`; PostgreSQL runs everything in one transaction
   begun with `SET TRANSACTION READ ONLY` and rolled back afterwards. Writes fail in the
   database, whatever the text check missed.
4. Values reach the query as bind parameters (`:name`), never as text pasted into it.

The time limit is enforced by the database: PostgreSQL's `SET LOCAL statement_timeout`,
and for SQLite a progress handler that interrupts the query when the deadline passes.

A database's error text may quote its data (`invalid input syntax for type integer:
"scrypt:…"`), so messages name only the kind of error; the driver's text goes to
`SourceError.detail`, which is never shown to a user.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pydantic
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.metrics.adapters import register
from portfolio.metrics.adapters.base import (
    DEFAULT_TIMEOUT,
    Deadline,
    MetricAdapter,
    ParsedTable,
    SourceConfigError,
    SourceConnectionError,
    SourceError,
    SourceTimeout,
    finish,
    timeout_message,
)
from portfolio.metrics.adapters.sql_guard import AppDatabase, file_identity, sqlite_path
from portfolio.metrics.adapters.sql_statement import check_read_only_sql
from portfolio.metrics.adapters.tabular import ColumnMapping, rows_to_observations
from portfolio.metrics.observations import FetchResult

__all__ = ["SqlAdapter", "SqlConfig", "check_read_only_sql"]

# libpq settings a source's URL may carry: TLS and authentication only. The rest (host,
# hostaddr, port, dbname, service, passfile, options, …) would name another server or
# database than the URL seems to, or change the session's settings.
POSTGRES_URL_PARAMETERS = frozenset(
    {
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir", "sslsni",
        "channel_binding", "gssencmode", "require_auth",
    }
)  # fmt: skip
# SQLite: the file is always opened read-only by the adapter itself; saying so is allowed.
SQLITE_URL_PARAMETERS = {"mode": "ro", "uri": "true"}

ParameterValue = str | int | float | bool | None


class SqlConfig(ColumnMapping):
    url: pydantic.SecretStr = pydantic.Field(
        description="SQLAlchemy URL, e.g. postgresql+psycopg://reader:…@host/db or "
        "sqlite:////path/to/file.db. Secret: it may hold a password."
    )
    query: str = pydantic.Field(min_length=1, description="One SELECT or WITH statement.")
    parameters: dict[str, ParameterValue] = pydantic.Field(
        default_factory=dict, description="Values for the query's :name bind parameters."
    )
    max_rows: int = pydantic.Field(default=100_000, ge=1, le=5_000_000)

    @pydantic.field_validator("query")
    @classmethod
    def _read_only(cls, value: str) -> str:
        try:
            return check_read_only_sql(value)
        except SourceConfigError as error:
            raise ValueError(error.message) from None


def _engine_url(raw: str):
    import sqlalchemy as sa

    # Hosting platforms hand out postgres:// URLs; psycopg (3) is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw.removeprefix(prefix)
    try:
        url = sa.engine.make_url(raw)
    except sa.exc.ArgumentError:
        # The URL may hold a password: never repeat it in the message.
        raise SourceConfigError(_("Databaseadressen (url) er ugyldig.")) from None
    return url


def _bind_names(query: str) -> set[str]:
    import sqlalchemy as sa

    return set(sa.text(query).compile().params)


def _refuse_parameters(names) -> None:
    # Only the names: a parameter's value may be a password.
    raise SourceConfigError(
        _(
            "Databaseadressen har parametre, der ikke er tilladt her: %(names)s.",
            names=", ".join(sorted(names)),
        )
    )


@register
class SqlAdapter(MetricAdapter):
    """One read-only query against SQLite or PostgreSQL."""

    type = "sql"
    label = _l("SQL-forespørgsel (dataplatform)")
    config_schema = SqlConfig
    location_field = "url"
    requirements = ("sqlalchemy",)

    def _engine(self, config: SqlConfig, deadline: Deadline, app: AppDatabase):
        """Return (engine, backend, opened file's identity) once the URL passed its checks."""
        import sqlalchemy as sa

        url = _engine_url(config.url.get_secret_value())
        backend = url.get_backend_name()
        if backend == "sqlite":
            path = sqlite_path(url.database)
            app.refuse_sqlite_file(path, url.database)
            unknown = {k for k, v in url.query.items() if SQLITE_URL_PARAMETERS.get(k) != v}
            if unknown:
                _refuse_parameters(unknown)
            if not path.is_file():
                raise SourceConfigError(_("Databasefilen %(path)s findes ikke.", path=url.database))
            return self._sqlite_engine(path, deadline), backend, file_identity(path)
        if backend == "postgresql":
            if url.get_driver_name() != "psycopg":
                raise SourceConfigError(
                    _("Brug driveren psycopg: postgresql+psycopg://…"), detail=url.drivername
                )
            unknown = set(url.query) - POSTGRES_URL_PARAMETERS
            if unknown:
                _refuse_parameters(unknown)
            # "a,b" is a list of hosts to libpq; "/dir" a socket directory.
            if not url.host or "," in url.host or url.host.startswith("/"):
                raise SourceConfigError(
                    _("Angiv én værtsmaskine: postgresql+psycopg://bruger@vaert/database")
                )
            if not url.database:
                raise SourceConfigError(
                    _("Angiv databasens navn: postgresql+psycopg://bruger@vaert/database")
                )
            app.refuse_postgres_url(url)
            try:
                engine = sa.create_engine(
                    url,
                    poolclass=sa.pool.NullPool,
                    # libpq waits whole seconds, at least 2; the statement timeout and the
                    # deadline bound the rest.
                    connect_args={
                        "connect_timeout": max(2, math.ceil(deadline.remaining())),
                        "application_name": "styrbord-metrics",
                    },
                )
            except ImportError as error:
                raise SourceConfigError(
                    _("Databasedriveren er ikke installeret."), detail=str(error)
                ) from None
            return engine, backend, None
        raise SourceConfigError(
            _(
                "Databasetypen %(backend)s understøttes ikke (kun sqlite og postgresql).",
                backend=backend,
            )
        )

    def _sqlite_engine(self, path: Path, deadline: Deadline):
        import sqlalchemy as sa

        def interrupt_when_late() -> int:
            # Called every few thousand virtual-machine steps; non-zero aborts the query.
            return 1 if deadline.expired() else 0

        def connect() -> sqlite3.Connection:
            connection = sqlite3.connect(
                f"file:{quote(str(path))}?mode=ro",
                uri=True,
                timeout=max(0.1, deadline.remaining()),
                check_same_thread=False,
            )
            connection.execute("PRAGMA query_only = ON")
            # Views and triggers in a file we did not make may not call functions with
            # side effects.
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.set_progress_handler(interrupt_when_late, 10_000)
            return connection

        return sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.NullPool)

    @contextlib.contextmanager
    def _session(self, config: SqlConfig, deadline: Deadline) -> Iterator:
        """Yield a read-only connection to the source's database that passed every guard.

        On PostgreSQL the connection is inside a read-only transaction with the statement
        timeout set; it is rolled back when the block ends. Database errors raised in the
        block come out as SourceErrors with a Danish message that quotes nothing.
        """
        import sqlalchemy as sa

        app = AppDatabase.current()
        engine, backend, opened = self._engine(config, deadline, app)
        try:
            with engine.connect() as connection:
                if backend == "postgresql":
                    milliseconds = max(1, int(deadline.remaining() * 1000))
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                    # SET takes no bind parameters; the value is an int we computed.
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
                    app.check_postgres_connection(connection)
                else:
                    app.check_sqlite_connection(connection, opened)
                yield connection
                connection.rollback()
        except sa.exc.DBAPIError as error:
            raise self._translate(error, deadline) from None
        finally:
            engine.dispose()

    def _run(self, config: SqlConfig, deadline: Deadline) -> tuple[list[str], list[tuple]]:
        import sqlalchemy as sa

        names = _bind_names(config.query)
        missing = sorted(names - set(config.parameters))
        unused = sorted(set(config.parameters) - names)
        if missing or unused:
            problems = []
            if missing:
                problems.append(_("mangler værdi for :%(names)s", names=", :".join(missing)))
            if unused:
                problems.append(_("bruges ikke: %(names)s", names=", ".join(unused)))
            raise SourceConfigError(
                _(
                    "Parametrene passer ikke til forespørgslen: %(problems)s",
                    problems="; ".join(problems),
                ),
                errors=problems,
            )
        with self._session(config, deadline) as connection:
            # The limit is applied by the database, so a huge result never reaches us.
            # The query passed check_read_only_sql (parentheses balanced) and max_rows is
            # an int: no user text is pasted in that was not already the query itself.
            limited = (
                f"SELECT * FROM (\n{config.query}\n) AS styrbord_query "  # noqa: S608
                f"LIMIT {config.max_rows + 1}"
            )
            result = connection.execute(sa.text(limited), config.parameters)
            columns = list(result.keys())
            rows = result.fetchmany(config.max_rows + 1)
        if len(rows) > config.max_rows:
            raise SourceError(
                _(
                    "Forespørgslen gav mere end %(max)s rækker; afgræns den eller hæv max_rows.",
                    max=config.max_rows,
                )
            )
        return columns, [tuple(row) for row in rows]

    def _translate(self, error, deadline: Deadline) -> SourceError:
        """Name the kind of database error in Danish; the driver's text goes to `detail`."""
        import sqlalchemy as sa

        original = getattr(error, "orig", None) or error
        first_line = (str(original).strip().splitlines() or [""])[0][:300]
        detail = f"{type(original).__name__}: {first_line}"
        if isinstance(original, sqlite3.Error):
            kind, code = _sqlite_kind(original), getattr(original, "sqlite_errorname", "")
        else:
            code = getattr(original, "sqlstate", None) or ""
            kind = _POSTGRES_KINDS.get(code) or _POSTGRES_CLASSES.get(code[:2])
            if kind is None and isinstance(error, sa.exc.OperationalError):
                kind = "unreachable"  # libpq's connection failures carry no SQLSTATE
        if error.connection_invalidated:
            kind = "unreachable"
        if kind == "timeout":
            return SourceTimeout(timeout_message(deadline.seconds), detail=detail)
        if kind in ("unreachable", "busy"):
            return SourceConnectionError(str(_KIND_MESSAGES[kind]), detail=detail)
        if kind in _KIND_MESSAGES:
            cls = SourceError if kind in ("data", "corrupt") else SourceConfigError
            return cls(str(_KIND_MESSAGES[kind]), detail=detail)
        return SourceConfigError(
            _("Databasen afviste forespørgslen (fejlkode %(code)s).", code=code or "?"),
            detail=detail,
        )

    def fetch(
        self,
        config: SqlConfig | dict,
        *,
        since_revision: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> FetchResult:
        """Run the configured query read-only and map its columns onto observations."""
        config = self.parse_config(config)
        deadline = Deadline(timeout)
        columns, rows = self._run(config, deadline)
        observations = rows_to_observations(
            columns, ((number, row) for number, row in enumerate(rows, start=1)), config
        )
        parsed = ParsedTable(observations, unit=config.unit)
        # A query has no revision of its own: every fetch returns the current rows.
        return finish(parsed, since_revision=None, suppress_below=config.suppress_below)


# --- kinds of database error --------------------------------------------------------------

_POSTGRES_KINDS = {
    "57014": "timeout",  # query_canceled: the statement timeout
    "25006": "readonly",  # read_only_sql_transaction
    "42501": "privilege",  # insufficient_privilege
    "42P01": "no_table",  # undefined_table
    "3F000": "no_table",  # invalid_schema_name
    "42703": "no_column",  # undefined_column
    "42883": "no_function",  # undefined_function
    "42601": "syntax",  # syntax_error
    "55P03": "busy",  # lock_not_available
    "40P01": "busy",  # deadlock_detected
}
_POSTGRES_CLASSES = {
    "08": "unreachable",  # connection exception
    "22": "data",  # data exception: often quotes the value
    "XX": "corrupt",  # internal error
}
_SQLITE_NAMES = {
    "SQLITE_INTERRUPT": "timeout",
    "SQLITE_READONLY": "readonly",
    "SQLITE_AUTH": "privilege",
    "SQLITE_CANTOPEN": "unreachable",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_NOTADB": "notadb",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_MISMATCH": "data",
    "SQLITE_TOOBIG": "data",
}
# SQLITE_ERROR covers many kinds; the start of its text (never shown) tells which.
_SQLITE_TEXTS = (
    ("no such table", "no_table"),
    ("no such column", "no_column"),
    ("no such function", "no_function"),
    ("wrong number of arguments", "no_function"),
    ("syntax error", "syntax"),
    ("incomplete input", "syntax"),
    ("unrecognized token", "syntax"),
)


def _sqlite_kind(error: sqlite3.Error) -> str | None:
    kind = _SQLITE_NAMES.get(getattr(error, "sqlite_errorname", ""))
    if kind:
        return kind
    text = str(error)
    for start, text_kind in _SQLITE_TEXTS:
        if text.startswith(start) or f": {start}" in text:
            return text_kind
    return None


# Lazy: translated when a message is made, in the language of that moment.
_KIND_MESSAGES = {
    "unreachable": _l("Kunne ikke forbinde til databasen."),
    "busy": _l("Databasen er optaget (låst af en anden forbindelse); prøv igen."),
    "readonly": _l(
        "Databasen afviste forespørgslen: den forsøgte at ændre data, og forbindelsen er "
        "skrivebeskyttet."
    ),
    "privilege": _l(
        "Databasen afviste forespørgslen: databasebrugeren har ikke adgang til det, "
        "forespørgslen læser eller kalder."
    ),
    "no_table": _l(
        "Databasen afviste forespørgslen: en tabel, visning eller et skema findes ikke."
    ),
    "no_column": _l("Databasen afviste forespørgslen: en kolonne findes ikke."),
    "no_function": _l(
        "Databasen afviste forespørgslen: en funktion findes ikke med de argumenter."
    ),
    "syntax": _l("Databasen afviste forespørgslen: den har en syntaksfejl."),
    "data": _l(
        "Databasen afviste forespørgslen: en værdi kunne ikke behandles (fx tekst, der ikke "
        "kan omregnes til et tal). Værdien vises ikke; ret forespørgslen, fx med CAST."
    ),
    "notadb": _l("Filen er ikke en SQLite-database."),
    "corrupt": _l("Databasen meldte en intern fejl eller en beskadiget fil."),
}
