"""User Management (guide section 5), for super users of the user's own organisation."""

import csv
import io

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.blueprints.users import bp
from webapp.blueprints.users.forms import (
    ActionForm,
    ActivityForm,
    EmailForm,
    FindUserForm,
)
from webapp.rules.audit_text import describe_changes, event_label
from webapp.rules.csv_cells import safe_row
from webapp.rules.roles import SUPER_USER
from webapp.services import users
from webapp.services.errors import AlreadyExists, Conflict, DomainError, ValidationFailed
from webapp.web.access import roles_required
from webapp.web.display import role_labels
from webapp.web.forms import safe_next, show_error
from webapp.web.user_forms import UserForm, role_choices

RESULTS_TARGET = "user-results"
STATUS_TARGET = "user-status"


def _hx_target() -> str:
    return request.headers.get("HX-Target", "") if request.headers.get("HX-Request") else ""


# --- Find user --------------------------------------------------------------------------------

def _search_from(form: FindUserForm) -> users.UserSearch:
    chosen = [] if form.all_roles.data else list(form.roles.data or [])
    return users.UserSearch(given_name=form.given_name.data or "",
                            family_name=form.family_name.data or "",
                            username=form.username.data or "",
                            status=form.status.data or "Active", roles=chosen)


def _find_form() -> FindUserForm:
    form = FindUserForm(request.args if request.args else None)
    form.roles.choices = role_choices(current_user.organisation.grantable_roles)
    if not request.args:
        form.roles.data = [name for name, _ in form.roles.choices]
    return form


@bp.get("")
@roles_required(SUPER_USER)
def find_user():
    form = _find_form()
    form.validate()
    page = users.find_users(current_user, _search_from(form),
                            request.args.get("page", 1, type=int))
    context = {"form": form, "page": page,
               "query": {k: v for k, v in request.args.items(multi=True) if k != "page"}}
    if _hx_target() == RESULTS_TARGET:
        return render_template("users/_results.html", **context)
    count = users.active_super_user_count(current_user.organisation_id)
    return render_template("users/find_user.html", super_user_count=count,
                           super_user_advice=users.super_user_advice(count), **context)


@bp.get("/export.csv")
@roles_required(SUPER_USER)
def export_users():
    """The housekeeping list as CSV: every match, not one page."""
    form = _find_form()
    form.validate()
    found = users.users_for_export(current_user, _search_from(form))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Username", "Title", "Given name", "Family name", "Email", "Roles",
                     "Status", "Locked", "Last sign-in (UTC)", "Verification provided",
                     "Staff ID or your reference"])
    for user in found:
        writer.writerow(safe_row([
            user.username, user.title, user.given_name, user.family_name, user.email,
            role_labels(user), user.status, "Yes" if user.locked else "No",
            user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "",
            user.verification_provided, user.staff_reference]))
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="users.csv"'})


# --- Create user / View user / Edit user ------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@roles_required(SUPER_USER)
def create_user():
    form = UserForm()
    form.roles.choices = role_choices(current_user.organisation.grantable_roles)
    existing_id = None
    if form.validate_on_submit():
        try:
            user = users.create_user(current_user, form.details(), form.email.data)
        except AlreadyExists as error:
            show_error(form, error, "email")
            existing_id = error.existing_id
        except DomainError as error:
            show_error(form, error, "given_name")
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
@roles_required(SUPER_USER)
def view_user(user_id: int):
    user = users.managed_user(current_user, user_id)
    return render_template("users/view_user.html", user=user)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(SUPER_USER)
def edit_user(user_id: int):
    user = users.managed_user(current_user, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    del form.email
    form.submit.label.text = "Save changes"
    form.roles.choices = role_choices(user.organisation.grantable_roles)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.version.data = user.version
    elif form.validate_on_submit():
        try:
            users.update_user(current_user, user.id, form.details(),
                              form.version.data or 0)
        except Conflict as error:
            show_error(form, error, None)
        except DomainError as error:
            show_error(form, error, "given_name")
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("users.view_user", user_id=user.id))
    return render_template("users/user_form.html", form=form, editing=user,
                           existing_id=None), (422 if form.errors or form.form_errors else 200)


@bp.route("/<int:user_id>/email", methods=["GET", "POST"])
@roles_required(SUPER_USER)
def edit_email(user_id: int):
    """‘Edit and verify email’ for another user: the link goes to the new address."""
    user = users.managed_user(current_user, user_id)
    form = EmailForm()
    if form.validate_on_submit():
        try:
            users.change_email(current_user, user.id, form.email.data, form.confirm_email.data)
        except DomainError as error:
            show_error(form, error, "email")
        else:
            flash("We have sent a verification link to the new address. The email changes "
                  "when the user follows it.", "success")
            return redirect(url_for("users.view_user", user_id=user.id))
    return render_template("users/edit_email.html", form=form, user=user), (
        422 if form.errors else 200)


