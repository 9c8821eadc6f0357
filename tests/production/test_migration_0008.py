"""Migration 0008 goes down and up again on both databases: on PostgreSQL the Find user
ordering index carries the id after it, and not after its downgrade."""

import flask_migrate
from sqlalchemy import text

from tests.helpers import migrations_head
from webapp.extensions import db
from webapp.services import schema


def _version() -> str:
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def _carries_id() -> bool | None:
    """Whether the index includes the id (None on SQLite, which has no INCLUDE)."""
    if db.engine.dialect.name != "postgresql":
        return None
    definition = db.session.scalar(text(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_users_find_user_order'"))
    return "INCLUDE (id)" in definition


def test_migration_0008_downgrades_and_upgrades(app):
    schema.register_migrations(app)
    postgres = db.engine.dialect.name == "postgresql"
    assert (_version(), _carries_id()) == (migrations_head(), True if postgres else None)
    db.session.commit()
    try:
        flask_migrate.downgrade(revision="0007")
        assert (_version(), _carries_id()) == ("0007", False if postgres else None)
        db.session.commit()
    finally:
        flask_migrate.upgrade()
    assert (_version(), _carries_id()) == (migrations_head(), True if postgres else None)
