"""Issue 9, ‘Audit and records’: the database keeps the audit trail append-only and sets
each event's time; on PostgreSQL TRUNCATE is refused and the least-privilege role in
docs/deployment.md may only INSERT and SELECT audit rows (that block is run as written)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.services import audit
from webapp.services.unit_of_work import unit_of_work

DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
TEST_ROLE = "lrs_app_audit_test"


def _postgres(app):
    return db.engine.dialect.name == "postgresql"


def _refused(statement: str, connection) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(statement))
    except DBAPIError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def test_the_database_sets_the_time_of_each_event(app):
    with unit_of_work():
        entry = audit.record("test.event", details={"n": 1})
    db.session.refresh(entry)
    assert abs((entry.occurred_at - datetime.now(UTC)).total_seconds()) < 60
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO audit_events (event, occurred_at) VALUES ('test.backdated', "
            "'2000-01-01 00:00:00+00')" if _postgres(app) else
            "INSERT INTO audit_events (event) VALUES ('test.no_time')"))
    latest = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert latest.occurred_at.year == datetime.now(UTC).year, "the database's clock wins"


def test_update_and_delete_are_refused(app):
    with unit_of_work():
        audit.record("test.event")
    with db.engine.connect() as connection, connection.begin():
        assert _refused("UPDATE audit_events SET event = 'changed'", connection)
        assert _refused("DELETE FROM audit_events", connection)


def test_truncate_is_refused_on_postgresql(app):
    if not _postgres(app):
        pytest.skip("TRUNCATE does not exist on SQLite (DELETE is refused)")
    with unit_of_work():
        audit.record("test.event")
    with db.engine.connect() as connection, connection.begin():
        assert _refused("TRUNCATE audit_events", connection)
        assert _refused("TRUNCATE audit_events CASCADE", connection)
    assert db.session.query(AuditEvent).count() == 1


def _deployment_sql() -> str:
    block = re.search(r"```sql\n(.*?)```", DEPLOYMENT.read_text(), re.S).group(1)
    block = re.sub(r"--[^\n]*", "", block)
    return block.replace("lrs_app", TEST_ROLE).replace("lrs_owner", "CURRENT_USER")


def test_the_least_privilege_role_may_only_insert_and_read_audit_rows(app):
    if not _postgres(app):
        pytest.skip("database roles are a PostgreSQL set-up")
    with unit_of_work():
        audit.record("test.event")
    with db.engine.connect() as connection:
        transaction = connection.begin()  # rolled back: the role never outlives the test
        try:
            for statement in filter(str.strip, _deployment_sql().split(";")):
                connection.execute(text(statement))
            connection.execute(text(f"SET ROLE {TEST_ROLE}"))
            connection.execute(text("INSERT INTO audit_events (event) VALUES ('as.app')"))
            assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 2
            assert not _refused("UPDATE users SET failed_sign_ins = 0 WHERE false", connection)
            for statement in ("UPDATE audit_events SET event = 'x'", "DELETE FROM audit_events",
                              "TRUNCATE audit_events",
                              "DROP TRIGGER audit_events_append_only ON audit_events",
                              "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                              "DROP TABLE audit_events"):
                assert _refused(statement, connection), statement
        finally:
            transaction.rollback()
