"""For the operator, not for users: health probes and Prometheus metrics. Unauthenticated,
not rate-limited, not audited; the metrics only from the operator's networks."""

from flask import Blueprint

bp = Blueprint("operations", __name__)

from webapp.blueprints.operations import views  # noqa: E402, F401
