"""User Management use cases, against a real database."""

import pytest
from sqlalchemy import select

from tests.helpers import BOSS_PASSWORD, STRONG_PASSWORD, AsChannel
from webapp.extensions import db
from webapp.models import AuditEvent, UserStatus
from webapp.services import (
    organisations,
    self_service,
    sign_in,
    user_activity,
    user_management,
    user_search,
)
from webapp.services.errors import (
    AlreadyExists,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
organisations = AsChannel(organisations)
self_service = AsChannel(self_service)
sign_in = AsChannel(sign_in)
user_activity = AsChannel(user_activity)
user_management = AsChannel(user_management)
user_search = AsChannel(user_search)


@pytest.fixture
def outsider(make_user, other_organisation):
    return make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Otto", family="Outside",
                     org=other_organisation)


def details(**changes):
    values = dict(title="", given_name="Nia", family_name="New", landline="", mobile="",
                  staff_reference="", verification_provided="staff id 42", roles=["ab_user"])
    values.update(changes)
    return user_management.UserDetails(**values)


def events(name):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


# --- who may ---------------------------------------------------------------------------------

def test_only_super_users_manage_users(staff, boss):
    with pytest.raises(Forbidden):
        user_search.find_users(staff, user_search.UserSearch())
    with pytest.raises(Forbidden):
        user_management.create_user(staff, details(), "x@exams.example")
    with pytest.raises(Forbidden):
        user_management.suspend_user(staff, boss.id, "because")


def test_another_organisations_user_is_not_found(boss, outsider, staff):
    for action in (lambda: user_management.visible_user(outsider, staff.id),
                   lambda: user_management.visible_user(outsider, staff.id),
                   lambda: user_management.suspend_user(outsider, staff.id, "x"),
                   lambda: user_management.delete_user(outsider, staff.id),
                   lambda: user_management.update_user(outsider, staff.id, details(),
                                                       staff.version)):
        with pytest.raises(NotFound):
            action()
    db.session.refresh(staff)
    assert staff.status == UserStatus.ACTIVE.value


# --- find user -------------------------------------------------------------------------------

def test_find_by_name_username_status_and_role(boss, staff, make_user):
    make_user(given="Janet", family="Jones", roles=["qcf_user"])
    gone = make_user(given="Jan", family="Gone")
    user_management.delete_user(boss, gone.id)

    def names(**criteria):
        found = user_search.find_users(boss, user_search.UserSearch(**criteria))
        return [u.username for u in found.items]

    assert names(given_name="jan") == ["janet.jones"]
    assert names(given_name="jan", status="Deleted") == ["jan.gone"]
    assert names(family_name="STAFF") == ["sam.staff"]
    assert names(username="bea.") == ["bea.boss"]
    assert names(roles=["qcf_user"]) == ["janet.jones"]
    assert set(names()) == {"bea.boss", "sam.staff", "janet.jones"}


def test_search_text_is_not_a_pattern(boss, staff):
    assert user_search.find_users(boss, user_search.UserSearch(given_name="%")).total == 0
    assert user_search.find_users(boss, user_search.UserSearch(username="_")).total == 0


def test_results_are_paged(boss, make_user):
    for n in range(30):
        make_user(given="Pat", family=f"Person{chr(97 + n % 26)}{n}")
    first = user_search.find_users(boss, user_search.UserSearch(given_name="pat"), page=1)
    second = user_search.find_users(boss, user_search.UserSearch(given_name="pat"), page=2)
    assert first.total == 30 and first.pages == 2
    assert len(first.items) == 25 and len(second.items) == 5
    assert not {u.id for u in first.items} & {u.id for u in second.items}


def test_super_user_advice(app):
    assert "at least 3" in user_management.super_user_advice(1)
    assert user_management.super_user_advice(3) is None
    assert user_management.super_user_advice(5) is None
    assert "no more than 5" in user_management.super_user_advice(6)


# --- create ----------------------------------------------------------------------------------

