"""Learner Verification → Submit / View Batch Job, and Achievement Management → Submit /
View Achievement Batch (guide 6.2, 7.3). The file is checked at once and queued; the View
page lists the organisation's jobs, and a running job's row refreshes itself (HTMX) until
it ends."""

import io
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.blueprints.batches import bp
from webapp.blueprints.batches.forms import BatchFileForm
from webapp.formats import batch_files
from webapp.formats.batch_files import ACHIEVEMENT, VERIFY
from webapp.jobs.job_counts import counts_for_people
from webapp.rules.permissions import Area
from webapp.services import batches
from webapp.services.errors import DomainError
from webapp.services.unit_of_work import unit_of_work
from webapp.web.access import area_required
from webapp.web.htmx import aimed_at, targets
from webapp.web.translate import to_form

verification_batches = area_required(Area.VERIFICATION_BATCHES)
achievement_batches = area_required(Area.ACHIEVEMENT_BATCHES)
PAGES = {
    VERIFY: {"caption": "Learner Verification", "submit_title": "Submit Batch Job",
             "view_title": "View Batch Job", "submit": "batches.submit_verification",
             "view": "batches.view_verification", "row": "batches.verification_job_row",
             "output": "batches.verification_output", "cancel": "batches.cancel_verification",
             "template": "batches.verification_template"},
    ACHIEVEMENT: {"caption": "Achievement Management", "submit_title": "Submit Achievement Batch",
                  "view_title": "View Achievement Batch", "submit": "batches.submit_achievement",
                  "view": "batches.view_achievement", "row": "batches.achievement_job_row",
                  "output": "batches.achievement_output", "cancel": "batches.cancel_achievement",
                  "template": "batches.achievement_template"},
}
MIMETYPES = {"csv": "text/csv", "xml": "application/xml", "xsd": "application/xml"}
XSD_FOLDER = Path(__file__).resolve().parents[2] / "static" / "batch-files"
EXAMPLES = {
    VERIFY: [{"MISIdentifier": "STU-0001", "ULN": "1000000043", "FamilyName": "Smith",
              "GivenName": "James", "DateOfBirth": "2008-05-01", "Gender": "1"},
             {"MISIdentifier": "STU-0002", "ULN": "1000102504", "FamilyName": "Lee",
              "GivenName": "Ann"}],
    ACHIEVEMENT: [
        {"MISIdentifier": "AW-1", "Action": "create", "ULN": "1000000043", "GivenName": "James",
         "FamilyName": "Smith", "DateOfBirth": "2008-05-01", "Reference": "600/1166/X",
         "AwardDate": "2024-08-22", "Grade": "7", "Language": "English"},
        {"MISIdentifier": "AW-2", "Action": "withdraw", "ULN": "1000000043",
         "GivenName": "James", "FamilyName": "Smith", "Reference": "600/1166/X",
         "AwardDate": "2024-08-22", "ActionDate": "2024-09-01", "ActionReason": "SUBINERROR"},
    ],
}


# --- submit --------------------------------------------------------------------------------

def _submit(kind: str):
    form = BatchFileForm()
    if form.validate_on_submit():
        upload = form.batch_file.data
        try:
            with unit_of_work():
                job = batches.submit(current_user, kind, batches.Upload(
                    upload.filename or "", upload.stream, bool(form.validate_only.data),
                    bool(form.submit_again.data)))
                job_id = job.id
        except DomainError as error:
            to_form(form, error, "batch_file")
        else:
            try:
                from webapp.jobs import tasks  # the task queue is loaded when first used

                tasks.queue_batch_job(job_id)
            except Exception:  # the job is saved: the worker's minute sweep queues it
                current_app.logger.exception("Batch job %s saved but not queued", job_id)
            flash(f"Batch job {job_id} is waiting to run. You will get an email when it "
                  "ends.", "success")
            return redirect(url_for(PAGES[kind]["view"]))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("batches/submit.html", form=form, kind=kind, page=PAGES[kind],
                           max_mb=current_app.config["BATCH_MAX_BYTES"] // 1_048_576,
                           max_rows=current_app.config["BATCH_MAX_ROWS"],
                           columns=batch_files.COLUMNS[kind]), status


