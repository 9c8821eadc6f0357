"""The unique learner number: 10 digits, the first not 0, the last a check digit.

Check digit: weights 10, 9, …, 2 over the first nine digits; remainder mod 11. Remainder 0
means no valid ULN starts with those nine digits; otherwise the check digit is 10 − remainder.
"""

import re
from operator import mul

from webapp.rules.problems import Problem
from webapp.rules.remembered import remembered

WEIGHTS = range(10, 1, -1)
PLACEHOLDER = "9999999999"  # a 'temporary ULN' used elsewhere; never a real learner


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine leading digits, or None when no valid ULN has them."""
    if len(first_nine) != len(WEIGHTS):
        raise ValueError(f"nine digits expected: {first_nine!r}")
    remainder = sum(map(mul, map(int, first_nine), WEIGHTS)) % 11
    return None if remainder == 0 else 10 - remainder


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−]+")


def normalise_uln(uln: str | None) -> str:
    """A ULN as typed, with the spaces and dashes people group its digits with taken out
    ('471 520 0006', '4715-200-006' → '4715200006'). Anything else is left for uln_problem
    to refuse, so letters still get an error saying what a ULN looks like."""
    return _SEPARATORS.sub("", (uln or "").strip())


def uln_problem(uln: str, field: str = "uln", label: str = "ULN") -> Problem | None:
    """Why this is not a valid ULN, or None when it is."""
    text = (uln or "").strip()
    if (fault := _fault(text)) is None:
        return None
    code, message, fix = fault
    return Problem(code=code, field=field, value=text, message=message.format(label=label),
                   fix=fix)


# A batch row's ULN is checked twice, by the file's field rules (which `lrs batch validate`
# runs offline) and by the service (which the portal needs): the second check is a hit.
@remembered(longest=10, maxsize=1024)
def _fault(text: str) -> tuple[str, str, str] | None:
    """The rule the ULN breaks: code, message (with {label}) and fix; None when it is valid."""
    if not text:
        return "ULN_REQUIRED", "Enter the {label}", ""
    if len(text) != 10 or not (text.isascii() and text.isdigit()):
        return ("BAD_ULN", "{label} must be 10 digits",
                "Enter the learner's 10-digit unique learner number, like 4715200006")
    if text[0] == "0":
        return "BAD_ULN", "{label} must not start with 0", ""
    if text == PLACEHOLDER:
        return ("PLACEHOLDER_ULN", "9999999999 is a placeholder, not a learner's {label}",
                "Enter the learner's own ULN")
    if check_digit(text[:9]) != int(text[9]):
        return ("BAD_ULN", "{label} is not valid: check the 10 digits (the last digit is a "
                "check digit)", "")
    return None


def is_valid_uln(uln: str) -> bool:
    return uln_problem(uln) is None
