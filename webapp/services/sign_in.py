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
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Organisation, OrganisationRole, TokenPurpose, User, UserStatus
from webapp.models.base import utcnow
from webapp.models.user import new_session_token
from webapp.services import audit, tokens
from webapp.services.errors import SignInRefused
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password, needs_rehash, password_matches
from webapp.services.self_service import settle_email_change
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


def _take_attempt(*where) -> tuple[int, int] | None:
    """Count an attempt before its password is checked, in one statement: (user id, the
    attempt's place in the run of failures), or None when the account is locked or cannot
    sign in. The UPDATE holds the row (PostgreSQL) or the database (SQLite) until the
    caller's unit of work ends, so attempts on one account are decided one at a time and
    no password is ever checked on an account that is already locked."""
    row = db.session.execute(
        update(User).where(*where, User.status == UserStatus.ACTIVE.value,
                           User.locked.is_(False))
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.id, User.failed_sign_ins),
        execution_options={"synchronize_session": False}).first()
    return (row[0], row[1]) if row is not None else None


def _settle_success(user: User, **values) -> bool:
    """A right password: commit the success only if the account is still unlocked."""
    done = db.session.execute(
        update(User).where(User.id == user.id, User.locked.is_(False),
                           User.status == UserStatus.ACTIVE.value)
        .values(failed_sign_ins=0, **values),
        execution_options={"synchronize_session": False}).rowcount == 1
    db.session.expire(user, ["failed_sign_ins", "locked", *values])
    return done


def _count_failure(user: User, failures: int, event: str) -> None:
    """The attempt was already counted by _take_attempt; the attempt that makes five in a
    row locks the account and sends one email."""
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


SUSPENDED_MESSAGE = ("Your account is suspended, so you cannot sign in. Contact your "
                     "organisation's super user: only they can reinstate it.")
RESET_REQUIRED_MESSAGE = (
    "Your account was unlocked by your super user, so you need to choose a new password "
    "before you sign in. We have sent a link to reset it to your email address.")


@dataclass(frozen=True)
class Attempt:
    user: User | None = None  # signed in
    message: str = ""         # why not, when refused

    @property
    def refused(self) -> bool:
        return self.user is None


def _refused(message: str = SignInRefused.GENERIC) -> Attempt:
    return Attempt(message=message)


def authenticate(username: str, password: str) -> Attempt:
    """Check a sign-in; stage its record either way.

    The attempt is counted before the password is checked (_take_attempt), so parallel
    guesses cannot outrun the lock. One generic refusal for an unknown user, a wrong
    password, a locked or inactive account. Only someone who knows the password learns
    more: that their account is suspended, or that they must choose a new password
    after an unlock. Every attempt is audited."""
    name = username.strip().lower()
    taken = _take_attempt(func.lower(User.username) == name) if name else None
    if taken is None:
        user = user_by_username(name) if name else None
        correct = password_matches(user.password_hash if user else None, password)
        if user is None:
            audit.record("sign_in.failed", details={
                "reason": "unknown_username",
                "username_fingerprint": _attempted_username_fingerprint(username)})
            return _refused()
        reason = "locked" if user.locked else f"status_{user.status.lower()}"
        audit.record("sign_in.failed", target=user, details={"reason": reason})
        if correct and user.status == UserStatus.SUSPENDED.value:
            return _refused(SUSPENDED_MESSAGE)
        return _refused()

    user_id, failures = taken
    user = db.session.get(User, user_id)
    if not password_matches(user.password_hash, password):
        _count_failure(user, failures, "sign_in.failed")
        return _refused()
    if user.password_reset_required:
        _settle_success(user)
        audit.record("sign_in.failed", target=user, details={"reason": "reset_required"})
        send_reset_link(user)
        return _refused(RESET_REQUIRED_MESSAGE)
    changes = {"last_sign_in_at": utcnow()}
    if needs_rehash(user.password_hash):
        changes["password_hash"] = hash_password(password)
    if not _settle_success(user, **changes):
        audit.record("sign_in.failed", target=user, details={"reason": "locked"})
        return _refused()
    audit.record("sign_in.succeeded", actor=user, target=user)
    settle_email_change(user)  # a held email change whose time has come
    return Attempt(user=user)


def check_password(user: User, password: str, failure_event: str) -> bool:
    """A password asked for again while signed in (‘Edit and verify email’). It is counted
    before it is checked, like a sign-in; stage it in its own unit of work so a wrong one
    is kept."""
    taken = _take_attempt(User.id == user.id)
    if taken is None:
        audit.record(failure_event, target=user, details={"reason": "locked"})
        return False
    if password_matches(user.password_hash, password):
        return _settle_success(user)
    _count_failure(user, taken[1], failure_event)
    return False


def send_reset_link(user: User) -> None:
    """A password-reset link to the account's address (used after an unlock)."""
    lifetime = timedelta(minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])
    raw = tokens.issue(user, TokenPurpose.PASSWORD_RESET, lifetime, revoke_earlier=False)
    audit.record("password_reset.requested", target=user)
    send_email(user.email, "Reset your Learning Records Service password", "password_reset",
               link=portal_url(f"/reset-password/{raw}"),
               minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])


# Every request runs this query: the organisation and the roles joined in, not fetched after
# (the roles' own selectin load would be a second round trip), and the roles the
# organisation may grant as one text (their lazy load was a second query on every super
# user's page). Built once, not per request: building the statement cost a third of
# loading the user.
_GRANTABLE_NAMES = (select(func.coalesce(func.aggregate_strings(OrganisationRole.role, " "), ""))
                    .where(OrganisationRole.organisation_id == Organisation.id)
                    .scalar_subquery())
_USER_FOR_SESSION = select(User).options(
    joinedload(User.role_rows),
    joinedload(User.organisation).with_expression(Organisation.grantable_names,
                                                   _GRANTABLE_NAMES),
).where(User.session_token == bindparam("session_token"))


def user_for_session(session_token: str) -> User | None:
    """The user a session belongs to, if that session is still valid."""
    user = db.session.scalars(_USER_FOR_SESSION, {"session_token": session_token}
                              ).unique().one_or_none()
    if user is None or not user.can_sign_in:
        return None
    return user


def sign_out(user: User, reason: str = "user") -> None:
    """End the session on the server too: the session token changes, so a copy of the
    cookie is useless. This signs the user out of every browser at once."""
    _bookkeeping(user, session_token=new_session_token())
    audit.record("sign_out", actor=user, target=user, details={"reason": reason})
