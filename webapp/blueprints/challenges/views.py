"""Event data challenges (guide section 8). A provider views a learner record and raises a
challenge; the owning organisation's resolver lists, processes and resolves them, one at a
time in place or many at once; the service desk reads every organisation's. Every rule is
the service's; a view reads the form, calls it in a unit of work and shows the answer."""

from dataclasses import replace

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp.blueprints.challenges import bp, rows
from webapp.blueprints.challenges.forms import LearnerRecordForm, RaiseForm, ResolutionForm
from webapp.rules import achievements as achievement_rules
from webapp.rules import challenges as rules
from webapp.rules.matching import FLAGS
from webapp.rules.permissions import Area
from webapp.services import challenges
from webapp.services.errors import AlreadyExists, Conflict, DomainError, ValidationFailed
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.forms import whole_number
from webapp.web.htmx import aimed_at, targets
from webapp.web.translate import to_form
from webapp.web.verification_limits import single_verification_limits

resolvers_only = area_required(Area.RESOLVE_CHALLENGES)
providers_only = area_required(Area.RAISE_CHALLENGES)
desk_only = area_required(Area.CHALLENGE_OVERSIGHT)
VIEWED_ULN = "challenges_record_uln"  # the record last shown, so no ULN goes in a URL


def _labels() -> dict:
    return {"status_labels": rules.STATUS_LABELS,
            "type_labels": rules.SHORT_TYPE_LABELS,
            "long_type_labels": rules.TYPE_LABELS, "reasons": rules.REASONS,
            "event_labels": achievement_rules.EVENT_LABELS,
            "action_reasons": achievement_rules.ACTION_REASONS,
            "resolved": rules.RESOLVED, "statuses": [status.value for status in rules.Status],
            "filter_labels": {UNRESOLVED: "Open and In progress", ALL: "All statuses",
                              **rules.STATUS_LABELS},
            "age_days": challenges.age_in_days}


def _page_number() -> int:
    return whole_number(request.values.get("page")) or 1


UNRESOLVED, ALL = "unresolved", "all"


def _status_filter(default: str = UNRESOLVED) -> str:
    """The Status filter: one status, ‘all’, or (the resolver's default, since the list is
    oldest first and resolved ones would fill its first pages) Open and In progress."""
    status = request.values.get("status") or default
    return status if status in rules.STATUSES | {UNRESOLVED, ALL} else default


_int = whole_number
# A form without the version it was read at cannot prove it saw the current state: it is
# compared as version 0, which no challenge has, so it is refused as changed meanwhile.
NO_VERSION_SEEN = 0


def _version(value) -> int:
    seen = whole_number(value)
    return NO_VERSION_SEEN if seen is None else seen


# --- the provider's side ---------------------------------------------------------------------


# The same counts as Verify Single Learner's: viewing a record is a verification too, so a
# trawl cannot go round the limit through this page.
@bp.route("/learner-record", methods=["GET", "POST"])
@providers_only
@single_verification_limits
def view_learner_record():
    """‘View learner record’: ULN, Given Name, Family Name (posted, so they stay out of the
    address) → verified → the learner's active achievements."""
    form = LearnerRecordForm()
    record = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                record = challenges.view_learner_record(
                    current_user, form.uln.data, form.given_name.data, form.family_name.data)
        except ValidationFailed as error:
            to_form(form, error, "uln")
        else:
            if record.shown:
                session[VIEWED_ULN] = record.uln
            else:
                session.pop(VIEWED_ULN, None)
                form.uln.errors = [f"{record.verification.code}: "
                                   f"{record.verification.meaning}"]
    elif request.method == "GET" and session.get(VIEWED_ULN):
        record = challenges.record_for_uln(current_user, session[VIEWED_ULN])
    status = 422 if form.errors or form.form_errors else 200
    names = challenges.organisation_names(record.achievements) if record else {}
    return render_template("challenges/learner_record.html", form=form, record=record,
                           flag_meanings=FLAGS, organisation_names=names, **_labels()), status


