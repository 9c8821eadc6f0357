"""The three translators of a refusal (services/errors.py → rules/problems.py), side by
side so they stay alike:

  to_form        the portal: each problem beside its field, the error summary linking to it
  to_row         a batch file's exception row: row number, field, value, code, message, fix
  to_problem     the API: an RFC 9457 problem document with one entry per field
"""

from flask_wtf import FlaskForm

from webapp.rules.problems import Problem
from webapp.services.errors import DomainError


def to_form(form: FlaskForm, error: DomainError, fallback_field: str | None = None) -> None:
    """Put each problem beside the field it names (or `fallback_field`), or above the form
    when neither is on it, so the error summary links to each."""
    for problem in error.problems:
        name = problem.field if problem.field in form._fields else fallback_field
        if name is None or name not in form._fields:
            form.form_errors.append(problem.message)
            continue
        field = form._fields[name]
        existing = field.errors if isinstance(field.errors, list) else []
        if problem.message not in existing:
            field.errors = [*existing, problem.message]


EXCEPTION_COLUMNS = ("row", "field", "value", "code", "message", "fix")


def to_row(problem: Problem, row_number: int | None) -> dict:
    return {"row": row_number, "field": problem.field or "", "value": problem.value,
            "code": problem.code, "message": problem.message, "fix": problem.fix}


def to_problem(error: DomainError) -> dict:
    return {
        "type": f"about:blank#{error.code}",
        "title": error.message,
        "status": error.status,
        "errors": [{"code": p.code, "field": p.field, "value": p.value,
                    "message": p.message, "fix": p.fix} for p in error.problems],
    }
