"""Issue 9, ‘Accounts’ and ‘Forgotten password’: each test failed on the code before the
hardening and passes after it. Services are called as a channel calls them, each in its
own unit of work (tests/helpers.AsChannel)."""

import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import BOSS_PASSWORD, STRONG_PASSWORD, AsChannel
from webapp.extensions import db
from webapp.models import AuditEvent, OneTimeToken, TokenPurpose
from webapp.models.base import utcnow
from webapp.rules import accounts
from webapp.services import (
    organisations,
    self_service,
    service_desk,
    sign_in,
    user_accounts,
    user_management,
)
from webapp.services.errors import (
    AlreadyExists,
    Conflict,
    Forbidden,
    LinkNotValid,
    ValidationFailed,
)

organisations = AsChannel(organisations)
self_service = AsChannel(self_service)
service_desk = AsChannel(service_desk)
sign_in = AsChannel(sign_in)
user_accounts = AsChannel(user_accounts)
user_management = AsChannel(user_management)

NEW_PASSWORD = "plum kettle orbit saxophone"


def _raw(outbox, address):
    return outbox.last_link(address).rsplit("/", 1)[-1]


def _links(outbox, address):
    import re
    return [re.search(r"http://lrs\.test(/\S+)", outbox.body(m)).group(1)
            for m in outbox.to(address)]


@pytest.fixture
def second_boss(make_user):
    return make_user(roles=["super_user"], password=BOSS_PASSWORD, given="Sue",
                     family="Second")


@pytest.fixture
def desk_user(app, make_user):
    desk = organisations.create_organisation("LRS Service Desk", "10000000", "service-desk")
    return make_user(roles=["service_desk"], password="the service desk password", org=desk,
                     given="Desi", family="Desk", email_address="desi.desk@education.gov.uk")


# --- email takeover ---------------------------------------------------------------------------

def test_a_super_user_cannot_change_a_fellow_super_users_email(boss, second_boss):
    with pytest.raises(Forbidden, match="super user themselves, or the service desk"):
        user_management.change_email(boss, second_boss.id, "mallory@evil.example",
                                     "mallory@evil.example")


def test_the_service_desk_may_change_a_super_users_email_and_it_is_held(
        desk_user, second_boss, outbox):
    user_management.change_email(desk_user, second_boss.id, "sue.new@exams.example",
                                 "sue.new@exams.example")
    _user, held = self_service.verify_email_change(_raw(outbox, "sue.new@exams.example"))
    assert held


def test_someone_elses_email_change_is_held_after_verification(boss, staff, outbox):
    """The takeover: change her email to his mailbox, verify, reset her password there."""
    old = staff.email
    user_management.change_email(boss, staff.id, "mallory@evil.example", "mallory@evil.example")
    notice = outbox.to(old)[-1]
    assert "/account/stop-email-change/" in outbox.body(notice)
    _user, held = self_service.verify_email_change(_raw(outbox, "mallory@evil.example"))
    assert held
    db.session.refresh(staff)
    assert staff.email == old, "verified, but held"
    before = len(outbox.messages)
    self_service.request_password_reset("mallory@evil.example")
    assert len(outbox.messages) == before, "no reset link reaches the new mailbox yet"
    requested = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "email_change.requested"))
    assert requested.actor_user_id == boss.id
    assert requested.details["started_by"] == boss.username


def test_the_old_address_can_stop_a_held_change(boss, staff, outbox):
    old = staff.email
    user_management.change_email(boss, staff.id, "mallory@evil.example", "mallory@evil.example")
    self_service.verify_email_change(_raw(outbox, "mallory@evil.example"))
    stop = _raw(outbox, old)
    self_service.stop_email_change(self_service.stop_token_user(stop), raw_stop_token=stop)
    _pass_the_hold()
    self_service.settle_all_email_changes()
    db.session.refresh(staff)
    assert staff.email == old
    with pytest.raises(LinkNotValid):
        self_service.stop_email_change(staff, raw_stop_token=stop)


def _pass_the_hold():
    for token in db.session.scalars(select(OneTimeToken).where(
            OneTimeToken.takes_effect_at.is_not(None))):
        token.takes_effect_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_a_held_change_takes_effect_after_the_hold_and_the_audit_names_who_started_it(
        boss, staff, outbox):
    user_management.change_email(boss, staff.id, "sam.new@exams.example",
                                 "sam.new@exams.example")
    self_service.verify_email_change(_raw(outbox, "sam.new@exams.example"))
    _pass_the_hold()
    assert sign_in.authenticate(staff.username, STRONG_PASSWORD).user is not None
    db.session.refresh(staff)
    assert staff.email == "sam.new@exams.example"
    applied = db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "user.email_verified"))
    assert applied.details["started_by"] == boss.username
    assert applied.details["confirmed_by"] == "hold ended"


def test_the_owner_can_confirm_a_held_change_sooner(boss, staff, outbox):
    user_management.change_email(boss, staff.id, "sam.new@exams.example",
                                 "sam.new@exams.example")
    self_service.verify_email_change(_raw(outbox, "sam.new@exams.example"))
    self_service.confirm_email_change(staff)
    db.session.refresh(staff)
    assert staff.email == "sam.new@exams.example"


def test_the_owners_own_change_is_not_held(user, outbox):
    self_service.request_email_change(user, "jane.new@exams.example", "jane.new@exams.example")
    _user, held = self_service.verify_email_change(_raw(outbox, "jane.new@exams.example"))
    assert not held
    db.session.refresh(user)
    assert user.email == "jane.new@exams.example"