def test_create_user_sends_welcome_and_audits(boss, outbox):
    user = user_management.create_user(boss, details(roles=["ab_user", "qcf_user"]),
                                       "nia@exams.example")
    assert user.username == "nia.new" and user.status == UserStatus.INACTIVE.value
    assert user.organisation_id == boss.organisation_id
    assert len(outbox.to("nia@exams.example")) == 1
    (created,) = [e for e in events("user.created") if e.target_id == str(user.id)]
    assert created.actor_user_id == boss.id and created.after["roles"] == ["ab_user", "qcf_user"]


def test_create_user_duplicate_email_points_at_the_existing_user(boss, staff, outsider):
    with pytest.raises(AlreadyExists) as same_org:
        user_management.create_user(boss, details(), staff.email)
    assert same_org.value.existing_id == staff.id
    with pytest.raises(AlreadyExists) as other_org:
        user_management.create_user(outsider, details(), staff.email)
    assert other_org.value.existing_id is None, "another organisation's user is not revealed"


@pytest.mark.parametrize("field,changes", [
    ("verification_provided", {"verification_provided": "  "}),
    ("roles", {"roles": []}),
    ("given_name", {"given_name": "123"}),
    ("landline", {"landline": "call me"}),
])
def test_create_user_rejects_bad_details_and_writes_nothing(boss, field, changes):
    with pytest.raises(ValidationFailed) as error:
        user_management.create_user(boss, details(**changes), "nia@exams.example")
    assert error.value.field == field
    search = user_search.UserSearch(given_name="nia", status="")
    assert user_search.find_users(boss, search).total == 0


def test_create_user_only_with_roles_the_organisation_grants(app, make_user):
    small = organisations.create_organisation("Small", "10000077", "awarding",
                                              ["super_user", "ab_user"])
    small_boss = make_user(roles=["super_user"], password=BOSS_PASSWORD, org=small, given="S",
                           family="Boss")
    with pytest.raises(ValidationFailed, match="cannot grant"):
        user_management.create_user(small_boss, details(roles=["qcf_user"]), "q@exams.example")


# --- edit ------------------------------------------------------------------------------------

def test_edit_user_changes_fields_and_audits_before_and_after(boss, staff):
    user_management.update_user(boss, staff.id, details(given_name="Samuel", family_name="Staff",
                                              mobile="07700 900982", roles=["qcf_user"]),
                      staff.version)
    assert staff.given_name == "Samuel" and staff.roles == {"qcf_user"}
    (updated,) = events("user.updated")
    assert updated.before["given_name"] == "Sam" and updated.after["given_name"] == "Samuel"
    assert updated.before["roles"] == ["ab_user"] and updated.after["roles"] == ["qcf_user"]


def test_a_stale_edit_is_refused(boss, staff):
    old_version = staff.version
    user_management.update_user(boss, staff.id, details(given_name="First", family_name="Edit"),
                      old_version)
    with pytest.raises(Conflict, match="changed this user"):
        user_management.update_user(boss, staff.id,
                                    details(given_name="Second", family_name="Edit"), old_version)
    assert staff.given_name == "First"


def test_the_last_super_user_keeps_the_role(boss):
    with pytest.raises(Conflict, match="last active super user"):
        user_management.update_user(boss, boss.id, details(given_name="Bea", family_name="Boss",
                                                 roles=["ab_user"]), boss.version)
    assert boss.is_super_user


def test_a_super_user_may_change_their_own_roles_when_another_remains(boss, make_user):
    make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Second", family="Super")
    user_management.update_user(boss, boss.id, details(given_name="Bea", family_name="Boss",
                                             roles=["super_user", "ab_user"]), boss.version)
    assert boss.roles == {"super_user", "ab_user"}
    user_management.update_user(boss, boss.id, details(given_name="Bea", family_name="Boss",
                                             roles=["ab_user"]), boss.version)
    assert boss.roles == {"ab_user"}


