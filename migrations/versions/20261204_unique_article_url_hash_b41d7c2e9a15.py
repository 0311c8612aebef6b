"""articles.url_hash unique: one article per URL, also when two uploads race

The upload path already treats an article with the same URL hash as the same article (it is
reported as "already uploaded"), but two uploads of one URL checking at the same moment could both
store it. ix_articles_url_hash becomes a unique index (NULLs, articles without a URL, stay allowed
any number of times). Rows that already share a URL hash keep all their data; the later ones
(higher id) lose only their url_hash, so the first stays the one re-uploads are matched to.

Revision ID: b41d7c2e9a15
Revises: 95197372be08
Create Date: 2026-12-04 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b41d7c2e9a15'
down_revision = '95197372be08'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text(
        "UPDATE articles SET url_hash = NULL WHERE url_hash IS NOT NULL AND id > "
        "(SELECT min(first.id) FROM articles AS first WHERE first.url_hash = articles.url_hash)"))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_url_hash'))
        batch_op.create_index(batch_op.f('ix_articles_url_hash'), ['url_hash'], unique=True)


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_url_hash'))
        batch_op.create_index(batch_op.f('ix_articles_url_hash'), ['url_hash'], unique=False)
