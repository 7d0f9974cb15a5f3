"""knowledge gaps (queries.language, reading, gap_closed_at, gap_item) and data rights
(residents.forgotten_at, matters.anonymised_at)

Revision ID: 0008
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('reading', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('gap_closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('gap_item', sa.String(length=64), nullable=True))
        # /forget and the retention purge find a person's questions by resident
        batch_op.create_index('ix_queries_resident', ['resident_id'], unique=False)
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forgotten_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
        # reports count by creation and completion time
        batch_op.create_index('ix_matters_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_matters_done_at', ['done_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_done_at')
        batch_op.drop_index('ix_matters_created_at')
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_column('forgotten_at')
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.drop_index('ix_queries_resident')
        batch_op.drop_column('gap_item')
        batch_op.drop_column('gap_closed_at')
        batch_op.drop_column('reading')
        batch_op.drop_column('language')
