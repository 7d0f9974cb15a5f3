"""staff profiles (names and windows), staff absences (AB岗); departments become codes

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-04

Stored department texts are mapped to the configured registry's codes by the application on
start (storage.departments.migrate_to_codes): the registry is configuration, which a
migration cannot read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_profiles',
    sa.Column('person', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('window', sa.String(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('person')
    )
    op.create_table('staff_absences',
    sa.Column('person', sa.String(length=80), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('backup', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('person')
    )
    op.create_index(op.f('ix_staff_absences_until'), 'staff_absences', ['until'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_absences_until'), table_name='staff_absences')
    op.drop_table('staff_absences')
    op.drop_table('staff_profiles')
