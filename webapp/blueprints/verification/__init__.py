from flask import Blueprint

bp = Blueprint("verification", __name__, url_prefix="/learner-verification")

from webapp.blueprints.verification import views  # noqa: E402, F401
