from flask import Blueprint

bp = Blueprint("service_desk", __name__, url_prefix="/service-desk")

from webapp.blueprints.service_desk import views  # noqa: E402, F401
