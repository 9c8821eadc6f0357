from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.blueprints.home import bp


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("home.learner_management"))
    return redirect(url_for("auth.sign_in"))


@bp.get("/learner-management")
@login_required
def learner_management():
    """The ‘Learner Management’ homepage: what this user can do, by role."""
    return render_template("home/learner_management.html")
