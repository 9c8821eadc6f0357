"""Sign-in sessions: Flask-Login keyed by the user's session token, an idle timeout with
a warning, an absolute lifetime, and HTMX-aware redirects to the sign-in page."""

import time

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from webapp.extensions import login_manager
from webapp.models import User
from webapp.services import sign_in
from webapp.services.unit_of_work import unit_of_work
from webapp.web.headers import PROBE_ENDPOINTS, STATIC_ENDPOINTS

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# Requests that must not count as activity: the session-warning poll would keep it alive.
PASSIVE_ENDPOINTS = STATIC_ENDPOINTS
# What a signed-in user who has not accepted the terms of the user agreement may reach.
BEFORE_TERMS_ENDPOINTS = frozenset({
    *STATIC_ENDPOINTS, "account.accept_terms", "account.verify_email",
    "account.verify_email_link", "account.stop_email_change", "account.stop_email_change_link",
    "auth.sign_out", "auth.keep_alive", "pages.accessibility", "pages.cookies", "pages.privacy",
})


def start_session(user: User) -> None:
    """A fresh session for every sign-in: nothing from before survives."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def end_session() -> None:
    logout_user()
    session.clear()


def seconds_until_idle_timeout() -> int:
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    return max(0, session.get(LAST_SEEN, 0) + idle_limit - int(time.time()))


def _session_expired() -> str | None:
    now = int(time.time())
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if now - session.get(SIGNED_IN_AT, 0) > absolute:
        return "absolute"
    if seconds_until_idle_timeout() <= 0:
        return "idle"
    return None


def sign_in_redirect(message: str | None = None) -> Response:
    """Send the browser to the sign-in page; an HTMX request gets HX-Redirect so the page
    changes instead of a sign-in form landing inside a table cell."""
    if message:
        flash(message, "info")
    return _redirect(url_for("auth.sign_in", next=_safe_next_for_request()))


def _safe_next_for_request() -> str | None:
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        return request.full_path.rstrip("?")
    return None


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # the per-user session token does this job
    login_manager.login_view = "auth.sign_in"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        return sign_in.user_for_session(session_token)

    @login_manager.unauthorized_handler
    def unauthorised():
        return sign_in_redirect("Sign in to continue.")

    @app.before_request
    def enforce_session_limits():
        if request.endpoint in STATIC_ENDPOINTS or request.endpoint in PROBE_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return None
        if reason := _session_expired():
            user = current_user._get_current_object()
            end_session()
            with unit_of_work():
                sign_in.sign_out(user, reason=f"timeout_{reason}")
            return sign_in_redirect(
                "You were signed out because you had not done anything for "
                f"{current_app.config['SESSION_IDLE_MINUTES']} minutes."
                if reason == "idle" else "You were signed out: sessions last at most "
                f"{current_app.config['SESSION_ABSOLUTE_HOURS']} hours. Sign in again."
            )
        if request.endpoint not in PASSIVE_ENDPOINTS:
            _note_activity()
        terms_pending = current_user.terms_accepted_at is None
        if terms_pending and request.endpoint not in BEFORE_TERMS_ENDPOINTS:
            return _redirect(url_for("account.accept_terms"))
        return None


def _note_activity() -> None:
    """Move the idle clock on, but rewrite the session cookie only when the time moved by
    a step (a minute for a 30-minute timeout): most pages then send no Set-Cookie at all.
    ‘Stay signed in’ always counts."""
    now = int(time.time())
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    step = max(1, min(60, idle_limit // 30))
    if request.endpoint == "auth.keep_alive" or now - session.get(LAST_SEEN, 0) >= step:
        session[LAST_SEEN] = now


def _redirect(target: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
