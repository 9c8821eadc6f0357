"""Rules for user accounts: generated usernames, acceptable email addresses, UKPRNs."""

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from webapp.rules.problems import Problem

# Generic (shared) mailbox names: an account's email must belong to one person.
GENERIC_MAILBOXES = frozenset({
    "admin", "administrator", "admissions", "contact", "contactus", "enquiries", "enquiry",
    "exams", "examinations", "general", "hello", "help", "helpdesk", "hr", "info",
    "information", "mail", "noreply", "no-reply", "do-not-reply", "donotreply", "office",
    "postmaster", "reception", "sales", "schooloffice", "support", "team", "webmaster",
})

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Never part of an account's address: a display name, a comment, a quoted or bracketed
# part, a list of addresses. Mail servers read these differently from the text stored.
_NOT_IN_ADDRESSES = frozenset('<>(),;:"[]\\ ')
_UKPRN_SHAPE = re.compile(r"^\d{8}$")


def _validated(address: str) -> str | None:
    """email-validator's normalised form, lower case; None when it is not one plain
    address (display names, comments, quoting, brackets and lists are refused)."""
    if any(ch in _NOT_IN_ADDRESSES or unicodedata.category(ch).startswith("C")
           for ch in address):
        return None
    try:
        valid = validate_email(address, check_deliverability=False, allow_display_name=False,
                               allow_quoted_local=False, allow_domain_literal=False)
    except EmailNotValidError:
        return None
    return valid.normalized.lower()


def normalise_email(address: str) -> str:
    """The one form an address is stored and compared in: email-validator's normalisation
    (Unicode NFC, the domain in IDNA form's lower case), all lower case. Anything that is
    not a plain address is only trimmed and lowered, so it never equals a stored one."""
    text = address.strip()
    return _validated(text) or text.lower()


def email_problem(address: str, field: str = "email") -> Problem | None:
    """Why this address cannot be an account's email, or None when it can."""
    text = address.strip()
    if not text:
        return Problem("EMAIL_REQUIRED", "Enter an email address", field)
    normalised = _validated(text)
    if len(text) > 254 or normalised is None or not _EMAIL_SHAPE.match(normalised):
        return Problem("BAD_EMAIL", "Enter an email address in the correct format, like "
                                    "name@example.org, with no name, spaces or brackets "
                                    "around it", field, text)
    mailbox = normalised.split("@")[0]
    if mailbox in GENERIC_MAILBOXES:
        return Problem("SHARED_MAILBOX", f"‘{mailbox}@’ is a shared address: enter an email "
                                         "address that only this person can read",
                       field, normalised)
    return None


def email_domain(address: str) -> str:
    return normalise_email(address).rpartition("@")[2]


def username_base(given_name: str, family_name: str) -> str:
    """‘firstname.surname’, lower case, letters only (accents folded: Zoë → zoe)."""

    def letters(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in folded.lower() if "a" <= ch <= "z")

    first = letters(given_name.split()[0] if given_name.split() else "") or "user"
    last = letters(family_name) or "user"
    return f"{first}.{last}"


def username_candidates(base: str):
    """jane.smith, jane.smith2, jane.smith3, …"""
    yield base
    number = 2
    while True:
        yield f"{base}{number}"
        number += 1


def ukprn_problem(ukprn: str, field: str = "ukprn") -> Problem | None:
    if not _UKPRN_SHAPE.match(ukprn or ""):
        return Problem("BAD_UKPRN", f"UKPRN ‘{ukprn}’ is not 8 digits", field, ukprn or "",
                       "Enter the 8-digit UK provider reference number, like 10012345")
    return None


NAME_MAX = 35
_PHONE_SHAPE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")


def name_problem(value: str, label: str, field: str) -> Problem | None:
    """A person's name on an account: required, at most 35 characters, some letters."""
    value = value.strip()
    if not value:
        return Problem("NAME_REQUIRED", f"Enter a {label.lower()}", field)
    if len(value) > NAME_MAX:
        return Problem("NAME_TOO_LONG", f"{label} must be {NAME_MAX} characters or fewer",
                       field, value)
    if not any(ch.isalpha() for ch in value):
        return Problem("NAME_NO_LETTER", f"{label} must contain letters", field, value)
    return None


def phone_problem(value: str, label: str, field: str) -> Problem | None:
    """Optional; when given, digits with spaces, brackets, hyphens and a leading +."""
    value = value.strip()
    if value and not _PHONE_SHAPE.match(value):
        return Problem("BAD_PHONE", f"Enter a {label.lower()} like 01632 960 001 or "
                                    "+44 7700 900 982", field, value)
    return None
