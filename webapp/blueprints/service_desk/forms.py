from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.rules.roles import AWARDING, PROVIDER, ROLES, ROLES_BY_KIND
from webapp.web.widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)

KIND_CHOICES = [(AWARDING, "Awarding organisation"), (PROVIDER, "Learning provider")]


def _roles_field(kind: str) -> SelectMultipleField:
    return SelectMultipleField(
        "Roles it may grant", widget=GovCheckboxesInput(),
        description="Its super users can give their users only these roles",
        choices=[(name, ROLES[name].label) for name in ROLES_BY_KIND[kind]],
        default=list(ROLES_BY_KIND[kind]))


class OrganisationForm(FlaskForm):
    name = StringField("Organisation name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the organisation's name"),
                                   Length(max=200)])
    ukprn = StringField("UKPRN", widget=GovTextInput(),
                        description="The 8-digit UK provider reference number",
                        validators=[InputRequired("Enter the UKPRN"), Length(max=8)])
    kind = RadioField("Kind of organisation", choices=KIND_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired("Select the kind of organisation")])
    # One set of role boxes per kind, each revealed under its kind's radio (GOV.UK
    # conditional reveal; without JavaScript both show), so only roles of the chosen kind
    # are offered and read.
    roles_awarding = _roles_field(AWARDING)
    roles_provider = _roles_field(PROVIDER)
    submit = SubmitField("Create organisation", widget=GovSubmitInput())

    def roles_for_kind(self):
        """The role boxes of the kind chosen, or None before a kind is chosen."""
        return self._fields.get(f"roles_{self.kind.data}")
