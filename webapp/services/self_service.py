"""What people do for their own account: first sign-in from the welcome email, ‘I have
forgotten my password’, ‘Edit and verify email’ (also started by a super user or the
service desk for someone else), and accepting the terms of the user agreement. Every link
is single use and expiring (services/tokens.py).

An email change someone else started is held (issue 9): it takes effect only after the
new address is verified *and* the old address has had a notice with a link to stop it for
EMAIL_CHANGE_HOLD_HOURS, or when the owner confirms it while signed in."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import OneTimeToken, TokenPurpose, User, UserStatus
from webapp.models.base import utcnow
from webapp.rules import passwords as password_rules
from webapp.rules.accounts import email_problem, normalise_email
from webapp.rules.problems import Problem
from webapp.services import audit, tokens
from webapp.services.errors import LinkNotValid, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password
from webapp.services.user_accounts import check_email_available, user_by_email, user_by_username


def new_password_problems(user: User, password: str, confirm: str) -> list[Problem]:
    """Every problem with a new password and its confirmation, at once."""
    problems = []
    if not password:
        problems.append(Problem("PASSWORD_REQUIRED", "Enter a new password", "password"))
    elif problem := password_rules.password_problem(
            password, is_super_user=user.is_super_user, username=user.username,
            email=user.email, names=(user.given_name, user.family_name),
            organisation=user.organisation.name,
            service=current_app.config["SERVICE_NAME"]):
        problems.append(problem)
    if not confirm:
        problems.append(Problem("CONFIRM_REQUIRED", "Confirm your new password",
                                "confirm_password"))
    elif password != confirm:
        problems.append(Problem("PASSWORDS_DIFFER", "Passwords do not match: enter the same "
                                                    "password twice", "confirm_password"))
    return problems


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_sign_ins = 0
    user.locked = False
    user.password_reset_required = False
    user.rotate_session_token()  # every existing session of this user ends
    # Links requested before the change (perhaps by whoever knew the old password) die.
    tokens.revoke_all(user, TokenPurpose.EMAIL_VERIFICATION)
    tokens.revoke_all(user, TokenPurpose.PASSWORD_RESET)


# First sign-in ---------------------------------------------------------------------------

def registration_user(raw_token: str) -> User:
    return tokens.find_live(raw_token, TokenPurpose.REGISTRATION).user


def complete_registration(raw_token: str, username: str, password: str, confirm: str) -> User:
    """The ‘Change password’ screen reached from the welcome email. Every problem with the
    form is reported at once."""
    token = tokens.find_live(raw_token, TokenPurpose.REGISTRATION)
    user = token.user
    problems = []
    if not username.strip():
        problems.append(Problem("USERNAME_REQUIRED", "Enter your username", "username"))
    elif username.strip().lower() != user.username:
        problems.append(Problem("WRONG_USERNAME", "Enter the username given in your welcome "
                                                  "email", "username"))
    problems += new_password_problems(user, password, confirm)
    if problems:
        raise ValidationFailed(problems=problems)
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
    shows the same message either way, and runs this off the request (the portal: in the
    background), so the answer takes as long for a real account as for none.

    An earlier link stays live: someone who types the owner's username cannot cancel the
    link the owner is about to follow. Every live link dies when one is used."""
    identifier = username_or_email.strip()
    if not identifier:
        return
    user = user_by_email(identifier) if "@" in identifier else user_by_username(identifier)
    if user is not None:
        settle_email_change(user)
    if user is None or user.status != UserStatus.ACTIVE.value:
        audit.record("password_reset.refused", details={
            "reason": "no_active_account" if user is None else f"status_{user.status.lower()}"},
            target=user)
        return
    lifetime = timedelta(minutes=current_app.config["PASSWORD_RESET_LINK_MINUTES"])
    raw = tokens.issue(user, TokenPurpose.PASSWORD_RESET, lifetime, revoke_earlier=False)
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
    if problems := new_password_problems(user, password, confirm):
        raise ValidationFailed(problems=problems)
    tokens.consume(token)
    was_locked = user.locked
    _set_password(user, password)
    audit.record("password.reset", actor=user, target=user,
                 before={"locked": was_locked}, after={"locked": False})
    send_email(user.email, "Your Learning Records Service password was changed",
               "password_changed", reset_link=portal_url("/forgotten-password"))
    return user


