"""A PostgreSQL login role made for one test and dropped after it, wherever it was granted."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import sqlalchemy as sa


class TestRole:
    """A role on the test server; `url_for` connects as it, `granted_in` marks databases."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, server_url: str, name: str):
        self.server_url = server_url
        self.name = name
        self.databases: set[str] = set()

    def granted_in(self, url: str) -> None:
        """Remember that the role holds privileges in this database (revoked on drop)."""
        self.databases.add(sa.make_url(url).render_as_string(hide_password=False))

    def url_for(self, url: str) -> str:
        """Return `url` with this role as the user (the test server trusts local logins)."""
        self.granted_in(url)
        return (
            sa.make_url(url)
            .set(username=self.name, password=None)
            .render_as_string(hide_password=False)
        )

    def engine_for(self, url: str) -> sa.Engine:
        """An engine connecting as this role that keeps no connection open between uses."""
        return sa.create_engine(self.url_for(url), poolclass=sa.pool.NullPool)


@contextlib.contextmanager
def login_role(server_url: str, *options: str, prefix: str = "styrbord_test") -> Iterator[TestRole]:
    """Create a LOGIN role with `options` (e.g. "CREATEROLE"), yield it, then drop it.

    Privileges a role holds in a database keep DROP ROLE from working, so every database
    it was granted in gets DROP OWNED BY (which also revokes its privileges) first.
    """
    role = TestRole(server_url, f"{prefix}_{uuid.uuid4().hex[:8]}")
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE ROLE "{role.name}" LOGIN {" ".join(options)}')
        yield role
    finally:
        for url in sorted(role.databases):
            engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            try:
                with engine.connect() as connection:
                    connection.exec_driver_sql(f'DROP OWNED BY "{role.name}"')
            except sa.exc.OperationalError:
                pass  # the database is gone already, and the role's privileges with it
            finally:
                engine.dispose()
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role.name}"')
        server.dispose()
