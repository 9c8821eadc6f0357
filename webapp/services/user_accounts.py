"""User accounts as records: creating one (for User Management, the service desk, the CLI
and demo data), finding one, and the welcome email with its registration link. Who may
create whom is decided by the callers (user_management, service_desk)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Organisation, TokenPurpose, User, UserRole, UserStatus
from webapp.models.base import utcnow
from webapp.rules import accounts as account_rules
from webapp.rules import passwords as password_rules
from webapp.rules.problems import Problem
from webapp.rules.roles import SUPER_USER, role_label
from webapp.services import audit, tokens
from webapp.services.errors import AlreadyExists, Conflict, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password


def user_by_username(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def user_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.email == account_rules.normalise_email(email))
    )


def check_email_available(email: str, field: str = "email",
                          visible_to_organisation: int | None = None) -> str:
    """The normalised address, or ValidationFailed/AlreadyExists naming the field. The
    existing account is named only to its own organisation."""
    if problem := account_rules.email_problem(email, field):
        raise ValidationFailed(problems=[problem])
    address = account_rules.normalise_email(email)
    existing = user_by_email(address)
    if existing is not None:
        same_organisation = existing.organisation_id == visible_to_organisation
        raise AlreadyExists(
            "This email address is already used by another account: enter a different one",
            field, code="EMAIL_TAKEN", value=address,
            existing_id=existing.id if same_organisation else None,
        )
    return address


def _free_username(given_name: str, family_name: str) -> str:
    base = account_rules.username_base(given_name, family_name)
    taken = set(db.session.scalars(
        select(User.username).where(User.username.like(f"{base}%"))
    ))
    return next(name for name in account_rules.username_candidates(base) if name not in taken)


@dataclass
class NewUser:
    given_name: str
    family_name: str
    email: str
    roles: list[str]
    title: str | None = None
    landline: str | None = None
    mobile: str | None = None
    staff_reference: str | None = None
    verification_provided: str | None = None


def _check_new_user(organisation: Organisation, details: NewUser, password: str | None) -> str:
    problems = []
    for name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        if problem := account_rules.name_problem(getattr(details, name), label, name):
            problems.append(problem)
    if not details.roles:
        problems.append(Problem("ROLES_REQUIRED", "Select at least one role", "roles"))
    not_grantable = sorted(set(details.roles) - organisation.grantable_roles)
    if not_grantable:
        labels = ", ".join(role_label(name) for name in not_grantable)
        problems.append(Problem("ROLE_NOT_GRANTABLE", f"This organisation cannot grant: {labels}",
                                "roles", ", ".join(not_grantable)))
    if problems:
        raise ValidationFailed(problems=problems)
    email = check_email_available(details.email, visible_to_organisation=organisation.id)
    if password is not None and (problem := password_rules.password_problem(
            password, is_super_user=SUPER_USER in details.roles, email=email,
            names=(details.given_name, details.family_name),
            username=account_rules.username_base(details.given_name, details.family_name),
            organisation=organisation.name)):
        raise ValidationFailed(problems=[problem])
    return email


def create_user(organisation: Organisation, details: NewUser, *, actor: User | None = None,
                password: str | None = None) -> User:
    """Stage a new account. With a password it is active at once (CLI and demo data);
    without one it is Inactive and a welcome email carries the registration link."""
    email = _check_new_user(organisation, details, password)
    given, family = details.given_name.strip(), details.family_name.strip()
    user = User(
        organisation=organisation, username=_free_username(given, family),
        title=details.title, given_name=given, family_name=family, email=email,
        landline=details.landline, mobile=details.mobile,
        staff_reference=details.staff_reference,
        verification_provided=details.verification_provided,
        role_rows=[UserRole(role=role) for role in sorted(set(details.roles))],
        status=UserStatus.INACTIVE.value,
    )
    if password is not None:
        user.password_hash = hash_password(password)
        user.status = UserStatus.ACTIVE.value
        user.password_changed_at = user.email_verified_at = utcnow()
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request took the same username or address in the moment between the
        # check and this insert; the caller's unit of work rolls everything back.
        raise Conflict("Another account with the same username or email address was saved "
                       "at the same moment. Try again.", "email", code="SAVED_MEANWHILE",
                       value=email) from None

    audit.record("user.created", actor=actor, target=user, after=audit.user_snapshot(user))
    if password is None:
        send_welcome_email(user)
    return user


def send_welcome_email(user: User) -> None:
    """A new registration link (the previous one stops working), by email after commit."""
    lifetime = timedelta(hours=current_app.config["REGISTRATION_LINK_HOURS"])
    raw_token = tokens.issue(user, TokenPurpose.REGISTRATION, lifetime)
    send_email(
        user.email, "Complete your Learning Records Service registration", "welcome",
        username=user.username, organisation=user.organisation.name,
        link=portal_url(f"/register/{raw_token}"),
        hours=current_app.config["REGISTRATION_LINK_HOURS"],
    )


def generate_password() -> str:
    """A random password for demo and CLI accounts: four groups, easy to type."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(4))
