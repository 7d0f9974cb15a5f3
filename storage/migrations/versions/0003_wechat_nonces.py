"""WeChat callback nonces remembered in the database (replays refused across workers)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('wechat_nonces',
    sa.Column('timestamp', sa.String(length=12), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('timestamp', 'nonce')
    )
    with op.batch_alter_table('wechat_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_nonces_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('wechat_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_nonces_expires_at'))
    op.drop_table('wechat_nonces')
