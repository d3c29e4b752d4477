"""Chart cache: rendered SVG charts keyed by a hash of their data, shared by all workers.

Revision ID: 0002
Revises: 0001
Created: 2026-11-22 00:06:28.705186
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chart_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('svg', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_chart_cache'))
    )
    with op.batch_alter_table('chart_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_cache_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('chart_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chart_cache_created_at'))

    op.drop_table('chart_cache')