@bp.route("/learner-record/challenge", methods=["GET", "POST"])
@providers_only
def raise_challenge():
    """‘Raise a data challenge’ on an achievement of the record just viewed."""
    achievement_id = _int(request.values.get("achievement"))
    if achievement_id is None:
        return redirect(url_for("challenges.view_learner_record"))
    held_uln = session.get(VIEWED_ULN)
    if held_uln is None:  # a link opened in a new tab, or after the session's record went
        flash("Search for the learner first: a data challenge is raised from the learner's "
              "record.", "info")
        return redirect(url_for("challenges.view_learner_record"))
    achievement = challenges.achievement_on_record(current_user, held_uln, achievement_id)
    form = RaiseForm()
    others = challenges.same_qualification(achievement)
    form.duplicate_of.choices = [("", "Select the duplicate")] + [
        (str(other.id), f"{other.reference} awarded {other.award_date:%-d %B %Y}, grade "
                        f"{other.grade or 'none'}") for other in others]
    form.achievement.data = str(achievement_id)
    if form.validate_on_submit():
        kind = form.type.data or ""
        reason = (form.ownership_reason.data if kind == "not_this_learner"
                  else form.wrong_reason.data)
        proposal = rules.Proposal(kind, reason or None, form.proposed_value.data or None,
                                  _int(form.duplicate_of.data), form.notes.data or "",
                                  form.contact.data or "")
        try:
            with unit_of_work():
                challenge = challenges.raise_challenge(current_user, held_uln,
                                                       achievement_id, proposal)
            flash(f"Data challenge {challenge.reference} raised. The awarding organisation "
                  "has been told.", "success")
            return redirect(url_for("challenges.raised_challenges"))
        except (ValidationFailed, AlreadyExists) as error:
            to_form(form, ValidationFailed(problems=[
                replace(p, field=form.reason_field()) if p.field == "reason" else p
                for p in error.problems]), "type")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("challenges/raise.html", form=form, achievement=achievement,
                           has_duplicates=bool(others), **_labels()), status


@bp.get("/my-challenges")
@providers_only
def raised_challenges():
    page = challenges.list_for_provider(current_user, _page_number())
    return render_template("challenges/raised.html", page=page, **_labels())


# --- the resolver's list and its bulk actions ----------------------------------------------------

def _row(challenge):
    return rows.row_for(challenges.listed(challenge))


def _list_context(page, status, message=None, outcomes=None, comments_error=None) -> dict:
    return {"page": page, "rows": rows.rows_for(page.items), "status_filter": status,
            "message": message,
            "outcomes": outcomes or {}, "comments_error": comments_error, **_labels()}


@bp.get("/challenges")
@resolvers_only
def list_challenges():
    """‘Event Data Challenges’: the organisation's challenges, oldest first; ‘Status’ and
    ‘Refresh’ refresh only the table when htmx is there, the page when it is not."""
    status = _status_filter()
    page = challenges.list_for_resolver(current_user, status, _page_number())
    context = _list_context(page, status)
    if aimed_at(targets.CHALLENGE_RESULTS):
        return render_template("challenges/_results.html", **context)
    return render_template("challenges/list.html", **context)


def _seen_versions(ids: list[int]) -> dict[int, int]:
    return {challenge_id: _version(request.form.get(f"version-{challenge_id}"))
            for challenge_id in ids}


MOST_AT_ONCE = 500  # far above a page of rows; bounds one transaction and its audit rows
BULK_ACTIONS = {"in_progress": rules.Status.IN_PROGRESS, "upheld": rules.Status.UPHELD,
                "rejected": rules.Status.REJECTED}


