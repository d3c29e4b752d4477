"""Initial schema: programmes, tracks, projects, timeline, organisation, budgets, risks,
benefits, users and the append-only audit trail.

Revision ID: 0001
Revises: 
Created: 2026-11-21 23:26:17.710711
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


AUDIT_TRIGGERS = {
    "sqlite": [
        """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
        """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_entries_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse()""",
    ],
}
DROP_AUDIT_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_entries_no_update",
        "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
        "DROP FUNCTION IF EXISTS audit_entries_refuse()",
    ],
}


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=300), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=100), nullable=False),
    sa.Column('entity_label', sa.String(length=300), nullable=False),
    sa.Column('entity_version', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entries_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_entries_programme_at', ['programme_id', 'at'], unique=False)

    # The audit trail is append-only: the database itself refuses updates and deletes.
    for statement in AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table('portfolios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolios')),
    sa.UniqueConstraint('name', name=op.f('uq_portfolios_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('api_token_hash', sa.String(length=64), nullable=True),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('api_token_hash', name=op.f('uq_users_api_token_hash')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=True),
    sa.Column('owner_title', sa.String(length=200), nullable=True),
    sa.Column('owner_organisation', sa.String(length=200), nullable=True),
    sa.Column('primary_purpose', sa.String(length=200), nullable=True),
    sa.Column('vision', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('as_is', sa.Text(), nullable=False),
    sa.Column('to_be', sa.Text(), nullable=False),
    sa.Column('implementation', sa.Text(), nullable=False),
    sa.Column('organisation_note', sa.Text(), nullable=False),
    sa.Column('budget_note', sa.Text(), nullable=False),
    sa.Column('benefits_note', sa.Text(), nullable=False),
    sa.Column('risks_note', sa.Text(), nullable=False),
    sa.Column('stakeholders_note', sa.Text(), nullable=False),
    sa.Column('annexes_note', sa.Text(), nullable=False),
    sa.Column('programme_model', sa.String(length=200), nullable=True),
    sa.Column('programme_model_version', sa.String(length=20), nullable=True),
    sa.Column('document_version', sa.String(length=20), nullable=True),
    sa.Column('source_document', sa.String(length=300), nullable=True),
    sa.Column('start_month', sa.String(length=7), nullable=True),
    sa.Column('end_month', sa.String(length=7), nullable=True),
    sa.Column('period_precision', sa.Enum('month', 'year', name='period_precision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'closing', 'closed', name='programme_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_programmes_portfolio_id_portfolios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('slug', name=op.f('uq_programmes_slug'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_portfolio_id'), ['portfolio_id'], unique=False)

    op.create_table('annexes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('reference', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_annexes_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annexes')),
    sa.UniqueConstraint('programme_id', 'position', name=op.f('uq_annexes_programme_id_position'))
    )
    with op.batch_alter_table('annexes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annexes_programme_id'), ['programme_id'], unique=False)

    op.create_table('approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=300), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_approvals_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals'))
    )
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approvals_programme_id'), ['programme_id'], unique=False)

    op.create_table('baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('approved_by', sa.String(length=300), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_baselines_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_baselines')),
    sa.UniqueConstraint('programme_id', 'number', name=op.f('uq_baselines_programme_id_number'))
    )
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baselines_programme_id'), ['programme_id'], unique=False)

    op.create_table('benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_disbenefit', sa.Boolean(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_benefits_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_benefits_programme_id_code'))
    )
    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefits_programme_id'), ['programme_id'], unique=False)

    op.create_table('recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_recipients_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipients')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_recipients_programme_id_name'))
    )
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipients_programme_id'), ['programme_id'], unique=False)

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('revised_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_revisions_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisions_programme_id'), ['programme_id'], unique=False)

    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('attitude', sa.Enum('positive', 'neutral', 'negative', name='attitude', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('involvement', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_stakeholders_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_stakeholders_programme_id_name'))
    )
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholders_programme_id'), ['programme_id'], unique=False)

    op.create_table('timeline_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('phase', 'wave', name='timeline_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_month', sa.String(length=7), nullable=False),
    sa.Column('end_month', sa.String(length=7), nullable=False),
    sa.CheckConstraint('start_month <= end_month', name=op.f('ck_timeline_items_start_before_end')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_timeline_items_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_items')),
    sa.UniqueConstraint('programme_id', 'position', name=op.f('uq_timeline_items_programme_id_position'))
    )
    with op.batch_alter_table('timeline_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timeline_items_programme_id'), ['programme_id'], unique=False)

    op.create_table('tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_tracks_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
    sa.UniqueConstraint('programme_id', 'number', name=op.f('uq_tracks_programme_id_number'))
    )
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracks_programme_id'), ['programme_id'], unique=False)

    op.create_table('vision_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_vision_goals_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vision_goals')),
    sa.UniqueConstraint('programme_id', 'position', name=op.f('uq_vision_goals_programme_id_position'))
    )
    with op.batch_alter_table('vision_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vision_goals_programme_id'), ['programme_id'], unique=False)

    op.create_table('benefit_recipients',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_recipients_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_benefit_recipients_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('benefit_id', 'recipient_id', name=op.f('pk_benefit_recipients'))
    )
    op.create_table('benefit_tracks',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_tracks_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_benefit_tracks_track_id_tracks')),
    sa.PrimaryKeyConstraint('benefit_id', 'track_id', name=op.f('pk_benefit_tracks'))
    )
    op.create_table('benefit_types',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('economic', 'socio_economic', 'non_economic', name='benefit_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_types_benefit_id_benefits')),
    sa.PrimaryKeyConstraint('benefit_id', 'type', name=op.f('pk_benefit_types'))
    )
    op.create_table('budget_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('is_cross_cutting', sa.Boolean(), nullable=False),
    sa.Column('label_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_budget_rows_programme_id_programmes')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_budget_rows_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_rows')),
    sa.UniqueConstraint('programme_id', 'position', name=op.f('uq_budget_rows_programme_id_position'))
    )
    with op.batch_alter_table('budget_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_rows_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_rows_track_id'), ['track_id'], unique=False)

    op.create_table('deliverables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_deliverables_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverables')),
    sa.UniqueConstraint('track_id', 'position', name=op.f('uq_deliverables_track_id_position'))
    )
    with op.batch_alter_table('deliverables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliverables_track_id'), ['track_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('secretariat', 'track_lead', 'benefit_owner', 'viewer', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('benefit_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(role <> 'track_lead' OR track_id IS NOT NULL) AND (role <> 'benefit_owner' OR benefit_id IS NOT NULL)", name=op.f('ck_memberships_scope_given')),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_memberships_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_memberships_programme_id_programmes')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_memberships_track_id_tracks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('start_month', sa.String(length=7), nullable=True),
    sa.Column('end_month', sa.String(length=7), nullable=True),
    sa.Column('period_precision', sa.Enum('month', 'year', name='period_precision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'completed', 'cancelled', name='project_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_projects_programme_id_programmes')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_projects_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_projects_programme_id_code'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_track_id'), ['track_id'], unique=False)

    op.create_table('risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('consequence_text', sa.Text(), nullable=False),
    sa.Column('probability', sa.Enum('low', 'medium', 'high', name='risk_probability', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consequence', sa.Enum('low', 'medium', 'high', name='risk_consequence', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assessment_note', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Enum('open', 'mitigated', 'closed', 'occurred', name='risk_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_risks_programme_id_programmes')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_risks_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risks')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_risks_programme_id_code'))
    )
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risks_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risks_track_id'), ['track_id'], unique=False)

    op.create_table('benefit_projects',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefits.id'], name=op.f('fk_benefit_projects_benefit_id_benefits')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_benefit_projects_project_id_projects')),
    sa.PrimaryKeyConstraint('benefit_id', 'project_id', name=op.f('pk_benefit_projects'))
    )
    op.create_table('budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('baseline_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('baseline', 'forecast', 'actual', name='budget_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'baseline' AND baseline_id IS NOT NULL) OR (kind <> 'baseline' AND baseline_id IS NULL)", name=op.f('ck_budget_lines_baseline_has_version')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budget_lines_amount_not_negative')),
    sa.ForeignKeyConstraint(['baseline_id'], ['baselines.id'], name=op.f('fk_budget_lines_baseline_id_baselines')),
    sa.ForeignKeyConstraint(['row_id'], ['budget_rows.id'], name=op.f('fk_budget_lines_row_id_budget_rows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_lines'))
    )
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_lines_baseline_id'), ['baseline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_lines_row_id'), ['row_id'], unique=False)
        batch_op.create_index('uq_budget_lines_baseline', ['baseline_id', 'row_id', 'period'], unique=True, sqlite_where=sa.text('baseline_id IS NOT NULL'), postgresql_where=sa.text('baseline_id IS NOT NULL'))
        batch_op.create_index('uq_budget_lines_current', ['row_id', 'kind', 'period'], unique=True, sqlite_where=sa.text('baseline_id IS NULL'), postgresql_where=sa.text('baseline_id IS NULL'))

    op.create_table('governance_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('board', 'programme_steering_group', 'secretariat', 'steering_group', 'working_group', 'project_group', 'technical_group', 'taskforce', name='body_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['governance_bodies.id'], name=op.f('fk_governance_bodies_parent_id_governance_bodies')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_governance_bodies_programme_id_programmes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_governance_bodies_project_id_projects')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_governance_bodies_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_governance_bodies')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_governance_bodies_programme_id_name'))
    )
    with op.batch_alter_table('governance_bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_governance_bodies_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_governance_bodies_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_governance_bodies_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_governance_bodies_track_id'), ['track_id'], unique=False)

    op.create_table('printed_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('baseline_id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('column', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_id'], ['baselines.id'], name=op.f('fk_printed_totals_baseline_id_baselines')),
    sa.ForeignKeyConstraint(['row_id'], ['budget_rows.id'], name=op.f('fk_printed_totals_row_id_budget_rows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printed_totals'))
    )
    with op.batch_alter_table('printed_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printed_totals_baseline_id'), ['baseline_id'], unique=False)
        batch_op.create_index('uq_printed_totals_row', ['baseline_id', 'row_id', 'column'], unique=True, sqlite_where=sa.text('row_id IS NOT NULL'), postgresql_where=sa.text('row_id IS NOT NULL'))
        batch_op.create_index('uq_printed_totals_sum_row', ['baseline_id', 'column'], unique=True, sqlite_where=sa.text('row_id IS NULL'), postgresql_where=sa.text('row_id IS NULL'))

    op.create_table('project_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('deliverable', 'expected_effect', 'target_group', name='project_item_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_items_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_items')),
    sa.UniqueConstraint('project_id', 'kind', 'position', name=op.f('uq_project_items_project_id_kind_position'))
    )
    with op.batch_alter_table('project_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_items_project_id'), ['project_id'], unique=False)

    op.create_table('project_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_project_id', sa.Integer(), nullable=False),
    sa.Column('to_project_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['from_project_id'], ['projects.id'], name=op.f('fk_project_links_from_project_id_projects')),
    sa.ForeignKeyConstraint(['to_project_id'], ['projects.id'], name=op.f('fk_project_links_to_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_links')),
    sa.UniqueConstraint('from_project_id', 'to_project_id', name=op.f('uq_project_links_from_project_id_to_project_id'))
    )
    with op.batch_alter_table('project_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_links_from_project_id'), ['from_project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_links_to_project_id'), ['to_project_id'], unique=False)

    op.create_table('governance_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['governance_bodies.id'], name=op.f('fk_governance_members_body_id_governance_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_governance_members')),
    sa.UniqueConstraint('body_id', 'position', name=op.f('uq_governance_members_body_id_position'))
    )
    with op.batch_alter_table('governance_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_governance_members_body_id'), ['body_id'], unique=False)



