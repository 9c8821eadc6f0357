"""A Find user row: its values worked out in Python once per row, and its markup.

A template that reads an ORM object pays for every attribute, filter, link and macro call
it makes, 25 times a page: about 430 Python calls a row; a macro given plain values still
about 260. So the row carries the text it shows and the addresses of its actions, and
writes its own HTML (`UserRow.html`, web/markup.py: every value escaped): about 70.
What is shown, and which actions are offered, is decided here and in
rules/permissions.py. The results table, the row sent back alone after an inline action
(users/_user_row.html) and View user's status panel (`UserRow.status_actions`) all write
it from here."""

from dataclasses import dataclass

from markupsafe import Markup

from webapp.web.display import ACCOUNT_TAG_CLASSES, email_breaks, role_labels
from webapp.web.htmx import css, targets
from webapp.web.markup import escaped, post_button
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

    def html(self, row_message: str | None = None, row_error: bool = False,
             reason_error: str | None = None) -> Markup:
        """The table row. After an inline action it comes back alone with `row_message`
        (an error when `row_error`), or `reason_error` for a missing reason: focus moves
        to the status, which holds the message (or to the reason field), so a keyboard or
        screen-reader user keeps their place."""
        e = escaped
        message = ""
        if row_message:
            kind = "govuk-error-message" if row_error else "lrs-row-message"
            message = f'<p class="govuk-body-s {kind}" role="status">{e(row_message)}</p>'
        focus = " data-focus-on-swap" if row_message and not reason_error else ""
        locked = '<strong class="govuk-tag govuk-tag--red">Locked</strong>' if self.locked else ""
        actions = self.status_actions("user-actions", self.element_id, reason_error)
        username = e(self.username)
        return Markup(f"""<tr class="govuk-table__row" id="{e(self.element_id)}">
  <td class="govuk-table__cell" data-label="Name">{e(self.name)}</td>
  <td class="govuk-table__cell" data-label="Username">{username}</td>
  <td class="govuk-table__cell lrs-email" data-label="Email">{e(self.email)}</td>
  <td class="govuk-table__cell" data-label="Roles">{e(self.roles)}</td>
  <td class="govuk-table__cell" data-label="Status">
    <div class="lrs-status" id="status-{self.id:d}" data-status tabindex="-1"{focus}>
      <strong class="govuk-tag {e(self.status_class)}">{e(self.status)}</strong>
      {locked}{message}
    </div>
  </td>
  <td class="govuk-table__cell" data-label="Last sign-in">{e(self.last_sign_in)}</td>
  <td class="govuk-table__cell" data-label="Actions">
    <a class="govuk-link" href="{e(self.view_url)}">View user<span class="govuk-visually-hidden"> {username}</span></a>
    {actions}
  </td>
</tr>
""")  # noqa: E501, S704 - markup as it reads in a template; every value escaped

    def status_actions(self, form_id: str, target: str,
                       reason_error: str | None = None) -> Markup:
        """Suspend (with its reason), Reinstate and Unlock: only those the signed-in user
        may take. Buttons belong to the actions form `form_id` (macros/actions.html); with
        JavaScript they swap the element with id `target`. A missing reason keeps the
        Suspend form open with a GOV.UK field error, and focus goes to the field."""
        e = escaped
        parts = []
        if self.suspend_url:
            button = post_button(self.suspend_url, "Suspend user", form_id, target,
                                 classes="govuk-button--warning")
            reason_id = f"reason-{self.id:d}"
            username = e(self.username)
            opened = group_error = input_error = error = described = ""
            if reason_error:
                opened, group_error = " open", " govuk-form-group--error"
                input_error = " govuk-input--error"
                error = (f'<p class="govuk-error-message" id="{reason_id}-error">'
                         f'<span class="govuk-visually-hidden">Error:</span> {e(reason_error)}</p>')
                described = f' aria-describedby="{reason_id}-error" data-focus-on-swap'
            parts.append(f"""<details class="govuk-details lrs-inline-details"{opened}>
  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Suspend<span class="govuk-visually-hidden"> {username}</span></span></summary>
  <div class="govuk-details__text">
    <div class="govuk-form-group{group_error}">
      <label class="govuk-label govuk-label--s" for="{reason_id}">Reason for suspending {username}</label>
      {error}
      <input class="govuk-input{input_error}" id="{reason_id}" name="{reason_id}" type="text" maxlength="200" autocomplete="off" form="{e(form_id)}"{described}>
    </div>
    {button}
  </div>
</details>
""")  # noqa: E501 - markup as it reads in a template
        if self.reinstate_url:
            parts.append(post_button(self.reinstate_url, "Reinstate", form_id, target,
                                     self.username))
        if self.unlock_url:
            parts.append(post_button(self.unlock_url, "Unlock", form_id, target,
                                     self.username))
        return Markup("".join(parts))  # noqa: S704 - escaped as written above


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
