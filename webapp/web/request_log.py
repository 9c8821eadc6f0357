"""One log line and one set of metrics per request, and a request id to quote.

The line names the route's rule (`/users/<int:user_id>`), never the path or the query, so
no name, email, ULN or token reaches the log; the user and organisation are their ids.
The request id comes back in the X-Request-Id header and on every error page, so a user
can quote it to the service desk and the desk can find the line."""

import logging
import re
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

from webapp.observability import record_request

log = logging.getLogger("lrs.request")

REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's own id is kept when it looks like one (so the two logs join up); anything
# else is replaced, so a client cannot write arbitrary text into the log.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str:
    return g.get("request_id", "")


def _user_ids() -> tuple[int | None, int | None]:
    """The signed-in user's ids, if this request loaded a user, without a query."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    state = inspect(user)
    identity = state.identity[0] if state.identity else None
    return identity, state.dict.get("organisation_id")


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _ACCEPTABLE_ID.match(offered) else uuid.uuid4().hex

    @app.after_request
    def log_and_count(response):
        started = g.get("request_started")
        if started is None:  # refused before the clock started: still one line
            g.request_started = started = time.perf_counter()
            g.request_id = g.get("request_id") or uuid.uuid4().hex
        seconds = time.perf_counter() - started
        route = request.url_rule.rule if request.url_rule else "(no route)"
        response.headers[REQUEST_ID_HEADER] = g.request_id
        record_request(request.method, route, response.status_code, seconds)
        user_id, organisation_id = _user_ids()
        log.info("request", extra={
            "request_id": g.request_id, "method": request.method, "route": route,
            "endpoint": request.endpoint, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2), "user_id": user_id,
            "organisation_id": organisation_id})
        return response
