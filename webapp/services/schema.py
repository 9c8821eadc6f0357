"""Creating and upgrading the database schema with the Alembic migrations.

Flask-Migrate (and with it Alembic) is loaded only by commands that need it: `lrs init`,
`flask db …` and the tests, never by a web worker serving pages."""

from pathlib import Path

from flask import Flask, current_app

from webapp.extensions import db

MIGRATIONS_FOLDER = str(Path(__file__).resolve().parents[2] / "migrations")


def register_migrations(app: Flask) -> None:
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=MIGRATIONS_FOLDER, render_as_batch=True)


def upgrade() -> None:
    import flask_migrate

    register_migrations(current_app._get_current_object())
    flask_migrate.upgrade()


def describe_database() -> str:
    """The database URL without a password, for messages."""
    return db.engine.url.render_as_string(hide_password=True) if current_app else ""
