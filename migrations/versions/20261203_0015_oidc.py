"""OpenID Connect sign-in: a user's issuer and subject at the provider, and the table that
maps the provider's group (or app role) claim values to Styrbord roles.

Revision ID: 0015
Revises: 0014
Created: 2026-12-03 14:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ROLES = ("secretariat", "track_lead", "benefit_owner", "viewer")


def upgrade():
    # Plain ALTER TABLE (no batch copy of users, which other tables' foreign keys point at),
    # and a unique index rather than a constraint, which SQLite cannot add to a table.
    op.add_column("users", sa.Column("oidc_issuer", sa.String(length=500), nullable=True))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("uq_users_oidc", "users", ["oidc_issuer", "oidc_subject"], unique=True)

    op.create_table(
        "oidc_group_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_value", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*ROLES, name="role", native_enum=False, create_constraint=True, length=13),
            nullable=False,
        ),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_oidc_group_roles_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_group_roles")),
    )
    with op.batch_alter_table("oidc_group_roles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oidc_group_roles_claim_value"), ["claim_value"], unique=False
        )


def downgrade():
    with op.batch_alter_table("oidc_group_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_group_roles_claim_value"))
    op.drop_table("oidc_group_roles")
    op.drop_index("uq_users_oidc", table_name="users")
    # SQLite 3.35 and later drop a column in place.
    op.drop_column("users", "oidc_subject")
    op.drop_column("users", "oidc_issuer")
