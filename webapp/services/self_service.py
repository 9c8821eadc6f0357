"""What people do for their own account: first sign-in from the welcome email, ‘I have
forgotten my password’, ‘Edit and verify email’ (also started by a super user for someone
else), and accepting the terms of the user agreement. Every link is single use and
expiring (services/tokens.py)."""

from datetime import timedelta

from flask import current_app

from webapp.models import TokenPurpose, User, UserStatus
from webapp.models.base import utcnow
from webapp.rules import passwords as password_rules
from webapp.rules.accounts import normalise_email
from webapp.services import audit, tokens
from webapp.services.errors import LinkNotValid, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password
from webapp.services.user_accounts import check_email_available, user_by_email, user_by_username


def _check_new_password(user: User, password: str, confirm: str) -> None:
    if problem := password_rules.password_problem(
            password, is_super_user=user.is_super_user,
            username=user.username, email=user.email):
        raise ValidationFailed(problems=[problem])
    if password != confirm:
        raise ValidationFailed("Passwords do not match: enter the same password twice",
                               "confirm_password", code="PASSWORDS_DIFFER")


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
        raise ValidationFailed("Enter the username given in your welcome email", "username",
                               code="WRONG_USERNAME")
    _check_new_password(user, password, confirm)
    tokens.consume(token)
    before = audit.user_snapshot(user)
    _set_password(user, password)
    if user.status == UserStatus.INACTIVE.value:
        user.status = UserStatus.ACTIVE.value
    user.email_verified_at = utcnow()  # the link reached them at this address
    audit.record("user.registered", actor=user, target=user, before=before,
                 after=audit.user_snapshot(user))
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
        return
    lifetime = timedelta(minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])
    raw = tokens.issue(user, TokenPurpose.PASSWORD_RESET, lifetime)
    audit.record("password_reset.requested", target=user)
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
    send_email(user.email, "Your Learning Records Service password was changed",
               "password_changed", reset_link=portal_url("/forgotten-password"))
    return user


# Email change ----------------------------------------------------------------------------

def wrong_current_password() -> ValidationFailed:
    return ValidationFailed("Your current password is not right. Five wrong passwords in a "
                            "row lock your account.", "current_password", code="WRONG_PASSWORD")


def request_email_change(user: User, email: str, confirm_email: str) -> None:
    """‘Edit and verify email’ by the user: the caller has checked their current password
    first (sign_in.check_password, in a unit of work of its own so a wrong one counts)."""
    start_email_verification(user, email, confirm_email, actor=user)


def start_email_verification(user: User, email: str, confirm_email: str, *,
                             actor: User) -> None:
    """Send a verification link to the new address (the user's own request, or a super
    user's ‘Edit and verify email’); the old address is told, and nothing changes until
    the link is followed."""
    address = check_email_available(email, visible_to_organisation=actor.organisation_id)
    if address != normalise_email(confirm_email):
        raise ValidationFailed("Email addresses do not match: enter the same address twice",
                               "confirm_email", code="EMAILS_DIFFER")
    lifetime = timedelta(hours=current_app.config["EMAIL_VERIFICATION_LINK_HOURS"])
    raw = tokens.issue(user, TokenPurpose.EMAIL_VERIFICATION, lifetime, new_email=address)
    audit.record("email_change.requested", actor=actor, target=user,
                 details={"new_email": address})
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
    return user


def accept_terms(user: User) -> None:
    user.terms_accepted_at = utcnow()
    audit.record("terms.accepted", actor=user, target=user)
