"""Status pages: risk reassessments and mitigation actions, milestones and deliverables,
decisions, light overrides, the manual benefits assessment, track commentary and frozen
status reports with their charts.

Revision ID: 0004
Revises: 0003
Created: 2026-11-22 00:42:38.665288
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benefits_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('colour', sa.Enum('green', 'yellow', 'red', 'none', name='benefits_colour', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_benefits_assessments_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits_assessments'))
    )
    with op.batch_alter_table('benefits_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefits_assessments_programme_id'), ['programme_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('body', sa.String(length=300), nullable=False),
    sa.Column('requested_for', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('requested', 'decided', 'withdrawn', name='decision_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('linked_items', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_decisions_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_programme_id'), ['programme_id'], unique=False)

    op.create_table('light_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.Enum('schedule', 'cost', 'risks', 'benefits', 'scope', name='override_dimension', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('colour', sa.Enum('green', 'yellow', 'red', 'none', name='override_colour', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_light_overrides_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_light_overrides'))
    )
    with op.batch_alter_table('light_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_light_overrides_programme_id'), ['programme_id'], unique=False)

    op.create_table('status_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', name='report_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=254), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_status_reports_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_reports'))
    )
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.create_index('ix_status_reports_programme_created', ['programme_id', 'created_at'], unique=False)

    op.create_table('report_charts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('alt_text', sa.Text(), nullable=False),
    sa.Column('svg', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['status_reports.id'], name=op.f('fk_report_charts_report_id_status_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_charts')),
    sa.UniqueConstraint('report_id', 'name', name=op.f('uq_report_charts_report_id_name'))
    )
    with op.batch_alter_table('report_charts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_charts_report_id'), ['report_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('milestone', 'deliverable', name='milestone_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('forecast_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'done', 'cancelled', name='milestone_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_milestones_programme_id_programmes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_milestones_project_id_projects')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_milestones_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_programme_planned', ['programme_id', 'planned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestones_track_id'), ['track_id'], unique=False)

    op.create_table('mitigation_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'cancelled', name='action_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_mitigation_actions_risk_id_risks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mitigation_actions'))
    )
    with op.batch_alter_table('mitigation_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mitigation_actions_risk_id'), ['risk_id'], unique=False)

    op.create_table('risk_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('probability', sa.Enum('low', 'medium', 'high', name='assessed_probability', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consequence', sa.Enum('low', 'medium', 'high', name='assessed_consequence', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('residual_probability', sa.Enum('low', 'medium', 'high', name='assessed_residual_probability', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('residual_consequence', sa.Enum('low', 'medium', 'high', name='assessed_residual_consequence', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('assessed_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_risk_assessments_risk_id_risks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessments'))
    )
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_assessments_risk_id'), ['risk_id'], unique=False)

    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('residual_probability', sa.Enum('low', 'medium', 'high', name='risk_residual_probability', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('residual_consequence', sa.Enum('low', 'medium', 'high', name='risk_residual_consequence', native_enum=False, create_constraint=True), nullable=True))

    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commentary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('commentary_by', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('commentary_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_column('commentary_at')
        batch_op.drop_column('commentary_by')
        batch_op.drop_column('commentary')

    with op.batch_alter_table('risks', schema=None) as batch_op:
        # The enum columns' CHECK constraints go first, or SQLite's table copy trips on them.
        batch_op.drop_constraint(batch_op.f('ck_risks_risk_residual_consequence'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_risks_risk_residual_probability'), type_='check')
        batch_op.drop_column('residual_consequence')
        batch_op.drop_column('residual_probability')

    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_assessments_risk_id'))

    op.drop_table('risk_assessments')
    with op.batch_alter_table('mitigation_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mitigation_actions_risk_id'))

    op.drop_table('mitigation_actions')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_track_id'))
        batch_op.drop_index(batch_op.f('ix_milestones_project_id'))
        batch_op.drop_index('ix_milestones_programme_planned')

    op.drop_table('milestones')
    with op.batch_alter_table('report_charts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_charts_report_id'))

    op.drop_table('report_charts')
    with op.batch_alter_table('status_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_status_reports_programme_created')

    op.drop_table('status_reports')
    with op.batch_alter_table('light_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_light_overrides_programme_id'))

    op.drop_table('light_overrides')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_programme_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('benefits_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefits_assessments_programme_id'))

    op.drop_table('benefits_assessments')
