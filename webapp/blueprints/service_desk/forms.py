from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.rules.roles import AWARDING, PROVIDER, ROLES, ROLES_BY_KIND

KIND_CHOICES = [(AWARDING, "Awarding organisation"), (PROVIDER, "Learning provider")]


class OrganisationForm(FlaskForm):
    name = StringField("Organisation name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the organisation's name"),
                                   Length(max=200)])
    ukprn = StringField("UKPRN", widget=GovTextInput(),
                        description="The 8-digit UK provider reference number",
                        validators=[InputRequired("Enter the UKPRN"), Length(max=8)])
    kind = RadioField("Kind of organisation", choices=KIND_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired("Select the kind of organisation")])
    roles = SelectMultipleField(
        "Roles it may grant", widget=GovCheckboxesInput(),
        description="Its super users can give their users only these roles",
        choices=[(name, f"{ROLES[name].label} ({kind})") for kind in (AWARDING, PROVIDER)
                 for name in ROLES_BY_KIND[kind] if name != "super_user"] + [
            ("super_user", ROLES["super_user"].label)],
        validators=[InputRequired("Select the roles this organisation may grant")])
    submit = SubmitField("Create organisation", widget=GovSubmitInput())
