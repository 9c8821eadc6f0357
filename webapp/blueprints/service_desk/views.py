"""The service desk: organisations and their super users (guide sections 5.1 and 5.5)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.blueprints.service_desk import bp
from webapp.blueprints.service_desk.forms import OrganisationForm
from webapp.rules.permissions import Area
from webapp.rules.roles import SUPER_USER
from webapp.services import organisations as organisation_records
from webapp.services import service_desk, user_management, user_search
from webapp.services.errors import AlreadyExists, Conflict, DomainError
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.translate import to_form
from webapp.web.user_forms import UserForm, role_choices

service_desk_only = area_required(Area.SERVICE_DESK)


@bp.get("/organisations")
@service_desk_only
def organisations():
    return render_template("service_desk/organisations.html",
                           summaries=service_desk.list_organisations(current_user))


@bp.route("/organisations/new", methods=["GET", "POST"])
@service_desk_only
def create_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        roles = form.roles_for_kind()
        try:
            with unit_of_work():
                organisation = service_desk.create_organisation(
                    current_user, form.name.data, form.ukprn.data, form.kind.data,
                    roles.data if roles else [])
        except DomainError as error:
            to_form(form, error, roles.name if roles else None)
        else:
            flash(f"{organisation.name} created. Now create its first super user.", "success")
            return redirect(url_for("service_desk.organisation", organisation_id=organisation.id))
    return render_template("service_desk/organisation_form.html", form=form), (
        422 if form.errors else 200)


@bp.get("/organisations/<int:organisation_id>")
@service_desk_only
def organisation(organisation_id: int):
    """Every user of one organisation, whatever their status."""
    organisation = service_desk.get_organisation(current_user, organisation_id)
    page = user_search.find_users(current_user, user_search.UserSearch(status=""),
                                  request.args.get("page", 1, type=int),
                                  organisation_id=organisation.id)
    return render_template(
        "service_desk/organisation.html", organisation=organisation, page=page,
        query={},
        super_user_count=organisation_records.active_super_user_count(organisation.id))


@bp.route("/organisations/<int:organisation_id>/super-users/new", methods=["GET", "POST"])
@service_desk_only
def create_super_user(organisation_id: int):
    organisation = service_desk.get_organisation(current_user, organisation_id)
    form = UserForm()
    form.roles.choices = role_choices(organisation.grantable_roles)
    if request.method == "GET":
        form.roles.data = [SUPER_USER]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = service_desk.create_super_user(current_user, organisation.id,
                                                      form.details(), form.email.data)
        except AlreadyExists as error:
            to_form(form, error, "email")
        except DomainError as error:
            to_form(form, error)
        else:
            flash(f"Super user {user.username} created. We have emailed them a link to finish "
                  "registering.", "success")
            return redirect(url_for("service_desk.organisation", organisation_id=organisation.id))
    return render_template("service_desk/super_user_form.html", form=form,
                           organisation=organisation), (
        422 if form.errors or form.form_errors else 200)


@bp.post("/users/<int:user_id>/reinstate")
@service_desk_only
def reinstate_super_user(user_id: int):
    user = user_management.visible_user(current_user, user_id)
    try:
        with unit_of_work():
            user_management.reinstate_user(current_user, user.id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(f"{user.username} is reinstated.", "success")
    return redirect(url_for("service_desk.organisation", organisation_id=user.organisation_id))


@bp.post("/users/<int:user_id>/resend-welcome")
@service_desk_only
def resend_welcome(user_id: int):
    """‘Resend Welcome Email’ to a super user the desk created who has not registered."""
    user = user_management.visible_user(current_user, user_id)
    try:
        with unit_of_work():
            user_management.resend_welcome_email(current_user, user.id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(f"A new welcome email has been sent to {user.username}. The link in the earlier "
              "email no longer works.", "success")
    return redirect(url_for("service_desk.organisation", organisation_id=user.organisation_id))
