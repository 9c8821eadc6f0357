"""User Management (guide section 5): what a super user does to their organisation's
accounts, and what the service desk may see. Every function takes the acting user and
checks role and organisation itself, whichever channel calls it."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from webapp.extensions import db
from webapp.models import AuditEvent, Organisation, TokenPurpose, User, UserRole, UserStatus
from webapp.rules import accounts as account_rules
from webapp.rules.roles import ROLES, SERVICE_DESK_ROLE, SUPER_USER
from webapp.services import accounts, audit, auth, tokens
from webapp.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

PER_PAGE = 25
REASON_MAX = 200
RECOMMENDED_SUPER_USERS = (3, 5)


# --- who may do what ------------------------------------------------------------------------

def require_super_user(actor: User) -> None:
    if not actor.has_role(SUPER_USER):
        raise Forbidden("Only super users can manage users")


def is_service_desk(actor: User) -> bool:
    return actor.has_role(SERVICE_DESK_ROLE)


def visible_user(actor: User, user_id: int) -> User:
    """A user the actor may see: their own organisation's (super users), any (service
    desk). Another organisation's user is reported as not found, never as forbidden."""
    if not (actor.has_role(SUPER_USER) or is_service_desk(actor)):
        raise Forbidden("Only super users can manage users")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    if is_service_desk(actor) or user.organisation_id == actor.organisation_id:
        return user
    raise NotFound("No such user")


def managed_user(actor: User, user_id: int) -> User:
    """A user the actor may change: a super user's own organisation only."""
    require_super_user(actor)
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != actor.organisation_id:
        raise NotFound("No such user")
    return user


# --- finding users --------------------------------------------------------------------------

@dataclass
class UserSearch:
    """‘Find user’. Blank names and no roles (or every role) match everyone."""

    given_name: str = ""
    family_name: str = ""
    username: str = ""
    status: str = UserStatus.ACTIVE.value
    roles: list[str] = field(default_factory=list)


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def _contains(column, text: str) -> ColumnElement[bool]:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _search_statement(organisation_id: int, criteria: UserSearch):
    statement = select(User).where(User.organisation_id == organisation_id)
    if criteria.given_name.strip():
        statement = statement.where(_contains(User.given_name, criteria.given_name))
    if criteria.family_name.strip():
        statement = statement.where(_contains(User.family_name, criteria.family_name))
    if criteria.username.strip():
        statement = statement.where(_contains(User.username, criteria.username))
    if criteria.status:
        statement = statement.where(User.status == criteria.status)
    if criteria.roles and set(criteria.roles) != set(ROLES):
        statement = statement.where(User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_(criteria.roles))))
    return statement


def _organisation_scope(actor: User, organisation_id: int | None) -> int:
    """Super users search their own organisation; the service desk any organisation."""
    if is_service_desk(actor):
        return organisation_id or actor.organisation_id
    require_super_user(actor)
    if organisation_id not in (None, actor.organisation_id):
        raise NotFound("No such organisation")
    return actor.organisation_id


def find_users(actor: User, criteria: UserSearch, page: int = 1,
               organisation_id: int | None = None) -> Page:
    scope = _organisation_scope(actor, organisation_id)
    statement = _search_statement(scope, criteria)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    number = min(max(1, page), max(1, ceil(total / PER_PAGE)))
    items = list(db.session.scalars(
        statement.order_by(func.lower(User.family_name), func.lower(User.given_name),
                           User.username)
        .limit(PER_PAGE).offset((number - 1) * PER_PAGE)))
    return Page(items=items, number=number, per_page=PER_PAGE, total=total)


def users_for_export(actor: User, criteria: UserSearch) -> list[User]:
    """Every match, for the housekeeping download. The download itself is audited."""
    require_super_user(actor)
    users = list(db.session.scalars(
        _search_statement(actor.organisation_id, criteria)
        .order_by(func.lower(User.family_name), func.lower(User.given_name), User.username)))
    audit.record("users.exported", actor=actor,
                 details={"count": len(users), "status": criteria.status})
    db.session.commit()
    return users


def active_super_user_count(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation_id,
            User.status == UserStatus.ACTIVE.value,
            User.id.in_(select(UserRole.user_id).where(UserRole.role == SUPER_USER))))


