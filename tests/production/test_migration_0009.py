"""Migration 0009 goes down and up again on both databases: the achievements' insert
sentinel column is there after it, and not after its downgrade."""

from datetime import date

import flask_migrate
from sqlalchemy import func, inspect, select, text

from tests.achievement_data import JAMES, OWN, load_registers, qcf_user
from tests.helpers import committed, migrations_head
from webapp.extensions import db
from webapp.models import Achievement
from webapp.services import achievements, schema
from webapp.services.achievements import NewAchievement, SubmittedLearner


def _state() -> tuple[str, bool]:
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    columns = {column["name"] for column in inspect(db.session.connection()).get_columns(
        "achievements")}
    return version, "_sentinel" in columns


def test_migration_0009_downgrades_and_upgrades(app):
    schema.register_migrations(app)
    assert _state() == (migrations_head(), True)
    db.session.commit()
    try:
        flask_migrate.downgrade(revision="0008")
        assert _state() == ("0008", False)
        db.session.commit()
    finally:
        flask_migrate.upgrade()
    assert _state() == (migrations_head(), True)


def test_migration_0009_downgrades_with_achievements_and_their_history(app, make_user):
    """A downgrade copying the table would end in DROP TABLE achievements, which the
    achievements' history rows refuse while foreign keys are on."""
    schema.register_migrations(app)
    load_registers()
    owner = qcf_user(make_user)
    committed(achievements.create, owner, NewAchievement(
        SubmittedLearner(JAMES, "James", "Smith"), OWN, date(2019, 8, 1), "5"))
    db.session.commit()
    try:
        flask_migrate.downgrade(revision="0008")
        assert _state() == ("0008", False)
        assert db.session.scalar(select(func.count()).select_from(Achievement.__table__)) == 1
        db.session.commit()
    finally:
        flask_migrate.upgrade()
    assert _state() == (migrations_head(), True)
