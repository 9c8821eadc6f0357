"""The service desk's side of user management: setting up organisations and their super
users, and stepping in when an organisation has no active super user left. Service desk
users see every organisation's users but no learner data."""

from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.rules.roles import AWARDING, PROVIDER, SERVICE_DESK_ROLE, SUPER_USER
from webapp.services import accounts
from webapp.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from webapp.services.users import UserDetails, active_super_user_count, create_in_organisation


def require_service_desk(actor: User) -> None:
    if not actor.has_role(SERVICE_DESK_ROLE):
        raise Forbidden("Only the service desk can do this")


@dataclass
class OrganisationSummary:
    organisation: Organisation
    users: int
    active_super_users: int


def list_organisations(actor: User) -> list[OrganisationSummary]:
    require_service_desk(actor)
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    user_counts = dict(db.session.execute(
        select(User.organisation_id, func.count(User.id)).group_by(User.organisation_id)).all())
    return [OrganisationSummary(org, user_counts.get(org.id, 0), active_super_user_count(org.id))
            for org in organisations]


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
        raise ValidationFailed("Select the roles this organisation may grant", "roles")
    try:
        return accounts.create_organisation(name, ukprn.strip(), kind, roles, actor=actor)
    except ValueError as error:  # a role the kind cannot grant (rules.roles.UnknownRole)
        raise ValidationFailed(str(error), "roles") from None


def create_super_user(actor: User, organisation_id: int, details: UserDetails,
                      email: str) -> User:
    """The first super user of an organisation, or a new one when all have left. While the
    organisation has an active super user, they create accounts, not the service desk."""
    organisation = get_organisation(actor, organisation_id)
    if organisation.kind not in (AWARDING, PROVIDER):
        raise Forbidden("The service desk creates super users for awarding organisations and "
                        "learning providers only")
    if SUPER_USER not in organisation.grantable_roles:
        raise Conflict("This organisation may not grant the super user role")
    if active_super_user_count(organisation.id) > 0:
        raise Conflict("This organisation has an active super user, who creates its accounts.")
    if SUPER_USER not in details.roles:
        details.roles = [SUPER_USER, *details.roles]
    return create_in_organisation(organisation, actor, details, email)

