"""Which of Suspend, Reinstate and Unlock the signed-in user may offer on an account now
(rules/permissions.py), decided in the view: a results page asks once per row here, in
Python, instead of three times a row through the `current_user` proxy in its template."""

from dataclasses import dataclass

from flask_login import current_user

from webapp.rules import permissions
from webapp.rules.permissions import UserAction


@dataclass(frozen=True)
class StatusActions:
    suspend: bool
    reinstate: bool
    unlock: bool


NONE = StatusActions(suspend=False, reinstate=False, unlock=False)


def signed_in_actor() -> permissions.Acting | None:
    """The signed-in user as the account rules read them (once for a page of rows), or
    None when nobody is signed in."""
    actor = current_user._get_current_object()
    return permissions.acting(actor) if actor.is_authenticated else None


def status_actions(user, actor: permissions.Acting | None = None) -> StatusActions:
    """What the actor (the signed-in user unless given) may do to `user`'s status now."""
    actor = actor if actor is not None else signed_in_actor()
    if actor is None:
        return NONE

    def may(action: UserAction) -> bool:
        return permissions.may(actor, action, user)

    return StatusActions(suspend=may(UserAction.SUSPEND), reinstate=may(UserAction.REINSTATE),
                         unlock=may(UserAction.UNLOCK))
