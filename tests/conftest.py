"""Shared fixtures. Every test gets its own app, instance folder (so its own mail outbox)
and a freshly migrated database: SQLite by default, PostgreSQL when DATABASE_URL is set.
The schema always comes from the Alembic migrations, so they are tested too."""

import contextvars
import email
import email.policy
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.services import accounts, schema

POSTGRES_URL = os.environ.get("DATABASE_URL")
STRONG_PASSWORD = "correct horse battery staple"  # 28 characters, not a common password


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
    see what a request changed."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


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
    return accounts.create_organisation("Northern Exams Board", "10012345", "awarding")


@pytest.fixture
def other_organisation(app):
    return accounts.create_organisation("Southern Awards", "10067890", "awarding")


@pytest.fixture
def make_user(app, organisation):
    """Create an active user who has accepted the terms; returns the user."""
    counter = iter(range(1, 10_000))

    def make(roles=("ab_user",), password=STRONG_PASSWORD, given="Jane", family="Smith",
             email_address=None, org=None, accept_terms=True):
        n = next(counter)
        user = accounts.create_user(
            org or organisation,
            accounts.NewUser(given_name=given, family_name=family,
                             email=email_address or f"person{n}@exams.example",
                             roles=list(roles), verification_provided="staff id"),
            password=password,
        )
        if accept_terms and password is not None:
            user.terms_accepted_at = utcnow()
            db.session.commit()
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user()


BOSS_PASSWORD = "the boss has a long password"  # super users need 15 characters or more


@pytest.fixture
def boss(make_user):
    """A super user of the test organisation."""
    return make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Bea", family="Boss")


@pytest.fixture
def staff(make_user):
    """An awarding body user of the test organisation."""
    return make_user(given="Sam", family="Staff")


# --- mail ---------------------------------------------------------------------------------

class Outbox:
    """The .eml files the app wrote to its instance folder, oldest first."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self):
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(self.folder.glob("*.eml"))]

    def to(self, address: str):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last_link(self, address: str) -> str:
        """The path of the last portal link sent to this address."""
        body = self.body(self.to(address)[-1])
        url = re.search(r"http://lrs\.test(/\S+)", body)
        assert url, f"no link in: {body}"
        return url.group(1)


@pytest.fixture
def outbox(app):
    return Outbox(Path(app.instance_path) / "mail")


# --- web helpers --------------------------------------------------------------------------

def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_from(response) -> str:
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "page has no CSRF token"
    return field["value"]


def submit(client, path, data, *, get_path=None, **kwargs):
    """GET the form (for its CSRF token), then POST it, as a browser would."""
    form_page = client.get(get_path or path)
    return client.post(path, data={"csrf_token": csrf_from(form_page), **data}, **kwargs)


def sign_in(client, username, password=STRONG_PASSWORD):
    return submit(client, "/sign-in", {"username": username, "password": password})


def error_summary(response) -> list[str]:
    summary = page(response).select(".govuk-error-summary__list li")
    return [item.get_text(" ", strip=True) for item in summary]