def super_user_advice(count: int) -> str | None:
    low, high = RECOMMENDED_SUPER_USERS
    if count < low:
        return (f"Your organisation has {count} active super user{'s' if count != 1 else ''}. "
                f"We strongly recommend at least {low}, so someone can always manage users.")
    if count > high:
        return (f"Your organisation has {count} active super users. We recommend no more "
                f"than {high}: remove the super user role from anyone who does not need it.")
    return None


# --- creating and editing ----------------------------------------------------------------------

@dataclass
class UserDetails:
    """The fields of ‘Create user’ and ‘Edit user’ (email is changed by verification)."""

    title: str
    given_name: str
    family_name: str
    landline: str
    mobile: str
    staff_reference: str
    verification_provided: str
    roles: list[str]


def _check_details(details: UserDetails, organisation: Organisation) -> None:
    for name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        if problem := account_rules.name_problem(getattr(details, name), label):
            raise ValidationFailed(problem, name)
    for name, label in (("landline", "Landline number"), ("mobile", "Mobile number")):
        if problem := account_rules.phone_problem(getattr(details, name), label):
            raise ValidationFailed(problem, name)
    if not details.verification_provided.strip():
        raise ValidationFailed(
            "Enter the verification provided, for example a staff ID or work email address",
            "verification_provided")
    if len(details.verification_provided.strip()) > REASON_MAX:
        raise ValidationFailed(f"Verification provided must be {REASON_MAX} characters or "
                               "fewer", "verification_provided")
    if not details.roles:
        raise ValidationFailed("Select at least one role", "roles")
    outside = sorted(set(details.roles) - organisation.grantable_roles)
    if outside:
        raise ValidationFailed("Your organisation cannot grant: " + ", ".join(
            ROLES[name].label if name in ROLES else name for name in outside), "roles")


def _blank_to_none(value: str) -> str | None:
    return value.strip() or None


def create_user(actor: User, details: UserDetails, email: str) -> User:
    """‘Create User’: a new Inactive account in the actor's organisation, with the welcome
    email carrying the registration link."""
    require_super_user(actor)
    return create_in_organisation(actor.organisation, actor, details, email)


def create_in_organisation(organisation: Organisation, actor: User, details: UserDetails,
                           email: str) -> User:
    _check_details(details, organisation)
    return accounts.create_user(organisation, accounts.NewUser(
        given_name=details.given_name, family_name=details.family_name, email=email,
        roles=details.roles, title=_blank_to_none(details.title),
        landline=_blank_to_none(details.landline), mobile=_blank_to_none(details.mobile),
        staff_reference=_blank_to_none(details.staff_reference),
        verification_provided=details.verification_provided.strip(),
    ), actor=actor)


def _refuse_losing_last_super_user(user: User, message: str, field_name: str | None = None):
    """Called before a change that would take this user out of the active super users.
    The organisation row is locked first, so two super users removing each other at the
    same moment are counted one after the other, not both against the old count."""
    if not (user.has_role(SUPER_USER) and user.status == UserStatus.ACTIVE.value):
        return
    try:
        db.session.execute(update(Organisation).where(Organisation.id == user.organisation_id)
                           .values(id=Organisation.id))
    except OperationalError:  # SQLite gave up waiting for the other change
        db.session.rollback()
        raise Conflict("Another change to your organisation's super users is being saved. "
                       "Try again.") from None
    if active_super_user_count(user.organisation_id) <= 1:
        raise Conflict(message, field_name)


def _commit_guarded() -> None:
    """Commit; if another request changed the same user first, say so plainly."""
    try:
        db.session.commit()
    except (StaleDataError, OperationalError):  # OperationalError: SQLite's lock timed out
        db.session.rollback()
        raise Conflict("Someone else changed this user while you were working. Nothing was "
                       "saved: check the details and try again.") from None