def test_super_user_email_change_goes_to_the_new_address(boss, staff, outbox):
    user_management.change_email(boss, staff.id, "sam.new@exams.example", "sam.new@exams.example")
    assert staff.email != "sam.new@exams.example"
    assert "/account/verify-email/" in outbox.body(outbox.to("sam.new@exams.example")[-1])
    (requested,) = events("email_change.requested")
    assert requested.actor_user_id == boss.id and requested.target_id == str(staff.id)


def test_resend_welcome_email_replaces_the_link(boss, outbox):
    newcomer = user_management.create_user(boss, details(), "nia@exams.example")
    first = outbox.last_link("nia@exams.example").rsplit("/", 1)[-1]
    user_management.resend_welcome_email(boss, newcomer.id)
    second = outbox.last_link("nia@exams.example").rsplit("/", 1)[-1]
    assert first != second
    with pytest.raises(Exception, match="already been used"):
        self_service.registration_user(first)
    assert self_service.registration_user(second) == newcomer


def test_resend_welcome_only_before_registration(boss, staff):
    with pytest.raises(Conflict, match="already completed registration"):
        user_management.resend_welcome_email(boss, staff.id)


# --- suspend, reinstate, unlock, delete ------------------------------------------------------

def test_suspension_needs_a_reason_and_ends_sessions(boss, staff):
    with pytest.raises(ValidationFailed) as error:
        user_management.suspend_user(boss, staff.id, "   ")
    assert error.value.field == "reason"
    token = staff.session_token
    user_management.suspend_user(boss, staff.id, "left the exams team")
    assert staff.status == UserStatus.SUSPENDED.value
    assert sign_in.user_for_session(token) is None
    assert sign_in.authenticate(staff.username, STRONG_PASSWORD).refused
    (suspended,) = events("user.suspended")
    assert suspended.details["reason"] == "left the exams team"
    assert suspended.before["status"] == "Active" and suspended.after["status"] == "Suspended"


def test_reinstate_returns_to_active_and_the_user_can_sign_in(boss, staff):
    user_management.suspend_user(boss, staff.id, "investigation")
    user_management.reinstate_user(boss, staff.id)
    assert staff.status == UserStatus.ACTIVE.value
    assert sign_in.authenticate(staff.username, STRONG_PASSWORD).user == staff
    with pytest.raises(Conflict, match="not suspended"):
        user_management.reinstate_user(boss, staff.id)


def test_nobody_suspends_or_deletes_themselves(boss, make_user):
    make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Second", family="Super")
    with pytest.raises(Conflict, match="your own account"):
        user_management.suspend_user(boss, boss.id, "oops")
    with pytest.raises(Conflict, match="your own account"):
        user_management.delete_user(boss, boss.id)


def test_the_last_active_super_user_cannot_be_suspended_or_deleted(boss, make_user):
    second = make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Second",
                       family="Super")
    user_management.suspend_user(boss, second.id, "holiday")
    with pytest.raises(Conflict, match="last active super user"):
        user_management.suspend_user(second, boss.id, "no")  # second is suspended anyway
    assert boss.status == UserStatus.ACTIVE.value


def test_unlock_clears_the_lockout_and_makes_the_next_sign_in_a_reset(boss, staff, outbox):
    """Issue 9: the lock may have been reached by someone guessing; a guessed password
    must not survive the unlock."""
    for _ in range(5):
        assert sign_in.authenticate(staff.username, "wrong wrong wrong").refused
    db.session.refresh(staff)
    assert staff.locked
    user_management.unlock_user(boss, staff.id)
    assert not staff.locked and staff.failed_sign_ins == 0
    attempt = sign_in.authenticate(staff.username, STRONG_PASSWORD)
    assert attempt.refused and "choose a new password" in attempt.message
    assert "Reset your" in outbox.to(staff.email)[-1]["Subject"]
    raw = outbox.last_link(staff.email).rsplit("/", 1)[-1]
    self_service.reset_password(raw, "plum kettle orbit saxophone",
                                "plum kettle orbit saxophone")
    assert sign_in.authenticate(staff.username, "plum kettle orbit saxophone").user == staff