@bp.post("/challenges/bulk")
@resolvers_only
def bulk_status():
    """‘Set status to ‘In progress’’, or resolve several at once with one Additional
    Comments: every ticked row in one transaction; the rows shown are re-rendered in place
    with what changed and what could not."""
    status = _status_filter()
    shown = [i for i in (_int(v) for v in request.form.getlist("shown")) if i][:MOST_AT_ONCE]
    ticked = shown if request.form.get("all") == "yes" else [
        i for i in (_int(v) for v in request.form.getlist("challenge")) if i]
    action = request.form.get("action", "")
    if action == "resolve":
        action = request.form.get("resolution", "")
    wanted = BULK_ACTIONS.get(action)
    comments = request.form.get("comments", "")
    outcomes, message, comments_error, code = {}, None, None, 200
    if request.form.get("action") == "resolve" and wanted is None:
        message, code = "Select a resolution: Resolved – Upheld or Resolved – Rejected.", 422
    elif not ticked or wanted is None:
        message, code = "Select at least one data challenge, then an action.", 422
    elif len(ticked) > MOST_AT_ONCE:
        message, code = (f"Select at most {MOST_AT_ONCE} data challenges at once: "
                         "change them a page at a time."), 422
    else:
        try:
            with unit_of_work():
                results = challenges.set_statuses(current_user, _seen_versions(ticked),
                                                  wanted, comments)
            outcomes = {o.challenge_id: o for o in results}
            message = _summary(results, wanted)
        except ValidationFailed as error:
            comments_error, code = error.message, 422
            message = error.message
        except Conflict as error:  # saved by someone between our read and our write
            message, code = error.message, 409
    listed = [challenges.listed(challenge)
              for challenge in challenges.challenges_for(current_user, shown or ticked)]
    page = challenges.Page(items=listed, number=_page_number(), per_page=len(listed) or 1,
                           total=len(listed)) if shown or ticked else \
        challenges.list_for_resolver(current_user, status, _page_number())
    context = _list_context(page, status, message, outcomes, comments_error)
    context["rerendered"] = True
    if aimed_at(targets.CHALLENGE_RESULTS):
        return render_template("challenges/_results.html", **context), code
    return render_template("challenges/list.html", **context), code


def _summary(results, wanted) -> str:
    changed = [o for o in results if o.result == challenges.CHANGED]
    refused = [o for o in results if o.result != challenges.CHANGED]
    text = (f"{len(changed)} data challenge{'s' if len(changed) != 1 else ''} set to "
            f"‘{rules.STATUS_LABELS[wanted]}’.")
    if refused:
        text += f" {len(refused)} could not be changed: " + "; ".join(
            f"{o.challenge.reference if o.challenge else o.challenge_id} – "
            f"{_why(o)}" for o in refused) + "."
    return text


def _why(outcome) -> str:
    if outcome.result == challenges.CHANGED_MEANWHILE:
        return "changed by someone else meanwhile: check it and try again"
    if outcome.result == challenges.NOT_FOUND:
        return "not found"
    return outcome.problem.message


# --- one row, changed in place -------------------------------------------------------------------

@bp.route("/challenges/<int:challenge_id>/status", methods=["GET", "POST"])
@resolvers_only
def change_status(challenge_id: int):
    """A row's own status change. Choosing a resolved status (GET, from the select) opens
    the row's Additional Comments box; posting saves it. Without htmx the Process page does
    the same."""
    challenge = challenges.challenge_for(current_user, challenge_id)
    in_row = aimed_at(targets.challenge_row(challenge_id))
    wanted = request.values.get(f"status-{challenge_id}", request.values.get("status", ""))
    if request.method == "GET":
        if in_row:  # focus stays on the select (same id), so arrow keys keep choosing
            return render_template(
                "challenges/_row.html", row=_row(challenge), chosen=wanted,
                seen_version=_version(request.values.get(f"version-{challenge_id}")),
                **_labels())
        return redirect(url_for("challenges.process_challenge", challenge_id=challenge_id))
    comments = request.form.get(f"comments-{challenge_id}", request.form.get("comments", ""))
    version = _version(request.form.get(f"version-{challenge_id}", request.form.get("version")))
    error, message = None, None
    try:
        with unit_of_work():
            challenges.set_status(current_user, challenge_id, version, wanted, comments)
        message = f"{challenge.reference} set to ‘{rules.status_label(wanted)}’."
    except DomainError as refused:
        error = refused
    challenge = challenges.challenge_for(current_user, challenge_id)
    if in_row:
        return render_template("challenges/_row.html", row=_row(challenge),
                               chosen=wanted if error else None, row_error=error,
                               comments=comments, row_message=message, **_labels()
                               ), 422 if error else 200
    if error is None:
        flash(message, "success")
        return redirect(url_for("challenges.list_challenges"))
    return _process_page(challenge, _resolution_form(challenge, wanted, comments), error)


