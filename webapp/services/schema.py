"""Creating and upgrading the database schema with the Alembic migrations."""

import flask_migrate
from flask import current_app

from webapp.extensions import db


def upgrade() -> None:
    flask_migrate.upgrade()


def describe_database() -> str:
    """The database URL without a password, for messages."""
    return db.engine.url.render_as_string(hide_password=True) if current_app else ""
