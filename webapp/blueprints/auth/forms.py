from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


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
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter a new password")])
    confirm_password = PasswordField("Confirm password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Confirm your new password")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class RegistrationForm(NewPasswordForm):
    """The first-sign-in ‘Change password’ screen also asks for the username."""

    username = StringField("Username", widget=GovTextInput(),
                           description="This is in your welcome email",
                           validators=[InputRequired("Enter your username"), Length(max=80)])

    field_order = ("username", "password", "confirm_password", "submit")

    def __iter__(self):
        return (self[name] for name in self.field_order)
