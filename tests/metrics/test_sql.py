"""The SQL adapter: one read-only statement, never Styrbord's own database, messages that
quote no data, bound parameters and a time limit."""

# The PostgreSQL tests build statements around database and role names they generate.

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio import create_app
from portfolio.auth import services as auth_services
from portfolio.extensions import db
from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceError,
    SourceTimeout,
)
from portfolio.metrics.adapters.sql import SqlConfig, check_read_only_sql
from portfolio.metrics.adapters.sql_guard import AppDatabase
from portfolio.metrics.observations import ObservationStatus as S
from tests.conftest import PASSWORD, _config
from tests.metrics.conftest import Elapsed

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
OWN_DATABASE = "Styrbords egen database"
EXFILTRATE = "SELECT email AS period, password_hash AS amount FROM users"

REFUSED = [
    "INSERT INTO t VALUES (1)",
    "UPDATE t SET a = 1",
    "DELETE FROM t",
    "DROP TABLE t",
    "TRUNCATE t",
    "ALTER TABLE t ADD COLUMN b int",
    "CREATE TABLE u (a int)",
    "SELECT 1; DROP TABLE t",
    "SELECT 1;DELETE FROM t;",
    "SELECT 1; -- just a comment\nDELETE FROM t",
    "/* SELECT */ DELETE FROM t",
    "-- SELECT 1\nDROP TABLE t",
    "SEL/**/ECT 1",
    "WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone",
    "SELECT * INTO copy_of_t FROM t",
    "SELECT * FROM t FOR UPDATE",
    "SELECT 'a\\'; DROP TABLE t; --'",
    "SELECT E'a\\'; DROP TABLE t; --'",
    "SELECT 'it\\''s'; DELETE FROM t; --'",
    # Literals that mean different things in different dialects are refused outright.
    "SELECT E'it\\'s' AS x",
    "SELECT 'C:\\temp\\' AS path",
    "SELECT pg_terminate_backend(42)",
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT load_extension('evil')",
    "SELECT pg_advisory_lock(1)",
    "PRAGMA writable_schema = 1",
    "ATTACH DATABASE 'other.db' AS other",
    "VACUUM",
    "EXPLAIN ANALYZE DELETE FROM t",
    "COPY t TO '/tmp/t.csv'",
    "SELECT 1 /* never closed",
    "SELECT 'never closed",
    "",
    "  ;  ",
    # SQL run from a string, which no text check can read: the evaluating function itself.
    "SELECT query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '')",
    "SELECT pg_catalog.query_to_xml('select 1', true, false, '')",
    "SELECT \"query_to_xml\"('select 1', true, false, '')",
    "SELECT PG_CATALOG.\"QUERY_TO_XML\"('select 1', true, false, '')",
    "SELECT query_to_xml_and_xmlschema('select 1', true, false, '')",
    "SELECT cursor_to_xml('c', 1, true, false, '')",
    "SELECT table_to_xml('users', true, false, '')",
    "SELECT database_to_xml(true, false, '')",
    "SELECT schema_to_xml('public', true, false, '')",
    "SELECT * FROM ts_stat('select to_tsvector(password_hash) from users')",
    "SELECT ts_rewrite('a'::tsquery, 'select 1')",
    # The server's files, other servers, large objects and settings, however spelt.
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_catalog.pg_read_binary_file('/etc/passwd')",
    'SELECT "pg_catalog"."pg_read_file"(\'/etc/passwd\')',
    "SELECT * FROM pg_ls_dir('.')",
    "SELECT * FROM pg_ls_waldir()",
    "SELECT pg_stat_file('postgresql.conf')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT lo_get(16401)",
    "SELECT * FROM dblink('dbname=styrbord', 'select password_hash from users') AS t(h text)",
    "SELECT dblink_exec('dbname=x', 'drop table t')",
    "SELECT current_setting('data_directory')",
    "SELECT setting FROM pg_settings",
    "SELECT pg_sleep(10)",
    "SELECT pg_reload_conf()",
    "SELECT pg_cancel_backend(1)",
    "SELECT readfile('/etc/passwd')",
    "SELECT nextval('s')",
    "SELECT U&\"pg\\005fread\\005ffile\"('/etc/passwd')",
    "SELECT U&'\\0041' AS x",
    # A parenthesis that would close the adapter's SELECT * FROM (…) LIMIT wrapper.
    "SELECT 1) AS q, (SELECT 2",
    "SELECT (1",
]

