import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.helpers import AsChannel
from webapp.extensions import db
from webapp.models import AuditEvent
from webapp.services import audit, organisations, user_accounts
from webapp.services.errors import AlreadyExists, ValidationFailed

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
organisations = AsChannel(organisations)
user_accounts = AsChannel(user_accounts)


def _new(**fields):
    values = {"given_name": "Jane", "family_name": "Smith", "email": "jane@exams.example",
              "roles": ["ab_user"]}
    values.update(fields)
    return user_accounts.NewUser(**values)


def test_usernames_are_generated_and_never_reused(organisation):
    first = user_accounts.create_user(organisation, _new(email="a@exams.example"))
    second = user_accounts.create_user(organisation, _new(email="b@exams.example"))
    third = user_accounts.create_user(organisation, _new(given_name="Jane Ann",
                                                         email="c@exams.example"))
    assert [first.username, second.username, third.username] == [
        "jane.smith", "jane.smith2", "jane.smith3"]


def test_email_must_be_unique_whatever_the_case(organisation):
    user_accounts.create_user(organisation, _new(email="jane@exams.example"))
    with pytest.raises(AlreadyExists) as error:
        user_accounts.create_user(organisation, _new(email="JANE@exams.example"))
    assert error.value.field == "email"


def test_generic_email_is_refused(organisation):
    with pytest.raises(ValidationFailed, match="shared address"):
        user_accounts.create_user(organisation, _new(email="enquiries@exams.example"))


def test_only_roles_the_organisation_may_grant(app):
    limited = organisations.create_organisation("Small Board", "10000099", "awarding", ["ab_user"])
    with pytest.raises(ValidationFailed, match="cannot grant"):
        user_accounts.create_user(limited, _new(roles=["super_user"]))


def test_a_failed_creation_writes_nothing(organisation):
    with pytest.raises(ValidationFailed):
        user_accounts.create_user(organisation, _new(email="info@exams.example"))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event == "user.created")) is None


def test_duplicate_ukprn_is_refused(organisation):
    with pytest.raises(AlreadyExists):
        organisations.create_organisation("Copy", organisation.ukprn, "awarding")


def test_creation_is_audited_with_after_values_and_no_secrets(organisation):
    user = user_accounts.create_user(organisation, _new(), password="a fine long password")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "user.created"))
    assert event.target_id == str(user.id) and event.organisation_id == organisation.id
    assert event.after["email"] == "jane@exams.example" and event.after["roles"] == ["ab_user"]
    assert "password" not in repr(event.after) and "session_token" not in repr(event.after)


def test_audit_trail_is_append_only_in_the_database(organisation):
    audit.record("test.event", organisation_id=organisation.id)
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET event = 'changed'"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.event == "test.event"))
