"""Route guards. The services check again (rules/permissions.py is asked by both): this
keeps the page itself, and its menu entry, from anyone who may not use it."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webapp.rules import permissions
from webapp.rules.permissions import Area


def area_required(area: Area):
    """Signed in, and allowed to use this area of the service; otherwise 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not permissions.may_use(current_user, area):
                abort(403)
            return view(*args, **kwargs)

        wrapper.area = area  # read by the menu and the authorisation-matrix test
        return wrapper

    return decorator
