"""Learner Verification → Verify Single Learner (guide section 6.1)."""

from flask import render_template, request
from flask_login import current_user

from webapp.blueprints.verification import bp
from webapp.blueprints.verification.forms import VerifySingleLearnerForm
from webapp.rules.learner_data import GENDERS
from webapp.rules.matching import FLAGS, NEXT_STEPS
from webapp.rules.permissions import Area
from webapp.services import verification
from webapp.services.errors import ValidationFailed
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.htmx import aimed_at, css, targets
from webapp.web.translate import to_form
from webapp.web.verification_limits import single_verification_limits


@bp.route("/verify", methods=["GET", "POST"])
@area_required(Area.SINGLE_VERIFICATION)
@single_verification_limits
def verify_single():
    """The form, and under it the result. Posted, so no learner details go in the URL."""
    form = VerifySingleLearnerForm()
    result = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                result = verification.verify_learner(
                    current_user, verification.VerificationRequest(
                        uln=form.uln.data, given_name=form.given_name.data,
                        family_name=form.family_name.data,
                        date_of_birth=form.date_of_birth.data,
                        gender=form.gender.data or None))
        except ValidationFailed as error:
            to_form(form, error, "uln")
    status = 422 if form.errors or form.form_errors else 200
    context = {"verify_form": form, "result": result, "flag_meanings": FLAGS,
               "next_steps": NEXT_STEPS, "genders": GENDERS}
    if aimed_at(targets.VERIFY_PANEL):
        if result is not None and request.form.get("shown_without_errors"):
            # The form on screen is already right: send the result alone (issue 14).
            return render_template("verification/_verify_result.html", **context), 200, {
                "HX-Retarget": css(targets.VERIFY_RESULT), "HX-Reswap": "innerHTML"}
        return render_template("verification/_verify_panel.html", fragment=True,
                               **context), status
    return render_template("verification/verify_single.html", **context), status
