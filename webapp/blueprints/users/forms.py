from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, Optional

from webapp.models import UserStatus
from webapp.web.forms import OptionalDayMonthYear
from webapp.web.widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)

STATUS_CHOICES = [(status.value, status.value) for status in
                  (UserStatus.ACTIVE, UserStatus.INACTIVE, UserStatus.DELETED,
                   UserStatus.SUSPENDED)]


class FindUserForm(FlaskForm):
    """‘Find user’: read from the query string, so a search can be bookmarked or shared."""

    class Meta:
        csrf = False

    given_name = StringField("Given name", widget=GovTextInput(),
                             validators=[Optional(), Length(max=35)])
    family_name = StringField("Family name", widget=GovTextInput(),
                              validators=[Optional(), Length(max=35)])
    username = StringField("Username", widget=GovTextInput(),
                           validators=[Optional(), Length(max=80)])
    status = SelectField("Status", choices=STATUS_CHOICES, default=UserStatus.ACTIVE.value,
                         widget=GovSelect())
    all_roles = BooleanField("Select all", widget=GovCheckboxInput(), default=True)
    roles = SelectMultipleField("Select role(s)", widget=GovCheckboxesInput(),
                                validate_choice=False)
    submit = SubmitField("Search", widget=GovSubmitInput())


class EmailForm(FlaskForm):
    # Required fields are checked by the service with every other rule, so every
    # problem shows at once (self_service.email_change_problems).
    email = StringField("Email", widget=GovTextInput(), validators=[Length(max=254)])
    confirm_email = StringField("Confirm email", widget=GovTextInput(),
                                validators=[Length(max=254)])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token and where to go back to."""

    next = HiddenField()


class ActivityForm(FlaskForm):
    class Meta:
        csrf = False

    username = StringField("Username", widget=GovTextInput(),
                           validators=[Optional(), Length(max=80)])
    event = SelectField("Event type", widget=GovSelect(), choices=[], validate_choice=False)
    date_from = OptionalDayMonthYear("Date from", widget=GovDateInput(),
                                     description="For example, 1 11 2026")
    date_to = OptionalDayMonthYear("Date to", widget=GovDateInput(),
                                   description="For example, 30 11 2026")
    submit = SubmitField("Filter", widget=GovSubmitInput())
