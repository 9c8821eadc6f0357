from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.web.widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)


class EditEmailForm(FlaskForm):
    """Required fields are checked with every other rule, so every problem shows at once."""

    email = StringField("Email", widget=GovTextInput(), validators=[Length(max=254)])
    confirm_email = StringField("Confirm email", widget=GovTextInput(),
                                validators=[Length(max=254)])
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(),
        description="We ask for it so nobody else can change your email address",
        validators=[Length(max=1024)])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class AcceptTermsForm(FlaskForm):
    accept = BooleanField(
        "I accept the terms of the LRS user agreement", widget=GovCheckboxInput(),
        validators=[InputRequired("Tick the box to accept the terms of the user agreement")])
    submit = SubmitField("Accept and continue", widget=GovSubmitInput())


class VerifyEmailForm(FlaskForm):
    submit = SubmitField("Verify email address", widget=GovSubmitInput())


class StopEmailChangeForm(FlaskForm):
    submit = SubmitField("Stop the change", widget=GovSubmitInput())

