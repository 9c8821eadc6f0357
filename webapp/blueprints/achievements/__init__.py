from flask import Blueprint

bp = Blueprint("achievements", __name__, url_prefix="/achievements")

from webapp.blueprints.achievements import views  # noqa: E402, F401
