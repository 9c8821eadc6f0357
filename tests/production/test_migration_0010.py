"""Migration 0010 goes down and up again on both databases: user roles have an index by
role after it, and not after its downgrade."""

import flask_migrate
from sqlalchemy import inspect, text

from tests.helpers import migrations_head
from webapp.extensions import db
from webapp.services import schema


def _state() -> tuple[str, bool]:
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    indexes = inspect(db.session.connection()).get_indexes("user_roles")
    by_role = any(index["column_names"] == ["role", "user_id"] for index in indexes)
    return version, by_role


def test_migration_0010_downgrades_and_upgrades(app):
    schema.register_migrations(app)
    assert _state() == (migrations_head(), True)
    db.session.commit()
    try:
        flask_migrate.downgrade(revision="0009")
        assert _state() == ("0009", False)
        db.session.commit()
    finally:
        flask_migrate.upgrade()
    assert _state() == (migrations_head(), True)

