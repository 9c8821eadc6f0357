"""Domain errors. Each carries a plain-English message and, where a form field is at
fault, the field's name, so every channel can show it beside the right input."""


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke a rule; nothing was written."""


class AlreadyExists(DomainError):
    pass


class NotFound(DomainError):
    pass


class SignInRefused(DomainError):
    """One generic answer for unknown user, wrong password, locked, suspended or inactive."""

    GENERIC = (
        "The username or password is not right, or this account cannot sign in at the "
        "moment. If you have forgotten your password or your account is locked, use "
        "‘I have forgotten my password’."
    )

    def __init__(self):
        super().__init__(self.GENERIC)


class LinkNotValid(DomainError):
    """A single-use link that is unknown, already used or expired."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason  # "unknown", "used" or "expired"
