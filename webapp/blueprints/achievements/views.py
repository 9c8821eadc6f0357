"""Achievement Management → Manage Learner Achievements (guide 7.2) and Perform Credit
Check. Every rule is the service's; a view reads the form, calls the service in a unit of
work and shows a refusal beside its field."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from webapp.blueprints.achievements import bp
from webapp.blueprints.achievements.forms import (
    CreateAchievementForm,
    CreditCheckForm,
    FindAchievementForm,
    GradeForm,
    MoveForm,
    SearchByUlnForm,
)
from webapp.rules import achievements as rules
from webapp.rules.learner_data import GENDERS
from webapp.rules.matching import FLAGS, NEXT_STEPS
from webapp.rules.permissions import Area
from webapp.services import achievements
from webapp.services import credit_check as credit_checks
from webapp.services.errors import (
    AlreadyExists,
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
)
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.forms import safe_next, whole_number
from webapp.web.htmx import aimed_at, targets
from webapp.web.translate import to_form

achievements_only = area_required(Area.ACHIEVEMENTS)
SEARCHED_ULN = "achievements_uln"  # the last ULN searched, so no learner id goes in a URL
VERBS = {
    "withdraw": {"title": "Withdraw achievement", "button": "Withdraw achievement",
                 "done": "Achievement withdrawn", "service": achievements.withdraw},
    "reinstate": {"title": "Reinstate Achievement", "button": "Reinstate achievement",
                  "done": "Achievement reinstated", "service": achievements.reinstate},
}


def _labels() -> dict:
    return {"event_labels": rules.EVENT_LABELS, "action_reasons": rules.ACTION_REASONS}


def _learner(form):
    return achievements.SubmittedLearner(
        uln=form.uln.data or "", given_name=form.given_name.data or "",
        family_name=form.family_name.data or "", postcode=form.postcode.data or None,
        date_of_birth=form.date_of_birth.data)


# --- search by ULN -----------------------------------------------------------------------------

@bp.route("", methods=["GET", "POST"])
@achievements_only
def manage():
    """Search by ULN (posted, so the ULN stays out of the address) → the organisation's
    achievements for the learner, each with its history and actions."""
    form = SearchByUlnForm()
    uln = None
    if form.validate_on_submit():
        uln = form.uln.data.strip()
    elif request.method == "GET" and session.get(SEARCHED_ULN):
        uln = form.uln.data = session[SEARCHED_ULN]
    held_uln, found = None, []
    if uln:
        try:
            held_uln, found = achievements.for_learner(current_user, uln)
            session[SEARCHED_ULN] = uln
        except ValidationFailed as error:
            to_form(form, error, "uln")
    status = 422 if form.errors or form.form_errors else 200
    context = {"form": form, "searched": uln if held_uln else None, "held_uln": held_uln,
               "found": found, **_labels()}
    if aimed_at(targets.ACHIEVEMENT_RESULTS):
        return render_template("achievements/_results.html", fragment=True,
                               **context), status
    return render_template("achievements/manage.html", **context), status


def _back_to_search():
    return redirect(url_for("achievements.manage"))


# --- create ------------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@achievements_only
def create():
    form = CreateAchievementForm()
    verification = None
    if form.validate_on_submit():
        new = achievements.NewAchievement(
            learner=_learner(form), reference=form.reference.data,
            award_date=form.award_date.data, grade=form.grade.data or None,
            provider_ukprn=form.provider_ukprn.data or None,
            language=form.language.data or None)
        try:
            with unit_of_work():
                achievement = achievements.create(current_user, new)
        except achievements.LearnerNotVerified as error:
            to_form(form, error, "uln")
            verification = error.verification
        except (ValidationFailed, AlreadyExists) as error:
            to_form(form, error, "reference")
        else:
            session[SEARCHED_ULN] = achievement.uln
            return redirect(url_for("achievements.created", achievement_id=achievement.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("achievements/create.html", form=form, result=verification,
                           flag_meanings=FLAGS, next_steps=NEXT_STEPS,
                           genders=GENDERS), status


@bp.get("/<int:achievement_id>/created")
@achievements_only
def created(achievement_id: int):
    achievement = achievements.achievement_for(current_user, achievement_id)
    return render_template("achievements/created.html", achievement=achievement, **_labels())


# --- one achievement, and its grade ----------------------------------------------------------

@bp.get("/<int:achievement_id>")
@achievements_only
def view(achievement_id: int):
    """The achievement with its history; aimed at its row, the row (‘Cancel’ of Edit Grade)."""
    achievement = achievements.achievement_for(current_user, achievement_id)
    if aimed_at(targets.achievement_row(achievement_id)):
        return render_template("achievements/_achievement_row.html", achievement=achievement,
                               **_labels())
    return render_template("achievements/view.html", achievement=achievement, **_labels())


def _grade_form(achievement, grade=None) -> GradeForm:
    form = GradeForm(formdata=None)
    form.grade.choices = [("", "No grade")] + [(g, g) for g in achievement.qualification.grades]
    form.grade.data = achievement.grade if grade is None else grade
    form.version.data = str(achievement.version)
    return form


@bp.route("/<int:achievement_id>/grade", methods=["GET", "POST"])
@achievements_only
def edit_grade(achievement_id: int):
    """‘Edit Grade’: aimed at the row, the row becomes a grade select and ‘Save changes’
    swaps it back; without JavaScript, a page of its own."""
    achievement = achievements.achievement_for(current_user, achievement_id)
    row = aimed_at(targets.achievement_row(achievement_id))
    error = None
    if request.method == "POST":
        grade = request.form.get(f"grade-{achievement_id}", request.form.get("grade", ""))
        version = request.form.get(f"version-{achievement_id}", request.form.get("version"))
        try:
            with unit_of_work():
                achievements.update_grade(current_user, achievement_id, grade,
                                          # no version sent: cannot prove it saw
                                          # the current grade (0 matches nothing)
                                          version=whole_number(version) or 0)
        except (ValidationFailed, Conflict) as refused:
            error = refused
            achievement = achievements.achievement_for(current_user, achievement_id)
            form = _grade_form(achievement, grade)
            to_form(form, refused, "grade")
        else:
            achievement = achievements.achievement_for(current_user, achievement_id)
            message = f"Grade saved for {achievement.reference}."
            if row:
                return render_template("achievements/_achievement_row.html",
                                       achievement=achievement, row_message=message,
                                       **_labels())
            flash(message, "success")
            # Opened from a data challenge's Process page: back there, to resolve it.
            if back := safe_next(request.args.get("next")):
                return redirect(back)
            return _back_to_search()
    else:
        form = _grade_form(achievement)
    status = 422 if error else 200
    if row:
        return render_template("achievements/_achievement_row.html", achievement=achievement,
                               editing=True, grade_form=form, **_labels()), status
    return render_template("achievements/grade.html", achievement=achievement, form=form,
                           **_labels()), status


# --- move --------------------------------------------------------------------------------------

@bp.route("/<int:achievement_id>/move", methods=["GET", "POST"])
@achievements_only
def move(achievement_id: int):
    """‘Move to New Learner’: the new ULN → ‘Continue’ → a check page → ‘Save changes’."""
    achievement = achievements.achievement_for(current_user, achievement_id)
    form = MoveForm()
    target = None
    if form.validate_on_submit():
        try:
            if form.confirmed.data == "yes":
                with unit_of_work():
                    moved = achievements.move(current_user, achievement_id, form.new_uln.data)
                flash(f"{moved.reference} awarded {moved.award_date:%-d %B %Y} moved to the "
                      f"learner with ULN {moved.uln}.", "success")
                return _back_to_search()
            achievement, target = achievements.move_target(current_user, achievement_id,
                                                           form.new_uln.data)
        except (ValidationFailed, AlreadyExists, Conflict) as error:
            to_form(form, error, "new_uln")
    status = 422 if form.errors or form.form_errors else 200
    if target is not None:
        form.confirmed.data = "yes"
        return render_template("achievements/move_check.html", achievement=achievement,
                               target=target, form=form, **_labels())
    return render_template("achievements/move.html", achievement=achievement, form=form,
                           **_labels()), status


# --- withdraw and reinstate ------------------------------------------------------------------

@bp.route("/<any(withdraw, reinstate):verb>", methods=["GET", "POST"])
@achievements_only
def change_status(verb: str):
    """The search fields → ‘Search’ → the record found → Action Date and Action Reason →
    ‘Withdraw achievement’ / ‘Reinstate achievement’ → the success screen."""
    words = VERBS[verb]
    form = FindAchievementForm()
    found, state_problem = None, None
    acting = request.method == "POST" and request.form.get("act") == verb
    if form.validate_on_submit():
        lookup = achievements.Lookup(_learner(form), form.reference.data,
                                     form.award_date.data)
        try:
            if acting:
                action = achievements.Action(form.action_date.data,
                                             form.action_reason.data or None)
                with unit_of_work():
                    done = words["service"](current_user, lookup, action)
                return redirect(url_for("achievements.status_changed", verb=verb,
                                        achievement_id=done.id))
            found = achievements.find(current_user, lookup)
        except NotFound as error:
            to_form(form, error)
        except (ValidationFailed, Conflict) as error:
            to_form(form, error)
            found = _quietly_find(lookup)
        if found is not None:
            state_problem = rules.state_problem(verb, found.status)
    status = 422 if form.errors or form.form_errors or state_problem else 200
    return render_template("achievements/change_status.html", form=form, verb=verb,
                           words=words, found=found, state_problem=state_problem,
                           page_errors=bool(state_problem) or None, **_labels()), status


def _quietly_find(lookup):
    """The record again, to keep it on screen beside an action field's error."""
    try:
        return achievements.find(current_user, lookup)
    except DomainError:
        return None


