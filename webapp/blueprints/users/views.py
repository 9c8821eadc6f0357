"""User Management (guide section 5), for super users of the user's own organisation."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.blueprints.users import bp, rows
from webapp.blueprints.users.forms import ActionForm, ActivityForm, EmailForm, FindUserForm
from webapp.formats.user_lists import ACTIVITY_HEADER, USERS_HEADER, activity_rows, user_rows
from webapp.rules.audit_text import describe_changes, describe_details, event_label
from webapp.rules.permissions import Area
from webapp.services import organisations, user_activity, user_management, user_search
from webapp.services.errors import AlreadyExists, Conflict, DomainError, ValidationFailed
from webapp.services.paging import Page
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.downloads import csv_download
from webapp.web.htmx import aimed_at, targets
from webapp.web.translate import to_form
from webapp.web.user_forms import UserForm, role_choices

user_management_only = area_required(Area.USER_MANAGEMENT)


# --- Find user --------------------------------------------------------------------------------

def _search_from(form: FindUserForm) -> user_search.UserSearch:
    chosen = [] if form.all_roles.data else list(form.roles.data or [])
    return user_search.UserSearch(given_name=form.given_name.data or "",
                                  family_name=form.family_name.data or "",
                                  username=form.username.data or "",
                                  status=form.status.data or "Active", roles=chosen)


def _find_form() -> FindUserForm:
    """The role boxes have one meaning and show what the search used: ‘Select all’, every
    role, or no role ticked all mean any role, and then every box is ticked; otherwise the
    roles ticked, with ‘Select all’ unticked."""
    form = FindUserForm(request.args if request.args else None)
    form.roles.choices = role_choices(current_user.organisation.grantable_roles)
    every = [name for name, _ in form.roles.choices]
    chosen = [name for name in (form.roles.data or []) if name in every]
    if not request.args or form.all_roles.data or not chosen or set(chosen) == set(every):
        form.all_roles.data, form.roles.data = True, every
    else:
        form.all_roles.data, form.roles.data = False, chosen
    return form


@bp.get("")
@user_management_only
def find_user():
    form = _find_form()
    form.validate()
    page = user_search.find_users_listed(current_user, _search_from(form),
                                         request.args.get("page", 1, type=int))
    roles_used = None if form.all_roles.data else [
        label for name, label in form.roles.choices if name in form.roles.data]
    context = {"form": form, "page": page, "roles_used": roles_used,
               "rows": rows.rows_for(page.items),
               "query": {k: v for k, v in request.args.items(multi=True) if k != "page"}}
    if aimed_at(targets.USER_RESULTS):
        return render_template("users/_results.html", **context)
    count = organisations.active_super_user_count(current_user.organisation_id)
    return render_template("users/find_user.html", super_user_count=count,
                           super_user_advice=user_management.super_user_advice(count), **context)


@bp.get("/export.csv")
@user_management_only
def export_users():
    """The housekeeping list as CSV: every match, not one page, streamed."""
    form = _find_form()
    form.validate()
    with unit_of_work():  # the download is audited before it starts
        found = user_search.users_for_export(current_user, _search_from(form))
    return csv_download("users.csv", USERS_HEADER, user_rows(found))


# --- Create user / View user / Edit user ------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@user_management_only
def create_user():
    form = UserForm()
    form.roles.choices = role_choices(current_user.organisation.grantable_roles)
    existing_id = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = user_management.create_user(current_user, form.details(),
                                                   form.email.data)
        except AlreadyExists as error:
            to_form(form, error, "email")
            existing_id = error.existing_id
        except DomainError as error:
            to_form(form, error)
        else:
            flash(f"User {user.username} created. We have emailed them a link to finish "
                  "registering.", "success")
            return redirect(url_for("users.view_user", user_id=user.id))
    elif request.method == "GET":
        form.given_name.data = request.args.get("given_name", "")[:35]
        form.family_name.data = request.args.get("family_name", "")[:35]
    return render_template("users/user_form.html", form=form, editing=None,
                           existing_id=existing_id), (422 if form.errors else 200)


@bp.get("/<int:user_id>")
@user_management_only
def view_user(user_id: int):
    return _view_user_page(user_management.visible_user(current_user, user_id))


def _view_user_page(user, reason_error: str | None = None):
    return render_template(
        "users/view_user.html", user=user, row=rows.row_for(user), reason_error=reason_error,
        suspension_reason=user_management.suspension_reason(current_user, user))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@user_management_only
def edit_user(user_id: int):
    user = user_management.visible_user(current_user, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    del form.email
    form.submit.label.text = "Save changes"
    form.roles.choices = role_choices(user.organisation.grantable_roles)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.version.data = user.version
    elif form.validate_on_submit():
        try:
            with unit_of_work():
                user_management.update_user(current_user, user.id, form.details(),
                                            form.version.data or 0)
        except DomainError as error:
            to_form(form, error)
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("users.view_user", user_id=user.id))
    return render_template("users/user_form.html", form=form, editing=user,
                           existing_id=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/<int:user_id>/email", methods=["GET", "POST"])
@user_management_only
def edit_email(user_id: int):
    """‘Edit and verify email’ for another user: the link goes to the new address, a
    notice with a link to stop the change to the old one, and the change is held."""
    user = user_management.visible_user(current_user, user_id)
    form = EmailForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user_management.change_email(current_user, user.id, form.email.data,
                                             form.confirm_email.data)
        except DomainError as error:
            to_form(form, error, "email")
        else:
            hours = current_app.config["EMAIL_CHANGE_HOLD_HOURS"]
            flash("We have sent a verification link to the new address and a notice to the "
                  f"current one. The email changes {hours} hours after the user follows the "
                  "link, or sooner if they confirm it on ‘My account’.", "success")
            return redirect(url_for("users.view_user", user_id=user.id))
    return render_template("users/edit_email.html", form=form, user=user), (
        422 if form.errors or form.form_errors else 200)


# --- Suspend, reinstate, unlock, resend, delete: inline with HTMX, or a normal POST ----------

def _after_action(user, message: str, error: str | None = None,
                  reason_error: str | None = None):
    """HTMX aimed at a row or the status panel gets that fragment back, with focus on its
    status (or on the reason field when the reason is missing). Without JavaScript the
    answer is View user, where the user can still be seen and the action undone whatever
    the search was (a suspended user would vanish from a search for active users)."""
    status = 422 if (error or reason_error) else 200
    if aimed_at(targets.user_row(user.id)):
        return render_template("users/_user_row.html", row=rows.row_for(user),
                               row_message=error or message, row_error=bool(error),
                               reason_error=reason_error), status
    if aimed_at(targets.USER_STATUS):
        return render_template("users/_status_panel.html", user=user, row=rows.row_for(user),
                               panel_message=error or message, panel_error=bool(error),
                               reason_error=reason_error,
                               suspension_reason=user_management.suspension_reason(
                                   current_user, user)), status
    if reason_error:
        return _view_user_page(user, reason_error=reason_error), status
    flash(error or message, "error" if error else "success")
    return redirect(url_for("users.view_user", user_id=user.id))


def _status_action(user_id: int, action, message: str, *args):
    """CSRFProtect has already checked the token of this POST."""
    user = user_management.visible_user(current_user, user_id)
    try:
        with unit_of_work():
            action(current_user, user.id, *args)
    except ValidationFailed as error:
        if error.field == "reason":
            return _after_action(user, "", reason_error=error.message)
        return _after_action(user, "", error.message)
    except Conflict as error:
        return _after_action(user, "", error.message)
    return _after_action(user, message.format(username=user.username))


@bp.post("/<int:user_id>/suspend")
@user_management_only
def suspend_user(user_id: int):
    reason = request.form.get(f"reason-{user_id}", request.form.get("reason", ""))
    return _status_action(user_id, user_management.suspend_user, "{username} is suspended.",
                          reason)


@bp.post("/<int:user_id>/reinstate")
@user_management_only
def reinstate_user(user_id: int):
    return _status_action(user_id, user_management.reinstate_user, "{username} is reinstated.")


@bp.post("/<int:user_id>/unlock")
@user_management_only
def unlock_user(user_id: int):
    return _status_action(user_id, user_management.unlock_user, "{username} is unlocked.")


@bp.post("/<int:user_id>/resend-welcome")
@user_management_only
def resend_welcome(user_id: int):
    return _status_action(user_id, user_management.resend_welcome_email,
                          "A new welcome email has been sent to {username}. The link in the "
                          "earlier email no longer works.")


@bp.route("/<int:user_id>/delete", methods=["GET", "POST"])
@user_management_only
def delete_user(user_id: int):
    """‘Delete User’ → ‘Confirm delete’: this page is the confirmation step, with or
    without JavaScript."""
    user = user_management.visible_user(current_user, user_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work():
                user_management.delete_user(current_user, user.id)
        except Conflict as error:
            flash(error.message, "error")
        else:
            flash(f"{user.username} has been deleted. The account keeps its history and the "
                  "username will not be given to anyone else.", "success")
        return redirect(url_for("users.view_user", user_id=user.id))
    return render_template("users/confirm_delete.html", user=user, form=form)


# --- User activity ---------------------------------------------------------------------------

def _activity_filter(form: ActivityForm) -> user_activity.ActivityFilter:
    return user_activity.ActivityFilter(
        username=form.username.data or "", event=form.event.data or "",
        date_from=form.date_from.data, date_to=form.date_to.data)


def _activity_form() -> ActivityForm:
    form = ActivityForm(request.args)
    form.event.choices = [("", "All events")] + [
        (name, event_label(name)) for name in user_activity.activity_event_names(current_user)]
    form.validate()
    return form


@bp.get("/activity")
@user_management_only
def activity():
    """User activity (guide 5.1, ‘monitor user activity’): the organisation's audit trail."""
    form = _activity_form()
    try:
        page = user_activity.activity(current_user, _activity_filter(form),
                                      request.args.get("page", 1, type=int))
    except ValidationFailed as error:
        to_form(form, error, "date_from")
        page = Page.empty()
    query = {k: v for k, v in request.args.items(multi=True) if k != "page"}
    return render_template("users/activity.html", form=form, page=page, query=query,
                           event_label=event_label, describe_changes=describe_changes,
                           describe_details=describe_details,
                           volumes=user_activity.verification_volumes(current_user),
                           unusual=current_app.config["UNUSUAL_VERIFICATIONS_PER_DAY"])


@bp.get("/activity.csv")
@user_management_only
def activity_csv():
    form = _activity_form()
    rows = user_activity.activity_for_export(current_user, _activity_filter(form))
    return csv_download("user-activity.csv", ACTIVITY_HEADER, activity_rows(rows))
