"""User Management (guide section 5): what a super user does to their organisation's
accounts. Every function takes the acting user and asks rules/permissions.py itself,
whichever channel calls it; another organisation's account is reported as not found.

Functions stage their changes and audit rows; the caller's unit of work commits them."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEvent, Organisation, TokenPurpose, User, UserRole, UserStatus
from webapp.rules import accounts as account_rules
from webapp.rules import permissions
from webapp.rules.permissions import Area, Refusal, RefusalKind, UserAction
from webapp.rules.problems import Problem
from webapp.rules.roles import SUPER_USER, role_label
from webapp.services import audit, organisations, self_service, tokens, user_accounts
from webapp.services.errors import ChangedMeanwhile, Conflict, Forbidden, NotFound, ValidationFailed

REASON_MAX = 200
RECOMMENDED_SUPER_USERS = (3, 5)


# --- who may do what ------------------------------------------------------------------------

def require_area(actor: User, area: Area) -> None:
    if not permissions.may_use(actor, area):
        raise Forbidden(f"Your roles do not let you {permissions.AREAS[area].label}")


def raise_refusal(refusal: Refusal) -> None:
    error = {RefusalKind.NOT_FOUND: NotFound, RefusalKind.FORBIDDEN: Forbidden,
             RefusalKind.CONFLICT: Conflict}[refusal.kind]
    raise error(refusal.message, code=refusal.code)


def user_for(actor: User, action: UserAction, user_id: int) -> User:
    """The account, if the actor may do `action` to it now; otherwise the refusal, as
    NotFound (not theirs to see), Forbidden or Conflict (not in this state)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    if refusal := permissions.user_action_refusal(actor, action, user):
        raise_refusal(refusal)
    return user


def visible_user(actor: User, user_id: int) -> User:
    return user_for(actor, UserAction.VIEW, user_id)


def suspension_reason(actor: User, user: User) -> str | None:
    """Why a suspended account was suspended: the reason given at the latest suspension."""
    if user.status != UserStatus.SUSPENDED.value:
        return None
    user_for(actor, UserAction.VIEW, user.id)
    details = db.session.scalar(
        select(AuditEvent.details).where(AuditEvent.event == "user.suspended",
                                         AuditEvent.target_type == "user",
                                         AuditEvent.target_id == str(user.id))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(1))
    return (details or {}).get("reason")


def super_user_advice(count: int) -> str | None:
    low, high = RECOMMENDED_SUPER_USERS
    if count < low:
        return (f"We strongly recommend at least {low} active super users, so someone can "
                "always manage users.")
    if count > high:
        return (f"We recommend no more than {high} active super users: remove the super user "
                "role from anyone who does not need it.")
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


def _details_problems(details: UserDetails, organisation: Organisation) -> list[Problem]:
    """Every problem with the details at once, so the form shows them all together."""
    problems = []
    for name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        if problem := account_rules.name_problem(getattr(details, name), label, name):
            problems.append(problem)
    for name, label in (("landline", "Landline number"), ("mobile", "Mobile number")):
        if problem := account_rules.phone_problem(getattr(details, name), label, name):
            problems.append(problem)
    verification = details.verification_provided.strip()
    if not verification:
        problems.append(Problem(
            "VERIFICATION_REQUIRED", "Enter the verification provided, for example a staff ID "
            "or work email address", "verification_provided"))
    elif len(verification) > REASON_MAX:
        problems.append(Problem("TOO_LONG", f"Verification provided must be {REASON_MAX} "
                                            "characters or fewer", "verification_provided",
                                verification))
    if not details.roles:
        problems.append(Problem("ROLES_REQUIRED", "Select at least one role", "roles"))
    outside = sorted(set(details.roles) - organisation.grantable_roles)
    if outside:
        problems.append(Problem("ROLE_NOT_GRANTABLE", "Your organisation cannot grant: "
                                + ", ".join(role_label(name) for name in outside), "roles",
                                ", ".join(outside)))
    return problems


def _blank_to_none(value: str) -> str | None:
    return value.strip() or None


def create_user(actor: User, details: UserDetails, email: str) -> User:
    """‘Create User’: a new Inactive account in the actor's organisation, with the welcome
    email carrying the registration link."""
    require_area(actor, Area.USER_MANAGEMENT)
    return create_in_organisation(actor.organisation, actor, details, email)


