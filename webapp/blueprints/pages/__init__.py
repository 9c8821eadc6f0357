"""The pages every GOV.UK service links from its footer: accessibility, cookies, privacy."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from webapp.blueprints.pages import views  # noqa: E402, F401
