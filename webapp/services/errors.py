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
    def __init__(self, message: str, field: str | None = None,
                 existing_id: int | None = None):
        super().__init__(message, field)
        self.existing_id = existing_id  # set only when the caller may see that record


class NotFound(DomainError):
    """Missing, or belonging to another organisation: the two look the same from outside."""


class Forbidden(DomainError):
    """The actor's roles do not allow this."""


class Conflict(DomainError):
    """The record changed since it was read, or the change would break a standing rule."""


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
