"""Rules for user accounts: generated usernames, acceptable email addresses, UKPRNs."""

import re
import unicodedata

from webapp.rules.problems import Problem

# Generic (shared) mailbox names: an account's email must belong to one person.
GENERIC_MAILBOXES = frozenset({
    "admin", "administrator", "admissions", "contact", "contactus", "enquiries", "enquiry",
    "exams", "examinations", "general", "hello", "help", "helpdesk", "hr", "info",
    "information", "mail", "noreply", "no-reply", "do-not-reply", "donotreply", "office",
    "postmaster", "reception", "sales", "schooloffice", "support", "team", "webmaster",
})

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UKPRN_SHAPE = re.compile(r"^\d{8}$")


def normalise_email(address: str) -> str:
    return address.strip().lower()


def email_problem(address: str, field: str = "email") -> Problem | None:
    """Why this address cannot be an account's email, or None when it can."""
    address = normalise_email(address)
    if not address:
        return Problem("EMAIL_REQUIRED", "Enter an email address", field)
    if len(address) > 254 or not _EMAIL_SHAPE.match(address):
        return Problem("BAD_EMAIL", "Enter an email address in the correct format, like "
                                    "name@example.org", field, address)
    mailbox = address.split("@")[0]
    if mailbox in GENERIC_MAILBOXES:
        return Problem("SHARED_MAILBOX", f"‘{mailbox}@’ is a shared address: enter an email "
                                         "address that only this person can read",
                       field, address)
    return None


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
