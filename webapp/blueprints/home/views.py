from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.blueprints.home import bp
from webapp.rules.permissions import Area, may_use
from webapp.web.navigation import areas_not_open_yet


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("home.learner_management"))
    return redirect(url_for("auth.sign_in"))


@bp.get("/learner-management")
@login_required
def learner_management():
    """The ‘Learner Management’ homepage: what this user can do, by role, and what their
    roles will do when those pages exist. The service desk's home is its own."""
    return render_template(
        "home/learner_management.html",
        heading="Service desk" if may_use(current_user, Area.SERVICE_DESK)
        else "Learner Management",
        coming=areas_not_open_yet(current_user, current_app.view_functions))
