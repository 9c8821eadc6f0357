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
