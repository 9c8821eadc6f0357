"""Domain errors: every refusal a service raises carries one or more Problems (code, field,
rejected value, message, fix; see rules/problems.py), so each channel can show it in its
own way: beside the field in the portal, as an exception row in a batch file, as a JSON
problem from the API (webapp/web/translate.py).

The class says what kind of refusal it is, which is what a channel needs to choose a
status: bad input (422), not found (404), not allowed (403), a clash with the current
state (409)."""

from webapp.rules.problems import Problem, RuleBroken


class DomainError(Exception):
    default_code = "REFUSED"
    status = 400

    def __init__(self, message: str | None = None, field: str | None = None, *,
                 code: str | None = None, value: str = "", fix: str = "",
                 problems: list[Problem] | None = None):
        if problems is None:
            problems = [Problem(code=code or self.default_code, message=message or "",
                                field=field, value=str(value or ""), fix=fix)]
        if not problems:
            raise ValueError("a domain error needs at least one problem")
        super().__init__(problems[0].message)
        self.problems = list(problems)

    @classmethod
    def of(cls, problems: list[Problem], **kwargs):
        return cls(problems=problems, **kwargs)

    @classmethod
    def from_rule(cls, broken: RuleBroken):
        return cls(problems=broken.problems)

    # The first problem, for callers that show one message.
    @property
    def message(self) -> str:
        return self.problems[0].message

    @property
    def field(self) -> str | None:
        return self.problems[0].field

    @property
    def code(self) -> str:
        return self.problems[0].code


class ValidationFailed(DomainError):
    """Input broke a rule; nothing was written."""

    default_code = "INVALID"
    status = 422


class AlreadyExists(DomainError):
    default_code = "ALREADY_EXISTS"
    status = 409

    def __init__(self, message: str | None = None, field: str | None = None, *,
                 existing_id: int | None = None, **kwargs):
        super().__init__(message, field, **kwargs)
        self.existing_id = existing_id  # set only when the caller may see that record


class NotFound(DomainError):
    """Missing, or belonging to another organisation: the two look the same from outside."""

    default_code = "NOT_FOUND"
    status = 404


class Forbidden(DomainError):
    """The actor's roles or organisation do not allow this."""

    default_code = "FORBIDDEN"
    status = 403


class Conflict(DomainError):
    """The record changed since it was read, or the change would break a standing rule."""

    default_code = "CONFLICT"
    status = 409


class ChangedMeanwhile(Conflict):
    """Someone else saved the same record first (optimistic locking)."""

    default_code = "CHANGED_MEANWHILE"
    MESSAGE = ("Someone else changed this record while you were working. Nothing was saved: "
               "check the details and try again.")

    def __init__(self, message: str | None = None, field: str | None = None, **kwargs):
        super().__init__(message or self.MESSAGE, field, **kwargs)


class SignInRefused(DomainError):
    """One generic answer for unknown user, wrong password, locked, suspended or inactive."""

    default_code = "SIGN_IN_REFUSED"
    status = 401
    GENERIC = (
        "The username or password is not right, or this account cannot sign in at the "
        "moment. If you have forgotten your password or your account is locked, use "
        "‘I have forgotten my password’."
    )

    def __init__(self, message: str | None = None):
        super().__init__(message or self.GENERIC)


class LinkNotValid(DomainError):
    """A single-use link that is unknown, already used or expired."""

    default_code = "LINK_NOT_VALID"
    status = 410

    def __init__(self, message: str, reason: str):
        super().__init__(message, code=f"LINK_{reason.upper()}")
        self.reason = reason  # "unknown", "used", "expired" or "status"