def update_user(actor: User, user_id: int, details: UserDetails, expected_version: int) -> User:
    """‘Edit user’. A super user may change their own roles, but the organisation always
    keeps at least one active super user."""
    user = managed_user(actor, user_id)
    if expected_version != user.version:
        raise Conflict("Someone else changed this user while you were editing. Nothing was "
                       "saved: check the details below and make your changes again.")
    _check_details(details, user.organisation)
    if SUPER_USER not in details.roles:
        _refuse_losing_last_super_user(
            user, "This is your organisation's last active super user: give the super user "
                  "role to someone else first.", "roles")
    before = audit.user_snapshot(user)
    user.title = _blank_to_none(details.title)
    user.given_name = details.given_name.strip()
    user.family_name = details.family_name.strip()
    user.landline = _blank_to_none(details.landline)
    user.mobile = _blank_to_none(details.mobile)
    user.staff_reference = _blank_to_none(details.staff_reference)
    user.verification_provided = details.verification_provided.strip()
    wanted = set(details.roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - user.roles)]
    after = audit.user_snapshot(user)
    if after != before:
        audit.record("user.updated", actor=actor, target=user, before=before, after=after)
    _commit_guarded()
    return user


def change_email(actor: User, user_id: int, email: str, confirm_email: str) -> None:
    """‘Edit and verify email’ by a super user: the verification goes to the new address."""
    user = managed_user(actor, user_id)
    if user.status == UserStatus.DELETED.value:
        raise Conflict("A deleted account's email cannot be changed")
    auth.start_email_verification(user, email, confirm_email, actor=actor)


def resend_welcome_email(actor: User, user_id: int) -> User:
    """‘Resend Welcome Email’: a new registration link; the old one stops working."""
    user = managed_user(actor, user_id)
    if user.status == UserStatus.ACTIVE.value:
        raise Conflict("This user has already completed registration. If they have forgotten "
                       "their password, they can use ‘I have forgotten my password’.")
    if user.status != UserStatus.INACTIVE.value:
        raise Conflict(f"This user is {user.status.lower()}: reinstate them before sending a "
                       "welcome email.")
    lifetime = timedelta(hours=current_app.config["REGISTRATION_LINK_HOURS"])
    raw = tokens.issue(user, TokenPurpose.REGISTRATION, lifetime)
    audit.record("user.welcome_resent", actor=actor, target=user)
    db.session.commit()
    accounts.send_welcome_email(user, raw)
    return user


# --- suspend, reinstate, unlock, delete ------------------------------------------------------

def _change_status(actor: User, user: User, event: str, status: str,
                   details: dict | None = None) -> User:
    before = audit.user_snapshot(user)
    user.status = status
    if status != UserStatus.ACTIVE.value:
        user.rotate_session_token()  # their sessions end at their next request
    audit.record(event, actor=actor, target=user, before=before,
                 after=audit.user_snapshot(user), details=details)
    _commit_guarded()
    return user


def _refuse_self(actor: User, user: User, action: str) -> None:
    if actor.id == user.id:
        raise Conflict(f"You cannot {action} your own account. Ask another super user.")


