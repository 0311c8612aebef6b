"""raking weights in their own table (response_weights) instead of responses.weight

A run of ``senim scores compute`` then inserts one narrow row per kept response instead of
rewriting every response row (PostgreSQL writes a new version of each updated row and of each of
its index entries: ~27 s of a 1,000,000-response run against ~6 s for the inserts).

Revision ID: 3c1f9a7d2b64
Revises: 5e8570697239
Create Date: 2026-12-04 03:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f9a7d2b64'
down_revision = '5e8570697239'
branch_labels = None
depends_on = None


def _responses_table(name, *, weight):
    """The ``responses`` table as the initial migration created it, with or without ``weight``
    (SQLite cannot drop a column that a CHECK constraint names, so the table is rebuilt)."""
    columns = [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Uuid(), nullable=False),
        sa.Column('payload_hash', sa.String(length=64), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('settlement', sa.String(length=8), nullable=True),
        sa.Column('sex', sa.String(length=8), nullable=True),
        sa.Column('age_group', sa.String(length=8), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('duration_s', sa.Integer(), nullable=True),
        *([sa.Column('weight', sa.Float(), nullable=True)] if weight else []),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.Column('synthetic', sa.Boolean(), nullable=False),
    ]
    constraints = [
        sa.CheckConstraint("age_group IS NULL OR age_group IN ('18-29', '30-44', '45-59', '60+')", name=op.f('ck_responses_age_group_valid')),
        sa.CheckConstraint("channel IN ('web', 'api', 'field', 'invitation')", name=op.f('ck_responses_channel_valid')),
        sa.CheckConstraint("language IN ('kk', 'ru', 'en')", name=op.f('ck_responses_language_valid')),
        sa.CheckConstraint("settlement IS NULL OR settlement IN ('urban', 'rural')", name=op.f('ck_responses_settlement_valid')),
        sa.CheckConstraint("sex IS NULL OR sex IN ('female', 'male')", name=op.f('ck_responses_sex_valid')),
        sa.CheckConstraint('duration_s IS NULL OR duration_s >= 0', name=op.f('ck_responses_duration_nonnegative')),
        *([sa.CheckConstraint('weight IS NULL OR weight > 0', name=op.f('ck_responses_weight_positive'))] if weight else []),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_responses_region_id_regions')),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_responses_survey_id_surveys'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
        sa.UniqueConstraint('survey_id', 'submission_id', name=op.f('uq_responses_survey_submission')),
    ]
    return op.create_table(name, *columns, *constraints)


def _rebuild_responses_on_sqlite(*, weight):
    """Copy ``responses`` into a new table with or without ``weight`` and put it in its place.
    ``migrations/env.py`` turns SQLite's foreign key enforcement off for the migration (dropping
    the old table would otherwise cascade to the answers) and checks the keys afterwards."""
    kept = ['id', 'survey_id', 'submission_id', 'payload_hash', 'region_id', 'settlement', 'sex', 'age_group',
            'language', 'channel', 'submitted_on', 'duration_s', 'flags', 'synthetic']
    _responses_table('_responses_rebuilt', weight=weight)
    rebuilt = sa.table('_responses_rebuilt', *(sa.column(c) for c in kept))
    op.execute(rebuilt.insert().from_select(kept, sa.select(*(sa.column(c) for c in kept))
                                            .select_from(sa.table('responses'))))
    op.drop_index('ix_responses_region_id', table_name='responses')
    op.drop_index('ix_responses_survey_id', table_name='responses')
    op.drop_table('responses')
    op.rename_table('_responses_rebuilt', 'responses')
    op.create_index('ix_responses_region_id', 'responses', ['region_id'], unique=False)
    op.create_index('ix_responses_survey_id', 'responses', ['survey_id'], unique=False)


def upgrade():
    op.create_table('response_weights',
    sa.Column('response_id', sa.Uuid(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.CheckConstraint('weight > 0', name=op.f('ck_response_weights_weight_positive')),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_response_weights'))
    )
    op.execute('INSERT INTO response_weights (response_id, weight) SELECT id, weight FROM responses '
               'WHERE weight IS NOT NULL')
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_responses_on_sqlite(weight=False)
    else:
        op.drop_constraint(op.f('ck_responses_weight_positive'), 'responses', type_='check')
        op.drop_column('responses', 'weight')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_responses_on_sqlite(weight=True)
    else:
        op.add_column('responses', sa.Column('weight', sa.Float(), nullable=True))
        op.create_check_constraint(op.f('ck_responses_weight_positive'), 'responses', 'weight IS NULL OR weight > 0')
    op.execute('UPDATE responses SET weight = (SELECT w.weight FROM response_weights AS w '
               'WHERE w.response_id = responses.id)')
    op.drop_table('response_weights')