# --- deleted accounts -------------------------------------------------------------------------

def _details(**changes):
    values = dict(title="", given_name="Changed", family_name="Name", landline="", mobile="",
                  staff_reference="", verification_provided="staff id",
                  roles=["ab_user", "super_user"])
    values.update(changes)
    return user_management.UserDetails(**values)


def test_a_deleted_account_refuses_edit_unlock_email_change_and_resend(boss, staff, make_user):
    newcomer = make_user(password=None, given="New", family="Comer")
    for account in (staff, newcomer):
        user_management.delete_user(boss, account.id)
        db.session.refresh(account)
        with pytest.raises(Conflict, match="deleted"):
            user_management.update_user(boss, account.id, _details(), account.version)
        account.locked = True
        db.session.commit()
        with pytest.raises(Conflict, match="deleted"):
            user_management.unlock_user(boss, account.id)
        with pytest.raises(Conflict, match="deleted"):
            user_management.change_email(boss, account.id, "x.new@exams.example",
                                         "x.new@exams.example")
        with pytest.raises(Conflict, match="deleted"):
            user_management.resend_welcome_email(boss, account.id)
        db.session.refresh(account)
        assert account.given_name != "Changed" and "super_user" not in account.roles


def test_a_verification_link_dies_with_the_account(boss, staff, outbox):
    self_service.request_email_change(staff, "sam.new@exams.example", "sam.new@exams.example")
    user_management.delete_user(boss, staff.id)
    with pytest.raises(LinkNotValid):
        self_service.verify_email_change(_raw(outbox, "sam.new@exams.example"))


# --- email addresses --------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "x<bob@corp.example>", "Bob <bob@corp.example>", "bob@corp.example,eve@evil.example",
    "(comment)bob@corp.example", "bob(comment)@corp.example", '"bob,eve"@corp.example',
    "bob@[192.0.2.1]", "bob@corp.example\nBcc: eve@evil.example", "bob@corp.example\x00",
    "bob;eve@corp.example",
])
def test_addresses_that_mail_would_read_differently_are_refused(address):
    problem = accounts.email_problem(address)
    assert problem is not None and problem.code == "BAD_EMAIL", address


def test_addresses_are_compared_normalised(user, make_user):
    with pytest.raises(AlreadyExists):
        make_user(email_address=user.email.upper(), given="Copy", family="Cat")
    assert accounts.normalise_email(" Jane.Smith@EXAMS.example ") == "jane.smith@exams.example"


def test_create_user_refuses_a_display_name(boss):
    with pytest.raises(ValidationFailed) as error:
        user_management.create_user(boss, _details(roles=["ab_user"]), "x<bob@corp.example>")
    assert error.value.field == "email"


# --- the service desk -------------------------------------------------------------------------

def _new_board(desk_user):
    return service_desk.create_organisation(desk_user, "New Board", "10000056", "awarding",
                                            ["super_user", "ab_user"])


def test_the_desk_creates_super_users_with_the_super_user_role_only(desk_user):
    board = _new_board(desk_user)
    with pytest.raises(ValidationFailed) as error:
        service_desk.create_super_user(desk_user, board.id, _details(roles=["super_user",
                                                                            "ab_user"]),
                                       "first.super@newboard.example")
    assert [p.code for p in error.value.problems] == ["DESK_SUPER_USER_ONLY"]


def test_the_desk_cannot_create_a_super_user_in_its_own_domain(desk_user):
    board = _new_board(desk_user)
    with pytest.raises(ValidationFailed) as error:
        service_desk.create_super_user(desk_user, board.id, _details(roles=["super_user"]),
                                       "desk.mailbox@education.gov.uk")
    assert [p.code for p in error.value.problems] == ["DESK_OWN_DOMAIN"]
    made = service_desk.create_super_user(desk_user, board.id, _details(roles=["super_user"]),
                                          "first.super@newboard.example")
    assert made.roles == {"super_user"}


# --- passwords with the person's own words ----------------------------------------------------

def test_a_new_password_made_of_the_username_or_organisation_is_refused(user, outbox):
    self_service.request_password_reset(user.username)
    raw = _raw(outbox, user.email)
    for guess in (f"{user.username}2024", "Northern Exams Board 1"):
        with pytest.raises(ValidationFailed) as error:
            self_service.reset_password(raw, guess, guess)
        assert error.value.code == "PASSWORD_WEAK", guess


# --- forgotten password -----------------------------------------------------------------------

def test_a_probe_cannot_cancel_the_owners_earlier_reset_link(user, outbox):
    self_service.request_password_reset(user.username)
    owners = _raw(outbox, user.email)
    self_service.request_password_reset(user.username)  # someone typing her username
    assert _raw(outbox, user.email) != owners
    self_service.reset_password(owners, NEW_PASSWORD, NEW_PASSWORD)
    assert sign_in.authenticate(user.username, NEW_PASSWORD).user is not None
    live = db.session.scalars(select(OneTimeToken).where(
        OneTimeToken.purpose == TokenPurpose.PASSWORD_RESET.value,
        OneTimeToken.used_at.is_(None))).all()
    assert live == [], "using one link ends every other"


# --- development mail -------------------------------------------------------------------------

def test_development_mail_files_are_readable_by_the_owner_only(user, outbox):
    old_umask = os.umask(0o022)
    try:
        self_service.request_password_reset(user.username)
    finally:
        os.umask(old_umask)
    files = list(outbox.folder.glob("*.eml"))
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