def create_in_organisation(organisation: Organisation, actor: User, details: UserDetails,
                           email: str) -> User:
    if problems := _details_problems(details, organisation):
        raise ValidationFailed(problems=problems)
    return user_accounts.create_user(organisation, user_accounts.NewUser(
        given_name=details.given_name, family_name=details.family_name, email=email,
        roles=details.roles, title=_blank_to_none(details.title),
        landline=_blank_to_none(details.landline), mobile=_blank_to_none(details.mobile),
        staff_reference=_blank_to_none(details.staff_reference),
        verification_provided=details.verification_provided.strip(),
    ), actor=actor)


def _refuse_losing_last_super_user(user: User, message: str, field_name: str | None = None):
    """Called before a change that would take this user out of the active super users."""
    if not (user.has_role(SUPER_USER) and user.status == UserStatus.ACTIVE.value):
        return
    organisations.lock_for_super_user_count(user.organisation_id)
    if organisations.active_super_user_count(user.organisation_id) <= 1:
        raise Conflict(message, field_name, code="LAST_SUPER_USER")


def update_user(actor: User, user_id: int, details: UserDetails, expected_version: int) -> User:
    """‘Edit user’. A super user may change their own roles, but the organisation always
    keeps at least one active super user."""
    user = user_for(actor, UserAction.EDIT, user_id)
    if expected_version != user.version:
        raise ChangedMeanwhile("Someone else changed this user while you were editing. "
                               "Nothing was saved: check the details below and make your "
                               "changes again.")
    if problems := _details_problems(details, user.organisation):
        raise ValidationFailed(problems=problems)
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
    db.session.flush()  # a stale version fails here, inside the caller's unit of work
    return user


def change_email(actor: User, user_id: int, email: str, confirm_email: str) -> None:
    """‘Edit and verify email’ by a super user (or the service desk, for a super user):
    the verification goes to the new address, a notice with a link to stop the change to
    the old one, and the change is held (self_service.start_email_verification)."""
    user = user_for(actor, UserAction.CHANGE_EMAIL, user_id)
    self_service.start_email_verification(user, email, confirm_email, actor=actor)


def resend_welcome_email(actor: User, user_id: int) -> User:
    """‘Resend Welcome Email’: a new registration link; the old one stops working."""
    user = user_for(actor, UserAction.RESEND_WELCOME, user_id)
    audit.record("user.welcome_resent", actor=actor, target=user)
    user_accounts.send_welcome_email(user)
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
    db.session.flush()
    return user


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Enter the reason for suspending this user", "reason",
                               code="REASON_REQUIRED")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Reason must be {REASON_MAX} characters or fewer", "reason",
                               code="TOO_LONG", value=reason)
    return reason


def suspend_user(actor: User, user_id: int, reason: str) -> User:
    user = user_for(actor, UserAction.SUSPEND, user_id)
    reason = _reason(reason)
    _refuse_losing_last_super_user(
        user, "This is your organisation's last active super user, so cannot be suspended.")
    return _change_status(actor, user, "user.suspended", UserStatus.SUSPENDED.value,
                          {"reason": reason})


def reinstate_user(actor: User, user_id: int) -> User:
    """Status back to Active (Inactive if they never registered). The service desk may do
    it only for a super user of an organisation with no active super user left (guide 5.5)."""
    user = user_for(actor, UserAction.REINSTATE, user_id)
    if not permissions.may_use(actor, Area.USER_MANAGEMENT):  # the service desk
        count = organisations.active_super_user_count(user.organisation_id)
        if refusal := permissions.service_desk_reinstate_refusal(user, count):
            raise_refusal(refusal)
    status = UserStatus.ACTIVE.value if user.password_hash else UserStatus.INACTIVE.value
    return _change_status(actor, user, "user.reinstated", status)


def unlock_user(actor: User, user_id: int) -> User:
    """Clear a lockout after five failed sign-ins, having checked who is asking. The next
    sign-in with the right password becomes a password reset: the lock may have been
    reached by someone guessing, and a guessed password must not survive the unlock."""
    user = user_for(actor, UserAction.UNLOCK, user_id)
    before = audit.user_snapshot(user)
    user.locked = False
    user.failed_sign_ins = 0
    user.password_reset_required = True
    audit.record("user.unlocked", actor=actor, target=user, before=before,
                 after=audit.user_snapshot(user))
    db.session.flush()
    return user


def delete_user(actor: User, user_id: int) -> User:
    """‘Confirm delete’: the account can no longer sign in, keeps its history, and its
    username is never given to anyone else."""
    user = user_for(actor, UserAction.DELETE, user_id)
    _refuse_losing_last_super_user(
        user, "This is your organisation's last active super user, so cannot be deleted.")
    for purpose in TokenPurpose:
        tokens.revoke_all(user, purpose)
    return _change_status(actor, user, "user.deleted", UserStatus.DELETED.value)