def suspend_user(actor: User, user_id: int, reason: str) -> User:
    user = managed_user(actor, user_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Enter the reason for suspending this user", "reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Reason must be {REASON_MAX} characters or fewer", "reason")
    _refuse_self(actor, user, "suspend")
    if user.status not in (UserStatus.ACTIVE.value, UserStatus.INACTIVE.value):
        raise Conflict(f"This user is {user.status.lower()}, so cannot be suspended")
    _refuse_losing_last_super_user(
        user, "This is your organisation's last active super user, so cannot be suspended.")
    return _change_status(actor, user, "user.suspended", UserStatus.SUSPENDED.value,
                          {"reason": reason})


def reinstate_user(actor: User, user_id: int) -> User:
    """Status back to Active. The service desk may do it only for a super user of an
    organisation that has no active super user left (guide 5.5)."""
    if is_service_desk(actor) and not actor.has_role(SUPER_USER):
        user = visible_user(actor, user_id)
        if not user.has_role(SUPER_USER):
            raise Forbidden("The service desk reinstates super users only")
        if active_super_user_count(user.organisation_id) > 0:
            raise Conflict("This organisation has an active super user, who can reinstate "
                           "accounts.")
    else:
        user = managed_user(actor, user_id)
    if user.status != UserStatus.SUSPENDED.value:
        raise Conflict(f"This user is {user.status.lower()}, not suspended")
    status = UserStatus.ACTIVE.value if user.password_hash else UserStatus.INACTIVE.value
    return _change_status(actor, user, "user.reinstated", status)


def unlock_user(actor: User, user_id: int) -> User:
    """Clear a lockout after five failed sign-ins, having checked who is asking."""
    user = managed_user(actor, user_id)
    if not user.locked:
        raise Conflict("This account is not locked")
    before = audit.user_snapshot(user)
    user.locked = False
    user.failed_sign_ins = 0
    audit.record("user.unlocked", actor=actor, target=user, before=before,
                 after=audit.user_snapshot(user))
    _commit_guarded()
    return user


def delete_user(actor: User, user_id: int) -> User:
    """‘Confirm delete’: the account can no longer sign in, keeps its history, and its
    username is never given to anyone else."""
    user = managed_user(actor, user_id)
    _refuse_self(actor, user, "delete")
    if user.status == UserStatus.DELETED.value:
        raise Conflict("This user has already been deleted")
    _refuse_losing_last_super_user(
        user, "This is your organisation's last active super user, so cannot be deleted.")
    for purpose in TokenPurpose:
        tokens.revoke_all(user, purpose)
    return _change_status(actor, user, "user.deleted", UserStatus.DELETED.value)


# --- user activity ---------------------------------------------------------------------------

@dataclass
class ActivityFilter:
    username: str = ""
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class ActivityRow:
    event: AuditEvent
    actor_username: str | None
    target_username: str | None


def _activity_statement(organisation_id: int, filters: ActivityFilter):
    statement = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if filters.username.strip():
        ids = [str(uid) for uid in db.session.scalars(select(User.id).where(
            User.organisation_id == organisation_id,
            func.lower(User.username) == filters.username.strip().lower()))]
        statement = statement.where(or_(
            AuditEvent.actor_user_id.in_([int(uid) for uid in ids]),
            (AuditEvent.target_type == "user") & AuditEvent.target_id.in_(ids)))
    if filters.event:
        statement = statement.where(AuditEvent.event == filters.event)
    if filters.date_from:
        statement = statement.where(
            AuditEvent.occurred_at >= datetime.combine(filters.date_from, time.min, UTC))
    if filters.date_to:
        statement = statement.where(AuditEvent.occurred_at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, UTC))
    return statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _with_usernames(events: list[AuditEvent]) -> list[ActivityRow]:
    ids = {e.actor_user_id for e in events if e.actor_user_id} | {
        int(e.target_id) for e in events if e.target_type == "user" and e.target_id
        and e.target_id.isdigit()}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return [ActivityRow(
        event=e, actor_username=names.get(e.actor_user_id),
        target_username=names.get(int(e.target_id)) if e.target_type == "user" and (
            e.target_id or "").isdigit() else None,
    ) for e in events]


def activity(actor: User, filters: ActivityFilter, page: int = 1) -> Page:
    require_super_user(actor)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed("The ‘from’ date must be on or before the ‘to’ date",
                               "date_from")
    statement = _activity_statement(actor.organisation_id, filters)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    number = min(max(1, page), max(1, ceil(total / PER_PAGE)))
    events = list(db.session.scalars(statement.limit(PER_PAGE).offset((number - 1) * PER_PAGE)))
    return Page(items=_with_usernames(events), number=number, per_page=PER_PAGE, total=total)


def activity_for_export(actor: User, filters: ActivityFilter) -> list[ActivityRow]:
    require_super_user(actor)
    events = list(db.session.scalars(_activity_statement(actor.organisation_id, filters)))
    return _with_usernames(events)


def activity_event_names(actor: User) -> list[str]:
    require_super_user(actor)
    return sorted(db.session.scalars(select(AuditEvent.event).distinct().where(
        AuditEvent.organisation_id == actor.organisation_id)))


def verification_volumes(actor: User, hours: int = 24) -> list[tuple[str, int]]:
    """Single verifications per user of the organisation in the last `hours`, busiest first:
    an unusual volume stands out on the User activity page."""
    require_super_user(actor)
    since = datetime.now(UTC) - timedelta(hours=hours)
    rows = db.session.execute(
        select(User.username, func.count(AuditEvent.id))
        .join(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.organisation_id == actor.organisation_id,
               AuditEvent.event == "learner.verified", AuditEvent.occurred_at >= since)
        .group_by(User.username)
        .order_by(func.count(AuditEvent.id).desc(), User.username))
    return [(username, count) for username, count in rows]
