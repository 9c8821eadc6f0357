from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.blueprints.account import views  # noqa: E402, F401