@bp.route("/verification/submit", methods=["GET", "POST"])
@verification_batches
def submit_verification():
    return _submit(VERIFY)


@bp.route("/achievements/submit", methods=["GET", "POST"])
@achievement_batches
def submit_achievement():
    return _submit(ACHIEVEMENT)


# --- view ----------------------------------------------------------------------------------

def _view(kind: str):
    jobs = batches.jobs_for(current_user, kind)
    return render_template("batches/view.html", jobs=jobs, kind=kind, page=PAGES[kind],
                           summary=counts_for_people)


@bp.route("/verification")
@verification_batches
def view_verification():
    return _view(VERIFY)


@bp.route("/achievements")
@achievement_batches
def view_achievement():
    return _view(ACHIEVEMENT)


def _job_row(kind: str, job_id: int):
    """One job's row, for HTMX to refresh while it runs; a page asks for the list."""
    job = batches.job_for(current_user, kind, job_id)
    if not aimed_at(targets.batch_job_row(job.id)):
        return redirect(url_for(PAGES[kind]["view"]))
    return render_template("batches/_job_row.html", job=job, kind=kind, page=PAGES[kind],
                           summary=counts_for_people, fragment=True)


@bp.route("/verification/<int:job_id>/row")
@verification_batches
def verification_job_row(job_id):
    return _job_row(VERIFY, job_id)


@bp.route("/achievements/<int:job_id>/row")
@achievement_batches
def achievement_job_row(job_id):
    return _job_row(ACHIEVEMENT, job_id)


def _output(kind: str, job_id: int) -> Response:
    with unit_of_work():
        job = batches.output_for(current_user, kind, job_id)
    return Response(batches.output_chunks(job), mimetype=MIMETYPES[job.file_format],
                    headers={"Content-Disposition":
                             f'attachment; filename="{batches.output_file_name(job)}"',
                             "Cache-Control": "no-store"})


@bp.route("/verification/<int:job_id>/output")
@verification_batches
def verification_output(job_id):
    return _output(VERIFY, job_id)


@bp.route("/achievements/<int:job_id>/output")
@achievement_batches
def achievement_output(job_id):
    return _output(ACHIEVEMENT, job_id)


def _cancel(kind: str, job_id: int):
    try:
        with unit_of_work():
            job = batches.cancel(current_user, kind, job_id)
        flash(f"Batch job {job.id} was cancelled.", "success")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    return redirect(url_for(PAGES[kind]["view"]))


@bp.route("/verification/<int:job_id>/cancel", methods=["POST"])
@verification_batches
def cancel_verification(job_id):
    return _cancel(VERIFY, job_id)


@bp.route("/achievements/<int:job_id>/cancel", methods=["POST"])
@achievement_batches
def cancel_achievement(job_id):
    return _cancel(ACHIEVEMENT, job_id)


# --- templates to download -----------------------------------------------------------------

def _template(kind: str, file_format: str) -> Response:
    if file_format == "xsd":
        body = (XSD_FOLDER / f"{kind}-batch.xsd").read_text()
    elif file_format in batch_files.FORMATS:
        text = io.StringIO()
        batch_files.write_input(text, kind, file_format, EXAMPLES[kind])
        body = text.getvalue()
    else:
        abort(404)
    return Response(body, mimetype=MIMETYPES[file_format], headers={
        "Content-Disposition": f'attachment; filename="lrs-{kind}-batch-template.{file_format}"'})


@bp.route("/verification/template.<file_format>")
@verification_batches
def verification_template(file_format):
    return _template(VERIFY, file_format)


@bp.route("/achievements/template.<file_format>")
@achievement_batches
def achievement_template(file_format):
    return _template(ACHIEVEMENT, file_format)