# Email change ----------------------------------------------------------------------------

def wrong_current_password() -> Problem:
    return Problem("WRONG_PASSWORD", "Your current password is not right. Five wrong "
                                     "passwords in a row lock your account.", "current_password")


def email_change_problems(email: str, confirm_email: str) -> list[Problem]:
    """Every problem with a new address and its confirmation that can be seen without the
    database, at once."""
    problems = []
    if problem := email_problem(email, "email"):
        problems.append(problem)
    if not confirm_email.strip():
        problems.append(Problem("CONFIRM_EMAIL_REQUIRED", "Enter the new email address again",
                                "confirm_email"))
    elif normalise_email(email) != normalise_email(confirm_email):
        problems.append(Problem("EMAILS_DIFFER", "Email addresses do not match: enter the "
                                                 "same address twice", "confirm_email"))
    return problems


def request_email_change(user: User, email: str, confirm_email: str,
                         extra_problems: list[Problem] = ()) -> None:
    """‘Edit and verify email’ by the user: the caller has checked their current password
    first (sign_in.check_password, in a unit of work of its own so a wrong one counts) and
    passes its problem, if any, to be shown with the others."""
    start_email_verification(user, email, confirm_email, actor=user,
                             extra_problems=list(extra_problems))


def start_email_verification(user: User, email: str, confirm_email: str, *,
                             actor: User, extra_problems: list[Problem] = ()) -> None:
    """Send a verification link to the new address; the old address gets a notice with a
    link to stop the change. The owner's own change happens when the link is followed;
    anyone else's is held (see the module's docstring)."""
    problems = [*extra_problems, *email_change_problems(email, confirm_email)]
    if problems:
        raise ValidationFailed(problems=problems)
    address = check_email_available(email, visible_to_organisation=actor.organisation_id)
    if address == user.email:
        raise ValidationFailed("This is already the account's email address", "email",
                               code="SAME_EMAIL", value=address)
    hours = current_app.config["EMAIL_VERIFICATION_LINK_HOURS"]
    someone_else = actor.id != user.id
    raw = tokens.issue(user, TokenPurpose.EMAIL_VERIFICATION, timedelta(hours=hours),
                       new_email=address, requested_by=actor)
    tokens.revoke_all(user, TokenPurpose.EMAIL_CHANGE_STOP)
    hold = current_app.config["EMAIL_CHANGE_HOLD_HOURS"]
    stop = tokens.issue(user, TokenPurpose.EMAIL_CHANGE_STOP, timedelta(hours=hours + hold),
                        requested_by=actor)
    audit.record("email_change.requested", actor=actor, target=user,
                 details={"new_email": address, "started_by": actor.username,
                          "held": someone_else})
    send_email(address, "Verify your email address for the Learning Records Service",
               "verify_email", link=portal_url(f"/account/verify-email/{raw}"), hours=hours)
    send_email(user.email, "Your Learning Records Service email address is being changed",
               "email_change_notice", stop_link=portal_url(f"/account/stop-email-change/{stop}"),
               someone_else=someone_else, hold_hours=hold)


def email_change_user(raw_token: str) -> User:
    return tokens.find_live(raw_token, TokenPurpose.EMAIL_VERIFICATION).user


def verify_email_change(raw_token: str) -> tuple[User, bool]:
    """Follow the link: the new address becomes the account's at once when the owner asked
    for it (the user is then asked to accept the terms of the user agreement again), or
    after the hold when someone else did. Answers the user and whether it is held."""
    token = tokens.find_live(raw_token, TokenPurpose.EMAIL_VERIFICATION)
    user = token.user
    if user.status == UserStatus.DELETED.value:
        raise LinkNotValid("This account has been deleted.", "status")
    check_email_available(token.new_email)
    tokens.consume(token)
    if token.requested_by_id not in (None, user.id):
        now = utcnow()
        token.verified_at = now
        token.takes_effect_at = now + timedelta(hours=current_app.config["EMAIL_CHANGE_HOLD_HOURS"])
        audit.record("email_change.verified", target=user,
                     details={"new_email": token.new_email, "takes_effect_at":
                              token.takes_effect_at.isoformat(timespec="minutes"),
                              "started_by_id": token.requested_by_id})
        return user, True
    _apply_email_change(user, token, confirmed_by=user)
    return user, False


