"""Error pages that leak nothing: no stack traces, no internal names."""

import contextlib
import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from sqlalchemy.exc import InterfaceError, OperationalError

from webapp.extensions import db, login_manager
from webapp.observability import LIMITS_HIT, UNAVAILABLE
from webapp.services.errors import DomainError, Forbidden, NotFound
from webapp.web.htmx import css, targets

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    409: ("That could not be done", "Go back, reload the page and try again."),
    422: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: ("You do not have permission to see this page",
          "If you think you should, ask a super user in your organisation to give you the role."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted it, check you "
          "copied the entire address."),
    405: ("Sorry, there is a problem with that request", "Go back and try again."),
    413: ("The file is too large", "Upload a smaller file."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. Nothing you entered has been saved."),
    503: ("Sorry, the service is unavailable",
          "Try again in a few minutes. Nothing you entered has been saved."),
}
# Seconds a browser or proxy is told to wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    if _wants_fragment():
        # Shown in the page's error region, leaving the form and what was typed in place.
        body = render_template("errors/_error.html", status=status, title=title,
                               advice=detail or advice)
        return body, status, {"HX-Retarget": css(targets.REQUEST_ERROR),
                              "HX-Reswap": "innerHTML"}
    return render_template("errors/error.html", status=status, title=title,
                           advice=detail or advice), status


def _wants_fragment() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_error(
            400, "Your form had expired or was sent from another site, so nothing was saved. "
                 "Go back, reload the page and try again.")

    # A service's refusal becomes the same page as a route's.
    app.register_error_handler(Forbidden, lambda error: render_error(403))
    app.register_error_handler(NotFound, lambda error: render_error(404))

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """Any other refusal a view did not show beside its field: its message, plainly."""
        return render_error(error.status if error.status in MESSAGES else 400, error.message)

    for status in (400, 403, 404, 405, 413):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(429)
    def too_many(error):
        LIMITS_HIT.labels(request.url_rule.rule if request.url_rule else "(no route)").inc()
        limit = getattr(error, "description", "") or "the limit"
        return render_error(429, f"You have reached {limit}. Wait a while, then try again.")

    @app.errorhandler(500)
    def server_error(error):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        return _unavailable("database", error)

    @app.errorhandler(StorageError)
    def redis_unavailable(error):
        return _unavailable("redis", error)

    if app.config.get("REDIS_URL"):  # only then can Redis go away (and is redis imported)
        from redis.exceptions import RedisError

        app.register_error_handler(RedisError, redis_unavailable)


def _unavailable(dependency: str, error: Exception):
    """The database or Redis went away: a plain page, not a stack trace. The next request
    tries again (pool_pre_ping, a fresh Redis connection), so the service comes back by
    itself when they do."""
    log.error("%s unavailable: %s", dependency, type(error).__name__)
    UNAVAILABLE.labels(dependency).inc()
    with contextlib.suppress(Exception):  # the connection is gone; the pool replaces it
        db.session.rollback()
    # Render as signed out: loading the user would need the database that just failed.
    g._login_user = login_manager.anonymous_user()
    body, status, *headers = render_error(503)
    return body, status, {**(headers[0] if headers else {}),
                          "Retry-After": str(RETRY_AFTER_SECONDS)}
