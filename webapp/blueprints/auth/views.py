from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from webapp.blueprints.auth import bp
from webapp.blueprints.auth.forms import (
    ForgottenPasswordForm,
    NewPasswordForm,
    RegistrationForm,
    SignInForm,
)
from webapp.extensions import limiter
from webapp.rules import passwords as password_rules
from webapp.services import self_service
from webapp.services import sign_in as sign_in_service
from webapp.services.errors import LinkNotValid, ValidationFailed
from webapp.services.unit_of_work import unit_of_work
from webapp.web.forms import safe_next
from webapp.web.links import forget_link_token, keep_link_token, link_token, no_referrer
from webapp.web.sessions import end_session, start_session
from webapp.web.translate import to_form

RESET_SENT_MESSAGE = (
    "If that matches an active account, we have sent an email with a link to reset the "
    "password. The link works once and expires in {minutes} minutes. If no email arrives, "
    "check your spam folder or ask your super user."
)
SIGN_IN_USERNAME = "sign_in_username"  # filled in on the sign-in page after registering


def _limit(name: str):
    return lambda: current_app.config[name]


def _username_typed() -> str:
    return "username:" + (request.form.get("username") or "").strip().lower()[:80]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_limit("SIGN_IN_NETWORK_RATE_LIMIT"), methods=["POST"],
               key_func=get_remote_address,
               error_message="the limit of sign-in attempts from your network")
@limiter.limit(_limit("SIGN_IN_USERNAME_RATE_LIMIT"), methods=["POST"],
               key_func=_username_typed,
               error_message="the limit of sign-in attempts for this username")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.learner_management"))
    form = SignInForm()
    if form.validate_on_submit():
        with unit_of_work():  # a refusal is recorded too
            attempt = sign_in_service.authenticate(form.username.data, form.password.data)
        if attempt.refused:
            form.form_errors.append(attempt.message)
        else:
            start_session(attempt.user)
            return redirect(safe_next(request.args.get("next"))
                            or url_for("home.learner_management"))
    elif request.method == "GET" and SIGN_IN_USERNAME in session:
        form.username.data = session.pop(SIGN_IN_USERNAME)
    status = 200 if not form.errors and not form.form_errors else 422
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        end_session()
        with unit_of_work():
            sign_in_service.sign_out(user)
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.post("/session/keep-alive")
@login_required
def keep_alive():
    """‘Stay signed in’ from the timeout warning: the request itself counts as activity."""
    return "", 204


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_limit("PASSWORD_RESET_RATE_LIMIT"), methods=["POST"],
               error_message="the limit of password requests from your network")
def forgotten_password():
    """The same answer, after the same work, whether or not the account exists: the
    lookup, the link and the email are decided in the background."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        from webapp.jobs import tasks  # the task queue is loaded when first used

        tasks.request_password_reset(form.username_or_email.data)
        minutes = current_app.config["PASSWORD_RESET_LINK_MINUTES"]
        return render_template("auth/reset_sent.html",
                               message=RESET_SENT_MESSAGE.format(minutes=minutes))
    return render_template("auth/forgotten_password.html", form=form), (422 if form.errors else 200)


def _link_problem(error: LinkNotValid, what: str):
    return render_template("auth/link_problem.html", error=error, what=what), 410 if (
        error.reason in ("used", "expired")) else 404


@bp.get("/reset-password/<token>")
@no_referrer
def reset_password_link(token: str):
    return keep_link_token("reset", token, "auth.reset_password")


@bp.route("/reset-password", methods=["GET", "POST"])
@no_referrer
@limiter.limit(_limit("NEW_PASSWORD_RATE_LIMIT"), methods=["POST"],
               error_message="the limit of new passwords from your network")
def reset_password():
    token = link_token("reset")
    try:
        user = self_service.reset_user(token)
    except LinkNotValid as error:
        return _link_problem(error, "reset")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                self_service.reset_password(token, form.password.data or "",
                                            form.confirm_password.data or "")
        except ValidationFailed as error:
            to_form(form, error, "password")
        except LinkNotValid as error:
            return _link_problem(error, "reset")
        else:
            end_session()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template(
        "auth/new_password.html", form=form, heading="Reset your password",
        requirements=password_rules.requirements(user.is_super_user),
    ), (422 if form.errors else 200)


@bp.get("/register/<token>")
@no_referrer
def register_link(token: str):
    return keep_link_token("registration", token, "auth.register")


@bp.route("/register", methods=["GET", "POST"])
@no_referrer
@limiter.limit(_limit("NEW_PASSWORD_RATE_LIMIT"), methods=["POST"],
               error_message="the limit of new passwords from your network")
def register():
    """First sign-in: the ‘Change password’ screen reached from the welcome email."""
    token = link_token("registration")
    try:
        user = self_service.registration_user(token)
    except LinkNotValid as error:
        return _link_problem(error, "registration")
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                self_service.complete_registration(
                    token, form.username.data or "", form.password.data or "",
                    form.confirm_password.data or "")
        except ValidationFailed as error:
            to_form(form, error, "password")
        except LinkNotValid as error:
            return _link_problem(error, "registration")
        else:
            end_session()
            forget_link_token("registration")
            session[SIGN_IN_USERNAME] = user.username
            flash("Your password has been created. Sign in to continue.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template(
        "auth/new_password.html", form=form, heading="Change password",
        requirements=password_rules.requirements(user.is_super_user),
    ), (422 if form.errors else 200)
