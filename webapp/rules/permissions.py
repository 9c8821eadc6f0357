"""Who may do what, in one place. Pure: no Flask, no database.

Asked by the route guards (webapp/web/access.py), the left-hand menu, the templates (which
show only the actions allowed) and the services (which refuse whatever a channel sends).

Two questions:
  may_use(actor, area)                 may this person open this part of the service?
  user_action_refusal(actor, action, target)
                                       may this person do this to that account now, and
                                       if not, why not (not found, forbidden, or a clash
                                       with the account's state, with the words to show)?

The rule for areas: the organisation's kind must be one the area is for (learner data is
for awarding organisations; raising data challenges for learning providers; the service
desk's pages for the service desk), and the person must hold one of the area's roles. A
super user may use every area of their organisation's kind whose roles the organisation
may grant: they can grant those roles to themselves anyway (guide 5.3), so hiding the
pages from them would only add a step.
"""

import enum
from dataclasses import dataclass
from typing import Protocol

from webapp.rules.problems import Problem
from webapp.rules.roles import (
    AB_BATCH_USER,
    AB_USER,
    AWARDING,
    EDC_RESOLVER,
    PROVIDER,
    PROVIDER_USER,
    QCF_RECORD_SET_USER,
    QCF_USER,
    SERVICE_DESK,
    SERVICE_DESK_ROLE,
    SUPER_USER,
)


class Area(enum.StrEnum):
    USER_MANAGEMENT = "user_management"
    SINGLE_VERIFICATION = "single_verification"
    VERIFICATION_BATCHES = "verification_batches"
    ACHIEVEMENTS = "achievements"
    ACHIEVEMENT_BATCHES = "achievement_batches"
    CREDIT_CHECK = "credit_check"
    RESOLVE_CHALLENGES = "resolve_challenges"
    RAISE_CHALLENGES = "raise_challenges"
    SERVICE_DESK = "service_desk"
    CHALLENGE_OVERSIGHT = "challenge_oversight"


@dataclass(frozen=True)
class AreaRule:
    roles: frozenset[str]
    kinds: frozenset[str]
    label: str  # what the area is for, in the guide's words


AREAS: dict[Area, AreaRule] = {
    Area.USER_MANAGEMENT: AreaRule(frozenset({SUPER_USER}), frozenset({AWARDING, PROVIDER}),
                                   "manage your organisation's users"),
    Area.SINGLE_VERIFICATION: AreaRule(frozenset({AB_USER}), frozenset({AWARDING}),
                                       "verify a single learner"),
    Area.VERIFICATION_BATCHES: AreaRule(frozenset({AB_BATCH_USER}), frozenset({AWARDING}),
                                        "submit and retrieve ‘verify learner’ batch files"),
    Area.ACHIEVEMENTS: AreaRule(frozenset({QCF_USER}), frozenset({AWARDING}),
                                "create, update, withdraw and reinstate achievements"),
    Area.ACHIEVEMENT_BATCHES: AreaRule(frozenset({QCF_RECORD_SET_USER}), frozenset({AWARDING}),
                                       "submit and retrieve achievement batch files"),
    Area.CREDIT_CHECK: AreaRule(frozenset({QCF_USER, QCF_RECORD_SET_USER}),
                                frozenset({AWARDING}), "perform a credit check"),
    Area.RESOLVE_CHALLENGES: AreaRule(frozenset({EDC_RESOLVER}), frozenset({AWARDING}),
                                      "receive and resolve event data challenges"),
    Area.RAISE_CHALLENGES: AreaRule(frozenset({PROVIDER_USER}), frozenset({PROVIDER}),
                                    "view learners' records and raise data challenges"),
    Area.SERVICE_DESK: AreaRule(frozenset({SERVICE_DESK_ROLE}), frozenset({SERVICE_DESK}),
                                "set up organisations and their super users"),
    Area.CHALLENGE_OVERSIGHT: AreaRule(frozenset({SERVICE_DESK_ROLE}),
                                       frozenset({SERVICE_DESK}),
                                       "see every organisation's data challenges and reports"),
}


class Organisationish(Protocol):
    id: int
    kind: str

    @property
    def grantable_roles(self) -> set[str]: ...


class Person(Protocol):
    """What the rules need of a user: the User model fits."""

    id: int
    organisation_id: int
    organisation: Organisationish
    status: str
    locked: bool

    @property
    def roles(self) -> set[str]: ...


def may_use(actor: Person, area: Area) -> bool:
    rule = AREAS[area]
    if actor.organisation.kind not in rule.kinds:
        return False
    if actor.roles & rule.roles:
        return True
    return SUPER_USER in actor.roles and bool(actor.organisation.grantable_roles & rule.roles)


def usable_areas(actor: Person) -> list[Area]:
    return [area for area in Area if may_use(actor, area)]


# --- what may be done to a user account ----------------------------------------------------