# --- Suspend, reinstate, unlock, resend, delete: inline with HTMX, or a normal POST ----------

def _after_action(user, message: str, error: str | None = None):
    """HTMX aimed at a row or the status panel gets that fragment back; a normal form post
    goes back where it came from with the message."""
    target = _hx_target()
    status = 422 if error else 200
    if target == f"user-row-{user.id}":
        return render_template("users/_user_row.html", user=user,
                               row_message=error or message, row_error=bool(error)), status
    if target == STATUS_TARGET:
        return render_template("users/_status_panel.html", user=user,
                               panel_message=error or message,
                               panel_error=bool(error)), status
    flash(error or message, "error" if error else "success")
    back = safe_next(request.form.get("next")) or url_for("users.view_user", user_id=user.id)
    return redirect(back)


def _status_action(user_id: int, action, message: str, *args):
    """CSRFProtect has already checked the token of this POST."""
    user = users.managed_user(current_user, user_id)
    try:
        action(current_user, user.id, *args)
    except (Conflict, ValidationFailed) as error:
        return _after_action(user, "", error.message)
    return _after_action(user, message.format(username=user.username))


@bp.post("/<int:user_id>/suspend")
@roles_required(SUPER_USER)
def suspend_user(user_id: int):
    reason = request.form.get("reason", "")
    return _status_action(user_id, users.suspend_user, "{username} is suspended.", reason)


@bp.post("/<int:user_id>/reinstate")
@roles_required(SUPER_USER)
def reinstate_user(user_id: int):
    return _status_action(user_id, users.reinstate_user, "{username} is reinstated.")


@bp.post("/<int:user_id>/unlock")
@roles_required(SUPER_USER)
def unlock_user(user_id: int):
    return _status_action(user_id, users.unlock_user, "{username} is unlocked.")


@bp.post("/<int:user_id>/resend-welcome")
@roles_required(SUPER_USER)
def resend_welcome(user_id: int):
    return _status_action(user_id, users.resend_welcome_email,
                          "A new welcome email has been sent to {username}. The link in the "
                          "earlier email no longer works.")


@bp.route("/<int:user_id>/delete", methods=["GET", "POST"])
@roles_required(SUPER_USER)
def delete_user(user_id: int):
    """‘Delete User’ → ‘Confirm delete’. With JavaScript the button asks with hx-confirm
    and posts straight here; without it, this page is the confirmation step."""
    user = users.managed_user(current_user, user_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            users.delete_user(current_user, user.id)
        except Conflict as error:
            flash(error.message, "error")
        else:
            flash(f"{user.username} has been deleted. The account keeps its history and the "
                  "username will not be given to anyone else.", "success")
        target = url_for("users.view_user", user_id=user.id)
        if request.headers.get("HX-Request"):
            return "", 204, {"HX-Redirect": target}
        return redirect(target)
    return render_template("users/confirm_delete.html", user=user, form=form)


# --- User activity ---------------------------------------------------------------------------

def _activity_filter(form: ActivityForm) -> users.ActivityFilter:
    return users.ActivityFilter(username=form.username.data or "", event=form.event.data or "",
                                date_from=form.date_from.data, date_to=form.date_to.data)


def _activity_form() -> ActivityForm:
    form = ActivityForm(request.args)
    form.event.choices = [("", "All events")] + [
        (name, event_label(name)) for name in users.activity_event_names(current_user)]
    form.validate()
    for field in (form.date_from, form.date_to):
        if field.errors:
            field.errors = [f"Enter the ‘{field.label.text}’ date like 2026-11-01"]
            field.data = None
    return form


@bp.get("/activity")
@roles_required(SUPER_USER)
def activity():
    """User activity (guide 5.1, ‘monitor user activity’): the organisation's audit trail."""
    form = _activity_form()
    try:
        page = users.activity(current_user, _activity_filter(form),
                              request.args.get("page", 1, type=int))
    except ValidationFailed as error:
        show_error(form, error, "date_from")
        page = users.Page(items=[], number=1, per_page=users.PER_PAGE, total=0)
    query = {k: v for k, v in request.args.items(multi=True) if k != "page"}
    return render_template("users/activity.html", form=form, page=page, query=query,
                           event_label=event_label, describe_changes=describe_changes,
                           volumes=users.verification_volumes(current_user),
                           unusual=current_app.config["UNUSUAL_VERIFICATIONS_PER_DAY"])


@bp.get("/activity.csv")
@roles_required(SUPER_USER)
def activity_csv():
    form = _activity_form()
    rows = users.activity_for_export(current_user, _activity_filter(form))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["When (UTC)", "Event", "By", "User affected", "Changes", "Details"])
    for row in rows:
        event = row.event
        writer.writerow(safe_row([
            event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"), event_label(event.event),
            row.actor_username or "", row.target_username or "",
            "; ".join(describe_changes(event.before, event.after)),
            "; ".join(f"{k}: {v}" for k, v in (event.details or {}).items())]))
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="user-activity.csv"'})
