"""What every page shares: security headers, sessions, navigation and error pages."""

from flask import Flask

from webapp.web import errors, headers, navigation, sessions
from webapp.web.display import role_labels
from webapp.web.forms import error_summary


def init_app(app: Flask) -> None:
    headers.init_app(app)
    sessions.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    app.add_template_global(error_summary)
    app.add_template_global(role_labels)
