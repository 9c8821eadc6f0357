"""Organisations and user accounts: creation, shared by the CLI, demo data and (later)
User Management."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Organisation, OrganisationRole, TokenPurpose, User, UserRole, UserStatus
from webapp.models.base import utcnow
from webapp.rules import accounts as account_rules
from webapp.rules import passwords as password_rules
from webapp.rules.roles import ORGANISATION_KINDS, ROLES, SUPER_USER, grantable_roles
from webapp.services import audit, tokens
from webapp.services.errors import AlreadyExists, NotFound, ValidationFailed
from webapp.services.mailer import portal_url, send_email
from webapp.services.passwords import hash_password


def create_organisation(name: str, ukprn: str, kind: str,
                        roles: list[str] | None = None, actor: User | None = None) -> Organisation:
    name = name.strip()
    if not name:
        raise ValidationFailed("Enter the organisation's name", "name")
    if problem := account_rules.ukprn_problem(ukprn):
        raise ValidationFailed(problem, "ukprn")
    if kind not in ORGANISATION_KINDS:
        raise ValidationFailed(
            f"Kind ‘{kind}’ is not known: use one of {', '.join(ORGANISATION_KINDS)}", "kind")
    allowed = grantable_roles(kind, roles)
    if db.session.scalar(select(Organisation).where(Organisation.ukprn == ukprn)):
        raise AlreadyExists(f"An organisation with UKPRN {ukprn} already exists", "ukprn")
    organisation = Organisation(
        name=name, ukprn=ukprn, kind=kind,
        grantable=[OrganisationRole(role=role) for role in allowed],
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation.created", actor=actor, organisation_id=organisation.id,
        target_type="organisation", target_id=ukprn,
        after={"name": name, "ukprn": ukprn, "kind": kind, "roles": allowed},
    )
    db.session.commit()
    return organisation


def organisation_by_ukprn(ukprn: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.ukprn == ukprn))
    if organisation is None:
        raise NotFound(f"No organisation has UKPRN {ukprn}", "ukprn")
    return organisation


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
    if problem := account_rules.email_problem(email):
        raise ValidationFailed(problem, field)
    address = account_rules.normalise_email(email)
    existing = user_by_email(address)
    if existing is not None:
        same_organisation = existing.organisation_id == visible_to_organisation
        raise AlreadyExists(
            "This email address is already used by another account: enter a different one",
            field, existing_id=existing.id if same_organisation else None,
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


def create_user(organisation: Organisation, details: NewUser, *, actor: User | None = None,
                password: str | None = None) -> User:
    """Create an account. With a password it is active at once (CLI and demo data);
    without one it is Inactive and a welcome email carries the registration link."""
    given, family = details.given_name.strip(), details.family_name.strip()
    if not given:
        raise ValidationFailed("Enter a given name", "given_name")
    if not family:
        raise ValidationFailed("Enter a family name", "family_name")
    if not details.roles:
        raise ValidationFailed("Select at least one role", "roles")
    not_grantable = sorted(set(details.roles) - organisation.grantable_roles)
    if not_grantable:
        labels = ", ".join(ROLES[name].label if name in ROLES else name for name in not_grantable)
        raise ValidationFailed(f"This organisation cannot grant: {labels}", "roles")
    email = check_email_available(details.email, visible_to_organisation=organisation.id)
    if password is not None and (problem := password_rules.password_problem(
            password, is_super_user=SUPER_USER in details.roles, email=email)):
        raise ValidationFailed(problem, "password")

    for _attempt in range(3):  # another request may take the same username at once
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
            break
        except IntegrityError:
            db.session.rollback()
            check_email_available(email)
    else:
        raise AlreadyExists("Could not choose a free username: try again", "given_name")

    audit.record("user.created", actor=actor, target=user, after=audit.user_snapshot(user))
    raw_token = None
    if password is None:
        raw_token = _registration_token(user)
    db.session.commit()
    if raw_token:
        send_welcome_email(user, raw_token)
    return user


def _registration_token(user: User) -> str:
    lifetime = timedelta(hours=current_app.config["REGISTRATION_LINK_HOURS"])
    return tokens.issue(user, TokenPurpose.REGISTRATION, lifetime)


def send_welcome_email(user: User, raw_token: str) -> None:
    send_email(
        user.email, "Complete your Learning Records Service registration", "welcome",
        username=user.username, organisation=user.organisation.name,
        link=portal_url(f"/register/{raw_token}"),
        hours=current_app.config["REGISTRATION_LINK_HOURS"],
    )


def generate_password() -> str:
    """A random password for demo and CLI accounts: four groups, easy to type."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(4))