class UserAction(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CHANGE_EMAIL = "change_email"
    RESEND_WELCOME = "resend_welcome"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    UNLOCK = "unlock"
    DELETE = "delete"


class RefusalKind(enum.StrEnum):
    NOT_FOUND = "not_found"  # not theirs to see: reported exactly like a missing account
    FORBIDDEN = "forbidden"  # theirs to see, not theirs to change
    CONFLICT = "conflict"    # not possible in the account's current state


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    code: str
    message: str


ACTIVE, INACTIVE, SUSPENDED, DELETED = "Active", "Inactive", "Suspended", "Deleted"


def _not_found() -> Refusal:
    return Refusal(RefusalKind.NOT_FOUND, "NOT_FOUND", "No such user")


def _conflict(code: str, message: str) -> Refusal:
    return Refusal(RefusalKind.CONFLICT, code, message)


@dataclass(frozen=True, slots=True)
class Acting:
    """What the account rules read of the person acting, read once: a page of 25 accounts
    asks about three actions on each, and a User's roles are a set built from its role
    rows on every read. Pass it instead of the person to ask many questions."""
    id: int
    organisation_id: int
    organisation_kind: str
    roles: frozenset[str]


def acting(actor: Person | Acting) -> Acting:
    if isinstance(actor, Acting):
        return actor
    return Acting(actor.id, actor.organisation_id, actor.organisation.kind,
                  frozenset(actor.roles))


def _reach(actor: Acting, action: UserAction, target: Person) -> Refusal | None:
    """Whether the actor may reach this account at all for this action."""
    actor_roles = actor.roles
    if SERVICE_DESK_ROLE in actor_roles and action in (UserAction.VIEW, UserAction.REINSTATE):
        return None  # the desk sees every organisation's users; reinstating has more rules
    if (SERVICE_DESK_ROLE in actor_roles and action is UserAction.CHANGE_EMAIL
            and SUPER_USER in target.roles):
        return None  # a super user's address: their own, or the service desk's, to change
    if SERVICE_DESK_ROLE in actor_roles and action is UserAction.RESEND_WELCOME:
        # The desk creates super users, so it can send their welcome email again; nobody
        # else's (those are their super users' to send).
        if SUPER_USER in target.roles and target.organisation.kind in (AWARDING, PROVIDER):
            return None
        return Refusal(RefusalKind.FORBIDDEN, "FORBIDDEN",
                       "The service desk resends welcome emails to super users only")
    if SUPER_USER not in actor_roles or actor.organisation_kind not in (AWARDING, PROVIDER):
        return Refusal(RefusalKind.FORBIDDEN, "FORBIDDEN", "Only super users can manage users")
    if target.organisation_id != actor.organisation_id:
        return _not_found()
    return None


def _state(actor: Acting, action: UserAction, target: Person) -> Refusal | None:
    """Whether the account's state allows the action."""
    status, own = target.status, actor.id == target.id
    if action is UserAction.VIEW:
        return None
    if status == DELETED and action is not UserAction.VIEW:
        return _conflict("USER_DELETED", "This user has been deleted, so their account "
                                          "cannot be changed")
    if action is UserAction.CHANGE_EMAIL and SUPER_USER in target.roles and not own \
            and SERVICE_DESK_ROLE not in actor.roles:
        # Another super user could send her links to his mailbox (issue 9).
        return Refusal(RefusalKind.FORBIDDEN, "SUPER_USER_EMAIL",
                       "Only the super user themselves, or the service desk, can change a "
                       "super user's email address")
    if action in (UserAction.EDIT, UserAction.CHANGE_EMAIL):
        return None
    if action is UserAction.RESEND_WELCOME:
        if status == ACTIVE:
            return _conflict("ALREADY_REGISTERED",
                             "This user has already completed registration. If they have "
                             "forgotten their password, they can use ‘I have forgotten my "
                             "password’.")
        if status != INACTIVE:
            return _conflict("NOT_INACTIVE", f"This user is {status.lower()}: reinstate them "
                                             "before sending a welcome email.")
        return None
    if action is UserAction.SUSPEND:
        if own:
            return _conflict("OWN_ACCOUNT", "You cannot suspend your own account. Ask another "
                                            "super user.")
        if status not in (ACTIVE, INACTIVE):
            return _conflict("NOT_SUSPENDABLE", f"This user is {status.lower()}, so cannot be "
                                                "suspended")
        return None
    if action is UserAction.REINSTATE:
        if status != SUSPENDED:
            return _conflict("NOT_SUSPENDED", f"This user is {status.lower()}, not suspended")
        return None
    if action is UserAction.UNLOCK:
        if not target.locked:
            return _conflict("NOT_LOCKED", "This account is not locked")
        return None
    if action is UserAction.DELETE:
        if own:
            return _conflict("OWN_ACCOUNT", "You cannot delete your own account. Ask another "
                                            "super user.")
        return None
    raise ValueError(action)


def user_action_refusal(actor: Person | Acting, action: UserAction,
                        target: Person) -> Refusal | None:
    """None when the actor may do this to the target now; otherwise why not."""
    actor = acting(actor)
    return _reach(actor, action, target) or _state(actor, action, target)


def may(actor: Person | Acting, action: UserAction, target: Person) -> bool:
    return user_action_refusal(actor, action, target) is None


def service_desk_reinstate_refusal(target: Person, active_super_users: int) -> Refusal | None:
    """The service desk reinstates only a super user of an organisation left with no active
    super user (guide 5.5); everyone else is reinstated by their own super users."""
    if SUPER_USER not in target.roles:
        return Refusal(RefusalKind.FORBIDDEN, "FORBIDDEN",
                       "The service desk reinstates super users only")
    if active_super_users > 0:
        return _conflict("HAS_SUPER_USER", "This organisation has an active super user, who "
                                           "can reinstate accounts.")
    return None


def service_desk_super_user_problems(roles: list[str], email_domain: str,
                                     desk_domains: set[str]) -> list[Problem]:
    """What the service desk may not do when it creates a super user (issue 9): give any
    role but super user (the desk must never reach learner data through an account it
    made), or make the account for an address in the desk's own domain."""
    problems = []
    others = sorted(set(roles) - {SUPER_USER})
    if others:
        problems.append(Problem(
            "DESK_SUPER_USER_ONLY", "The service desk creates super users with the super user "
            "role only: they give themselves and others any other roles", "roles",
            ", ".join(others)))
    if email_domain and email_domain in desk_domains:
        problems.append(Problem(
            "DESK_OWN_DOMAIN", "Enter the super user's address at their own organisation, "
            "not a service desk address", "email", email_domain))
    return problems
