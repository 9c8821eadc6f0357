"""The one shape of a refusal, whichever channel the input came through.

A Problem says which field was wrong, the value that was rejected (never a whole record),
a stable code, the message shown beside the field, and a plain fix. The portal shows the
message beside the field, a batch file's exception row carries all five, and the API
answers them as a JSON problem: three translators of one shape (webapp/web/translate.py).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str             # stable, upper snake case: NAME_REQUIRED, BAD_ULN, EMAIL_TAKEN
    message: str          # what is wrong, in the guide's words, as shown beside the field
    field: str | None = None  # the input at fault; None when the whole request is
    value: str = ""       # the rejected value, cut short; "" when none was given
    fix: str = ""         # how to put it right; the message itself when that says so

    def __post_init__(self):
        if not self.fix:
            object.__setattr__(self, "fix", self.message)
        if len(self.value) > VALUE_MAX:
            object.__setattr__(self, "value", self.value[:VALUE_MAX] + "…")

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


VALUE_MAX = 80


class RuleBroken(ValueError):
    """Raised by a pure rule when input cannot be used at all (an unknown role, a bad
    header): carries its problems so the service layer can pass them on unchanged."""

    def __init__(self, *problems: Problem):
        super().__init__(problems[0].message)
        self.problems = list(problems)
