"""Migration 0009 goes down and up again on both databases: the achievements' insert
sentinel column is there after it, and not after its downgrade."""

import flask_migrate
from sqlalchemy import inspect, text

from webapp.extensions import db
from webapp.services import schema


def _state() -> tuple[str, bool]:
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    columns = {column["name"] for column in inspect(db.session.connection()).get_columns(
        "achievements")}
    return version, "_sentinel" in columns


def test_migration_0009_downgrades_and_upgrades(app):
    schema.register_migrations(app)
    assert _state() == ("0009", True)
    db.session.commit()
    try:
        flask_migrate.downgrade(revision="0008")
        assert _state() == ("0008", False)
        db.session.commit()
    finally:
        flask_migrate.upgrade()
    assert _state() == ("0009", True)
