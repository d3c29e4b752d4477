"""The audit trail refuses TRUNCATE too (PostgreSQL): a statement-level BEFORE TRUNCATE
trigger beside the row-level one that refuses UPDATE and DELETE.

SQLite has no TRUNCATE (its `DELETE FROM t` without WHERE runs the row triggers, which
already refuse it), so there is nothing to add there.

Revision ID: 0006
Revises: 0005
Created: 2026-12-01 10:00:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The function comes from 0001 (audit_entries_refuse raises 'audit_entries is append-only').
NO_TRUNCATE = """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse()"""
DROP_NO_TRUNCATE = "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_NO_TRUNCATE)
