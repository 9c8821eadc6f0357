"""Learner data restrictions (guide appendix B), one module for every channel.

Each check returns a list of Problems (rules/problems.py): the field, a code, the rejected
value and a plain-English fix. The reference lists (prison postcodes, prohibited text) are
data files shipped beside this module."""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from operator import attrgetter

from webapp.rules.problems import Problem
from webapp.rules.uln import uln_problem

NAME_FIELDS = {
    "given_name": "Given name",
    "preferred_given_name": "Preferred given name",
    "middle_other_names": "Middle or other names",
    "family_name": "Family name",
    "previous_family_name": "Previous family name",
    "family_name_at_16": "Family name at 16",
}
REQUIRED_NAMES = ("given_name", "family_name")
NAME_MAX = 35
MIN_AGE, MAX_AGE = 11, 110
GENDERS = {"0": "Not known", "1": "Male", "2": "Female", "9": "Not specified"}

_NAME_CHARACTERS = re.compile(r"^[A-Za-z \-'’`.]+$")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_UK_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|"
    r"[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$")
_BFPO = re.compile(r"^BFPO ?[0-9]{1,4}$")


def _problem(field: str, code: str, value: str, message: str) -> Problem:
    return Problem(code=code, message=message, field=field, value=value)


def _data_lines(name: str) -> list[str]:
    text = resources.files("webapp.rules.data").joinpath(name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


@cache
def prison_postcodes() -> frozenset[str]:
    return frozenset(normalise_postcode(line) for line in _data_lines("prison_postcodes.txt"))


@cache
def _prohibited_pattern() -> re.Pattern:
    phrases = sorted(_data_lines("prohibited_text.txt"), key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases)
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)


def prohibited_phrase(text: str) -> str | None:
    match = _prohibited_pattern().search(text or "")
    return match.group(0) if match else None


def name_errors(field: str, value: str | None) -> list[Problem]:
    label = NAME_FIELDS[field]
    value = (value or "").strip()
    if not value:
        if field in REQUIRED_NAMES:
            return [_problem(field, "REQUIRED", "", f"Enter the {label.lower()}")]
        return []
    if len(value) > NAME_MAX:
        return [_problem(field, "TOO_LONG", value[:NAME_MAX] + "…",
                                 f"{label} must be {NAME_MAX} characters or fewer")]
    if not _HAS_LETTER.search(value):
        return [_problem(field, "NO_LETTER", value,
                                 f"{label} must contain at least one letter A to Z")]
    if not _NAME_CHARACTERS.match(value):
        bad = "".join(sorted({ch for ch in value if not _NAME_CHARACTERS.match(ch)}))
        return [_problem(
            field, "BAD_CHARACTER", value,
            f"{label} contains ‘{bad}’: use only letters, spaces, hyphens, apostrophes "
            "(’ ' `) and full stops")]
    return []


def age_on(date_of_birth: date, today: date) -> int:
    return today.year - date_of_birth.year - (
        (today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def date_of_birth_errors(date_of_birth: date | None, today: date,
                         required: bool = True) -> list[Problem]:
    if date_of_birth is None:
        return [_problem("date_of_birth", "REQUIRED", "",
                                 "Enter the date of birth as YYYY-MM-DD")] if required else []
    age = age_on(date_of_birth, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return [_problem(
            "date_of_birth", "AGE_OUT_OF_RANGE", date_of_birth.isoformat(),
            f"The learner would be {age}: learners must be between {MIN_AGE} and {MAX_AGE} "
            "years old. Check the date of birth")]
    return []


def gender_errors(gender: str | None, required: bool = True) -> list[Problem]:
    gender = (gender or "").strip()
    if not gender:
        return [_problem("gender", "REQUIRED", "",
                                 "Enter the gender: 0, 1, 2 or 9")] if required else []
    if gender not in GENDERS:
        return [_problem("gender", "BAD_CODE", gender,
                                 "Gender must be 0 (not known), 1 (male), 2 (female) or 9 "
                                 "(not specified)")]
    return []


def postcode_errors(postcode: str | None) -> list[Problem]:
    raw = (postcode or "").strip()
    if not raw:
        return []
    compact = normalise_postcode(raw)
    spaced = compact[:-3] + " " + compact[-3:] if len(compact) > 3 else compact
    if len(raw) > 9 or not (_UK_POSTCODE.match(compact) or _UK_POSTCODE.match(spaced)
                            or _BFPO.match(raw.upper())):
        return [_problem("postcode", "BAD_FORMAT", raw,
                                 "Enter a UK postcode like SW1A 1AA, or BFPO and its number")]
    if compact in prison_postcodes():
        return [_problem("postcode", "PRISON_POSTCODE", raw,
                                 "This postcode belongs to a prison or offender institution "
                                 "and cannot be a learner's address")]
    return []


def prohibited_text_errors(fields: dict[str, str | None]) -> list[Problem]:
    errors = []
    for field, value in fields.items():
        if value and (phrase := prohibited_phrase(str(value))):
            errors.append(_problem(
                field, "PROHIBITED_TEXT", str(value),
                f"‘{phrase}’ is not allowed in learner data: enter only the learner's details"))
    return errors


@dataclass(frozen=True)
class LearnerDetails:
    """A learner as the register holds them: the one shape that the import reads, the
    database stores (models.Learner has these columns, by these names) and the matching
    engine compares against. Optional names and postcode are None when not held."""

    uln: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    gender: str
    preferred_given_name: str | None = None
    middle_other_names: str | None = None
    previous_family_name: str | None = None
    family_name_at_16: str | None = None
    postcode: str | None = None
    master_uln: str | None = None

    @classmethod
    def of(cls, held) -> "LearnerDetails":
        """The details of anything that has them by these names (a models.Learner)."""
        return cls(*_learner_values(held))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in LEARNER_FIELDS}


LEARNER_FIELDS = tuple(LearnerDetails.__dataclass_fields__)
_learner_values = attrgetter(*LEARNER_FIELDS)


def learner_errors(record: LearnerDetails, today: date) -> list[Problem]:
    """Every restriction for one learner record, in field order."""
    errors = []
    if problem := uln_problem(record.uln):
        errors.append(problem)
    for field in NAME_FIELDS:
        errors += name_errors(field, getattr(record, field))
    errors += date_of_birth_errors(record.date_of_birth, today)
    errors += gender_errors(record.gender)
    errors += postcode_errors(record.postcode)
    if record.master_uln:
        if problem := uln_problem(record.master_uln, "master_uln", "Master ULN"):
            errors.append(problem)
        elif record.master_uln == record.uln:
            errors.append(_problem("master_uln", "SELF_LINK", record.master_uln,
                                           "A ULN cannot be linked to itself: leave "
                                           "master_uln empty for a master learner"))
    errors += prohibited_text_errors({field: getattr(record, field) for field in
                                      (*NAME_FIELDS, "postcode")})
    return errors
