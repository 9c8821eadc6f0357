from flask import Blueprint

bp = Blueprint("batches", __name__, url_prefix="/batches")

from webapp.blueprints.batches import views  # noqa: E402, F401
