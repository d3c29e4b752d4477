"""The audit trail: one append-only row per created, changed or deleted thing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.core.models import UTCDateTime, utcnow
from portfolio.extensions import db

# The shared rows (naming no programme) that a programme's pages may show: all but a
# sign-in's stamp of `users.last_login_at`, which only the administrators' user list shows
# (drawn on every request). audit/versions.py keys the pages on the latest of them, so
# sign-ins do not make every programme's pages be drawn again. Written as SQL text, the
# same in the index below as in the query, so that PostgreSQL and SQLite see that the query
# may read the partial index: one step down it, however many sign-ins came since. The unary
# plus keeps SQLite from walking the (programme_id, id) index instead, which would read
# every sign-in row since the last shared change (SQLite's documented way to keep a term
# from choosing an index). Migration 0017 has its own copy.
SHOWN_SHARED = (
    "+programme_id IS NULL AND (entity <> 'users' OR field IS NULL OR field <> 'last_login_at')"
)


class AuditEntry(db.Model):
    """Who changed what, when, from which value to which.

    A create or delete is one row holding the whole object as JSON; an update is one row
    per changed field. The table is append-only: no code path updates or deletes a row,
    triggers refuse UPDATE, DELETE and TRUNCATE in the database (see AUDIT_TRIGGERS), and
    `flask db grant-runtime` gives the app's runtime role only SELECT and INSERT on it.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_entity", "entity", "entity_id"),
        sa.Index("ix_audit_entries_programme_at", "programme_id", "at"),
        # The latest row of a programme, and of none (audit/versions.py, the page cache's
        # key): each one step down an index, however long the trail.
        sa.Index("ix_audit_entries_programme_latest", "programme_id", "id"),
        sa.Index(
            "ix_audit_entries_shared_latest",
            "id",
            postgresql_where=sa.text(SHOWN_SHARED),
            sqlite_where=sa.text(SHOWN_SHARED),
        ),
        # Read by core.roles: the runtime role may read and append, nothing else.
        {"info": {"append_only": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # No foreign keys: the trail must outlive the users and objects it speaks of.
    user_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(sa.String(300))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(10))
    entity: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[str] = mapped_column(sa.String(100))
    entity_label: Mapped[str] = mapped_column(sa.String(300), default="")
    entity_version: Mapped[int | None]
    programme_id: Mapped[int | None]
    field: Mapped[str | None] = mapped_column(sa.String(100))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    # Why the change was made, as a key (audit/context.because): "change_request:ÆA1".
    reason: Mapped[str | None] = mapped_column(sa.String(300))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.entity}#{self.entity_id} {self.field}>"


_REFUSE_MESSAGE = "audit_entries is append-only"

# Installed with the table (create_all) and by the migrations (0001, and 0006 for TRUNCATE).
# SQLite has no TRUNCATE: its unqualified DELETE runs the row triggers, which refuse it.
AUDIT_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '{_REFUSE_MESSAGE}'); END""",
        f"""CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '{_REFUSE_MESSAGE}'); END""",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION audit_entries_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{_REFUSE_MESSAGE}'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse()""",
        # TRUNCATE runs no row triggers; without this one it empties the trail at once.
        """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse()""",
    ],
}
DROP_AUDIT_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_entries_no_update",
        "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
        "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
        "DROP FUNCTION IF EXISTS audit_entries_refuse()",
    ],
}


@sa.event.listens_for(AuditEntry.__table__, "after_create")
def _install_triggers(target, connection, **kw):
    for statement in AUDIT_TRIGGERS.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
