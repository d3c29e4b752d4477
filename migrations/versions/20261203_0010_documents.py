"""Issued documents (the programme model's documents frozen as issued) and lessons learned.

Revision ID: 0010
Revises: 0009
Created: 2026-12-03 13:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version_label", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=254), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_issued_documents_programme_id_programmes"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["status_reports.id"], name="fk_issued_documents_report_id_status_reports"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_issued_documents"),
        sa.UniqueConstraint(
            "programme_id", "kind", "number", name="uq_issued_documents_programme_id_kind_number"
        ),
    )
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.create_index("ix_issued_documents_programme_id", ["programme_id"], unique=False)
        batch_op.create_index("ix_issued_documents_report_id", ["report_id"], unique=False)

    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name="fk_lessons_programme_id_programmes"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lessons"),
        sa.UniqueConstraint("programme_id", "position", name="uq_lessons_programme_id_position"),
    )
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index("ix_lessons_programme_id", ["programme_id"], unique=False)


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index("ix_lessons_programme_id")
    op.drop_table("lessons")
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_documents_report_id")
        batch_op.drop_index("ix_issued_documents_programme_id")
    op.drop_table("issued_documents")
