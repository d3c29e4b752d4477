"""One read-only query against a data platform, given by an SQLAlchemy URL.

Three layers keep the query from changing anything:
1. `check_read_only_sql` accepts a single SELECT or WITH statement only: comments are
   stripped, a `;` followed by more text is refused, and data-changing keywords (and
   functions with side effects) outside string literals are refused as well.
2. The connection itself is read-only: SQLite is opened with `mode=ro` and
   `PRAGMA query_only`; PostgreSQL runs the query in `SET TRANSACTION READ ONLY`.
3. Values reach the query as bind parameters (`:name`), never as text pasted into it.

The time limit is enforced by the database: PostgreSQL's `SET LOCAL statement_timeout`,
and for SQLite a progress handler that interrupts the query when the deadline passes. The
database account should still be one that can only read what the metric needs.
"""

from __future__ import annotations

import math
import re
import sqlite3
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
from portfolio.metrics.adapters.tabular import ColumnMapping, rows_to_observations
from portfolio.metrics.observations import FetchResult

# Keywords that change data or state. Reached only inside one SELECT/WITH statement, e.g.
# a data-modifying CTE (WITH x AS (DELETE …)) or SELECT … INTO, so refusing them costs
# nothing; a column that happens to be called so can be written as a quoted identifier.
FORBIDDEN_KEYWORDS = frozenset(
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "DROP", "ALTER", "CREATE",
        "TRUNCATE", "GRANT", "REVOKE", "COPY", "ATTACH", "DETACH", "PRAGMA", "VACUUM",
        "REINDEX", "SET", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "CALL", "EXEC",
        "EXECUTE", "PREPARE", "DEALLOCATE", "DECLARE", "LOCK", "LISTEN", "NOTIFY",
        "UNLISTEN", "REFRESH", "CLUSTER", "DISCARD",
    }
)  # fmt: skip

# Functions that act on the server, the file system or other databases from a SELECT.
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
        "pg_rotate_logfile", "pg_promote", "pg_read_file", "pg_read_binary_file", "pg_ls_dir",
        "pg_stat_file", "lo_import", "lo_export", "lo_unlink", "lo_create", "lo_from_bytea",
        "lo_put", "dblink", "dblink_exec", "dblink_connect", "nextval", "setval",
        "load_extension", "writefile", "readfile", "fts3_tokenizer",
    }
)  # fmt: skip

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _refuse(reason: str) -> SourceConfigError:
    return SourceConfigError(_("Forespørgslen afvises: %(reason)s", reason=reason))


def _tokens(sql: str, backslashes: str) -> list[tuple[str, str]]:
    """Split SQL into (kind, text) tokens, dropping comments and whitespace.

    Kinds: "word", "literal" (string), "ident" (quoted identifier), ";", "other".
    `backslashes` says where a backslash escapes a quote: "none" (standard SQL, SQLite),
    "e-strings" (PostgreSQL's E'…') or "all" (MySQL). Dialects disagree, and 'a\\' ; …
    hides a second statement under one reading but not another, so the caller checks all.
    """
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            # PostgreSQL nests block comments; SQLite does not, but nesting there would
            # only make us stricter.
            depth, i = 1, i + 2
            while depth:
                if i >= n:
                    raise _refuse(_("en kommentar (/*) slutter ikke"))
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif char == "'":
            e_string = bool(tokens) and tokens[-1] in (("word", "E"), ("word", "e"))
            e_string = e_string and sql[i - 1] in "eE"
            escapes = backslashes == "all" or (backslashes == "e-strings" and e_string)
            if e_string and backslashes == "e-strings":
                tokens.pop()
            start, i = i, i + 1
            while True:
                if i >= n:
                    raise _refuse(_("en tekst i anførselstegn slutter ikke"))
                if escapes and sql[i] == "\\":
                    i += 2
                elif sql[i] == "'":
                    if sql.startswith("''", i):
                        i += 2
                    else:
                        i += 1
                        break
                else:
                    i += 1
            tokens.append(("literal", sql[start:i]))
        elif char in '"`[':
            closer = {'"': '"', "`": "`", "[": "]"}[char]
            end = sql.find(closer, i + 1)
            while end != -1 and closer != "]" and sql.startswith(closer * 2, end):
                end = sql.find(closer, end + 2)
            if end == -1:
                raise _refuse(_("et navn i anførselstegn slutter ikke"))
            tokens.append(("ident", sql[i : end + 1]))
            i = end + 1
        elif char == "$" and (match := _DOLLAR_TAG.match(sql, i)):
            tag = match.group(0)
            end = sql.find(tag, match.end())
            if end == -1:
                raise _refuse(_("en $-citeret tekst slutter ikke"))
            tokens.append(("literal", sql[i : end + len(tag)]))
            i = end + len(tag)
        elif match := _WORD.match(sql, i):
            tokens.append(("word", match.group(0)))
            i = match.end()
        elif char == ";":
            tokens.append((";", ";"))
            i += 1
        else:
            tokens.append(("other", char))
            i += 1
    return tokens


