from sqlalchemy import select

from tests.helpers import STRONG_PASSWORD, AsChannel
from webapp.extensions import db
from webapp.models import AuditEvent, User, UserStatus
from webapp.services import sign_in
from webapp.services.errors import SignInRefused

# Each call in its own unit of work, committed or rolled back, as a channel makes it.
sign_in = AsChannel(sign_in)


def _events(name):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def _fail(user, times):
    for _ in range(times):
        assert sign_in.authenticate(user.username, "not the password at all").refused


def test_right_password_signs_in_and_resets_the_failure_count(user):
    _fail(user, 4)
    assert sign_in.authenticate(user.username, STRONG_PASSWORD).user == user
    assert user.failed_sign_ins == 0 and not user.locked
    assert user.last_sign_in_at is not None


def test_username_is_not_case_sensitive(user):
    assert sign_in.authenticate(user.username.upper(), STRONG_PASSWORD).user == user


def test_four_failures_do_not_lock(user, outbox):
    _fail(user, 4)
    assert not user.locked
    assert outbox.messages == []


def test_the_fifth_consecutive_failure_locks_and_sends_one_email(user, outbox):
    _fail(user, 5)
    assert user.locked
    locked_mail = outbox.to(user.email)
    assert len(locked_mail) == 1
    assert "locked" in locked_mail[0]["Subject"]
    assert "/forgotten-password" in outbox.body(locked_mail[0])
    _fail(user, 3)
    assert len(outbox.to(user.email)) == 1, "a locked account gets one email, not one a try"


def test_a_sixth_attempt_with_the_right_password_is_refused(user):
    _fail(user, 5)
    attempt = sign_in.authenticate(user.username, STRONG_PASSWORD)
    assert attempt.refused and attempt.message == SignInRefused.GENERIC


def test_every_refusal_says_the_same_thing(user, make_user):
    suspended = make_user(given="Sus", family="Pended")
    suspended.status = UserStatus.SUSPENDED.value
    inactive = make_user(given="Not", family="Registered", password=None)
    db.session.commit()
    messages = set()
    for username, password in [("nobody.here", STRONG_PASSWORD), (user.username, "wrong-wrong"),
                               (suspended.username, "wrong-wrong"),
                               (inactive.username, STRONG_PASSWORD)]:
        attempt = sign_in.authenticate(username, password)
        assert attempt.refused
        messages.add(attempt.message)
    assert messages == {SignInRefused.GENERIC}


def test_every_attempt_is_audited_with_the_reason(user):
    _fail(user, 1)
    assert sign_in.authenticate("ghost.user", "whatever-password").refused
    sign_in.authenticate(user.username, STRONG_PASSWORD)
    failed = _events("sign_in.failed")
    assert [e.details["reason"] for e in failed] == ["wrong_password", "unknown_username"]
    assert failed[0].organisation_id == user.organisation_id
    assert failed[1].organisation_id is None
    assert "ghost.user" not in repr(failed[1].details), "the text typed is not kept"
    assert len(failed[1].details["username_fingerprint"]) == 16
    succeeded = _events("sign_in.succeeded")
    assert len(succeeded) == 1 and succeeded[0].actor_user_id == user.id


def test_no_audit_event_carries_a_password(user):
    _fail(user, 5)
    for event in db.session.scalars(select(AuditEvent)):
        blob = repr((event.before, event.after, event.details))
        assert "not the password at all" not in blob and STRONG_PASSWORD not in blob
        assert "password_hash" not in blob


def test_a_stale_hash_is_upgraded_on_sign_in(app, user):
    old_hash = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2  # the service's parameters have changed
    assert sign_in.authenticate(user.username, STRONG_PASSWORD).user == user
    assert user.password_hash != old_hash and "t=2" in user.password_hash
    assert sign_in.authenticate(user.username, STRONG_PASSWORD).user == user


def test_a_session_token_only_works_while_the_account_can_sign_in(user):
    assert sign_in.user_for_session(user.session_token) == user
    user.status = UserStatus.SUSPENDED.value
    db.session.commit()
    assert sign_in.user_for_session(user.session_token) is None


def test_user_rows_keep_only_hashes(user):
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and STRONG_PASSWORD not in stored


def test_a_suspended_user_with_the_right_password_is_told_to_ask_their_super_user(make_user):
    """Issue 10: the generic answer sent suspended users to ‘I have forgotten my
    password’, which cannot lift a suspension."""
    suspended = make_user(given="Sus", family="Pended")
    suspended.status = UserStatus.SUSPENDED.value
    db.session.commit()
    attempt = sign_in.authenticate(suspended.username, STRONG_PASSWORD)
    assert attempt.refused and attempt.message == sign_in.SUSPENDED_MESSAGE
    assert "super user" in attempt.message
    wrong = sign_in.authenticate(suspended.username, "not the password at all")
    assert wrong.message == SignInRefused.GENERIC, "a wrong password learns nothing"
