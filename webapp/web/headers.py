"""Security headers on every response, and a check on every request's text. The CSP
allows scripts and styles from this site only: no inline script or style anywhere in the
templates."""

import unicodedata

from flask import Flask, g, request

from webapp.web.errors import render_error

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])


STATIC_ENDPOINTS = frozenset({"static", "assets.static"})
# Health checks and metrics: no session, no user, no database unless they say so.
PROBE_ENDPOINTS = frozenset({"operations.healthz", "operations.readyz", "operations.metrics"})

CONTROL_CHARACTER_MESSAGE = (
    "The request contains a control character (such as a NUL byte or a line break) where "
    "only ordinary text is allowed. Remove it and try again.")


def has_control_character(text: str) -> bool:
    """NUL, line breaks, tabs and every other control character: no field of the portal is
    more than one line, and PostgreSQL refuses NUL in text outright."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def request_has_control_character() -> bool:
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    return any(has_control_character(value) for value in values)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        if request_has_control_character():
            return render_error(400, CONTROL_CHARACTER_MESSAGE)
        return None

    @app.after_request
    def set_security_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Pages reached from emailed links say no-referrer (web/links.py).
        response.headers["Referrer-Policy"] = g.get("referrer_policy", "same-origin")
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure or app.config["BASE_URL"].startswith("https://"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint not in STATIC_ENDPOINTS:
            # Pages carry personal data, forms and tokens: browsers must not keep them.
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")
        return response
