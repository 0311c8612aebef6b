"""drop ix_answers_question_id and ix_answers_ngo_id: every submission paid for them, nothing reads by them

A response's ~20 answers name ~16 questions and ~5 NGOs (NULL for general questions), so each of
the two indexes took ~20 inserts at as many scattered leaf pages per survey submission: about
half the pages each SQLite commit wrote to the write-ahead log, inside the single write lock. On
a 2-core machine, 4 workers x 4 threads, dropping them took the submission's server CPU from
~1.75 to ~1.29 ms and the write lock's hold per submission from ~0.9 to ~0.64 ms.

No query reads answers by question or NGO: scores read them whole, and a response's answers are
found through uq_answers_response_question_ngo (response_id first). The indexes served only the
ON DELETE CASCADE from ``questions`` and ``ngos``, which now scans ``answers``: about 70 ns per
stored answer on SQLite (90 ms at 1.3M answers). Questions can be deleted only from surveys
without responses (drafts); Senim never deletes NGOs.

Revision ID: d7a3e1f05c92
Revises: b41d7c2e9a15
Create Date: 2026-12-04 18:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7a3e1f05c92'
down_revision = 'b41d7c2e9a15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_answers_ngo_id'))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_ngo_id'), ['ngo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)
