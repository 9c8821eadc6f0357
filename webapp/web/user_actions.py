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


def status_actions(user, actor=None) -> StatusActions:
    """What the actor (the signed-in user unless given) may do to `user`'s status now."""
    actor = actor if actor is not None else current_user._get_current_object()
    if not actor.is_authenticated:
        return StatusActions(suspend=False, reinstate=False, unlock=False)

    def may(action: UserAction) -> bool:
        return permissions.may(actor, action, user)

    return StatusActions(suspend=may(UserAction.SUSPEND), reinstate=may(UserAction.REINSTATE),
                         unlock=may(UserAction.UNLOCK))
