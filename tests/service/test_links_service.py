"""Single-use links: registration, password reset and email verification."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import STRONG_PASSWORD, AsChannel
from webapp.extensions import db
from webapp.models import OneTimeToken, UserStatus
from webapp.models.base import utcnow
from webapp.models.token import hash_token
from webapp.services import organisations, self_service, sign_in, user_accounts
from webapp.services.errors import AlreadyExists, LinkNotValid, ValidationFailed

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
organisations = AsChannel(organisations)
user_accounts = AsChannel(user_accounts)
self_service = AsChannel(self_service)
sign_in = AsChannel(sign_in)


NEW_PASSWORD = "a brand new pass phrase"


def _token_from(outbox, address):
    return outbox.last_link(address).rsplit("/", 1)[-1]


def _expire_all_tokens():
    for token in db.session.scalars(select(OneTimeToken)):
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def new_user(make_user):
    return make_user(password=None, given="Nia", family="Newcomer")


# --- first sign-in ---------------------------------------------------------------------------

def test_a_new_user_is_inactive_and_gets_a_welcome_email_with_username_and_link(new_user, outbox):
    assert new_user.status == UserStatus.INACTIVE.value and new_user.password_hash is None
    (welcome,) = outbox.to(new_user.email)
    body = outbox.body(welcome)
    assert new_user.username in body and "/register/" in body and "72 hours" in body
    assert welcome["From"] == "do-not-reply@education.gov.uk"


def test_tokens_are_stored_hashed_and_are_long(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    assert len(raw) >= 43  # 32 random bytes, base64url: 256 bits
    stored = db.session.scalar(select(OneTimeToken.token_hash))
    assert stored == hash_token(raw) and raw not in stored


def test_registration_sets_the_password_and_activates(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    self_service.complete_registration(raw, new_user.username, NEW_PASSWORD, NEW_PASSWORD)
    assert new_user.status == UserStatus.ACTIVE.value
    assert sign_in.authenticate(new_user.username, NEW_PASSWORD).user == new_user


def test_registration_needs_the_right_username(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    with pytest.raises(ValidationFailed) as error:
        self_service.complete_registration(raw, "someone.else", NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.field == "username"
    assert new_user.status == UserStatus.INACTIVE.value


def test_registration_refuses_weak_or_mismatched_passwords_and_keeps_the_link(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    with pytest.raises(ValidationFailed, match="12 characters"):
        self_service.complete_registration(raw, new_user.username, "short", "short")
    with pytest.raises(ValidationFailed) as mismatch:
        self_service.complete_registration(raw, new_user.username, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mismatch.value.field == "confirm_password"
    self_service.complete_registration(raw, new_user.username, NEW_PASSWORD, NEW_PASSWORD)


def test_a_used_registration_link_is_refused(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    self_service.complete_registration(raw, new_user.username, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(LinkNotValid) as error:
        self_service.complete_registration(raw, new_user.username, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.reason == "used"


def test_an_expired_registration_link_is_refused(new_user, outbox):
    raw = _token_from(outbox, new_user.email)
    _expire_all_tokens()
    with pytest.raises(LinkNotValid) as error:
        self_service.registration_user(raw)
    assert error.value.reason == "expired"


def test_an_unknown_link_is_refused(app):
    with pytest.raises(LinkNotValid) as error:
        self_service.registration_user("made-up-token")
    assert error.value.reason == "unknown"


def test_a_new_welcome_link_replaces_the_old_one(new_user, outbox):
    old = _token_from(outbox, new_user.email)
    user_accounts.send_welcome_email(new_user)
    new = _token_from(outbox, new_user.email)
    with pytest.raises(LinkNotValid):
        self_service.registration_user(old)
    assert self_service.registration_user(new) == new_user


# --- forgotten password ----------------------------------------------------------------------

def test_unknown_username_or_email_sends_nothing(app, outbox):
    self_service.request_password_reset("nobody.at.all")
    self_service.request_password_reset("nobody@exams.example")
    assert outbox.messages == []


def test_a_suspended_or_unregistered_account_gets_no_reset_mail(make_user, new_user, outbox):
    suspended = make_user(given="Sus", family="Pended")
    suspended.status = UserStatus.SUSPENDED.value
    db.session.commit()
    before = len(outbox.messages)
    self_service.request_password_reset(suspended.username)
    self_service.request_password_reset(new_user.email)
    assert len(outbox.messages) == before


def test_reset_by_email_clears_a_lockout_and_ends_sessions(user, outbox):
    for _ in range(5):
        assert sign_in.authenticate(user.username, "wrong wrong wrong").refused
    assert user.locked
    old_session = user.session_token
    self_service.request_password_reset(user.email.upper())
    raw = _token_from(outbox, user.email)
    self_service.reset_password(raw, NEW_PASSWORD, NEW_PASSWORD)
    assert not user.locked and user.failed_sign_ins == 0
    assert sign_in.user_for_session(old_session) is None
    assert sign_in.authenticate(user.username, NEW_PASSWORD).user == user
    assert "password was changed" in outbox.to(user.email)[-1]["Subject"]


def test_a_reset_link_works_once(user, outbox):
    self_service.request_password_reset(user.username)
    raw = _token_from(outbox, user.email)
    self_service.reset_password(raw, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(LinkNotValid) as error:
        self_service.reset_password(raw, "another fine password", "another fine password")
    assert error.value.reason == "used"


def test_an_expired_reset_link_is_refused(user, outbox):
    self_service.request_password_reset(user.username)
    raw = _token_from(outbox, user.email)
    _expire_all_tokens()
    with pytest.raises(LinkNotValid) as error:
        self_service.reset_password(raw, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.reason == "expired"
    assert sign_in.authenticate(user.username, STRONG_PASSWORD).user == user


def test_reset_does_not_lift_a_suspension(user, outbox):
    self_service.request_password_reset(user.username)
    raw = _token_from(outbox, user.email)
    user.status = UserStatus.SUSPENDED.value  # suspended by a super user after the request
    db.session.commit()
    with pytest.raises(LinkNotValid):
        self_service.reset_password(raw, NEW_PASSWORD, NEW_PASSWORD)
    assert user.status == UserStatus.SUSPENDED.value


def test_super_users_need_a_longer_new_password(make_user, outbox):
    boss = make_user(roles=["super_user"], password="a super long password!")
    self_service.request_password_reset(boss.username)
    raw = _token_from(outbox, boss.email)
    with pytest.raises(ValidationFailed, match="15 characters"):
        self_service.reset_password(raw, "twelve chars", "twelve chars")


# --- email change ----------------------------------------------------------------------------

def test_email_change_needs_the_current_password(user):
    assert not sign_in.check_password(user, "wrong password here", "email_change.refused")
    assert sign_in.check_password(user, STRONG_PASSWORD, "email_change.refused")


def test_email_change_refuses_generic_taken_and_mismatched_addresses(user, make_user):
    other = make_user(given="Other", family="Person")
    with pytest.raises(ValidationFailed, match="shared address"):
        self_service.request_email_change(user, "info@exams.example", "info@exams.example")
    with pytest.raises(AlreadyExists):
        self_service.request_email_change(user, other.email, other.email)
    with pytest.raises(ValidationFailed) as error:
        self_service.request_email_change(user, "jane.new@exams.example", "jane.old@exams.example")
    assert error.value.field == "confirm_email"


def test_email_changes_only_when_the_link_is_followed(user, outbox):
    old_address = user.email
    self_service.request_email_change(user, "Jane.New@exams.example", "jane.new@exams.example")
    assert user.email == old_address
    assert outbox.to(old_address)[-1]["Subject"].endswith("is being changed")
    raw = _token_from(outbox, "jane.new@exams.example")
    self_service.verify_email_change(raw)
    assert user.email == "jane.new@exams.example"
    assert user.terms_accepted_at is None, "the user must accept the terms again"
    with pytest.raises(LinkNotValid):
        self_service.verify_email_change(raw)


def test_email_link_refused_when_someone_else_took_the_address_meanwhile(user, make_user, outbox):
    self_service.request_email_change(user, "wanted@exams.example", "wanted@exams.example")
    raw = _token_from(outbox, "wanted@exams.example")
    make_user(given="Quick", family="Taker", email_address="wanted@exams.example")
    with pytest.raises(AlreadyExists):
        self_service.verify_email_change(raw)
    assert user.email != "wanted@exams.example"


def test_an_expired_email_link_is_refused(user, outbox):
    self_service.request_email_change(user, "later@exams.example", "later@exams.example")
    raw = _token_from(outbox, "later@exams.example")
    _expire_all_tokens()
    with pytest.raises(LinkNotValid) as error:
        self_service.verify_email_change(raw)
    assert error.value.reason == "expired"


def test_a_new_password_kills_a_pending_email_change(user, outbox):
    """Whoever knew the old password cannot finish an email change after a reset."""
    self_service.request_email_change(user, "mallory@evil.example", "mallory@evil.example")
    stolen_link = _token_from(outbox, "mallory@evil.example")
    self_service.request_password_reset(user.username)
    self_service.reset_password(_token_from(outbox, user.email), NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(LinkNotValid):
        self_service.verify_email_change(stolen_link)
    assert user.email != "mallory@evil.example"


def test_wrong_current_passwords_on_email_change_count_towards_the_lock(user, outbox):
    for _ in range(4):
        assert sign_in.authenticate(user.username, "wrong wrong wrong").refused
    assert not sign_in.check_password(user, "guess", "email_change.refused")
    db.session.refresh(user)
    assert user.locked
    assert any("locked" in m["Subject"] for m in outbox.to(user.email))
