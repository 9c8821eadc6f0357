"""One refusal, three channels: a form field's error, an exception-file row, a JSON
problem — all from the same Problems."""

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField

from webapp.rules.problems import Problem
from webapp.services.errors import NotFound, ValidationFailed
from webapp.web.translate import EXCEPTION_COLUMNS, to_form, to_problem, to_row

ERROR = ValidationFailed(problems=[
    Problem("BAD_ULN", "ULN must be 10 digits", "uln", "12345",
            "Enter the learner's 10-digit unique learner number"),
    Problem("NAME_REQUIRED", "Enter the learner's given name", "given_name"),
    Problem("SOMETHING", "Something about the whole request"),
])


class LearnerForm(FlaskForm):
    class Meta:
        csrf = False

    uln = StringField("ULN")
    given_name = StringField("Given name")


def test_the_portal_puts_each_problem_beside_its_field():
    app = Flask(__name__)
    with app.test_request_context():
        form = LearnerForm()
        to_form(form, ERROR)
    assert form.uln.errors == ["ULN must be 10 digits"]
    assert form.given_name.errors == ["Enter the learner's given name"]
    assert form.form_errors == ["Something about the whole request"]


def test_a_problem_for_a_field_not_on_the_form_goes_to_the_fallback_field():
    app = Flask(__name__)
    with app.test_request_context():
        form = LearnerForm()
        to_form(form, ValidationFailed("Gender must be 0, 1, 2 or 9", "gender"), "uln")
    assert form.uln.errors == ["Gender must be 0, 1, 2 or 9"]


def test_a_batch_row_carries_row_field_value_code_message_and_fix():
    row = to_row(ERROR.problems[0], 17)
    assert tuple(row) == EXCEPTION_COLUMNS
    assert row == {"row": 17, "field": "uln", "value": "12345", "code": "BAD_ULN",
                   "message": "ULN must be 10 digits",
                   "fix": "Enter the learner's 10-digit unique learner number"}


def test_the_api_answers_a_problem_document_with_every_field():
    document = to_problem(ERROR)
    assert document["status"] == 422 and document["title"] == "ULN must be 10 digits"
    assert [e["field"] for e in document["errors"]] == ["uln", "given_name", None]
    assert to_problem(NotFound("No such user"))["status"] == 404


def test_a_message_that_already_says_what_to_do_is_its_own_fix():
    problem = Problem("NAME_REQUIRED", "Enter the learner's given name", "given_name")
    assert problem.fix == problem.message


def test_a_long_rejected_value_is_cut_short():
    assert len(Problem("X", "m", "f", "y" * 500).value) == 81
