"""Signing in and out: passwords checked, failures counted, accounts locked after five in
a row, sessions tied to a per-user token.

A refused sign-in is still recorded (the failure count, the lock, the audit row, the lock
email), so `authenticate` answers with an Attempt rather than raising, and the caller's
unit of work commits whichever it was:

    with unit_of_work():
        attempt = sign_in.authenticate(username, password)
    if attempt.refused: ...show attempt.message...
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import User, UserStatus
from webapp.models.base import utcnow
from webapp.models.user import new_session_token
from webapp.services import audit
from webapp.services.errors import SignInRefused
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password, needs_rehash, password_matches
from webapp.services.user_accounts import user_by_username


def _attempted_username_fingerprint(username: str) -> str:
    """Failed sign-ins with unknown usernames are audited without the text typed, which
    is often a password typed into the wrong box: a keyed hash still shows the service
    desk when the same name is tried again and again."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _bookkeeping(user: User, **values) -> None:
    """Sign-in bookkeeping as a plain UPDATE: it does not bump the row's version, so a
    sign-in never collides with a super user's edit of the same account."""
    db.session.execute(update(User).where(User.id == user.id).values(**values),
                       execution_options={"synchronize_session": False})
    db.session.expire(user, list(values))


def count_wrong_password(user: User, event: str) -> None:
    """The one failure counter for every place a password is checked. The fifth failure
    in a row locks the account and sends one email; concurrent failures cannot send two."""
    failures = db.session.execute(
        update(User).where(User.id == user.id)
        .values(failed_sign_ins=User.failed_sign_ins + 1).returning(User.failed_sign_ins),
        execution_options={"synchronize_session": False}).scalar_one()
    just_locked = failures >= current_app.config["MAX_FAILED_SIGN_INS"] and db.session.execute(
        update(User).where(User.id == user.id, User.locked.is_(False)).values(locked=True),
        execution_options={"synchronize_session": False}).rowcount == 1
    db.session.expire(user, ["failed_sign_ins", "locked"])
    audit.record(event, target=user,
                 details={"reason": "wrong_password", "consecutive_failures": failures})
    if just_locked:
        audit.record("user.locked", target=user, before={"locked": False},
                     after={"locked": True})
        send_email(user.email, "Your Learning Records Service account is locked", "locked",
                   reset_link=portal_url("/forgotten-password"))


@dataclass(frozen=True)
class Attempt:
    user: User | None = None  # signed in
    message: str = ""         # why not, when refused

    @property
    def refused(self) -> bool:
        return self.user is None


def _refused() -> Attempt:
    return Attempt(message=SignInRefused.GENERIC)


def authenticate(username: str, password: str) -> Attempt:
    """Check a sign-in; stage its record either way.

    One generic refusal whatever the cause. Five consecutive failures lock the account; a
    locked account is refused even with the right password until its owner resets it.
    Every attempt is audited."""
    user = user_by_username(username) if username.strip() else None
    correct = password_matches(user.password_hash if user else None, password)

    if user is None:
        audit.record("sign_in.failed", details={
            "reason": "unknown_username",
            "username_fingerprint": _attempted_username_fingerprint(username)})
        return _refused()

    if correct and user.can_sign_in:
        changes = {"failed_sign_ins": 0, "last_sign_in_at": utcnow()}
        if needs_rehash(user.password_hash):
            changes["password_hash"] = hash_password(password)
        _bookkeeping(user, **changes)
        audit.record("sign_in.succeeded", actor=user, target=user)
        return Attempt(user=user)

    if user.status == UserStatus.ACTIVE.value and not user.locked:
        count_wrong_password(user, "sign_in.failed")
        return _refused()
    reason = "locked" if user.locked else f"status_{user.status.lower()}"
    audit.record("sign_in.failed", target=user, details={"reason": reason})
    return _refused()


def check_password(user: User, password: str, failure_event: str) -> bool:
    """A password asked for again while signed in (‘Edit and verify email’). A wrong one
    counts towards the lock like a failed sign-in; stage it in its own unit of work."""
    if password_matches(user.password_hash, password):
        return True
    count_wrong_password(user, failure_event)
    return False


def user_for_session(session_token: str) -> User | None:
    """The user a session belongs to, if that session is still valid."""
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.can_sign_in:
        return None
    return user


def sign_out(user: User, reason: str = "user") -> None:
    """End the session on the server too: the session token changes, so a copy of the
    cookie is useless. This signs the user out of every browser at once."""
    _bookkeeping(user, session_token=new_session_token())
    audit.record("sign_out", actor=user, target=user, details={"reason": reason})
