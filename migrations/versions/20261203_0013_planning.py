"""Projects that can be planned, and owners who are people.

Projects gain a percent complete (0–100), a position to order them by, a retirement time
and a lead who may be a user (owner_user_id beside the free-text owner); a table of
finish-to-start dependencies between projects. Benefits, risks, mitigation actions and
workshop actions gain owner_user_id beside their free-text owner. Nothing is dated or
assigned: the columns start empty (position 0).

Revision ID: 0013
Revises: 0012
Created: 2026-12-03 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "project_dependencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "project_id <> depends_on_id", name=op.f("ck_project_dependencies_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["projects.id"],
            name=op.f("fk_project_dependencies_depends_on_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_dependencies_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_dependencies")),
        sa.UniqueConstraint(
            "project_id",
            "depends_on_id",
            name=op.f("uq_project_dependencies_project_id_depends_on_id"),
        ),
    )
    with op.batch_alter_table("project_dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_dependencies_depends_on_id"), ["depends_on_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_dependencies_project_id"), ["project_id"], unique=False
        )

    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_benefits_owner_user_id"), ["owner_user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_benefits_owner_user_id_users"), "users", ["owner_user_id"], ["id"]
        )

    with op.batch_alter_table("mitigation_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_mitigation_actions_owner_user_id"), ["owner_user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mitigation_actions_owner_user_id_users"),
            "users",
            ["owner_user_id"],
            ["id"],
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("percent_complete", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_projects_owner_user_id"), ["owner_user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_projects_owner_user_id_users"), "users", ["owner_user_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_projects_percent_in_range"),
            "percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_projects_start_before_end"),
            "start_month IS NULL OR end_month IS NULL OR start_month <= end_month",
        )

    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_risks_owner_user_id"), ["owner_user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_risks_owner_user_id_users"), "users", ["owner_user_id"], ["id"]
        )

    with op.batch_alter_table("workshop_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_workshop_actions_owner_user_id"), ["owner_user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_actions_owner_user_id_users"),
            "users",
            ["owner_user_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("workshop_actions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_workshop_actions_owner_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_workshop_actions_owner_user_id"))
        batch_op.drop_column("owner_user_id")

    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_risks_owner_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_risks_owner_user_id"))
        batch_op.drop_column("owner_user_id")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_projects_start_before_end"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_projects_percent_in_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_projects_owner_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_projects_owner_user_id"))
        batch_op.drop_column("owner_user_id")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("position")
        batch_op.drop_column("percent_complete")

    with op.batch_alter_table("mitigation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mitigation_actions_owner_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_mitigation_actions_owner_user_id"))
        batch_op.drop_column("owner_user_id")

    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_benefits_owner_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_benefits_owner_user_id"))
        batch_op.drop_column("owner_user_id")

    with op.batch_alter_table("project_dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_dependencies_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_dependencies_depends_on_id"))

    op.drop_table("project_dependencies")
