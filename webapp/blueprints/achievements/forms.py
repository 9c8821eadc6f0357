"""The forms of Manage Learner Achievements and Perform Credit Check. They read what was
typed; every rule is the service's (rules/achievements.py), so a form only checks that a
date is a date and a required box is filled."""


from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.rules.achievements import ACTION_REASONS, LANGUAGES
from webapp.web.forms import OptionalDayMonthYear
from webapp.web.widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)


class DayMonthYear(OptionalDayMonthYear):
    """A GOV.UK date input (Day, Month, Year); blank is None (the service says whether that
    is allowed). A partial or impossible date is an error naming the field."""

    example = "27 3 2019"


def _text(label, message=None, description=None, required=True, max_length=35):
    validators = [InputRequired(message)] if required else []
    return StringField(label, widget=GovTextInput(), description=description,
                       validators=[*validators, Length(max=max_length)])


class LearnerFields(FlaskForm):
    """The learner as the guide's create, withdraw and reinstate screens ask for them."""

    uln = _text("ULN", "Enter the ULN", "The 10-digit unique learner number", max_length=20)
    given_name = _text("Given name", "Enter the learner's given name")
    family_name = _text("Family name", "Enter the learner's family name")
    postcode = _text("Postcode (optional)", required=False, max_length=10)
    date_of_birth = DayMonthYear("Date of birth (optional)", widget=GovDateInput(),
                                 description="For example, 27 3 2008")


class CreateAchievementForm(LearnerFields):
    reference = _text("Aim reference number", "Enter the aim reference number",
                      "A unit or qualification your organisation owns or that is shared, like "
                      "600/1166/X, 6001166X or K/501/5773", max_length=12)
    award_date = DayMonthYear("Date of the award", widget=GovDateInput(),
                              description="In the past, and not before 1 September 2006")
    provider_ukprn = _text("UKPRN (optional)", required=False,
                           description="The 8-digit UK provider reference number of where the "
                                       "learner studied", max_length=12)
    grade = _text("Grade (optional)", required=False,
                  description="From the qualification's grading scale, for example A, 7 or "
                              "Pass", max_length=20)
    language = SelectField("Language (optional)", widget=GovSelect(),
                           choices=[("", "None")] + [(name, name) for name in LANGUAGES],
                           validate_choice=False)
    submit = SubmitField("Create Achievement", widget=GovSubmitInput())


class FindAchievementForm(LearnerFields):
    """Withdraw's and Reinstate's search: the achievement's unique reference and the names it
    was created with. Action fields appear once it is found."""

    reference = _text("Aim reference number", "Enter the aim reference number",
                      "As it was when the achievement was created", max_length=12)
    award_date = DayMonthYear("Date of the award", widget=GovDateInput(),
                              description="As it was when the achievement was created")
    action_date = DayMonthYear("Action Date", widget=GovDateInput(),
                               description="The date the change was agreed; in the past")
    action_reason = RadioField(
        "Action Reason", widget=GovRadioInput(), validate_choice=False,
        choices=[(code, f"{code} – {text}") for code, text in ACTION_REASONS.items()])
    step = HiddenField(default="search")
    search = SubmitField("Search", widget=GovSubmitInput())


class SearchByUlnForm(FlaskForm):
    uln = _text("ULN", "Enter the ULN", "The 10-digit unique learner number", max_length=20)
    submit = SubmitField("Search", widget=GovSubmitInput())


class GradeForm(FlaskForm):
    grade = SelectField("Grade", widget=GovSelect(), validate_choice=False)
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class MoveForm(FlaskForm):
    new_uln = _text("New ULN", "Enter the ULN of the learner to move the achievement to",
                    "The 10-digit ULN of the learner the achievement belongs to",
                    max_length=20)
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class CreditCheckForm(FlaskForm):
    uln = _text("ULN", "Enter the ULN", "The 10-digit unique learner number", max_length=20)
    reference = SelectField("Qualification", widget=GovSelect(), validate_choice=False,
                            validators=[InputRequired("Choose a qualification")])
    submit = SubmitField("Perform Credit Check", widget=GovSubmitInput())
