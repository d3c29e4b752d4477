"""Indicators of benefits, tracks, projects and risks; metric sources, metrics and their
observations as a time series with revisions and a fetch log; benefit follow-up workshops
with frozen figures and actions; benefit owners, responsible persons and handover.

Revision ID: 0005
Revises: 0004
Created: 2026-11-22 02:39:02.615805
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('location', sa.String(length=1000), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('secret_config', sa.JSON(), nullable=True),
    sa.Column('timeout_seconds', sa.Integer(), nullable=False),
    sa.Column('disclosure_threshold', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_revision', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('failure_count', sa.Integer(), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_sources')),
    sa.UniqueConstraint('key', name=op.f('uq_metric_sources_key'))
    )
    op.create_table('metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('is_count', sa.Boolean(), nullable=False),
    sa.Column('disclosure_threshold', sa.Integer(), nullable=True),
    sa.Column('refresh_hours', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stale_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['metric_sources.id'], name=op.f('fk_metrics_source_id_metric_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics')),
    sa.UniqueConstraint('key', name=op.f('uq_metrics_key'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metrics_source_id'), ['source_id'], unique=False)

    op.create_table('metric_fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('unchanged', sa.Boolean(), nullable=False),
    sa.Column('observations_read', sa.Integer(), nullable=False),
    sa.Column('observations_new', sa.Integer(), nullable=False),
    sa.Column('observations_revised', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('source_revision', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_metric_fetches_metric_id_metrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_fetches'))
    )
    with op.batch_alter_table('metric_fetches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_fetches_metric_id'), ['metric_id'], unique=False)

    op.create_table('metric_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('period_start', sa.String(length=7), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('raw_status', sa.String(length=40), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_revision', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_metric_observations_metric_id_metrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_observations')),
    sa.UniqueConstraint('metric_id', 'period', 'revision', name=op.f('uq_metric_observations_metric_id_period_revision'))
    )
    with op.batch_alter_table('metric_observations', schema=None) as batch_op:
        batch_op.create_index('ix_metric_observations_current', ['metric_id', 'is_current', 'period'], unique=False)

    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('phase', sa.Enum('during', 'after_closure', name='workshop_phase', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('planned', 'held', 'closed', name='workshop_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('frozen_by', sa.String(length=254), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_workshops_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops'))
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshops_programme_id'), ['programme_id'], unique=False)

    op.create_table('benefit_goals',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('vision_goal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_goals_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['vision_goal_id'], ['vision_goals.id'], name=op.f('fk_benefit_goals_vision_goal_id_vision_goals')),
    sa.PrimaryKeyConstraint('benefit_id', 'vision_goal_id', name=op.f('pk_benefit_goals'))
    )
    op.create_table('workshop_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='workshop_action_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_workshop_actions_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_actions_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_actions'))
    )
    with op.batch_alter_table('workshop_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_actions_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_actions_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('workshop_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('assessment', sa.Enum('on_track', 'at_risk', 'off_track', name='workshop_assessment', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_workshop_items_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_items_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_items')),
    sa.UniqueConstraint('workshop_id', 'benefit_id', name=op.f('uq_workshop_items_workshop_id_benefit_id'))
    )
    with op.batch_alter_table('workshop_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_items_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_items_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=True),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('benefit', 'delivery', 'data_quality', 'key_risk', name='indicator_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('higher', 'lower', name='indicator_direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('frequency', sa.Enum('month', 'quarter', 'half_year', 'year', name='indicator_frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('baseline_value', sa.String(length=60), nullable=True),
    sa.Column('baseline_period', sa.String(length=7), nullable=True),
    sa.Column('target_value', sa.String(length=60), nullable=True),
    sa.Column('target_period', sa.String(length=7), nullable=True),
    sa.Column('threshold_value', sa.String(length=60), nullable=True),
    sa.Column('metric_id', sa.Integer(), nullable=True),
    sa.Column('disclosure_threshold', sa.Integer(), nullable=True),
    sa.Column('is_count', sa.Boolean(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('CASE WHEN benefit_id IS NULL THEN 0 ELSE 1 END + CASE WHEN track_id IS NULL THEN 0 ELSE 1 END + CASE WHEN project_id IS NULL THEN 0 ELSE 1 END + CASE WHEN risk_id IS NULL THEN 0 ELSE 1 END = 1', name=op.f('ck_indicators_one_subject')),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_indicators_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_indicators_metric_id_metrics')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_indicators_programme_id_programmes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_indicators_project_id_projects')),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_indicators_risk_id_risks')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_indicators_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_indicators_programme_id_code'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_benefit_id'), ['benefit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_metric_id'), ['metric_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_risk_id'), ['risk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicators_track_id'), ['track_id'], unique=False)

    op.create_table('indicator_trajectory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_trajectory_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_trajectory')),
    sa.UniqueConstraint('indicator_id', 'period', name=op.f('uq_indicator_trajectory_indicator_id_period'))
    )
    op.create_table('indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.String(length=254), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'period', name=op.f('uq_indicator_values_indicator_id_period'))
    )
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_values_indicator_id'), ['indicator_id'], unique=False)

    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsible', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('operations_owner', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('handed_over_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.drop_column('handed_over_on')
        batch_op.drop_column('operations_owner')
        batch_op.drop_column('responsible')

    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_values_indicator_id'))

    op.drop_table('indicator_values')
    op.drop_table('indicator_trajectory')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_track_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_risk_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_project_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_programme_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_metric_id'))
        batch_op.drop_index(batch_op.f('ix_indicators_benefit_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('workshop_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_items_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_items_benefit_id'))

    op.drop_table('workshop_items')
    with op.batch_alter_table('workshop_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_actions_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_actions_benefit_id'))

    op.drop_table('workshop_actions')
    op.drop_table('benefit_goals')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshops_programme_id'))

    op.drop_table('workshops')
    with op.batch_alter_table('metric_observations', schema=None) as batch_op:
        batch_op.drop_index('ix_metric_observations_current')

    op.drop_table('metric_observations')
    with op.batch_alter_table('metric_fetches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_fetches_metric_id'))

    op.drop_table('metric_fetches')
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metrics_source_id'))

    op.drop_table('metrics')
    op.drop_table('metric_sources')
