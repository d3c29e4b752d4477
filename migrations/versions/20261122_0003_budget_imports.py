"""Budget imports, and the database refusing changes to approved baselines.

Revision ID: 0003
Revises: 0002
Created: 2026-11-22 00:31:24.730905
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


IMMUTABLE = "approved baselines are immutable"
TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER baselines_immutable_update BEFORE UPDATE ON baselines
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baselines_immutable_delete BEFORE DELETE ON baselines
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baseline_lines_immutable_update BEFORE UPDATE ON budget_lines
        WHEN OLD.baseline_id IS NOT NULL BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
        f"""CREATE TRIGGER baseline_lines_immutable_delete BEFORE DELETE ON budget_lines
        WHEN OLD.baseline_id IS NOT NULL BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
        f"""CREATE TRIGGER printed_totals_immutable_update BEFORE UPDATE ON printed_totals
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
        f"""CREATE TRIGGER printed_totals_immutable_delete BEFORE DELETE ON printed_totals
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END""",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION baseline_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql""",
        # PL/pgSQL may evaluate both sides of an OR, so budget_lines gets its own function.
        f"""CREATE OR REPLACE FUNCTION baseline_line_refuse() RETURNS trigger AS $$
        BEGIN
          IF OLD.baseline_id IS NOT NULL THEN RAISE EXCEPTION '{IMMUTABLE}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER baselines_immutable BEFORE UPDATE OR DELETE ON baselines
        FOR EACH ROW EXECUTE FUNCTION baseline_refuse()""",
        """CREATE TRIGGER baseline_lines_immutable BEFORE UPDATE OR DELETE ON budget_lines
        FOR EACH ROW EXECUTE FUNCTION baseline_line_refuse()""",
        """CREATE TRIGGER printed_totals_immutable BEFORE UPDATE OR DELETE ON printed_totals
        FOR EACH ROW EXECUTE FUNCTION baseline_refuse()""",
    ],
}
DROP_TRIGGERS = {
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {table}_immutable_{op_}"
        for table in ("baselines", "baseline_lines", "printed_totals")
        for op_ in ("update", "delete")
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS baselines_immutable ON baselines",
        "DROP TRIGGER IF EXISTS baseline_lines_immutable ON budget_lines",
        "DROP TRIGGER IF EXISTS printed_totals_immutable ON printed_totals",
        "DROP FUNCTION IF EXISTS baseline_refuse()",
        "DROP FUNCTION IF EXISTS baseline_line_refuse()",
    ],
}


def upgrade():
    op.create_table('budget_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('baseline', 'forecast', 'actual', name='budget_import_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('imported_by', sa.String(length=254), nullable=False),
    sa.Column('cells_changed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_budget_imports_programme_id_programmes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_budget_imports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_imports'))
    )
    with op.batch_alter_table('budget_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_imports_checksum'), ['checksum'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_imports_programme_id'), ['programme_id'], unique=False)

    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)



def downgrade():
    for statement in DROP_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('budget_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_imports_programme_id'))
        batch_op.drop_index(batch_op.f('ix_budget_imports_checksum'))

    op.drop_table('budget_imports')
