"""Persistence: SQLAlchemy 2.0 async models, query/change functions, Alembic migrations."""
