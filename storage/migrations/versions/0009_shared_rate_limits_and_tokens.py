"""shared rate limits and API tokens (several workers on one database)

Revision ID: 0009
Revises: 0002
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_slots',
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('next_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('api_tokens',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=1024), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


    if op.get_bind().dialect.name == 'postgresql':
        op.execute(TAKE_SLOT)


# storage/ratelimit.py: the whole slot-taking in one call, so the bot's row is locked for
# the length of one statement, not of several round trips
TAKE_SLOT = """
CREATE OR REPLACE FUNCTION servicebot_take_slot(g text, gi double precision, c text,
                                                ci double precision)
RETURNS double precision[] LANGUAGE plpgsql AS $$
DECLARE
    busy double precision;
    slot double precision;
BEGIN
    IF c IS NOT NULL THEN
        INSERT INTO rate_slots AS r (key, next_at) VALUES (c, 0)
            ON CONFLICT (key) DO UPDATE SET next_at = r.next_at
            RETURNING r.next_at INTO busy;
        slot := extract(epoch FROM clock_timestamp());
        IF busy > slot THEN
            RETURN ARRAY[slot - busy, busy];
        END IF;
    END IF;
    IF g IS NOT NULL AND gi > 0 THEN
        INSERT INTO rate_slots AS r (key, next_at)
            VALUES (g, extract(epoch FROM clock_timestamp()) + gi)
            ON CONFLICT (key) DO UPDATE
            SET next_at = GREATEST(r.next_at, extract(epoch FROM clock_timestamp())) + gi
            RETURNING r.next_at - gi INTO slot;
    ELSE
        slot := extract(epoch FROM clock_timestamp());
    END IF;
    IF c IS NOT NULL THEN
        UPDATE rate_slots SET next_at = slot + ci WHERE key = c;
    END IF;
    RETURN ARRAY[GREATEST(0, slot - extract(epoch FROM clock_timestamp())), slot];
END
$$
"""


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS servicebot_take_slot'
                   '(text, double precision, text, double precision)')
    op.drop_table('api_tokens')
    op.drop_table('rate_slots')
