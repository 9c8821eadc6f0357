from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from webapp.models import UserStatus
from webapp.rules.roles import ROLES

STATUS_CHOICES = [(status.value, status.value) for status in
                  (UserStatus.ACTIVE, UserStatus.INACTIVE, UserStatus.DELETED,
                   UserStatus.SUSPENDED)]


def role_choices(role_names) -> list[tuple[str, str]]:
    return [(name, ROLES[name].label) for name in ROLES if name in role_names]


class FindUserForm(FlaskForm):
    """‘Find user’: read from the query string, so a search can be bookmarked or shared."""

    class Meta:
        csrf = False

    given_name = StringField("Given Name", widget=GovTextInput(),
                             validators=[Optional(), Length(max=35)])
    family_name = StringField("Family Name", widget=GovTextInput(),
                              validators=[Optional(), Length(max=35)])
    username = StringField("Username", widget=GovTextInput(),
                           validators=[Optional(), Length(max=80)])
    status = SelectField("Status", choices=STATUS_CHOICES, default=UserStatus.ACTIVE.value,
                         widget=GovSelect())
    all_roles = BooleanField("Select all", widget=GovCheckboxInput(), default=True)
    roles = SelectMultipleField("Select role(s)", widget=GovCheckboxesInput(),
                                validate_choice=False)
    submit = SubmitField("Search", widget=GovSubmitInput())


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
        "Verification Provided", widget=GovTextInput(),
        description="How you checked this person's identity and authority, for example a "
                    "staff ID or a work email address",
        validators=[InputRequired("Enter the verification provided"), Length(max=200)])
    roles = SelectMultipleField("User Role", widget=GovCheckboxesInput(),
                                description="Give only the access this person needs",
                                validators=[InputRequired("Select at least one role")])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    submit = SubmitField("Create User", widget=GovSubmitInput())


class EmailForm(FlaskForm):
    email = StringField("Email", widget=GovTextInput(),
                        validators=[InputRequired("Enter the new email address"),
                                    Length(max=254)])
    confirm_email = StringField("Confirm email", widget=GovTextInput(),
                                validators=[InputRequired("Enter the new email address again"),
                                            Length(max=254)])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class SuspendForm(FlaskForm):
    reason = StringField("Reason for suspending", widget=GovTextInput(),
                         validators=[Length(max=200)])
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token and where to go back to."""

    next = HiddenField()


class ActivityForm(FlaskForm):
    class Meta:
        csrf = False

    username = StringField("Username", widget=GovTextInput(),
                           validators=[Optional(), Length(max=80)])
    event = SelectField("Event type", widget=GovSelect(), choices=[], validate_choice=False)
    date_from = DateField("From", validators=[Optional()], widget=GovTextInput(),
                          description="For example, 2026-11-01")
    date_to = DateField("To", validators=[Optional()], widget=GovTextInput(),
                        description="For example, 2026-11-30")
    submit = SubmitField("Filter", widget=GovSubmitInput())
