from flask import Blueprint

bp = Blueprint("challenges", __name__)

from webapp.blueprints.challenges import views  # noqa: E402, F401
