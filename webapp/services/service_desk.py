"""The service desk's side of user management: setting up organisations and their super
users, and stepping in when an organisation has no active super user left. Service desk
users see every organisation's users but no learner data."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.rules.accounts import email_domain
from webapp.rules.permissions import Area, service_desk_super_user_problems
from webapp.rules.roles import AWARDING, PROVIDER, SUPER_USER
from webapp.services import organisations
from webapp.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from webapp.services.user_management import UserDetails, create_in_organisation, require_area


def require_service_desk(actor: User) -> None:
    require_area(actor, Area.SERVICE_DESK)


@dataclass
class OrganisationSummary:
    organisation: Organisation
    users: int
    active_super_users: int


def list_organisations(actor: User) -> list[OrganisationSummary]:
    require_service_desk(actor)
    found = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    user_counts = dict(db.session.execute(
        select(User.organisation_id, func.count(User.id)).group_by(User.organisation_id)).all())
    return [OrganisationSummary(org, user_counts.get(org.id, 0),
                                organisations.active_super_user_count(org.id))
            for org in found]


def get_organisation(actor: User, organisation_id: int) -> Organisation:
    require_service_desk(actor)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    return organisation


def create_organisation(actor: User, name: str, ukprn: str, kind: str,
                        roles: list[str]) -> Organisation:
    require_service_desk(actor)
    if not roles:
        raise ValidationFailed("Select the roles this organisation may grant", "roles",
                               code="ROLES_REQUIRED")
    return organisations.create_organisation(name, ukprn, kind, roles, actor=actor)


def create_super_user(actor: User, organisation_id: int, details: UserDetails,
                      email: str) -> User:
    """The first super user of an organisation, or a new one when all have left. While the
    organisation has an active super user, they create accounts, not the service desk."""
    organisation = get_organisation(actor, organisation_id)
    if organisation.kind not in (AWARDING, PROVIDER):
        raise Forbidden("The service desk creates super users for awarding organisations and "
                        "learning providers only")
    if SUPER_USER not in organisation.grantable_roles:
        raise Conflict("This organisation may not grant the super user role",
                       code="NO_SUPER_USER_ROLE")
    if organisations.active_super_user_count(organisation.id) > 0:
        raise Conflict("This organisation has an active super user, who creates its accounts.",
                       code="HAS_SUPER_USER")
    if SUPER_USER not in details.roles:
        details.roles = [SUPER_USER, *details.roles]
    desk_domains = {email_domain(actor.email),
                    email_domain(current_app.config["SERVICE_DESK_EMAIL"])}
    if problems := service_desk_super_user_problems(details.roles, email_domain(email),
                                                    desk_domains):
        raise ValidationFailed(problems=problems)
    return create_in_organisation(organisation, actor, details, email)
