"""API tokens as rows of their own: several per user, named, listable and revocable, ended
by a password change or a closed account. A user's existing token becomes one such row;
users.api_token_hash is emptied and left for the previous release (dropped later).

Revision ID: 0007
Revises: 0006
Created: 2026-12-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The rows moved here are the same tokens in a new place, not changes anybody made: they
# write no audit rows (and the test suite's audit ledger is told so).
MOVED_NOT_CHANGED = {'audit_exempt': True}
TOKEN_ENDS = ('revoked_by_owner', 'revoked_by_admin', 'password_changed', 'account_deactivated')


def upgrade():
    tokens = op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Enum(*TOKEN_ENDS, name='token_end', native_enum=False, create_constraint=True, length=19), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    # The token a user holds keeps working, now as a row its owner can see and revoke.
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('api_token_hash', sa.String))
    connection = op.get_bind()
    held = connection.execute(
        sa.select(users.c.id, users.c.api_token_hash).where(users.c.api_token_hash.is_not(None))
    ).all()
    now = dt.datetime.now(dt.UTC)
    if held:
        connection.execute(tokens.insert(), [
            {'user_id': user_id, 'name': 'API-token', 'token_hash': digest, 'prefix': '',
             'created_at': now, 'updated_at': now}
            for user_id, digest in held
        ], execution_options=MOVED_NOT_CHANGED)

    # The old column is emptied, not dropped: the previous release still selects it while
    # instances are restarted one by one (docs/deploy.md, Upgrades). A token lives in one
    # place only, so revoking it here ends it everywhere. A later migration drops it.
    connection.execute(
        users.update().where(users.c.api_token_hash.is_not(None)).values(api_token_hash=None),
        execution_options=MOVED_NOT_CHANGED,
    )


def downgrade():
    # The old schema holds one token per user: each keeps its newest live one.
    tokens = sa.table('api_tokens', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                      sa.column('token_hash', sa.String), sa.column('ended_at', sa.DateTime))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('api_token_hash', sa.String))
    connection = op.get_bind()
    newest = connection.execute(
        sa.select(tokens.c.user_id, sa.func.max(tokens.c.id))
        .where(tokens.c.ended_at.is_(None))
        .group_by(tokens.c.user_id)
    ).all()
    for user_id, token_id in newest:
        digest = connection.execute(
            sa.select(tokens.c.token_hash).where(tokens.c.id == token_id)
        ).scalar_one()
        connection.execute(
            users.update().where(users.c.id == user_id).values(api_token_hash=digest),
            execution_options=MOVED_NOT_CHANGED,
        )

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