def downgrade():
    for statement in DROP_AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('governance_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_governance_members_body_id'))

    op.drop_table('governance_members')
    with op.batch_alter_table('project_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_links_to_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_links_from_project_id'))

    op.drop_table('project_links')
    with op.batch_alter_table('project_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_items_project_id'))

    op.drop_table('project_items')
    with op.batch_alter_table('printed_totals', schema=None) as batch_op:
        batch_op.drop_index('uq_printed_totals_sum_row', sqlite_where=sa.text('row_id IS NULL'), postgresql_where=sa.text('row_id IS NULL'))
        batch_op.drop_index('uq_printed_totals_row', sqlite_where=sa.text('row_id IS NOT NULL'), postgresql_where=sa.text('row_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_printed_totals_baseline_id'))

    op.drop_table('printed_totals')
    with op.batch_alter_table('governance_bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_governance_bodies_track_id'))
        batch_op.drop_index(batch_op.f('ix_governance_bodies_project_id'))
        batch_op.drop_index(batch_op.f('ix_governance_bodies_programme_id'))
        batch_op.drop_index(batch_op.f('ix_governance_bodies_parent_id'))

    op.drop_table('governance_bodies')
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_budget_lines_current', sqlite_where=sa.text('baseline_id IS NULL'), postgresql_where=sa.text('baseline_id IS NULL'))
        batch_op.drop_index('uq_budget_lines_baseline', sqlite_where=sa.text('baseline_id IS NOT NULL'), postgresql_where=sa.text('baseline_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_budget_lines_row_id'))
        batch_op.drop_index(batch_op.f('ix_budget_lines_baseline_id'))

    op.drop_table('budget_lines')
    op.drop_table('benefit_projects')
    with op.batch_alter_table('risks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risks_track_id'))
        batch_op.drop_index(batch_op.f('ix_risks_programme_id'))

    op.drop_table('risks')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_track_id'))
        batch_op.drop_index(batch_op.f('ix_projects_programme_id'))

    op.drop_table('projects')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_programme_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('deliverables', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliverables_track_id'))

    op.drop_table('deliverables')
    with op.batch_alter_table('budget_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_rows_track_id'))
        batch_op.drop_index(batch_op.f('ix_budget_rows_programme_id'))

    op.drop_table('budget_rows')
    op.drop_table('benefit_types')
    op.drop_table('benefit_tracks')
    op.drop_table('benefit_recipients')
    with op.batch_alter_table('vision_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vision_goals_programme_id'))

    op.drop_table('vision_goals')
    with op.batch_alter_table('tracks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracks_programme_id'))

    op.drop_table('tracks')
    with op.batch_alter_table('timeline_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timeline_items_programme_id'))

    op.drop_table('timeline_items')
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholders_programme_id'))

    op.drop_table('stakeholders')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisions_programme_id'))

    op.drop_table('revisions')
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipients_programme_id'))

    op.drop_table('recipients')
    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefits_programme_id'))

    op.drop_table('benefits')
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baselines_programme_id'))

    op.drop_table('baselines')
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approvals_programme_id'))

    op.drop_table('approvals')
    with op.batch_alter_table('annexes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annexes_programme_id'))

    op.drop_table('annexes')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_portfolio_id'))

    op.drop_table('programmes')
    op.drop_table('users')
    op.drop_table('portfolios')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_programme_at')
        batch_op.drop_index('ix_audit_entries_entity')
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))

    op.drop_table('audit_entries')
