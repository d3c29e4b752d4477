"""The SQL adapter: only one read-only statement, bound parameters, and a time limit."""

# The PostgreSQL tests build statements around a schema name they generate themselves.

from __future__ import annotations

import os
import sqlite3
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceError,
    SourceTimeout,
)
from portfolio.metrics.adapters.sql import SqlConfig, check_read_only_sql
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import Elapsed

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

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
    "SELECT 1 /* never closed",
    "SELECT 'never closed",
    "",
    "  ;  ",
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

    def test_the_connection_itself_is_read_only(self, warehouse):
        # Past the statement check, the connection the adapter opens still refuses writes.
        engine = get_adapter("sql")._sqlite_engine(str(warehouse), Deadline(5))
        with engine.connect() as connection, pytest.raises(sa.exc.OperationalError) as caught:
            connection.exec_driver_sql("INSERT INTO indicator VALUES ('x', 'y', '1', 1, NULL)")
        engine.dispose()
        assert "readonly database" in str(caught.value) or "query_only" in str(caught.value)
        with sqlite3.connect(warehouse) as connection:
            assert connection.execute("SELECT count(*) FROM indicator").fetchone() == (4,)
        connection.close()

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
        with pytest.raises(
            SourceConfigError, match="Databasen afviste forespørgslen: no such table"
        ):
            get_adapter("sql").fetch(
                config(warehouse, query="SELECT * FROM no_such_table"), timeout=5
            )
        with pytest.raises(SourceConfigError, match="findes ikke"):
            get_adapter("sql").fetch(config(tmp_path / "missing.db"), timeout=5)

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("mysql://reader:hemmelig@db/x", "understøttes ikke"),
            ("sqlite://", "stien til en SQLite-fil"),
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


@pytest.mark.postgres
@pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"),
    reason="TEST_DATABASE_URL is not set to a PostgreSQL URL, so the PostgreSQL tests cannot run",
)
class TestPostgres:
    @pytest.fixture
    def schema(self):
        name = f"metrics_test_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(TEST_DATABASE_URL, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {name}")
            connection.exec_driver_sql(
                f"CREATE TABLE {name}.indicator "
                "(region text, period text, amount numeric, flag text)"
            )
            connection.exec_driver_sql(
                f"INSERT INTO {name}.indicator VALUES "
                "('084', '2021K4', 1234.50, NULL), ('084', '2022K1', NULL, 'suppressed'), "
                "('085', '2021K4', 0.1, NULL)"
            )
            connection.exec_driver_sql(f"CREATE SEQUENCE {name}.counter")
        yield name
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        engine.dispose()

    def pg_config(self, schema, **extra):
        return {
            "url": TEST_DATABASE_URL,
            "query": f"SELECT region, period, amount, flag FROM {schema}.indicator "
            "WHERE region = ANY(:regions) ORDER BY region, period",
            "parameters": {},
            "period_column": "period",
            "value_column": "amount",
            "status_column": "flag",
            **extra,
        }

    def test_fetch(self, schema):
        result = get_adapter("sql").fetch(
            self.pg_config(
                schema,
                query=f"SELECT region, period, amount, flag FROM {schema}.indicator "
                "WHERE region <> :skip ORDER BY region, period",
                parameters={"skip": "999"},
            ),
            timeout=10,
        )
        assert [(o.dimensions, o.period, o.value, o.status) for o in result.observations] == [
            ({"region": "084"}, "2021K4", Decimal("1234.50"), S.OK),
            ({"region": "084"}, "2022K1", None, S.SUPPRESSED),
            ({"region": "085"}, "2021K4", Decimal("0.1"), S.OK),
        ]
        assert str(result.observations[0].value) == "1234.50"

    def test_transaction_is_read_only(self, schema):
        adapter = get_adapter("sql")
        valid = SqlConfig.model_validate(
            self.pg_config(schema, query="SELECT 1 AS period, 1 AS amount")
        )
        # Past the statement check, the transaction itself refuses to change anything.
        for statement in (
            f"SELECT nextval('{schema}.counter') AS period, 1 AS amount",
            f"SELECT setval('{schema}.counter', 5) AS period, 1 AS amount",
        ):
            unchecked = SqlConfig.model_construct(**{**valid.__dict__, "query": statement})
            with pytest.raises(SourceConfigError, match="read-only transaction"):
                adapter._run(unchecked, Deadline(10))
        engine = sa.create_engine(TEST_DATABASE_URL, poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            count = connection.exec_driver_sql(f"SELECT count(*) FROM {schema}.indicator")
            assert count.scalar() == 3
        engine.dispose()

    def test_statement_timeout(self, schema):
        with Elapsed() as elapsed, pytest.raises(SourceTimeout):
            get_adapter("sql").fetch(
                self.pg_config(
                    schema,
                    query="SELECT '2020' AS period, 1 AS amount FROM pg_sleep(5)",
                    status_column=None,
                ),
                timeout=1,
            )
        assert elapsed.seconds < 1 + 1

    def test_errors(self, schema):
        with pytest.raises(SourceConfigError, match="does not exist"):
            get_adapter("sql").fetch(
                self.pg_config(schema, query=f"SELECT * FROM {schema}.nothing"), timeout=10
            )
