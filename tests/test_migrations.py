"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database
from storage.migrate import alembic_config
from storage.models import Base


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


async def test_migrated_schema_matches_models(db_url):
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await db.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


async def test_upgrade_is_idempotent(db_url):
    db = Database(db_url)
    try:
        await db.upgrade()  # already at head: nothing to do, no error
    finally:
        await db.dispose()
