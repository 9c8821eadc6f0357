"""/healthz and /readyz, and the 503 page when the database or Redis goes away and comes
back. The losses are real: a relay to the real PostgreSQL or Redis is cut, connections are
terminated on the server, or the database file cannot be opened."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_URL, _app_for
from tests.helpers import csrf_from, page
from tests.production.servers import Relay
from webapp.extensions import db
from webapp.models import AuditEvent

REDIS_PORT = 6379
REDIS_DB = int(os.environ.get("LRS_TEST_REDIS_DB", "7"))


def test_healthz_answers_without_a_session_or_the_database(client, user):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"OK\n"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok"}


def test_probes_are_not_audited_and_not_rate_limited(app, client):
    app.config["RATELIMIT_ENABLED"] = True
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    statuses = {client.get(path).status_code for path in ("/healthz", "/readyz") * 50}
    assert statuses == {200}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_an_unopenable_database_gives_the_503_page_and_readyz_503(tmp_path):
    app = _app_for(f"sqlite:///{tmp_path}/no-such-folder/lrs.sqlite", tmp_path / "instance")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200, "alive, though not ready"
    assert client.get("/readyz").status_code == 503
    response = _sign_in_answer(client)
    assert response.status_code == 503
    html = page(response)
    assert html.find("h1").get_text(strip=True) == "Sorry, the service is unavailable"
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"
    reference = html.select_one(".lrs-reference").get_text(strip=True)
    assert reference == response.headers["X-Request-Id"]


@pytest.fixture
def redis_relay():
    relay = Relay(REDIS_PORT)
    relay.start()
    yield relay
    relay.cut()


def test_a_lost_redis_gives_503_and_recovers_when_it_returns(app, client, user, redis_relay):
    url = f"redis://127.0.0.1:{redis_relay.port}/{REDIS_DB}"
    app.config.update(REDIS_URL=url, REDIS_TIMEOUT_SECONDS=1)
    limited = _app_for(app.config["DATABASE_URL"], app.instance_path + "-limited",
                       REDIS_URL=url, RATELIMIT_ENABLED=True, REDIS_TIMEOUT_SECONDS=1,
                       RATELIMIT_KEY_PREFIX=f"lrs-test-{uuid.uuid4().hex}")
    browser = limited.test_client()
    assert client.get("/readyz").json == {"status": "ready", "database": "ok", "redis": "ok"}
    assert _post_sign_in(browser) == 422

    redis_relay.cut()
    assert client.get("/readyz").status_code == 503
    assert client.get("/readyz").json["redis"] == "unreachable"
    refused = _sign_in_answer(browser)
    assert refused.status_code == 503, "a limit that cannot be counted is not skipped"
    assert "Sorry, the service is unavailable" in refused.get_data(as_text=True)

    redis_relay.start()
    assert client.get("/readyz").status_code == 200
    assert _post_sign_in(browser) == 422, "back by itself"


def _post_sign_in(browser) -> int:
    return _sign_in_answer(browser).status_code


def _sign_in_answer(browser):
    """A failed sign-in: it reads the database (and counts a limit when enabled)."""
    token = csrf_from(browser.get("/sign-in"))
    return browser.post("/sign-in", data={"csrf_token": token, "username": "nobody",
                                          "password": "wrong"})


needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only: set DATABASE_URL")


@needs_postgres
def test_terminated_database_connections_are_replaced_without_an_error(app, client, user):
    assert client.get("/sign-in").status_code == 200
    _terminate_other_connections()
    assert client.get("/sign-in").status_code == 200, "pool_pre_ping replaced the connection"
    assert client.get("/readyz").status_code == 200


@needs_postgres
def test_a_lost_database_gives_503_and_recovers_when_it_returns(database_url, tmp_path, user):
    relay = Relay(5432)
    relay.start()
    through_relay = database_url.replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}")
    app = _app_for(through_relay, tmp_path / "relayed", DATABASE_CONNECT_TIMEOUT_SECONDS=2)
    client = app.test_client()
    try:
        assert client.get("/readyz").status_code == 200
        relay.cut()
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        response = _sign_in_answer(client)
        assert response.status_code == 503
        assert page(response).find("h1").get_text(strip=True) == (
            "Sorry, the service is unavailable")
        relay.start()
        assert client.get("/readyz").status_code == 200
        assert _sign_in_answer(client).status_code == 422, "back by itself"
    finally:
        relay.cut()
        with app.app_context():
            db.engine.dispose()


def _terminate_other_connections():
    engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    engine.dispose()


@needs_postgres
def test_postgresql_statements_are_cut_off_at_the_configured_timeout(tmp_path, database_url):
    app = _app_for(database_url, tmp_path / "short", DATABASE_STATEMENT_TIMEOUT_MS=200,
                   DATABASE_POOL_SIZE=2)
    with app.app_context():
        assert db.engine.pool.size() == 2
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(2)"))
        db.session.rollback()
        db.engine.dispose()
