"""The rule every email the service sends must keep (issue 12): never a ULN together with
any of that learner's five demographics (given name, family name, date of birth, gender,
postcode). tests/conftest.py inspects every message sent anywhere in the suite with this."""

import re
from datetime import date

from sqlalchemy import text

from webapp.rules.learner_data import GENDERS

ULN_LIKE = re.compile(r"(?<!\d)\d(?:[ -]?\d){9}(?!\d)")


def _words(value: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z])" + re.escape(value) + r"(?![A-Za-z])", re.IGNORECASE)


def _date_forms(born: date) -> list[str]:
    return [born.isoformat(), born.strftime("%d/%m/%Y"), f"{born.day}/{born.month}/{born.year}",
            f"{born.day} {born:%B %Y}", f"{born.day:02d} {born:%B %Y}", f"{born.day} {born:%b %Y}"]


def demographics_of(connection, uln: str) -> list[tuple[str, re.Pattern]]:
    """(what, pattern) for each demographic held for this ULN: on the register, and as an
    achievement was submitted for it."""
    found = []
    learner = connection.execute(text(
        "SELECT given_name, family_name, date_of_birth, gender, postcode FROM learners "
        "WHERE uln = :uln"), {"uln": uln}).first()
    if learner is not None:
        given, family, born, gender, postcode = learner
        found += [("given name", _words(given)), ("family name", _words(family))]
        if born:
            born = born if isinstance(born, date) else date.fromisoformat(str(born))
            found += [("date of birth", re.compile(re.escape(form), re.IGNORECASE))
                      for form in _date_forms(born)]
        if gender in ("1", "2"):
            found.append(("gender", _words(GENDERS[gender])))
        if postcode:
            squashed = postcode.replace(" ", "")
            found.append(("postcode", re.compile(r"\s?".join(map(re.escape, squashed)),
                                                 re.IGNORECASE)))
    for given, family in connection.execute(text(
            "SELECT DISTINCT submitted_given_name, submitted_family_name FROM achievements "
            "WHERE uln = :uln OR submitted_uln = :uln"), {"uln": uln}):
        found += [("given name", _words(given)), ("family name", _words(family))]
    return found


def learner_data_in(connection, message) -> list[str]:
    """What the message gives away: ‘ULN 1000000043 with family name’, one per finding."""
    content = f"{message.subject}\n{message.body or ''}\n{message.html or ''}"
    findings = []
    for candidate in {re.sub(r"\D", "", match) for match in ULN_LIKE.findall(content)}:
        for what, pattern in demographics_of(connection, candidate):
            if pattern.search(content):
                findings.append(f"ULN {candidate} with {what}")
    return sorted(set(findings))
