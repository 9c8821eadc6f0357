"""Password policy (NIST SP 800-63B style): length and a common-password list, no
composition rules. The requirements are also shown on screen from PASSWORD_REQUIREMENTS."""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from webapp.rules.problems import Problem

MIN_LENGTH = 12
MIN_LENGTH_SUPER_USER = 15
MAX_LENGTH = 128


def minimum_length(is_super_user: bool) -> int:
    return MIN_LENGTH_SUPER_USER if is_super_user else MIN_LENGTH


def requirements(is_super_user: bool) -> list[str]:
    return [
        f"at least {minimum_length(is_super_user)} characters"
        + (" (super users need the longer password)" if is_super_user else ""),
        f"no more than {MAX_LENGTH} characters",
        "not a commonly used password, and not your username or email address",
        "spaces and any characters are allowed: a few unrelated words make a good password",
    ]


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships 30,000 passwords ranked from real breaches.
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    return password.strip().lower() in _common_passwords()


def password_problem(
    password: str, *, is_super_user: bool, username: str = "", email: str = "",
    field: str = "password",
) -> Problem | None:
    """The first reason this password is not acceptable, or None when it is. The rejected
    value is never kept in the problem."""

    def problem(code: str, message: str) -> Problem:
        return Problem(code, message, field)

    shortest = minimum_length(is_super_user)
    if len(password) < shortest:
        return problem("PASSWORD_TOO_SHORT", f"Password must be {shortest} characters or more")
    if len(password) > MAX_LENGTH:
        return problem("PASSWORD_TOO_LONG", f"Password must be {MAX_LENGTH} characters or fewer")
    lowered = password.strip().lower()
    if is_common(password):
        return problem("PASSWORD_COMMON",
                       "Password is too common: choose a password that is hard to guess")
    personal = {username.lower(), email.lower(), email.lower().split("@")[0]} - {""}
    if lowered in personal:
        return problem("PASSWORD_PERSONAL", "Password must not be your username or email address")
    return None