def _apply_email_change(user: User, token: OneTimeToken, confirmed_by: User | None) -> None:
    check_email_available(token.new_email)
    before = audit.user_snapshot(user)
    user.email = token.new_email
    user.email_verified_at = utcnow()
    user.terms_accepted_at = None
    token.takes_effect_at = None
    tokens.revoke_all(user, TokenPurpose.EMAIL_CHANGE_STOP)
    started_by = db.session.get(User, token.requested_by_id) if token.requested_by_id else None
    audit.record("user.email_verified", actor=confirmed_by, target=user, before=before,
                 after=audit.user_snapshot(user), details={
                     "started_by": started_by.username if started_by else user.username,
                     "confirmed_by": confirmed_by.username if confirmed_by else "hold ended"})


def pending_email_change(user: User) -> OneTimeToken | None:
    """The change someone else started, verified and waiting for its hold to end; or else
    the newest live verification link (not yet followed)."""
    now = utcnow()
    held = db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == TokenPurpose.EMAIL_VERIFICATION.value,
            OneTimeToken.takes_effect_at.is_not(None)).order_by(OneTimeToken.id.desc()))
    if held is not None:
        return held
    return db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == TokenPurpose.EMAIL_VERIFICATION.value,
            OneTimeToken.used_at.is_(None), OneTimeToken.expires_at > now)
        .order_by(OneTimeToken.id.desc()))


def settle_email_change(user: User) -> None:
    """Apply a held change whose hold has ended. Called wherever the account's address is
    about to matter (sign-in, reset, My account) and by `lrs settle-email-changes`."""
    if user.status == UserStatus.DELETED.value:
        return
    token = pending_email_change(user)
    if token is not None and token.takes_effect_at is not None \
            and token.takes_effect_at <= utcnow():
        _apply_email_change(user, token, confirmed_by=None)


def settle_all_email_changes() -> int:
    due = db.session.scalars(select(OneTimeToken).where(
        OneTimeToken.purpose == TokenPurpose.EMAIL_VERIFICATION.value,
        OneTimeToken.takes_effect_at <= utcnow())).all()
    for token in due:
        settle_email_change(token.user)
    return len(due)


def confirm_email_change(user: User) -> None:
    """The owner, signed in, confirms a held change someone else started."""
    token = pending_email_change(user)
    if token is None or token.takes_effect_at is None:
        raise ValidationFailed("There is no verified email change waiting for you to confirm",
                               code="NO_PENDING_CHANGE")
    _apply_email_change(user, token, confirmed_by=user)


def stop_email_change(user: User, *, raw_stop_token: str | None = None) -> None:
    """Stop every pending change of this account's address: from the link in the notice
    sent to the old address, or by the owner signed in."""
    if raw_stop_token is not None:
        tokens.consume(tokens.find_live(raw_stop_token, TokenPurpose.EMAIL_CHANGE_STOP))
    pending = pending_email_change(user)
    tokens.revoke_all(user, TokenPurpose.EMAIL_VERIFICATION)
    tokens.revoke_all(user, TokenPurpose.EMAIL_CHANGE_STOP)
    db.session.execute(
        update(OneTimeToken).where(OneTimeToken.user_id == user.id,
                                   OneTimeToken.takes_effect_at.is_not(None))
        .values(takes_effect_at=None), execution_options={"synchronize_session": False})
    audit.record("email_change.stopped", target=user, details={
        "new_email": pending.new_email if pending else None,
        "by": "link to the old address" if raw_stop_token else "owner signed in"})


def stop_token_user(raw_stop_token: str) -> User:
    return tokens.find_live(raw_stop_token, TokenPurpose.EMAIL_CHANGE_STOP).user


def accept_terms(user: User) -> None:
    user.terms_accepted_at = utcnow()
    audit.record("terms.accepted", actor=user, target=user)
