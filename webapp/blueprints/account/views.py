from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.blueprints.account import bp
from webapp.blueprints.account.forms import (
    AcceptTermsForm,
    EditEmailForm,
    StopEmailChangeForm,
    VerifyEmailForm,
)
from webapp.extensions import limiter
from webapp.rules.problems import Problem
from webapp.rules.roles import ROLES
from webapp.services import self_service, sign_in
from webapp.services.errors import DomainError, LinkNotValid, ValidationFailed
from webapp.services.unit_of_work import unit_of_work
from webapp.web.links import forget_link_token, keep_link_token, link_token, no_referrer
from webapp.web.translate import to_form


def _me():
    return current_user._get_current_object()


@bp.get("")
@login_required
def my_account():
    with unit_of_work():  # a held change whose time has come is applied first
        self_service.settle_email_change(_me())
    role_labels = [ROLES[name].label for name in sorted(current_user.roles) if name in ROLES]
    return render_template("account/my_account.html", role_labels=role_labels,
                           pending=self_service.pending_email_change(_me()))


def _email_change_limit() -> str:
    return current_app.config["EMAIL_CHANGE_RATE_LIMIT"]


def _signed_in_user_key() -> str:
    return "user:" + (current_user.get_id() if current_user.is_authenticated else "anonymous")


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_email_change_limit, methods=["POST"], key_func=_signed_in_user_key,
               error_message="the limit of email changes")
def edit_email():
    """‘Edit and verify email’. Every problem with the form shows at once, the current
    password's included."""
    form = EditEmailForm()
    if form.validate_on_submit():
        password_problems = []
        if not form.current_password.data:
            password_problems.append(Problem("PASSWORD_REQUIRED", "Enter your current password",
                                             "current_password"))
        else:
            with unit_of_work():  # counted before it is checked; a wrong one is kept
                if not sign_in.check_password(_me(), form.current_password.data,
                                              "email_change.refused"):
                    password_problems.append(self_service.wrong_current_password())
        try:
            with unit_of_work():
                self_service.request_email_change(_me(), form.email.data or "",
                                                  form.confirm_email.data or "",
                                                  password_problems)
        except DomainError as error:
            to_form(form, error, "email")
        else:
            return render_template("account/email_sent.html")
    return render_template("account/edit_email.html", form=form), (422 if form.errors else 200)


@bp.get("/verify-email/<token>")
@no_referrer
def verify_email_link(token: str):
    return keep_link_token("email", token, "account.verify_email")


@bp.route("/verify-email", methods=["GET", "POST"])
@no_referrer
def verify_email():
    """The link in the verification email. Opening it changes nothing (mail scanners open
    links too): the ‘Verify email address’ button does. It works whether or not the user is
    signed in; either way the next step is accepting the terms of the user agreement, or,
    for a change someone else started, waiting for the hold to end."""
    form = VerifyEmailForm()
    token = link_token("email")
    try:
        self_service.email_change_user(token)
        if not form.validate_on_submit():
            return render_template("account/verify_email.html", form=form)
        with unit_of_work():
            _user, held = self_service.verify_email_change(token)
    except LinkNotValid as error:
        return render_template("account/verify_problem.html", error=error), 410
    except DomainError as error:  # the address was taken by someone else meanwhile
        return render_template("account/verify_problem.html", error=error), 409
    forget_link_token("email")
    if held:
        hours = current_app.config["EMAIL_CHANGE_HOLD_HOURS"]
        return render_template("account/email_change_held.html", hours=hours)
    flash("Your email address has been verified.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("account.accept_terms"))
    flash("Sign in, then accept the terms of the user agreement.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.get("/stop-email-change/<token>")
@no_referrer
def stop_email_change_link(token: str):
    return keep_link_token("stop", token, "account.stop_email_change")


@bp.route("/stop-email-change", methods=["GET", "POST"])
@no_referrer
def stop_email_change():
    """The link in the notice sent to the old address: a button stops the change."""
    form = StopEmailChangeForm()
    token = link_token("stop")
    try:
        user = self_service.stop_token_user(token)
        if not form.validate_on_submit():
            return render_template("account/stop_email_change.html", form=form)
        with unit_of_work():
            self_service.stop_email_change(user, raw_stop_token=token)
    except LinkNotValid as error:
        return render_template("account/verify_problem.html", error=error), 410
    forget_link_token("stop")
    flash("The change of email address has been stopped. Reset your password if you did "
          "not expect it, and tell a super user in your organisation.", "success")
    return redirect(url_for("account.my_account") if current_user.is_authenticated
                    else url_for("auth.sign_in"))


@bp.post("/email-change/stop")
@login_required
def stop_my_email_change():
    with unit_of_work():
        self_service.stop_email_change(_me())
    flash("The change of email address has been stopped.", "success")
    return redirect(url_for("account.my_account"))


@bp.post("/email-change/confirm")
@login_required
def confirm_my_email_change():
    try:
        with unit_of_work():
            self_service.confirm_email_change(_me())
    except ValidationFailed as error:
        flash(error.message, "error")
        return redirect(url_for("account.my_account"))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("account.my_account"))
    flash("Your new email address is confirmed.", "success")
    return redirect(url_for("account.accept_terms"))


@bp.route("/terms", methods=["GET", "POST"])
@login_required
def accept_terms():
    form = AcceptTermsForm()
    if form.validate_on_submit():
        with unit_of_work():
            self_service.accept_terms(current_user)
        return redirect(url_for("home.learner_management"))
    return render_template("account/terms.html", form=form), (422 if form.errors else 200)
