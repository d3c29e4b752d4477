"""Two indexes on the audit trail: (programme_id, id), and id where programme_id is null.
The page cache's version of a programme's pages is the latest audit row of the programme
(and of those its projects are linked with) and the latest row that names no programme
(audit/versions.py), each one step down one of these however long the trail grows. Without
the second, PostgreSQL walks the primary key back past every programme's rows to the
latest shared one.

Revision ID: 0009
Revises: 0008
Created: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
from alembic import op

SHARED = "programme_id IS NULL"

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entries_programme_latest", ["programme_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entries_shared_latest",
            ["id"],
            unique=False,
            postgresql_where=sa.text(SHARED),
            sqlite_where=sa.text(SHARED),
        )


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_shared_latest")
        batch_op.drop_index("ix_audit_entries_programme_latest")
