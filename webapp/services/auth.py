"""Sign-in, lockout, first sign-in, forgotten password, email change and terms."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import TokenPurpose, User, UserStatus
from webapp.models.base import utcnow
from webapp.models.user import new_session_token
from webapp.rules import passwords as password_rules
from webapp.rules.accounts import normalise_email
from webapp.services import audit, tokens
from webapp.services.accounts import check_email_available, user_by_email, user_by_username
from webapp.services.errors import LinkNotValid, SignInRefused, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password, needs_rehash, password_matches


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
    db.session.commit()
    if just_locked:
        send_email(user.email, "Your Learning Records Service account is locked", "locked",
                   reset_link=portal_url("/forgotten-password"))


def authenticate(username: str, password: str) -> User:
    """The user, signed in; or SignInRefused with one generic message whatever the cause.

    Five consecutive failures lock the account; a locked account is refused even with
    the right password until its owner resets it. Every attempt is audited."""
    user = user_by_username(username) if username.strip() else None
    correct = password_matches(user.password_hash if user else None, password)

    if user is None:
        audit.record("sign_in.failed", details={
            "reason": "unknown_username",
            "username_fingerprint": _attempted_username_fingerprint(username)})
        db.session.commit()
        raise SignInRefused()

    if correct and user.can_sign_in:
        changes = {"failed_sign_ins": 0, "last_sign_in_at": utcnow()}
        if needs_rehash(user.password_hash):
            changes["password_hash"] = hash_password(password)
        _bookkeeping(user, **changes)
        audit.record("sign_in.succeeded", actor=user, target=user)
        db.session.commit()
        return user

    if user.status == UserStatus.ACTIVE.value and not user.locked:
        count_wrong_password(user, "sign_in.failed")
        raise SignInRefused()
    reason = "locked" if user.locked else f"status_{user.status.lower()}"
    audit.record("sign_in.failed", target=user, details={"reason": reason})
    db.session.commit()
    raise SignInRefused()


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
    db.session.commit()


def _check_new_password(user: User, password: str, confirm: str) -> None:
    if problem := password_rules.password_problem(
            password, is_super_user=user.is_super_user,
            username=user.username, email=user.email):
        raise ValidationFailed(problem, "password")
    if password != confirm:
        raise ValidationFailed("Passwords do not match: enter the same password twice",
                               "confirm_password")


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_sign_ins = 0
    user.locked = False
    user.rotate_session_token()  # every existing session of this user ends
    # Links requested before the change (perhaps by whoever knew the old password) die.
    tokens.revoke_all(user, TokenPurpose.EMAIL_VERIFICATION)
    tokens.revoke_all(user, TokenPurpose.PASSWORD_RESET)


# First sign-in ---------------------------------------------------------------------------

def registration_user(raw_token: str) -> User:
    return tokens.find_live(raw_token, TokenPurpose.REGISTRATION).user


def complete_registration(raw_token: str, username: str, password: str, confirm: str) -> User:
    """The ‘Change password’ screen reached from the welcome email."""
    token = tokens.find_live(raw_token, TokenPurpose.REGISTRATION)
    user = token.user
    if username.strip().lower() != user.username:
        raise ValidationFailed("Enter the username given in your welcome email", "username")
    _check_new_password(user, password, confirm)
    tokens.consume(token)
    before = audit.user_snapshot(user)
    _set_password(user, password)
    if user.status == UserStatus.INACTIVE.value:
        user.status = UserStatus.ACTIVE.value
    user.email_verified_at = utcnow()  # the link reached them at this address
    audit.record("user.registered", actor=user, target=user, before=before,
                 after=audit.user_snapshot(user))
    db.session.commit()
    return user


# Forgotten password ----------------------------------------------------------------------

def request_password_reset(username_or_email: str) -> None:
    """Send a reset link if, and only if, this names a real active account. The caller
    shows the same message either way."""
    identifier = username_or_email.strip()
    if not identifier:
        return
    user = user_by_email(identifier) if "@" in identifier else user_by_username(identifier)
    if user is None or user.status != UserStatus.ACTIVE.value:
        audit.record("password_reset.refused", details={
            "reason": "no_active_account" if user is None else f"status_{user.status.lower()}"},
            target=user)
        db.session.commit()
        return
    lifetime = timedelta(minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])
    raw = tokens.issue(user, TokenPurpose.PASSWORD_RESET, lifetime)
    audit.record("password_reset.requested", target=user)
    db.session.commit()
    send_email(user.email, "Reset your Learning Records Service password", "password_reset",
               link=portal_url(f"/reset-password/{raw}"),
               minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])


def reset_user(raw_token: str) -> User:
    return tokens.find_live(raw_token, TokenPurpose.PASSWORD_RESET).user


def reset_password(raw_token: str, password: str, confirm: str) -> User:
    """Set a new password from a reset link: clears a lockout and ends every session.
    It does not lift a suspension."""
    token = tokens.find_live(raw_token, TokenPurpose.PASSWORD_RESET)
    user = token.user
    if user.status != UserStatus.ACTIVE.value:
        raise LinkNotValid("This account cannot be reset. Contact your super user.", "status")
    _check_new_password(user, password, confirm)
    tokens.consume(token)
    was_locked = user.locked
    _set_password(user, password)
    audit.record("password.reset", actor=user, target=user,
                 before={"locked": was_locked}, after={"locked": False})
    db.session.commit()
    send_email(user.email, "Your Learning Records Service password was changed",
               "password_changed", reset_link=portal_url("/forgotten-password"))
    return user


# Email change ----------------------------------------------------------------------------

def request_email_change(user: User, email: str, confirm_email: str,
                         current_password: str) -> None:
    """‘Edit and verify email’: a verification link goes to the new address; the address
    changes only when it is followed."""
    if not password_matches(user.password_hash, current_password):
        count_wrong_password(user, "email_change.refused")
        raise ValidationFailed("Your current password is not right. Five wrong passwords in "
                               "a row lock your account.", "current_password")
    start_email_verification(user, email, confirm_email, actor=user)


def start_email_verification(user: User, email: str, confirm_email: str, *,
                             actor: User) -> None:
    """Send a verification link to the new address (the user's own request, or a super
    user's ‘Edit and verify email’); the old address is told, and nothing changes until
    the link is followed."""
    address = check_email_available(email, visible_to_organisation=actor.organisation_id)
    if address != normalise_email(confirm_email):
        raise ValidationFailed("Email addresses do not match: enter the same address twice",
                               "confirm_email")
    lifetime = timedelta(hours=current_app.config["EMAIL_VERIFICATION_LINK_HOURS"])
    raw = tokens.issue(user, TokenPurpose.EMAIL_VERIFICATION, lifetime, new_email=address)
    audit.record("email_change.requested", actor=actor, target=user,
                 details={"new_email": address})
    db.session.commit()
    send_email(address, "Verify your email address for the Learning Records Service",
               "verify_email", link=portal_url(f"/account/verify-email/{raw}"),
               hours=current_app.config["EMAIL_VERIFICATION_LINK_HOURS"])
    send_email(user.email, "Your Learning Records Service email address is being changed",
               "email_change_notice")


def email_change_user(raw_token: str) -> User:
    return tokens.find_live(raw_token, TokenPurpose.EMAIL_VERIFICATION).user


def verify_email_change(raw_token: str) -> User:
    """Follow the link: the new address becomes the account's, and the user is asked to
    accept the terms of the user agreement again."""
    token = tokens.find_live(raw_token, TokenPurpose.EMAIL_VERIFICATION)
    user = token.user
    check_email_available(token.new_email)
    tokens.consume(token)
    before = audit.user_snapshot(user)
    user.email = token.new_email
    user.email_verified_at = utcnow()
    user.terms_accepted_at = None
    audit.record("user.email_verified", actor=user, target=user, before=before,
                 after=audit.user_snapshot(user))
    db.session.commit()
    return user


def accept_terms(user: User) -> None:
    user.terms_accepted_at = utcnow()
    audit.record("terms.accepted", actor=user, target=user)
    db.session.commit()
