"""The unit of work: one transaction per channel call, bulk or single; emails only after
the commit."""

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEvent, User, UserStatus
from webapp.services import user_management
from webapp.services.errors import Conflict
from webapp.services.unit_of_work import after_commit, unit_of_work, unit_of_work_per_chunk


def statuses(users) -> list[str]:
    return [db.session.get(User, user.id).status for user in users]


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_bulk_action_that_fails_half_way_changes_nothing(boss, make_user, outbox):
    """Suspend four users in one unit of work; the third is refused (already suspended),
    so the first two suspensions, their audit rows and their emails all go too."""
    people = [make_user(given=f"Per{'abcd'[n]}", family="Son") for n in range(4)]
    with unit_of_work():
        user_management.suspend_user(boss, people[2].id, "left")
    events_before, mail_before = audit_count(), len(outbox.messages)

    with pytest.raises(Conflict), unit_of_work():
        for person in people:
            user_management.suspend_user(boss, person.id, "bulk")

    db.session.expire_all()
    assert statuses(people) == ["Active", "Active", "Suspended", "Active"]
    assert audit_count() == events_before
    assert len(outbox.messages) == mail_before


def test_emails_leave_only_when_the_unit_commits(app, make_user, outbox):
    newcomer_details = dict(given="New", family="Comer", password=None)
    with pytest.raises(RuntimeError), unit_of_work():
        from webapp.services import organisations, user_accounts

        organisation = organisations.organisation_by_ukprn("10012345")
        user_accounts.create_user(organisation, user_accounts.NewUser(
            given_name="Rolled", family_name="Back", email="rolled.back@exams.example",
            roles=["ab_user"], verification_provided="x"))
        raise RuntimeError("something later in the same request failed")
    assert outbox.to("rolled.back@exams.example") == []
    assert db.session.scalar(select(User).where(User.username == "rolled.back")) is None

    user = make_user(email_address="kept@exams.example", **newcomer_details)
    assert user.status == UserStatus.INACTIVE.value
    assert len(outbox.to("kept@exams.example")) == 1


def test_after_commit_actions_are_forgotten_on_rollback(app):
    ran = []
    with pytest.raises(ValueError), unit_of_work():
        after_commit(lambda: ran.append("rolled back"))
        raise ValueError
    with unit_of_work():
        after_commit(lambda: ran.append("committed"))
    assert ran == ["committed"]


def test_a_stale_version_becomes_changed_meanwhile(boss, staff):
    from webapp.services.errors import ChangedMeanwhile

    with pytest.raises(ChangedMeanwhile), unit_of_work():
        user = db.session.get(User, staff.id)
        with db.engine.begin() as someone_else:  # saves the same user first
            someone_else.execute(User.__table__.update().where(User.id == staff.id)
                                 .values(given_name="Theirs", version=User.version + 1))
        user.given_name = "Mine"
    db.session.expire_all()
    assert db.session.get(User, staff.id).given_name == "Theirs"


def test_each_chunk_is_its_own_unit(boss, make_user):
    """A failure in the third chunk leaves the first two committed."""
    people = [make_user(given=f"Chunk{'abcdef'[n]}", family="Son") for n in range(6)]
    people[5].status = UserStatus.DELETED.value
    db.session.commit()
    with pytest.raises(Conflict):
        for chunk in unit_of_work_per_chunk([person.id for person in people], 2):
            for user_id in chunk:
                user_management.suspend_user(boss, user_id, "in chunks")
    db.session.expire_all()
    assert statuses(people) == ["Suspended"] * 4 + ["Active", "Deleted"]
