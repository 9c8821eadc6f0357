"""Helpers shared by every blueprint's forms."""

from datetime import date
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from wtforms import DateField

from webapp.web.widgets import GovDateInput


def whole_number(value) -> int | None:
    """A page number, id or version from a request: plain ASCII digits of sensible length,
    else None (str.isdigit() also accepts ‘²’, which int() refuses)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def error_summary(form: FlaskForm) -> dict:
    """Parameters for govukErrorSummary: form-level errors first, then each field's first
    error linked to its input."""
    field_errors = [item for item in wtforms_errors(form)["errorList"]
                    if item.get("href") not in ("#", "#None")]
    for item in field_errors:  # a GOV.UK date input's first box is its day
        field = form._fields.get(item["href"].lstrip("#"))
        if field is not None and isinstance(field.widget, GovDateInput):
            item["href"] += "-day"
    form_level = [{"text": message} for message in form.form_errors]
    return {"titleText": "There is a problem", "errorList": form_level + field_errors}


class OptionalDayMonthYear(DateField):
    """A GOV.UK date input (Day, Month, Year) that may be left blank. A partial or
    impossible date is an error naming what to fix; a request without the field is blank."""

    example = "27 3 2008"

    def process_formdata(self, valuelist):
        parts = [(value or "").strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        if not any(parts):
            self.data = None
            return
        label = self.label.text.split(" (")[0]  # "Date of birth (optional)" → "Date of birth"
        if not all(parts):
            self.data = None
            raise ValueError(f"{label} must include a day, month and year")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{label} must be a real date, like {self.example}") from None
