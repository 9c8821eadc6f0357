"""Shared fixtures. Every test gets its own app, instance folder (so its own mail outbox)
and a freshly migrated database: SQLite by default, PostgreSQL when DATABASE_URL is set.
The schema always comes from the Alembic migrations, so they are tested too."""

import contextvars
import os
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests.helpers import BOSS_PASSWORD, STRONG_PASSWORD, Outbox, check_structure, committed
from tests.mail_privacy import learner_data_in
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.services import mailer, organisations, schema, user_accounts
from webapp.services.unit_of_work import unit_of_work

POSTGRES_URL = os.environ.get("DATABASE_URL")


def _app_for(database_url: str, instance_path: Path, **overrides):
    return create_app(TestConfig, {"DATABASE_URL": database_url, **overrides},
                      instance_path=str(instance_path))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the migrations once per test session."""
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        app = _app_for(POSTGRES_URL, tmp_path_factory.mktemp("template"))
        with app.app_context():
            schema.upgrade()
            tables = [t.name for t in reversed(db.metadata.sorted_tables)]
            db.engine.dispose()
        return {"url": POSTGRES_URL, "tables": tables}
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite"
    app = _app_for(f"sqlite:///{path}", folder)
    with app.app_context():
        schema.upgrade()
        db.engine.dispose()
    return {"path": path}


@pytest.fixture
def database_url(migrated_template, tmp_path):
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            # The audit trail refuses TRUNCATE (migration 0003); a superuser clearing the
            # test database switches triggers off for this transaction only.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(
                "TRUNCATE " + ", ".join(migrated_template["tables"]) + " RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path / "lrs.sqlite"
    shutil.copyfile(migrated_template["path"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_overrides():
    """Override in a test module to change configuration for its tests."""
    return {}


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: its own app context, `g`
    and database session, not the test's. Objects the test holds must be refreshed to
    see what a request changed. Every HTML answer is checked for structure
    (tests/helpers.check_structure)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # a streamed download is read in its context
        response = contextvars.Context().run(super().open, *args, **kwargs)
        check_structure(response, response.request.headers)
        return response


@pytest.fixture
def app(database_url, tmp_path, app_overrides):
    application = _app_for(database_url, tmp_path / "instance", **app_overrides)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# --- data ---------------------------------------------------------------------------------

@pytest.fixture
def organisation(app):
    return committed(organisations.create_organisation, "Northern Exams Board", "10012345",
                     "awarding")


@pytest.fixture
def other_organisation(app):
    return committed(organisations.create_organisation, "Southern Awards", "10067890",
                     "awarding")


@pytest.fixture
def provider_organisation(app):
    return committed(organisations.create_organisation, "Riverside College", "10034567",
                     "provider")


@pytest.fixture
def desk_organisation(app):
    return committed(organisations.create_organisation, "LRS Service Desk", "10000000",
                     "service-desk")


@pytest.fixture
def make_user(app, organisation):
    """Create an active user who has accepted the terms; returns the user."""
    counter = iter(range(1, 10_000))

    def make(roles=("ab_user",), password=STRONG_PASSWORD, given="Jane", family="Smith",
             email_address=None, org=None, accept_terms=True):
        n = next(counter)
        with unit_of_work():
            user = user_accounts.create_user(
                org or organisation,
                user_accounts.NewUser(given_name=given, family_name=family,
                                      email=email_address or f"person{n}@exams.example",
                                      roles=list(roles), verification_provided="staff id"),
                password=password,
            )
            if accept_terms and password is not None:
                user.terms_accepted_at = utcnow()
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def boss(make_user):
    """A super user of the test organisation."""
    return make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Bea", family="Boss")


@pytest.fixture
def staff(make_user):
    """An awarding body user of the test organisation."""
    return make_user(given="Sam", family="Staff")


# --- mail ---------------------------------------------------------------------------------

@pytest.fixture
def outbox(app):
    return Outbox(Path(app.instance_path) / "mail")




@pytest.fixture(autouse=True)
def no_learner_data_in_email(monkeypatch):
    """Every email sent anywhere in the suite is inspected as it leaves (mailer.send_now,
    which both the SMTP and the file outbox go through): a ULN together with any of that
    learner's five demographics fails the test that sent it."""
    findings = []
    send_now = mailer.send_now

    def inspected(message):
        with db.engine.connect() as connection:  # its own: the session has just committed
            found = learner_data_in(connection, message)
        findings.extend(f"‘{message.subject}’ to {', '.join(message.recipients)}: {what}"
                        for what in found)
        send_now(message)

    monkeypatch.setattr(mailer, "send_now", inspected)
    yield findings
    assert not findings, "an email gave away learner data: " + "; ".join(findings)
