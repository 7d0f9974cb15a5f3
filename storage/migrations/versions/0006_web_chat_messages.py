"""web chat history

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('web_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('author', sa.String(length=8), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('web_messages', schema=None) as batch_op:
        batch_op.create_index('ix_web_messages_user_id', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_web_messages_user_id')
    op.drop_table('web_messages')
