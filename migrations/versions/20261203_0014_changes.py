"""Change requests (ændringsanmodninger) and the changes they propose; the audit trail's
`reason` column, which names the change request an approval changed a row by.

The column is added and dropped with plain ALTER TABLE (SQLite 3.35+ drops a column in
place): a batch copy of audit_entries would lose its append-only triggers.

Revision ID: 0014
Revises: 0013
Created: 2026-12-03 13:10:22
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decision_wanted_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                "postponed",
                name="change_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.Column("meeting", sa.String(length=300), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("baseline_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_id"], ["baselines.id"], name=op.f("fk_change_requests_baseline_id_baselines")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_change_requests_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_change_requests_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
        sa.UniqueConstraint(
            "programme_id", "number", name=op.f("uq_change_requests_programme_id_number")
        ),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_requests_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "change_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "timeline",
                "milestone",
                "budget",
                "indicator",
                "deliverable",
                "project",
                name="change_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "operation",
            sa.Enum(
                "add",
                "change",
                "remove",
                "status",
                name="change_operation",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=True),
        sa.Column("new_start", sa.String(length=7), nullable=True),
        sa.Column("new_end", sa.String(length=7), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("delta", sa.BigInteger(), nullable=True),
        sa.Column("new_value", sa.String(length=60), nullable=True),
        sa.Column("new_period", sa.String(length=7), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("new_code", sa.String(length=20), nullable=True),
        sa.Column("new_status", sa.String(length=20), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("before_text", sa.Text(), nullable=True),
        sa.Column("after_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["change_requests.id"],
            name=op.f("fk_change_items_request_id_change_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_items")),
        sa.UniqueConstraint(
            "request_id", "position", name=op.f("uq_change_items_request_id_position")
        ),
    )
    with op.batch_alter_table("change_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_items_request_id"), ["request_id"], unique=False
        )

    op.execute("ALTER TABLE audit_entries ADD COLUMN reason VARCHAR(300)")


def downgrade():
    op.execute("ALTER TABLE audit_entries DROP COLUMN reason")

    with op.batch_alter_table("change_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_items_request_id"))

    op.drop_table("change_items")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_requests_programme_id"))

    op.drop_table("change_requests")
