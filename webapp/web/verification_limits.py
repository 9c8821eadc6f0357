"""The hourly limits on single verifications, per user and per organisation, for every
page that verifies a learner (Verify Single Learner, View learner record)."""

from flask import current_app
from flask_login import current_user

from webapp.extensions import limiter


def _verifications_per_hour() -> str:
    return f"{current_app.config['VERIFICATIONS_PER_HOUR']} per hour"


def _per_user() -> str:
    return f"verify:{current_user.id}"


def _organisation_verifications_per_hour() -> str:
    return f"{current_app.config['ORGANISATION_VERIFICATIONS_PER_HOUR']} per hour"


def _per_organisation() -> str:
    """One count for all of an organisation's users, in the limiter's storage (Redis when
    REDIS_URL is set), so a trawl spread over many accounts or workers is still capped."""
    return f"verify-organisation:{current_user.organisation_id}"


def single_verification_limits(view):
    """Both limits on a view's POSTs (a GET only shows the form)."""
    view = limiter.limit(_organisation_verifications_per_hour, key_func=_per_organisation,
                         methods=["POST"],
                         error_message="your organisation's hourly limit of single "
                                       "verifications")(view)
    return limiter.limit(_verifications_per_hour, key_func=_per_user, methods=["POST"],
                         error_message="the hourly limit of single verifications")(view)
