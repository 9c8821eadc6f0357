"""Password policy (NIST SP 800-63B style): length, the common-password list, and zxcvbn's
strength estimate fed with what an attacker would try first (the username, the person's
names and email address, the organisation, the service); no composition rules. The
requirements are also shown on screen from `requirements`."""

import re
from functools import cache

from webapp.rules.problems import Problem

MIN_LENGTH = 12
MIN_LENGTH_SUPER_USER = 15
MAX_LENGTH = 128
MIN_SCORE = 3              # zxcvbn: "safely unguessable: moderate protection"
MIN_SCORE_SUPER_USER = 4   # "very unguessable: strong protection"
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; what follows only adds strength


def minimum_length(is_super_user: bool) -> int:
    return MIN_LENGTH_SUPER_USER if is_super_user else MIN_LENGTH


def minimum_score(is_super_user: bool) -> int:
    return MIN_SCORE_SUPER_USER if is_super_user else MIN_SCORE


def requirements(is_super_user: bool) -> list[str]:
    return [
        f"at least {minimum_length(is_super_user)} characters, not counting spaces at the "
        "start or end" + (" (super users need the longer password)" if is_super_user else ""),
        f"no more than {MAX_LENGTH} characters",
        "hard to guess: not a commonly used password, a repeated or keyboard pattern, or "
        "made from your name, username, email address or organisation",
        "spaces and any characters are allowed: a few unrelated words make a good password",
    ]


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships 30,000 passwords ranked from real breaches. Imported when first needed
    # (about 10 MiB of lists): most requests of a web worker never check a password.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    return password.strip().lower() in _common_passwords()


def personal_words(*texts: str) -> list[str]:
    """What zxcvbn should treat as guessable for this person: each text whole, without its
    spaces and punctuation, and word by word."""
    words: list[str] = []
    for text in texts:
        text = (text or "").strip().lower()
        if not text:
            continue
        parts = [part for part in re.split(r"[^0-9a-zà-ÿ]+", text) if part]
        words += [text, "".join(parts), *parts]
    return list(dict.fromkeys(word for word in words if word))


def password_problem(
    password: str, *, is_super_user: bool, username: str = "", email: str = "",
    field: str = "password", names: tuple[str, ...] = (), organisation: str = "",
    service: str = "Learning Records Service",
) -> Problem | None:
    """The first reason this password is not acceptable, or None when it is. The rejected
    value is never kept in the problem."""

    def problem(code: str, message: str) -> Problem:
        return Problem(code, message, field)

    shortest = minimum_length(is_super_user)
    trimmed = password.strip()
    if len(trimmed) < shortest:
        return problem("PASSWORD_TOO_SHORT", f"Password must be {shortest} characters or more, "
                                             "not counting spaces at the start or end")
    if len(password) > MAX_LENGTH:
        return problem("PASSWORD_TOO_LONG", f"Password must be {MAX_LENGTH} characters or fewer")
    lowered = trimmed.lower()
    if is_common(password):
        return problem("PASSWORD_COMMON",
                       "Password is too common: choose a password that is hard to guess")
    personal = {username.lower(), email.lower(), email.lower().split("@")[0]} - {""}
    if lowered in personal:
        return problem("PASSWORD_PERSONAL", "Password must not be your username or email address")
    inputs = personal_words(username, email, email.split("@")[0], *names, organisation, service)
    from zxcvbn import zxcvbn

    if zxcvbn(trimmed[:ZXCVBN_MAX], user_inputs=inputs)["score"] < minimum_score(is_super_user):
        return problem("PASSWORD_WEAK",
                       "Password is too easy to guess: avoid repeated characters, keyboard "
                       "patterns, and your name, username, email address or organisation. A "
                       "few unrelated words make a good password")
    return None