def check_read_only_sql(sql: str) -> str:
    """Return the query without a trailing `;` if it is one read-only SELECT/WITH statement.

    Raise SourceConfigError (in Danish, naming the reason) for anything else. The query
    must pass under each dialect's reading of backslashes in string literals.
    """
    for backslashes in ("none", "e-strings", "all"):
        _check_tokens(_tokens(sql, backslashes))
    return sql.strip().rstrip(";").rstrip()


def _check_tokens(tokens: list[tuple[str, str]]) -> None:
    while tokens and tokens[-1][0] == ";":
        tokens.pop()
    if not tokens:
        raise _refuse(_("den er tom"))
    if any(kind == ";" for kind, _text in tokens):
        raise _refuse(_("der må kun være én sætning (fandt ';' efterfulgt af mere)"))
    first = next((text for kind, text in tokens if kind != "other" or text != "("), "")
    if first.upper() not in ("SELECT", "WITH"):
        raise _refuse(_("den skal begynde med SELECT eller WITH"))
    for position, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        if text.upper() in FORBIDDEN_KEYWORDS:
            raise _refuse(_("den indeholder %(word)s, som kan ændre data", word=text.upper()))
        called = position + 1 < len(tokens) and tokens[position + 1] == ("other", "(")
        if text.lower() in FORBIDDEN_FUNCTIONS or (
            called and text.lower().startswith("pg_advisory")
        ):
            raise _refuse(_("funktionen %(name)s er ikke tilladt", name=text.lower()))


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


@register
class SqlAdapter(MetricAdapter):
    """One read-only query against SQLite or PostgreSQL."""

    type = "sql"
    label = _l("SQL-forespørgsel (dataplatform)")
    config_schema = SqlConfig
    location_field = "url"
    requirements = ("sqlalchemy",)

    def _engine(self, config: SqlConfig, deadline: Deadline):
        import sqlalchemy as sa

        url = _engine_url(config.url.get_secret_value())
        backend = url.get_backend_name()
        if backend == "sqlite":
            return self._sqlite_engine(url.database, deadline), backend
        if backend == "postgresql":
            if url.get_driver_name() != "psycopg":
                raise SourceConfigError(
                    _("Brug driveren psycopg: postgresql+psycopg://…"), detail=url.drivername
                )
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
            return engine, backend
        raise SourceConfigError(
            _(
                "Databasetypen %(backend)s understøttes ikke (kun sqlite og postgresql).",
                backend=backend,
            )
        )

    def _sqlite_engine(self, database: str | None, deadline: Deadline):
        import sqlalchemy as sa

        if not database or database == ":memory:" or database.startswith("file:"):
            raise SourceConfigError(_("Angiv stien til en SQLite-fil: sqlite:////sti/til/fil.db"))
        path = Path(database).expanduser().resolve()
        if not path.is_file():
            raise SourceConfigError(_("Databasefilen %(path)s findes ikke.", path=database))

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
            connection.set_progress_handler(interrupt_when_late, 10_000)
            return connection

        return sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.NullPool)

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
        engine, backend = self._engine(config, deadline)
        try:
            with engine.connect() as connection:
                if backend == "postgresql":
                    milliseconds = max(1, int(deadline.remaining() * 1000))
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                    # SET takes no bind parameters; the value is an int we computed.
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
                # The limit is applied by the database, so a huge result never reaches us.
                # The query passed check_read_only_sql and max_rows is an int: no user text
                # is pasted in that was not already the query itself.
                limited = (
                    f"SELECT * FROM (\n{config.query}\n) AS styrbord_query "  # noqa: S608
                    f"LIMIT {config.max_rows + 1}"
                )
                result = connection.execute(sa.text(limited), config.parameters)
                columns = list(result.keys())
                rows = result.fetchmany(config.max_rows + 1)
                connection.rollback()
        except sa.exc.DBAPIError as error:
            raise self._translate(error, deadline) from None
        finally:
            engine.dispose()
        if len(rows) > config.max_rows:
            raise SourceError(
                _(
                    "Forespørgslen gav mere end %(max)s rækker; afgræns den eller hæv max_rows.",
                    max=config.max_rows,
                )
            )
        return columns, [tuple(row) for row in rows]

    def _translate(self, error, deadline: Deadline) -> SourceError:
        import sqlalchemy as sa

        original = getattr(error, "orig", None) or error
        text = (str(original).strip().splitlines() or [""])[0][:300]
        module = type(original).__module__
        if type(original).__name__ == "QueryCanceled" or (
            isinstance(original, sqlite3.OperationalError) and "interrupted" in text
        ):
            return SourceTimeout(timeout_message(deadline.seconds), detail=text)
        unreachable = (
            module.startswith("psycopg") and isinstance(error, sa.exc.OperationalError)
        ) or (isinstance(original, sqlite3.OperationalError) and "unable to open" in text)
        if error.connection_invalidated or unreachable:
            return SourceConnectionError(_("Kunne ikke forbinde til databasen."), detail=text)
        return SourceConfigError(
            _("Databasen afviste forespørgslen: %(reason)s", reason=text), detail=repr(error)
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
