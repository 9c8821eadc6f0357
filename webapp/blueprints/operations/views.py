"""GET /healthz (alive), GET /readyz (can serve), and the metrics page (METRICS_PATH)."""

import ipaddress

from flask import abort, current_app, jsonify, request

from webapp.blueprints.operations import bp
from webapp.extensions import limiter
from webapp.observability import exposition
from webapp.services import health

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """The process answers: nothing else is asked, so a slow database never restarts it."""
    return "OK\n", 200, {"Content-Type": "text/plain; charset=utf-8", **NO_STORE}


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Send traffic here? Only while the database (and Redis, when configured) answer."""
    checks = {"database": health.database_reachable()}
    redis_ok = health.redis_reachable()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            **{name: "ok" if ok else "unreachable" for name, ok in checks.items()}}
    return jsonify(body), 200 if ready else 503, NO_STORE


@limiter.exempt
def metrics():
    if _behind_an_untrusted_proxy() or not _from_operator_network(request.remote_addr):
        abort(404)  # as if there were no such page
    body, content_type = exposition()
    return body, 200, {"Content-Type": content_type, **NO_STORE}


def _behind_an_untrusted_proxy() -> bool:
    """A request relayed by a proxy the app was not told to trust (TRUSTED_PROXIES = 0)
    comes from the proxy's address, often 127.0.0.1: the real client is unknown, so it is
    not the operator's network."""
    return not current_app.config["TRUSTED_PROXIES"] and "X-Forwarded-For" in request.headers


def _from_operator_network(address: str | None) -> bool:
    networks = [ipaddress.ip_network(block.strip(), strict=False) for block in
                current_app.config["METRICS_ALLOWED_NETWORKS"].split(",") if block.strip()]
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in network for network in networks)


@bp.record
def _add_metrics_route(state):
    path = state.app.config.get("METRICS_PATH")
    if path:
        state.add_url_rule(path, "metrics", metrics)
