"""Organisations: creating them (the service desk, the CLI, demo data) and finding them."""

from sqlalchemy import func, select, update

from webapp.extensions import db
from webapp.models import Organisation, OrganisationRole, User, UserRole, UserStatus
from webapp.rules import accounts as account_rules
from webapp.rules.problems import RuleBroken
from webapp.rules.roles import KIND_LABELS, ORGANISATION_KINDS, SUPER_USER, grantable_roles
from webapp.services import audit
from webapp.services.errors import AlreadyExists, NotFound, ValidationFailed


def create_organisation(name: str, ukprn: str, kind: str,
                        roles: list[str] | None = None, actor: User | None = None) -> Organisation:
    name, ukprn = name.strip(), ukprn.strip()
    if not name:
        raise ValidationFailed("Enter the organisation's name", "name", code="NAME_REQUIRED")
    if problem := account_rules.ukprn_problem(ukprn):
        raise ValidationFailed(problems=[problem])
    if kind not in ORGANISATION_KINDS:
        raise ValidationFailed(f"Kind ‘{kind}’ is not known", "kind", code="UNKNOWN_KIND",
                               value=kind, fix="Choose one of: " + ", ".join(
                                   KIND_LABELS[name] for name in ORGANISATION_KINDS))
    try:
        allowed = grantable_roles(kind, roles)
    except RuleBroken as broken:
        raise ValidationFailed.from_rule(broken) from None
    if db.session.scalar(select(Organisation.id).where(Organisation.ukprn == ukprn)):
        raise AlreadyExists(f"An organisation with UKPRN {ukprn} already exists", "ukprn",
                            code="UKPRN_TAKEN", value=ukprn)
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
    return organisation


def organisation_by_ukprn(ukprn: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.ukprn == ukprn))
    if organisation is None:
        raise NotFound(f"No organisation has UKPRN {ukprn}", "ukprn", value=ukprn)
    return organisation


def active_super_user_count(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation_id,
            User.status == UserStatus.ACTIVE.value,
            User.id.in_(select(UserRole.user_id).where(UserRole.role == SUPER_USER))))


def lock_for_super_user_count(organisation_id: int) -> None:
    """Take the organisation's row lock before counting its super users, so two changes
    that each remove one are counted one after the other, not both against the old count.
    (A no-op UPDATE: PostgreSQL locks the row; SQLite takes its write lock.)"""
    db.session.execute(update(Organisation).where(Organisation.id == organisation_id)
                       .values(id=Organisation.id))
