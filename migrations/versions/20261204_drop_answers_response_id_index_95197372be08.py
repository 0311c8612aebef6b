"""drop ix_answers_response_id: uq_answers_response_question_ngo already leads with response_id

The unique constraint's index (response_id, question_id, ngo_key) serves every lookup of a
response's answers and the ON DELETE CASCADE from ``responses`` (SQLite and PostgreSQL use an
index whose leading column is the key), so the single-column index only cost one more b-tree
insert per stored answer (20 per survey submission).

Revision ID: 95197372be08
Revises: 3c1f9a7d2b64
Create Date: 2026-12-04 07:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '95197372be08'
down_revision = '3c1f9a7d2b64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_response_id'))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_response_id'), ['response_id'], unique=False)
