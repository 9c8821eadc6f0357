"""The forms of event data challenges. They read what was typed; every rule is the
service's (rules/challenges.py)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.rules import challenges as rules
from webapp.web.widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)


class LearnerRecordForm(FlaskForm):
    uln = StringField("ULN", widget=GovTextInput(), description="The 10-digit unique learner "
                      "number", validators=[InputRequired("Enter the ULN"), Length(max=20)])
    given_name = StringField("Given Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the learner's given name"), Length(max=35)])
    family_name = StringField("Family Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the learner's family name"), Length(max=35)])
    submit = SubmitField("Search", widget=GovSubmitInput())


class RaiseForm(FlaskForm):
    achievement = HiddenField()
    type = RadioField("Why are you challenging this achievement?", widget=GovRadioInput(),
                      choices=[(kind.value, label) for kind, label in rules.TYPE_LABELS.items()],
                      validate_choice=False)
    wrong_reason = RadioField("What is wrong?", widget=GovRadioInput(), validate_choice=False,
                              choices=list(rules.REASONS[rules.ChallengeType.WRONG_INFORMATION]
                                           .items()))
    proposed_value = StringField("The correct value", widget=GovTextInput(),
                                 description="The grade or date as it should be")
    ownership_reason = RadioField("Why does it not belong to this learner?",
                                  widget=GovRadioInput(), validate_choice=False,
                                  choices=list(rules.REASONS[
                                      rules.ChallengeType.NOT_THIS_LEARNER].items()))
    # Its choices are the learner's achievements: rendered afresh, never kept.
    duplicate_of = SelectField("Which achievement does it duplicate?",
                               widget=GovSelect(kept=False), validate_choice=False, choices=[])
    notes = TextAreaField("Notes", widget=GovTextArea(),
                          description="What is wrong, and how you know")
    contact = StringField("Contact", widget=GovTextInput(),
                          description="A name and phone number or email address the resolver "
                                      "can use")
    submit = SubmitField("Raise data challenge", widget=GovSubmitInput())

    # Problems name `reason`; it shows beside whichever reason the type asks for.
    def reason_field(self) -> str:
        return "ownership_reason" if self.type.data == "not_this_learner" else "wrong_reason"


class ResolutionForm(FlaskForm):
    version = HiddenField()
    status = SelectField("Status", widget=GovSelect(), validate_choice=False,
                         choices=list(rules.STATUS_LABELS.items()))
    comments = TextAreaField("Additional Comments", widget=GovTextArea(),
                             description="Required to resolve: the action you took, or why "
                                         "no action is needed")
    submit = SubmitField("Save", widget=GovSubmitInput())
