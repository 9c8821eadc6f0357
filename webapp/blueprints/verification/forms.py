from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.web.forms import OptionalDayMonthYear
from webapp.web.widgets import GovDateInput, GovSelect, GovSubmitInput, GovTextInput

GENDER_CHOICES = [("", "Not supplied"), ("1", "Male"), ("2", "Female"), ("0", "Not known"),
                  ("9", "Not specified")]


class VerifySingleLearnerForm(FlaskForm):
    uln = StringField("ULN", widget=GovTextInput(), description="The 10-digit unique learner "
                      "number", validators=[InputRequired("Enter the ULN"), Length(max=20)])
    given_name = StringField("Given name", widget=GovTextInput(),
                             validators=[InputRequired("Enter the learner's given name"),
                                         Length(max=35)])
    family_name = StringField("Family name", widget=GovTextInput(),
                              validators=[InputRequired("Enter the learner's family name"),
                                          Length(max=35)])
    date_of_birth = OptionalDayMonthYear(
        "Date of birth", widget=GovDateInput(),
        description="Recommended. For example, 27 3 2008")
    # Checked by the service (one rule for every channel), so a request without it is fine.
    gender = SelectField("Gender", choices=GENDER_CHOICES, widget=GovSelect(),
                         description="Recommended", validate_choice=False)
    submit = SubmitField("Verify", widget=GovSubmitInput())