def test_deleted_users_keep_history_and_username(boss, staff, make_user):
    user_management.suspend_user(boss, staff.id, "moving on")
    user_management.reinstate_user(boss, staff.id)
    user_management.delete_user(boss, staff.id)
    assert staff.status == UserStatus.DELETED.value
    history = [e.event for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_id == str(staff.id)).order_by(AuditEvent.id))]
    assert history[-3:] == ["user.suspended", "user.reinstated", "user.deleted"]
    assert sign_in.authenticate(staff.username, STRONG_PASSWORD).refused
    newcomer = make_user(given="Sam", family="Staff")
    assert newcomer.username == "sam.staff2", "a deleted user's username is never reused"
    with pytest.raises(Conflict, match="has been deleted"):
        user_management.delete_user(boss, staff.id)


# --- activity --------------------------------------------------------------------------------

def test_activity_shows_only_the_organisations_events(boss, staff, outsider):
    user_management.suspend_user(boss, staff.id, "check")
    assert sign_in.authenticate(outsider.username, "wrong wrong wrong").refused
    page = user_activity.activity(boss, user_activity.ActivityFilter())
    assert page.total > 0
    assert all(row.event.organisation_id == boss.organisation_id for row in page.items)
    assert "sign_in.failed" not in {row.event.event for row in page.items}


def test_activity_filters_by_user_event_and_date(boss, staff, make_user):
    other = make_user(given="Other", family="Person")
    user_management.suspend_user(boss, staff.id, "one")
    user_management.suspend_user(boss, other.id, "two")
    by_user = user_activity.activity(boss, user_activity.ActivityFilter(username="sam.staff"))
    assert {row.target_username for row in by_user.items} == {"sam.staff"}
    by_event = user_activity.activity(boss, user_activity.ActivityFilter(event="user.suspended"))
    assert by_event.total == 2
    today = by_event.items[0].event.occurred_at.date()
    from datetime import timedelta
    assert user_activity.activity(boss, user_activity.ActivityFilter(
        event="user.suspended", date_from=today, date_to=today)).total == 2
    assert user_activity.activity(boss, user_activity.ActivityFilter(
        event="user.suspended", date_to=today - timedelta(days=1))).total == 0
    with pytest.raises(ValidationFailed):
        user_activity.activity(boss, user_activity.ActivityFilter(
            date_from=today, date_to=today - timedelta(1)))


def test_two_super_users_suspending_each_other_at_once_leave_one_active(app, make_user,
                                                                        monkeypatch):
    """Both read the count of active super users; without a lock both would see two and
    both succeed, leaving nobody to manage the organisation."""
    import threading
    import time

    from webapp.models import User

    first = make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Ann", family="A")
    second = make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Bob", family="B")
    organisation_id, pairs = first.organisation_id, [(first.id, second.id),
                                                     (second.id, first.id)]
    db.session.remove()
    from webapp.services import organisations as organisation_records

    real_count = organisation_records.active_super_user_count

    def slow_count(org_id):
        count = real_count(org_id)
        time.sleep(0.3)  # both requests are inside the check at the same time
        return count

    monkeypatch.setattr(organisation_records, "active_super_user_count", slow_count)
    outcomes = []

    def suspend(actor_id, target_id):
        with app.app_context():
            try:
                user_management.suspend_user(db.session.get(User, actor_id), target_id, "left")
                outcomes.append("suspended")
            except Conflict:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=suspend, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "suspended"]
    assert organisations.active_super_user_count(organisation_id) == 1


def test_name_search_folds_accented_capitals_on_every_database(boss, make_user):
    make_user(given="Zoë", family="Émile")
    for criteria in (user_search.UserSearch(given_name="ZOË"),
                     user_search.UserSearch(family_name="émile")):
        assert [u.username for u in user_search.find_users(boss, criteria).items] == ["zoe.emile"]