ACCEPTED = [
    ("SELECT 1", "SELECT 1"),
    ("select 1;", "select 1"),
    ("SELECT 1; -- a trailing comment", "SELECT 1; -- a trailing comment"),
    ("WITH a AS (SELECT 1 AS x) SELECT x FROM a", None),
    ("SELECT 'DROP TABLE t; DELETE FROM t' AS note", None),
    ('SELECT "update", "set" FROM t', None),
    ("SELECT $$; DELETE FROM t$$ AS x", None),
    ("SELECT $tag$ it's ; $tag$ AS x", None),
    ("(SELECT 1)", None),
    ("SELECT replace(name, 'a', 'b') FROM t", None),
    ("SELECT 'it''s; fine' AS x", None),
    ("SELECT E'tab\\there' AS x", None),
    ("/* monthly count */\nSELECT period, n FROM t WHERE region = :region", None),
    # A dangerous name inside a string is only text; only its evaluators are refused.
    ("SELECT 'pg_read_file' AS fn, lo_bound, xmlelement(name x) FROM t", None),
    ("SELECT to_char(d, 'YYYY') AS period, count(*) FROM t GROUP BY 1", None),
    ("SELECT u.name FROM t AS u WHERE u & 1 = 1", None),
]


@pytest.mark.parametrize("query", REFUSED)
def test_refused(query):
    with pytest.raises(SourceConfigError) as caught:
        check_read_only_sql(query)
    assert caught.value.message.startswith("Forespørgslen afvises: ")


@pytest.mark.parametrize(("query", "cleaned"), ACCEPTED)
def test_accepted(query, cleaned):
    result = check_read_only_sql(query)
    if cleaned is not None:
        assert result == cleaned.rstrip(";")


def test_refusal_messages_name_the_reason():
    with pytest.raises(SourceConfigError, match="kun være én sætning"):
        check_read_only_sql("SELECT 1; SELECT 2")
    with pytest.raises(SourceConfigError, match="DELETE, som kan ændre data"):
        check_read_only_sql("WITH x AS (DELETE FROM t RETURNING 1) SELECT 1")
    with pytest.raises(SourceConfigError, match="begynde med SELECT eller WITH"):
        check_read_only_sql("SHOW ALL")
    with pytest.raises(SourceConfigError, match="navnet query_to_xml er ikke tilladt"):
        check_read_only_sql("SELECT \"Query_To_Xml\"('select 1', true, false, '')")
    with pytest.raises(SourceConfigError, match="parenteserne passer ikke"):
        check_read_only_sql("SELECT 1) UNION (SELECT 2")


def test_outside_the_app_nothing_is_read(tmp_path):
    # Without an app there is no own database to compare with, so the adapter refuses.
    path = tmp_path / "warehouse.db"
    sqlite3.connect(path).close()
    with pytest.raises(SourceConfigError, match="inde fra Styrbord"):
        get_adapter("sql").fetch(
            {**config(path), "query": "SELECT 1 AS period, 1 AS amount"}, timeout=5
        )


