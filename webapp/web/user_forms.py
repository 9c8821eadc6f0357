"""The account form shared by User Management and the service desk."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from webapp.rules.roles import ROLES
from webapp.services.user_management import UserDetails
from webapp.web.widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput


def role_choices(role_names) -> list[tuple[str, str]]:
    return [(name, ROLES[name].label) for name in ROLES if name in role_names]


class UserForm(FlaskForm):
    """‘Create user’ and ‘Edit user’ (which has no email field: email changes by
    verification)."""

    title = StringField("Title (optional)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=20)])
    given_name = StringField("Given name", widget=GovTextInput(),
                             validators=[InputRequired("Enter a given name"), Length(max=35)])
    family_name = StringField("Family name", widget=GovTextInput(),
                              validators=[InputRequired("Enter a family name"),
                                          Length(max=35)])
    email = StringField("Email", widget=GovTextInput(),
                        description="Unique to this person: shared addresses such as info@ "
                                    "are not allowed",
                        validators=[InputRequired("Enter an email address"), Length(max=254)])
    landline = StringField("Telephone (landline, optional)", widget=GovTextInput(),
                           validators=[Optional(), Length(max=30)])
    mobile = StringField("Telephone (mobile, optional)", widget=GovTextInput(),
                         validators=[Optional(), Length(max=30)])
    staff_reference = StringField("Staff ID or your reference (optional)",
                                  widget=GovTextInput(), validators=[Optional(), Length(max=50)])
    verification_provided = StringField(
        "Verification provided", widget=GovTextInput(),
        description="How you checked this person's identity and authority, for example a "
                    "staff ID or a work email address",
        validators=[InputRequired("Enter the verification provided"), Length(max=200)])
    roles = SelectMultipleField("User Role", widget=GovCheckboxesInput(),
                                description="Give only the access this person needs",
                                validators=[InputRequired("Select at least one role")])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Create User", widget=GovSubmitInput())

    def details(self) -> UserDetails:
        return UserDetails(
            title=self.title.data or "", given_name=self.given_name.data or "",
            family_name=self.family_name.data or "", landline=self.landline.data or "",
            mobile=self.mobile.data or "", staff_reference=self.staff_reference.data or "",
            verification_provided=self.verification_provided.data or "",
            roles=list(self.roles.data or []))