@bp.get("/<any(withdraw, reinstate):verb>/<int:achievement_id>/done")
@achievements_only
def status_changed(verb: str, achievement_id: int):
    achievement = achievements.achievement_for(current_user, achievement_id)
    expected = rules.WITHDRAWN if verb == "withdraw" else rules.ACTIVE
    if achievement.status != expected:
        abort(404)
    return render_template("achievements/status_changed.html", achievement=achievement,
                           words=VERBS[verb], **_labels())


# --- Perform Credit Check ------------------------------------------------------------------

@bp.route("/credit-check", methods=["GET", "POST"])
@area_required(Area.CREDIT_CHECK)
def credit_check():
    form = CreditCheckForm()
    form.reference.choices = [("", "Choose a qualification")] + [
        (q.reference, f"{q.reference} {q.title}")
        for q in credit_checks.qualifications_to_check()]
    result = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                result = credit_checks.check(current_user, form.uln.data, form.reference.data)
        except ValidationFailed as error:
            to_form(form, error, "uln")
    status = 422 if form.errors or form.form_errors else 200
    context = {"form": form, "result": result}
    if aimed_at(targets.CREDIT_CHECK):
        return render_template("achievements/_credit_check_panel.html", **context), status
    return render_template("achievements/credit_check.html", **context), status
