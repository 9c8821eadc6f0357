"""A Find user row as plain values, worked out in Python once per row.

A template that reads an ORM object pays for every attribute, filter, link and macro call
it makes, 25 times a page: about 430 Python calls a row. The row below carries the text
the row shows and the addresses of its actions, so the row macro (macros/users.html)
only writes them out. What is shown, and which actions are offered, is decided here and
in rules/permissions.py, not in the template. View user's status panel uses the same row
for its actions."""

from dataclasses import dataclass

from markupsafe import Markup

from webapp.web.display import ACCOUNT_TAG_CLASSES, email_breaks, role_labels
from webapp.web.htmx import css, targets
from webapp.web.row_urls import row_url
from webapp.web.user_actions import NONE, StatusActions, signed_in_actor, status_actions


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    element_id: str      # the row's id, which its inline actions replace
    selector: str        # the same as a CSS selector, for hx-target
    name: str
    username: str
    email: Markup
    roles: str
    status: str
    status_class: str
    locked: bool
    last_sign_in: str
    view_url: str
    suspend_url: str | None    # None: the signed-in user may not suspend this account now
    reinstate_url: str | None
    unlock_url: str | None


def row_for(user, actions: StatusActions | None = None) -> UserRow:
    """The row for `user`, with the actions the signed-in user may take on it now."""
    actions = actions or status_actions(user)
    element_id = targets.user_row(user.id)
    signed_in = user.last_sign_in_at
    return UserRow(
        id=user.id, element_id=element_id, selector=css(element_id),
        name=f"{user.title} {user.full_name}" if user.title else user.full_name,
        username=user.username, email=email_breaks(user.email), roles=role_labels(user),
        status=user.status, status_class=ACCOUNT_TAG_CLASSES.get(user.status, ""),
        locked=user.locked,
        last_sign_in=signed_in.strftime("%-d %b %Y %H:%M") if signed_in else "Never",
        view_url=row_url("users.view_user", user_id=user.id),
        suspend_url=_action_url(actions.suspend, "users.suspend_user", user.id),
        reinstate_url=_action_url(actions.reinstate, "users.reinstate_user", user.id),
        unlock_url=_action_url(actions.unlock, "users.unlock_user", user.id),
    )


def rows_for(users) -> list[UserRow]:
    """A page's rows, the signed-in user looked up once for all of them."""
    actor = signed_in_actor()
    return [row_for(user, status_actions(user, actor) if actor else NONE) for user in users]


def _action_url(allowed: bool, endpoint: str, user_id: int) -> str | None:
    return row_url(endpoint, user_id=user_id) if allowed else None
