from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.blueprints.account import bp
from webapp.blueprints.account.forms import AcceptTermsForm, EditEmailForm, VerifyEmailForm
from webapp.rules.roles import ROLES
from webapp.services import self_service, sign_in
from webapp.services.errors import DomainError, LinkNotValid
from webapp.services.unit_of_work import unit_of_work
from webapp.web.translate import to_form


@bp.get("")
@login_required
def my_account():
    role_labels = [ROLES[name].label for name in sorted(current_user.roles) if name in ROLES]
    return render_template("account/my_account.html", role_labels=role_labels)


@bp.route("/email", methods=["GET", "POST"])
@login_required
def edit_email():
    """‘Edit and verify email’."""
    form = EditEmailForm()
    if form.validate_on_submit():
        with unit_of_work():  # a wrong current password counts towards the lock
            password_ok = sign_in.check_password(current_user, form.current_password.data,
                                                 "email_change.refused")
        try:
            if not password_ok:
                raise self_service.wrong_current_password()
            with unit_of_work():
                self_service.request_email_change(current_user, form.email.data,
                                                  form.confirm_email.data)
        except DomainError as error:
            to_form(form, error, "email")
        else:
            return render_template("account/email_sent.html")
    return render_template("account/edit_email.html", form=form), (422 if form.errors else 200)


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    """The link in the verification email. Opening it changes nothing (mail scanners open
    links too): the ‘Verify email address’ button does. It works whether or not the user is
    signed in; either way the next step is accepting the terms of the user agreement."""
    form = VerifyEmailForm()
    try:
        self_service.email_change_user(token)
        if not form.validate_on_submit():
            return render_template("account/verify_email.html", form=form)
        with unit_of_work():
            self_service.verify_email_change(token)
    except LinkNotValid as error:
        return render_template("account/verify_problem.html", error=error), 410
    except DomainError as error:  # the address was taken by someone else meanwhile
        return render_template("account/verify_problem.html", error=error), 409
    flash("Your email address has been verified.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("account.accept_terms"))
    flash("Sign in, then accept the terms of the user agreement.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/terms", methods=["GET", "POST"])
@login_required
def accept_terms():
    form = AcceptTermsForm()
    if form.validate_on_submit():
        with unit_of_work():
            self_service.accept_terms(current_user)
        return redirect(url_for("home.learner_management"))
    return render_template("account/terms.html", form=form), (422 if form.errors else 200)