@pytest.fixture
def warehouse(tmp_path):
    """A SQLite file standing in for a data platform."""
    path = tmp_path / "warehouse.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE indicator (region TEXT, period TEXT, amount TEXT, share REAL, flag TEXT);
            INSERT INTO indicator VALUES ('084', '2021K4', '1234.50', 0.1, NULL);
            INSERT INTO indicator VALUES ('084', '2022K1', '..', 0.2, 'suppressed');
            INSERT INTO indicator VALUES ('085', '2021K4', '7', 0.3, 'p');
            INSERT INTO indicator VALUES ('085', '2022K1', NULL, NULL, NULL);
            CREATE TABLE notes (period TEXT, note TEXT);
            INSERT INTO notes VALUES ('2021K4', 'hemmelig-note');
            """
        )
    connection.close()
    return path


def config(path, **extra):
    return {
        "url": f"sqlite:///{path}",
        "query": "SELECT region, period, amount, flag FROM indicator ORDER BY region, period",
        "period_column": "period",
        "value_column": "amount",
        "status_column": "flag",
        **extra,
    }


def sqlite_count(path, table="indicator") -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.usefixtures("app")
class TestSqlite:
    def test_rows_become_observations(self, warehouse):
        result = get_adapter("sql").fetch(config(warehouse), timeout=5)
        assert [
            (o.dimensions, o.period, o.value, o.status, o.raw_status) for o in result.observations
        ] == [
            ({"region": "084"}, "2021K4", Decimal("1234.50"), S.OK, None),
            ({"region": "084"}, "2022K1", None, S.SUPPRESSED, "suppressed"),
            ({"region": "085"}, "2021K4", Decimal("7"), S.PROVISIONAL, "p"),
            ({"region": "085"}, "2022K1", None, S.MISSING, None),
        ]
        assert str(result.observations[0].value) == "1234.50"

    def test_saying_read_only_in_the_url_is_allowed(self, warehouse):
        url = f"sqlite:///file:{warehouse}?mode=ro&uri=true"
        result = get_adapter("sql").fetch(config(warehouse, url=url), timeout=5)
        assert len(result.observations) == 4

    @pytest.mark.parametrize("suffix", ["?mode=rwc", "?mode=memory", "?vfs=unix-none"])
    def test_other_url_parameters_are_refused(self, warehouse, suffix):
        url = f"sqlite:///{warehouse}{suffix}"
        with pytest.raises(SourceConfigError, match="parametre, der ikke er tilladt"):
            get_adapter("sql").fetch(config(warehouse, url=url), timeout=5)

    def test_files_outside_the_allowed_folders_are_refused(self, app, warehouse, tmp_path):
        app.config["METRICS_FILE_ROOTS"] = [str(tmp_path / "elsewhere")]
        with pytest.raises(SourceConfigError, match="uden for de tilladte mapper"):
            get_adapter("sql").fetch(config(warehouse), timeout=5)
        app.config["METRICS_FILE_ROOTS"] = [str(tmp_path)]
        assert len(get_adapter("sql").fetch(config(warehouse), timeout=5).observations) == 4

    def test_an_empty_setting_lets_no_sqlite_file_through(self, app, warehouse):
        app.config["METRICS_FILE_ROOTS"] = []
        with pytest.raises(SourceConfigError, match="uden for de tilladte mapper"):
            get_adapter("sql").fetch(config(warehouse), timeout=5)

    def test_the_demo_register_is_readable_but_not_its_neighbours(self, app, warehouse, tmp_path):
        app.config["METRICS_FILE_ROOTS"] = [str(tmp_path / "elsewhere")]
        app.config["DEMO_REGISTER_PATH"] = str(warehouse)
        assert len(get_adapter("sql").fetch(config(warehouse), timeout=5).observations) == 4
        neighbour = tmp_path / "neighbour.db"
        shutil.copy(warehouse, neighbour)
        with pytest.raises(SourceConfigError, match="uden for de tilladte mapper"):
            get_adapter("sql").fetch(config(neighbour), timeout=5)

    def test_bound_parameters(self, warehouse):
        result = get_adapter("sql").fetch(
            config(
                warehouse,
                query="SELECT period, share FROM indicator WHERE region = :region AND share > :low",
                value_column="share",
                status_column=None,
                parameters={"region": "085", "low": 0.25},
            ),
            timeout=5,
        )
        assert [(o.period, o.value) for o in result.observations] == [("2021K4", Decimal("0.3"))]

    def test_parameters_must_match_the_query(self, warehouse):
        with pytest.raises(
            SourceConfigError, match=r"mangler værdi for :region.*bruges ikke: year"
        ):
            get_adapter("sql").fetch(
                config(
                    warehouse,
                    query="SELECT * FROM indicator WHERE region = :region",
                    parameters={"year": 2020},
                ),
                timeout=5,
            )

    def test_unsafe_query_is_refused_before_connecting(self, tmp_path):
        with pytest.raises(SourceConfigError, match="Forespørgslen afvises"):
            get_adapter("sql").fetch(config(tmp_path / "nope.db", query="DELETE FROM indicator"))

    @pytest.mark.parametrize(
        "statement",
        [
            "INSERT INTO indicator VALUES ('x', 'y', '1', 1, NULL)",
            "UPDATE indicator SET amount = '0'",
            "DELETE FROM indicator",
            "WITH doomed AS (SELECT 1) DELETE FROM indicator",
            "CREATE TABLE extra (a int)",
            "DROP TABLE indicator",
            # Turning query_only off still leaves the file opened read-only.
            "PRAGMA query_only = OFF; INSERT INTO indicator VALUES ('x', 'y', '1', 1, NULL)",
        ],
    )
    def test_the_connection_itself_is_read_only(self, warehouse, statement):
        # Past the statement check, the connection the adapter opens still refuses writes.
        adapter = get_adapter("sql")
        valid = SqlConfig.model_validate(config(warehouse))
        with (
            pytest.raises(SourceConfigError, match="forbindelsen er skrivebeskyttet"),
            adapter._session(valid, Deadline(5)) as connection,
        ):
            for part in statement.split("; "):
                connection.exec_driver_sql(part)
        assert sqlite_count(warehouse) == 4
        with sqlite3.connect(warehouse) as check:
            tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
        check.close()
        assert tables == {"indicator", "notes"}

    def test_slow_query_hits_the_timeout(self, warehouse):
        slow = (
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) "
            "SELECT '2020' AS period, count(*) AS amount FROM n"
        )
        with Elapsed() as elapsed, pytest.raises(SourceTimeout) as caught:
            get_adapter("sql").fetch(config(warehouse, query=slow, status_column=None), timeout=0.5)
        assert elapsed.seconds < 0.5 + 0.5
        assert caught.value.message == (
            "Kilden svarede ikke inden for tidsgrænsen på 0.5 sekunder."
        )

    def test_row_limit(self, warehouse):
        with pytest.raises(SourceError, match="mere end 2 rækker"):
            get_adapter("sql").fetch(config(warehouse, max_rows=2), timeout=5)

    def test_database_errors_are_reported_in_danish(self, warehouse, tmp_path):
        with pytest.raises(SourceConfigError, match="en tabel, visning eller et skema findes"):
            get_adapter("sql").fetch(
                config(warehouse, query="SELECT * FROM no_such_table"), timeout=5
            )
        with pytest.raises(SourceConfigError, match="en kolonne findes ikke"):
            get_adapter("sql").fetch(
                config(warehouse, query="SELECT no_column AS period FROM indicator"), timeout=5
            )
        with pytest.raises(SourceConfigError, match="findes ikke"):
            get_adapter("sql").fetch(config(tmp_path / "missing.db"), timeout=5)
        not_a_database = tmp_path / "notes.txt"
        not_a_database.write_text("hemmelig tekst, ikke en database\n" * 100)
        with pytest.raises(SourceError, match="ikke en SQLite-database") as caught:
            get_adapter("sql").fetch(config(not_a_database), timeout=5)
        assert "hemmelig" not in caught.value.message

    def test_an_error_that_quotes_data_shows_none_of_it(self, warehouse):
        # SQLite's own text is "JSON path error near 'hemmelig-note'".
        query = "SELECT period, json_extract('{}', note) AS amount FROM notes"
        with pytest.raises(SourceConfigError) as caught:
            get_adapter("sql").fetch(config(warehouse, query=query, status_column=None))
        assert caught.value.message == "Databasen afviste forespørgslen (fejlkode SQLITE_ERROR)."
        assert "hemmelig-note" in caught.value.detail

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("mysql://reader:hemmelig@db/x", "understøttes ikke"),
            ("sqlite://", "stien til en SQLite-fil"),
            ("sqlite:///file::memory:?uri=true", "stien til en SQLite-fil"),
            ("not a url:hemmelig", "ugyldig"),
        ],
    )
    def test_unsupported_urls_never_echo_the_password(self, url, message):
        with pytest.raises(SourceConfigError, match=message) as caught:
            get_adapter("sql").fetch(config("x", url=url), timeout=5)
        assert "hemmelig" not in caught.value.message

    def test_the_url_is_secret(self, warehouse):
        adapter = get_adapter("sql")
        assert adapter.secret_fields() == {"url"}
        parsed = adapter.parse_config(config(warehouse, url="postgresql+psycopg://u:hemmelig@h/d"))
        assert "hemmelig" not in repr(parsed)
        assert "url" not in adapter.public_config(parsed)


# --- Styrbord's own SQLite database ---------------------------------------------------------


@dataclass
class OwnSqlite:
    path: object  # the app's database file
    password_hash: str


@pytest.fixture
def own_sqlite(tmp_path):
    """A Styrbord app on SQLite (whatever TEST_DATABASE_URL says), with one user."""
    folder = tmp_path / "instance"
    folder.mkdir()
    path = folder / "styrbord.db"
    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        user = auth_services.create_user("leder@example.dk", PASSWORD, name="Leder")
        db.session.commit()
        yield OwnSqlite(path, user.password_hash)
        db.session.remove()
        db.engine.dispose()


def assert_refused_as_own(url, own, query=EXFILTRATE):
    with pytest.raises(SourceConfigError) as caught:
        get_adapter("sql").fetch(
            {"url": url, "query": query, "period_column": "period", "value_column": "amount"},
            timeout=5,
        )
    message = caught.value.message
    assert OWN_DATABASE in message, message
    # Not a whole hash, and not the 40 characters at a time a substr() would page out.
    for start in range(0, len(own.password_hash) - 8, 8):
        assert own.password_hash[start : start + 8] not in message
    return caught.value


def never_connect(self, *args):
    raise AssertionError("the URL check should have refused this before connecting")


class TestOwnSqliteDatabase:
    def test_refused_by_every_spelling_of_its_path(self, own_sqlite, tmp_path, monkeypatch):
        monkeypatch.setattr(AppDatabase, "check_sqlite_connection", never_connect)
        path = own_sqlite.path
        (tmp_path / "link.db").symlink_to(path)
        (tmp_path / "linked-folder").symlink_to(path.parent)
        os.link(path, tmp_path / "hard-link.db")
        spellings = [
            f"sqlite:///{path}",
            f"sqlite:///{path}?mode=ro",
            f"sqlite:///{path}?mode=rwc",
            f"sqlite:///file:{path}?mode=ro&uri=true",
            f"sqlite:///file://localhost{path}?uri=true",
            f"sqlite:///{path.parent}/../{path.parent.name}/./{path.name}",
            f"sqlite://reader:hemmelig@/{path}",
            f"sqlite:///{tmp_path / 'link.db'}",
            f"sqlite:///{tmp_path / 'linked-folder' / 'styrbord.db'}",
            f"sqlite:///{tmp_path / 'hard-link.db'}",
        ]
        for url in spellings:
            assert_refused_as_own(url, own_sqlite)
        monkeypatch.chdir(path.parent)
        assert_refused_as_own("sqlite:///styrbord.db", own_sqlite)

    def test_refused_by_identity_when_the_url_check_is_fooled(self, own_sqlite, monkeypatch):
        # Suppose some spelling got past the URL check: the file SQLite opened is compared.
        monkeypatch.setattr(AppDatabase, "refuse_sqlite_file", lambda self, path, spelt: None)
        assert_refused_as_own(f"sqlite:///{own_sqlite.path}", own_sqlite)

    def test_a_copy_of_it_is_refused(self, own_sqlite, tmp_path):
        copy = tmp_path / "backup-of-styrbord.db"
        shutil.copy(own_sqlite.path, copy)
        with pytest.raises(SourceConfigError, match="kopi af Styrbords database") as caught:
            get_adapter("sql").fetch(
                {
                    "url": f"sqlite:///{copy}",
                    "query": EXFILTRATE,
                    "period_column": "period",
                    "value_column": "amount",
                },
                timeout=5,
            )
        assert own_sqlite.password_hash[:20] not in caught.value.message

    def test_a_warehouse_beside_it_still_works(self, own_sqlite, warehouse):
        # The demo's register database lives in the same folder as the app's database.
        beside = own_sqlite.path.parent / "register.db"
        shutil.copy(warehouse, beside)
        result = get_adapter("sql").fetch(config(beside), timeout=5)
        assert len(result.observations) == 4


# --- PostgreSQL -----------------------------------------------------------------------------


@dataclass
class Warehouse:
    """A PostgreSQL database of its own, with a least-privilege reader account."""

    name: str
    reader: str
    admin: sa.URL  # the test server's superuser, on the warehouse database

    def url(self, user: str | None = None, database: str | None = None, **parts) -> str:
        url = self.admin.set(username=user or self.reader, database=database or self.name)
        return url.set(**parts).render_as_string(hide_password=False)

    def execute(self, *statements: str, database: str | None = None):
        engine = sa.create_engine(
            self.admin.set(database=database or self.name), poolclass=sa.pool.NullPool
        )
        try:
            with engine.begin() as connection:
                results = [connection.exec_driver_sql(s) for s in statements]
                return [r.all() if r.returns_rows else None for r in results]
        finally:
            engine.dispose()


@pytest.fixture
def pg_warehouse(app):
    """A second database on the test server, read by a role granted SELECT on one table.

    The role may also insert, update and delete there and create tables, so that only the
    read-only transaction stands between a query and a write.
    """
    base = sa.make_url(TEST_DATABASE_URL)
    suffix = uuid.uuid4().hex[:8]
    name, reader = f"styrbord_warehouse_{suffix}", f"styrbord_reader_{suffix}"
    server = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        connection.exec_driver_sql(f'CREATE ROLE "{reader}" LOGIN')
    warehouse = Warehouse(name, reader, base.set(database=name))
    warehouse.execute(
        "CREATE SCHEMA stats",
        "CREATE TABLE stats.indicator (region text, period text, amount numeric, flag text)",
        "INSERT INTO stats.indicator VALUES ('084', '2021K4', 1234.50, NULL), "
        "('084', '2022K1', NULL, 'suppressed'), ('085', '2021K4', 0.1, NULL)",
        "CREATE TABLE stats.notes (period text, note text)",
        "INSERT INTO stats.notes VALUES ('2021K4', 'hemmelig-note')",
        "CREATE SEQUENCE stats.counter",
        "CREATE FUNCTION stats.bump() RETURNS int LANGUAGE sql "
        "AS $$ INSERT INTO stats.indicator VALUES ('999', '2030', 1, NULL) RETURNING 1 $$",
        f'GRANT USAGE, CREATE ON SCHEMA stats TO "{reader}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA stats TO "{reader}"',
        f'GRANT USAGE, UPDATE ON SEQUENCE stats.counter TO "{reader}"',
    )
    yield warehouse
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    # Privileges a test granted in the app's database go with the role.
    engine = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP OWNED BY "{reader}"')
    engine.dispose()
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP ROLE "{reader}"')
    server.dispose()


def pg_config(url, **extra):
    return {
        "url": url,
        "query": "SELECT region, period, amount, flag FROM stats.indicator "
        "WHERE region <> :skip ORDER BY region, period",
        "parameters": {"skip": "999"},
        "period_column": "period",
        "value_column": "amount",
        "status_column": "flag",
        **extra,
    }


def indicator_rows(warehouse) -> int:
    return warehouse.execute("SELECT count(*) FROM stats.indicator")[0][0][0]


@pytest.mark.postgres
@pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"),
    reason="TEST_DATABASE_URL is not set to a PostgreSQL URL, so the PostgreSQL tests cannot run",
)
class TestPostgres:
    def test_fetch_with_a_least_privilege_account(self, pg_warehouse):
        result = get_adapter("sql").fetch(
            pg_config(pg_warehouse.url(query={"sslmode": "disable"})), timeout=10
        )
        assert [(o.dimensions, o.period, o.value, o.status) for o in result.observations] == [
            ({"region": "084"}, "2021K4", Decimal("1234.50"), S.OK),
            ({"region": "084"}, "2022K1", None, S.SUPPRESSED),
            ({"region": "085"}, "2021K4", Decimal("0.1"), S.OK),
        ]
        assert str(result.observations[0].value) == "1234.50"

    def test_a_superuser_is_refused(self, pg_warehouse):
        superuser = pg_warehouse.admin.username
        with pytest.raises(SourceConfigError, match="superbruger"):
            get_adapter("sql").fetch(pg_config(pg_warehouse.url(superuser)), timeout=10)

    def test_an_account_that_reads_server_files_is_refused(self, pg_warehouse):
        reader = pg_warehouse.reader
        pg_warehouse.execute(f'GRANT EXECUTE ON FUNCTION pg_read_file(text) TO "{reader}"')
        with pytest.raises(SourceConfigError, match=r"filer på databaseserveren \(pg_read_file"):
            get_adapter("sql").fetch(pg_config(pg_warehouse.url()), timeout=10)
        pg_warehouse.execute(f'GRANT pg_read_server_files TO "{reader}"')
        with pytest.raises(SourceConfigError, match="pg_read_server_files"):
            get_adapter("sql").fetch(pg_config(pg_warehouse.url()), timeout=10)

    def test_a_file_read_hidden_in_query_to_xml_gets_nowhere(self, pg_warehouse):
        adapter = get_adapter("sql")
        hidden = (
            "SELECT '2020' AS period, "
            "query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '') AS amount"
        )
        with pytest.raises(SourceConfigError, match="navnet query_to_xml er ikke tilladt"):
            adapter.fetch(pg_config(pg_warehouse.url(), query=hidden, parameters={}))
        # Past the text check, the least-privilege account may not read the file.
        valid = SqlConfig.model_validate(pg_config(pg_warehouse.url(), parameters={}))
        unchecked = SqlConfig.model_construct(**{**valid.__dict__, "query": hidden})
        with pytest.raises(SourceConfigError, match="ikke adgang") as caught:
            adapter._run(unchecked, Deadline(10))
        assert "root:" not in caught.value.message

    @pytest.mark.parametrize(
        "statement",
        [
            "INSERT INTO stats.indicator VALUES ('x', 'y', 1, NULL)",
            "UPDATE stats.indicator SET amount = 0",
            "DELETE FROM stats.indicator",
            "CREATE TABLE stats.extra (a int)",
            "WITH gone AS (DELETE FROM stats.indicator RETURNING *) SELECT count(*) FROM gone",
            "SELECT stats.bump()",
            "SELECT nextval('stats.counter')",
            "SELECT setval('stats.counter', 5)",
        ],
    )
    def test_writes_fail_in_the_database(self, pg_warehouse, statement):
        # Past the statement check, the transaction itself refuses to change anything,
        # though the account may write to these tables.
        adapter = get_adapter("sql")
        valid = SqlConfig.model_validate(pg_config(pg_warehouse.url()))
        with (
            pytest.raises(SourceConfigError, match="forbindelsen er skrivebeskyttet"),
            adapter._session(valid, Deadline(10)) as connection,
        ):
            connection.exec_driver_sql(statement)
        assert indicator_rows(pg_warehouse) == 3
        assert pg_warehouse.execute("SELECT to_regclass('stats.extra')")[0] == [(None,)]
        # The account really could have written, outside the adapter's transaction.
        engine = sa.create_engine(pg_warehouse.url(), poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT stats.bump()")
        engine.dispose()
        assert indicator_rows(pg_warehouse) == 4

    def test_the_transaction_cannot_be_made_writable(self, pg_warehouse):
        adapter = get_adapter("sql")
        valid = SqlConfig.model_validate(pg_config(pg_warehouse.url()))
        with (
            pytest.raises(SourceConfigError),
            adapter._session(valid, Deadline(10)) as connection,
        ):
            connection.exec_driver_sql("SELECT set_config('transaction_read_only', 'off', true)")
            connection.exec_driver_sql("INSERT INTO stats.indicator VALUES ('x', 'y', 1, NULL)")
        assert indicator_rows(pg_warehouse) == 3

    def test_own_database_is_refused_by_url(self, pg_warehouse, users, monkeypatch):
        monkeypatch.setattr(AppDatabase, "check_postgres_connection", never_connect)
        own = sa.make_url(TEST_DATABASE_URL)
        user = users.make("admin")
        spellings = [
            pg_warehouse.url(database=own.database),
            pg_warehouse.url(database=own.database, host="localhost"),
            pg_warehouse.url(database=own.database, host="localhost", port=5432),
            pg_warehouse.url(database=own.database, host="::1"),
            # 0.0.0.0 reaches the local server too.
            pg_warehouse.url(database=own.database, host="0.0.0.0"),  # noqa: S104
            pg_warehouse.url(database=own.database, host="127.0.0.1"),
            pg_warehouse.url(database=own.database, query={"sslmode": "disable"}),
            pg_warehouse.url(database=own.database).replace("postgresql+psycopg", "postgres"),
        ]
        for url in spellings:
            assert_refused_as_own(url, user)

    def test_own_database_is_refused_by_identity(self, pg_warehouse, users, monkeypatch):
        own = sa.make_url(TEST_DATABASE_URL)
        user = users.make("admin")
        reader = pg_warehouse.reader
        # A misconfigured server: the reader may read the users table of Styrbord itself.
        pg_warehouse.execute(
            f'GRANT USAGE ON SCHEMA public TO "{reader}"',
            f'GRANT SELECT ON users TO "{reader}"',
            database=own.database,
        )
        engine = sa.create_engine(
            pg_warehouse.url(database=own.database), poolclass=sa.pool.NullPool
        )
        with engine.connect() as connection:
            direct = connection.exec_driver_sql("SELECT password_hash FROM users").scalars()
            assert user.password_hash in list(direct)
        engine.dispose()
        # Suppose some spelling of the URL got past the URL check: the server says who it is.
        monkeypatch.setattr(AppDatabase, "refuse_postgres_url", lambda self, url: None)
        assert_refused_as_own(pg_warehouse.url(database=own.database), user)

    def test_a_server_that_will_not_say_who_it_is_is_refused(self, pg_warehouse):
        pg_warehouse.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC")
        with pytest.raises(SourceConfigError, match="kan ikke se, om databasen er dens egen"):
            get_adapter("sql").fetch(pg_config(pg_warehouse.url()), timeout=10)

    def test_a_copy_of_the_app_database_is_refused(self, pg_warehouse):
        pg_warehouse.execute(
            "CREATE SCHEMA restored",
            "CREATE TABLE restored.users (email text, password_hash text)",
            "CREATE TABLE restored.metric_sources (key text, secret_config json)",
        )
        with pytest.raises(SourceConfigError, match="kopi af Styrbords database"):
            get_adapter("sql").fetch(pg_config(pg_warehouse.url()), timeout=10)

    @pytest.mark.parametrize(
        "query",
        [
            {"host": "elsewhere.example"},
            {"options": "-c default_transaction_read_only=off"},
            {"service": "styrbord"},
            {"dbname": "styrbord"},
            {"passfile": "/etc/passwd"},
        ],
    )
    def test_url_parameters_that_redirect_the_connection_are_refused(self, pg_warehouse, query):
        with pytest.raises(SourceConfigError, match="parametre, der ikke er tilladt") as caught:
            get_adapter("sql").fetch(pg_config(pg_warehouse.url(query=query)), timeout=10)
        assert next(iter(query.values())) not in caught.value.message

    def test_statement_timeout(self, pg_warehouse):
        slow = (
            "SELECT '2020' AS period, count(*) AS amount "
            "FROM generate_series(1, 100000) AS a, generate_series(1, 100000) AS b"
        )
        with Elapsed() as elapsed, pytest.raises(SourceTimeout):
            get_adapter("sql").fetch(
                pg_config(pg_warehouse.url(), query=slow, parameters={}, status_column=None),
                timeout=1,
            )
        assert elapsed.seconds < 1 + 1

    def test_errors_name_the_kind_and_quote_no_data(self, pg_warehouse):
        adapter = get_adapter("sql")
        with pytest.raises(SourceConfigError, match="en tabel, visning eller et skema findes"):
            adapter.fetch(
                pg_config(pg_warehouse.url(), query="SELECT * FROM stats.nothing", parameters={}),
                timeout=10,
            )
        # PostgreSQL's own text: invalid input syntax for type integer: "hemmelig-note".
        cast = "SELECT period, CAST(note AS integer) AS amount FROM stats.notes"
        with pytest.raises(SourceError, match="en værdi kunne ikke behandles") as caught:
            adapter.fetch(
                pg_config(pg_warehouse.url(), query=cast, parameters={}, status_column=None),
                timeout=10,
            )
        assert "hemmelig" not in caught.value.message
        assert "hemmelig-note" in caught.value.detail
