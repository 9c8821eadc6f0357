"""Rules for user accounts: generated usernames, acceptable email addresses, UKPRNs."""

import re
import unicodedata

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


def email_problem(address: str) -> str | None:
    """Why this address cannot be an account's email, or None when it can."""
    address = normalise_email(address)
    if not address:
        return "Enter an email address"
    if len(address) > 254 or not _EMAIL_SHAPE.match(address):
        return "Enter an email address in the correct format, like name@example.org"
    mailbox = address.split("@")[0]
    if mailbox in GENERIC_MAILBOXES:
        return (
            f"‘{mailbox}@’ is a shared address: enter an email address that only this "
            "person can read"
        )
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


def ukprn_problem(ukprn: str) -> str | None:
    if not _UKPRN_SHAPE.match(ukprn or ""):
        return f"UKPRN ‘{ukprn}’ is not 8 digits: enter the 8-digit UK provider reference number"
    return None


NAME_MAX = 35
_PHONE_SHAPE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")


def name_problem(value: str, label: str) -> str | None:
    """A person's name on an account: required, at most 35 characters, some letters."""
    value = value.strip()
    if not value:
        return f"Enter a {label.lower()}"
    if len(value) > NAME_MAX:
        return f"{label} must be {NAME_MAX} characters or fewer"
    if not any(ch.isalpha() for ch in value):
        return f"{label} must contain letters"
    return None


def phone_problem(value: str, label: str) -> str | None:
    """Optional; when given, digits with spaces, brackets, hyphens and a leading +."""
    value = value.strip()
    if value and not _PHONE_SHAPE.match(value):
        return f"Enter a {label.lower()} like 01632 960 001 or +44 7700 900 982"
    return None