# --- Process ---------------------------------------------------------------------------------

def _resolution_form(challenge, status=None, comments=None) -> ResolutionForm:
    form = ResolutionForm(formdata=None)
    form.status.data = status or challenge.status
    form.comments.data = comments or ""
    form.version.data = str(challenge.version)
    return form


def _process_page(challenge, form, error=None):
    if error is not None:
        to_form(form, error, "status")
    return render_template("challenges/process.html", challenge=challenge, form=form,
                           achievements=challenges.achievements_of(challenge),
                           **_labels()), 422 if error else 200


@bp.route("/challenges/<int:challenge_id>", methods=["GET", "POST"])
@resolvers_only
def process_challenge(challenge_id: int):
    """‘Process’: the full details, the achievement(s) and their history, the proposed
    correction, shortcuts to the fix, and the resolution with its comments."""
    challenge = challenges.challenge_for(current_user, challenge_id)
    if request.method == "GET":
        return _process_page(challenge, _resolution_form(challenge))
    form = ResolutionForm()
    if not form.validate_on_submit():
        return _process_page(challenge, form, ValidationFailed("Select a status", "status"))
    try:
        with unit_of_work():
            challenges.set_status(current_user, challenge_id, _version(form.version.data),
                                  form.status.data, form.comments.data or "")
    except DomainError as error:
        challenge = challenges.challenge_for(current_user, challenge_id)
        form.version.data = str(challenge.version)  # the current state, to try again on
        return _process_page(challenge, form, error)
    flash(f"{challenge.reference} set to ‘{rules.status_label(form.status.data)}’.",
          "success")
    return redirect(url_for("challenges.list_challenges"))


@bp.post("/challenges/<int:challenge_id>/process")
@resolvers_only
def start_processing(challenge_id: int):
    """‘Process’ next to a result (guide 8.2): an Open challenge becomes In progress, then
    its Process page opens. One changed meanwhile opens as it now is, with a message."""
    challenge = challenges.challenge_for(current_user, challenge_id)
    if challenge.status == rules.Status.OPEN:
        version = _version(request.form.get(f"version-{challenge_id}"))
        try:
            with unit_of_work():
                challenges.set_status(current_user, challenge_id, version,
                                      rules.Status.IN_PROGRESS)
        except DomainError as error:
            flash(error.message, "info")
    return redirect(url_for("challenges.process_challenge", challenge_id=challenge_id))


# --- the service desk ----------------------------------------------------------------------

@bp.get("/challenges/all/<int:challenge_id>")
@desk_only
def desk_challenge(challenge_id: int):
    """One challenge of any organisation, read-only: its details, achievement(s) and
    resolution, as the resolver sees them on Process, without the forms."""
    challenge = challenges.challenge_for_desk(current_user, challenge_id)
    return render_template("challenges/process.html", challenge=challenge, form=None,
                           read_only=True, achievements=challenges.achievements_of(challenge),
                           **_labels())


@bp.get("/challenges/all")
@desk_only
def all_challenges():
    status = _status_filter(default=ALL)
    page = challenges.list_for_desk(current_user, status, _page_number())
    context = {"page": page, "status_filter": status, **_labels()}
    if aimed_at(targets.CHALLENGE_RESULTS):
        return render_template("challenges/_desk_results.html", **context)
    return render_template("challenges/desk.html", **context)


@bp.get("/challenges/reports")
@desk_only
def report_history():
    page = challenges.report_history(current_user, _page_number())
    return render_template("challenges/reports.html", page=page)
