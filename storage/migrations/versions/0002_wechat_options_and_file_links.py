"""numbered options and file links (WeChat channel)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('numbered_options',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'user_id')
    )
    op.create_table('file_links',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=160), nullable=False),
    sa.Column('content_type', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    with op.batch_alter_table('file_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_links_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('file_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_links_expires_at'))
    op.drop_table('file_links')
    op.drop_table('numbered_options')
