"""The Learning Records Service web application."""

import os
import sys
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import Config, instance_secret_key
from webapp.extensions import csrf, db, htmx, limiter, login_manager
from webapp.observability import configure_logging
from webapp.web.templating import TemplateEnvironment

MIGRATIONS_FOLDER = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: type[Config] | None = None, overrides: dict | None = None,
               instance_path: str | None = None) -> Flask:
    instance_path = instance_path or os.environ.get("LRS_INSTANCE_PATH") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.jinja_environment = TemplateEnvironment
    app.config.from_object(config or Config)
    app.config.update(overrides or {})
    _complete_config(app)
    # How this app was made: a batch job's helper processes make theirs the same way
    # (webapp/jobs/verify_processes.py), without the jobs layer importing the app factory.
    app.extensions["lrs_create_app"] = create_app
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    # GOV.UK Frontend macros come from two packages' template folders.
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    if app.config["TRUSTED_PROXIES"]:
        # Behind N reverse proxies, take the client address and scheme from their headers,
        # so rate limits and the audit trail see the real client.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    from webapp import models  # noqa: F401  (register the models with SQLAlchemy)

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    from webapp import web

    web.init_app(app)

    from webapp.jobs import queue

    queue.init_app(app)

    from webapp.blueprints import register_blueprints

    register_blueprints(app)

    from webapp.blueprints.assets import VENDOR_ASSETS
    from webapp.web import static_files

    static_files.init_app(app, VENDOR_ASSETS)  # outermost: files never reach Flask

    from webapp.cli import lrs_group

    app.cli.add_command(lrs_group)
    if _started_from_a_command_line():
        from webapp.services import schema

        schema.register_migrations(app)  # `flask db …`; a web worker never loads Alembic
    return app


def _started_from_a_command_line() -> bool:
    return Path(sys.argv[0]).name in {"flask", "lrs"} if sys.argv else False


def _complete_config(app: Flask) -> None:
    """Fill in the defaults that depend on the instance folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'lrs.sqlite'}"
    if url.startswith("postgres://"):  # the scheme some hosts still hand out
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config, url)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_timeout": timeout, "socket_connect_timeout": timeout})
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["BASE_URL"].startswith("https://")
    app.config["MAIL_SUPPRESS_SEND"] = False


def _engine_options(config, url: str) -> dict:
    """A checked connection before each use (a restarted database is reconnected to, not
    reported), and on PostgreSQL a bounded pool and statement time."""
    # hide_parameters: a database error logged with its traceback must not carry the
    # learner data bound into the statement.
    options = {**config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), "pool_pre_ping": True,
               "hide_parameters": True}
    if url.startswith("postgresql"):
        connect_args = {"connect_timeout": config["DATABASE_CONNECT_TIMEOUT_SECONDS"]}
        if not _started_from_a_command_line():
            # Web requests only: a migration building an index may rightly take longer.
            timeout = config["DATABASE_STATEMENT_TIMEOUT_MS"]
            connect_args["options"] = f"-c statement_timeout={timeout}"
        options.update(pool_size=config["DATABASE_POOL_SIZE"],
                       max_overflow=config["DATABASE_MAX_OVERFLOW"],
                       pool_timeout=config["DATABASE_POOL_TIMEOUT_SECONDS"],
                       connect_args=connect_args)
    return options
