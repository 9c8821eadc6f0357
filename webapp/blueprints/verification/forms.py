from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

GENDER_CHOICES = [("", "Not supplied"), ("1", "Male"), ("2", "Female"), ("0", "Not known"),
                  ("9", "Not specified")]


class OptionalDayMonthYear(DateField):
    """A GOV.UK date input (Day, Month, Year) that may be left blank. A partial or
    impossible date is an error naming what to fix; a request without the field is blank."""

    def process_formdata(self, valuelist):
        parts = [(value or "").strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        if not any(parts):
            self.data = None
            return
        if not all(parts):
            self.data = None
            raise ValueError("Date of birth must include a day, month and year")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError("Date of birth must be a real date, like 27 3 2008") from None


class VerifySingleLearnerForm(FlaskForm):
    uln = StringField("ULN", widget=GovTextInput(), description="The 10-digit unique learner "
                      "number", validators=[InputRequired("Enter the ULN"), Length(max=20)])
    given_name = StringField("Given Name", widget=GovTextInput(),
                             validators=[InputRequired("Enter the learner's given name"),
                                         Length(max=35)])
    family_name = StringField("Family Name", widget=GovTextInput(),
                              validators=[InputRequired("Enter the learner's family name"),
                                          Length(max=35)])
    date_of_birth = OptionalDayMonthYear(
        "Date of birth", widget=GovDateInput(),
        description="Recommended. For example, 27 3 2008")
    # Checked by the service (one rule for every channel), so a request without it is fine.
    gender = SelectField("Gender", choices=GENDER_CHOICES, widget=GovSelect(),
                         description="Recommended", validate_choice=False)
    submit = SubmitField("Verify", widget=GovSubmitInput())
