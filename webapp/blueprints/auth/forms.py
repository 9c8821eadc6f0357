from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from webapp.web.widgets import GovPasswordInput, GovSubmitInput, GovTextInput


class SignInForm(FlaskForm):
    username = StringField("Username", widget=GovTextInput(),
                           validators=[InputRequired("Enter your username"), Length(max=80)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password"), Length(max=1024)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    username_or_email = StringField(
        "Username or email address", widget=GovTextInput(),
        validators=[InputRequired("Enter your username or email address"), Length(max=254)])
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Required fields are checked by the service with every other rule, so every problem
    shows at once (self_service.new_password_problems)."""

    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[Length(max=1024)])
    confirm_password = PasswordField("Confirm password", widget=GovPasswordInput(),
                                     validators=[Length(max=1024)])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class RegistrationForm(FlaskForm):
    """The first-sign-in ‘Change password’ screen also asks for the username, first: its
    fields are declared in page order, so the error summary lists them in that order."""

    username = StringField("Username", widget=GovTextInput(),
                           description="This is in your welcome email",
                           validators=[Length(max=80)])
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[Length(max=1024)])
    confirm_password = PasswordField("Confirm password", widget=GovPasswordInput(),
                                     validators=[Length(max=1024)])
    submit = SubmitField("Change password", widget=GovSubmitInput())
