"""What every page shares: security headers, sessions, navigation, error pages, and the
helpers templates call."""

from flask import Flask
from flask_login import current_user

from webapp.rules import permissions
from webapp.rules.permissions import Area, UserAction
from webapp.web import errors, headers, navigation, request_log, sessions
from webapp.web.components import govuk_component
from webapp.web.display import (
    ACCOUNT_TAG_CLASSES,
    email_breaks,
    kind_label,
    role_labels,
    supplied_value,
)
from webapp.web.forms import error_summary
from webapp.web.htmx import css, targets
from webapp.web.markup import post_button
from webapp.web.row_urls import row_url


def may(action: str, user) -> bool:
    """In templates: `may('suspend', user)`: show only the actions the signed-in user may
    take on that account now."""
    # The user object itself, not the proxy: a results page asks this three times a row.
    actor = current_user._get_current_object()
    return actor.is_authenticated and permissions.may(actor, UserAction(action), user)


def may_use(area: str) -> bool:
    return current_user.is_authenticated and permissions.may_use(current_user, Area(area))


def init_app(app: Flask) -> None:
    request_log.init_app(app)  # first: its clock and request id cover the other hooks
    headers.init_app(app)
    sessions.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    app.add_template_global(error_summary)
    app.add_template_global(role_labels)
    app.add_template_global(kind_label)
    app.add_template_global(supplied_value)
    app.add_template_filter(email_breaks)
    app.add_template_global(may)
    app.add_template_global(may_use)
    app.add_template_global(targets, "targets")
    app.add_template_global(css)
    app.add_template_global(ACCOUNT_TAG_CLASSES, "status_tag_classes")
    app.add_template_global(govuk_component)
    app.add_template_global(row_url)
    app.add_template_global(post_button)
