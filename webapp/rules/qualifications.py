"""The qualification and unit register (Ofqual / Qualifications in Wales data): what an
achievement is checked against. Pure: each check returns Problems (rules/problems.py).

References:
  qualification  NNN/NNNN/C, the Ofqual qualification number (QAN), e.g. 600/1166/X. The
                 last character is a check character: the seven digits weighted 8, 7, …, 2,
                 summed, remainder mod 11; a remainder of 10 is written X. The same number
                 is accepted as the 8-character learning aim reference without obliques
                 (6001166X) and is always held with obliques.
  unit           L/NNN/NNNN, the unit reference number, e.g. K/501/5773: a capital letter,
                 three digits, four digits. (No check character is published for units.)
"""

import re
from dataclasses import dataclass
from datetime import date

from webapp.rules.problems import Problem
from webapp.rules.remembered import remembered

QUALIFICATION, UNIT = "qualification", "unit"
KINDS = (QUALIFICATION, UNIT)
RESTRICTED, SHARED = "restricted", "shared"
AVAILABILITIES = (RESTRICTED, SHARED)
QAN_WEIGHTS = range(8, 1, -1)
REFERENCE_MAX = 10   # NNN/NNNN/C and L/NNN/NNNN are both 10 characters
TITLE_MAX = 255
TYPE_MAX = 60
LEVEL_MAX = 20
GRADE_MAX = 20
SEPARATOR = ";"

_QAN = re.compile(r"^(\d{3})/(\d{4})/([0-9X])$")
_AIM = re.compile(r"^(\d{3})(\d{4})([0-9X])$")
_UNIT = re.compile(r"^[A-Z]/\d{3}/\d{4}$")
_UKPRN = re.compile(r"^\d{8}$")


def qan_check_character(seven_digits: str) -> str:
    """The check character for the seven digits of a qualification number."""
    remainder = sum(int(digit) * weight
                    for digit, weight in zip(seven_digits, QAN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


# A file's rows name a few qualifications many times over, and each achievement row asks
# about its reference several times (the file's field rules, the service's checks and
# look-ups): the answers are kept (a Problem is frozen). The longest reference is 10
# characters (600/1166/X); a text with spaces round it may be longer.
REMEMBERED_UP_TO = 24


@remembered(REMEMBERED_UP_TO, maxsize=4096)
def canonical_reference(text: str) -> str:
    """A reference as it is held: upper case, an aim reference given its obliques. Text that
    is no reference at all comes back upper-cased and trimmed (reference_problem says why)."""
    text = (text or "").strip().upper()
    if match := _AIM.match(text):
        return "/".join(match.groups())
    return text


def reference_kind(reference: str) -> str | None:
    """QUALIFICATION, UNIT, or None when the text has neither shape."""
    reference = canonical_reference(reference)
    if _QAN.match(reference):
        return QUALIFICATION
    if _UNIT.match(reference):
        return UNIT
    return None


@remembered(REMEMBERED_UP_TO, maxsize=4096)
def reference_problem(text: str, field: str = "reference",
                      label: str = "Aim reference number") -> Problem | None:
    """Why this is not a qualification number, aim reference or unit reference."""
    raw = (text or "").strip()
    reference = canonical_reference(raw)
    if not reference:
        return Problem("REFERENCE_REQUIRED", f"Enter the {label.lower()}", field)
    if reference_kind(reference) is None:
        return Problem("BAD_REFERENCE", f"{label} must be a qualification number like "
                       "600/1166/X (or 6001166X) or a unit reference like K/501/5773",
                       field, raw, "Copy the reference from the Ofqual or Qualifications in "
                       "Wales register")
    if reference_kind(reference) == QUALIFICATION:
        digits = reference[:3] + reference[4:8]
        if qan_check_character(digits) != reference[-1]:
            return Problem("BAD_CHECK_CHARACTER", f"{label} is not valid: its last character "
                           "is a check character and does not fit the digits", field, raw,
                           "Check each digit of the qualification number")
    return None


def parse_list(text: str | None) -> list[str]:
    """A `;`-separated list, trimmed, empty items dropped."""
    return [item.strip() for item in (text or "").split(SEPARATOR) if item.strip()]


def grading_scale_problems(text: str, field: str = "grading_scale") -> list[Problem]:
    grades = parse_list(text)
    if not grades:
        return [Problem("GRADING_SCALE_REQUIRED", "Give the grades allowed, separated by ;",
                        field, text or "", "For example A*;A;B;C;D;E;U or Pass;Fail")]
    problems = []
    if len({grade.casefold() for grade in grades}) != len(grades):
        problems.append(Problem("GRADE_REPEATED", "A grade appears twice in the grading scale",
                                field, text))
    if too_long := [grade for grade in grades if len(grade) > GRADE_MAX]:
        problems.append(Problem("GRADE_TOO_LONG", f"Each grade must be {GRADE_MAX} characters "
                                "or fewer", field, too_long[0]))
    return problems


def grade_in_scale(grade: str, scale: list[str]) -> str | None:
    """The grade as the scale spells it (case-insensitive match), or None."""
    wanted = (grade or "").strip().casefold()
    return next((allowed for allowed in scale if allowed.casefold() == wanted), None)


def ukprn_problem(text: str, field: str, label: str = "UKPRN") -> Problem | None:
    if not _UKPRN.match((text or "").strip()):
        return Problem("BAD_UKPRN", f"{label} must be 8 digits", field, text or "",
                       "Enter the 8-digit UK provider reference number, like 10012345")
    return None


@dataclass(frozen=True)
class QualificationDetails:
    """One qualification or unit of the register, as a file row or a held record."""

    reference: str
    kind: str
    title: str
    type: str
    level: str
    owner_ukprn: str
    availability: str
    operational_start_date: date | None
    operational_end_date: date | None
    certification_end_date: date | None
    grading_scale: str
    credit_value: int | None = None
    credits_required: int | None = None
    mandatory_units: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def qualification_problems(details: QualificationDetails) -> list[Problem]:
    """Every rule a register row must pass (row-by-row validation of the import)."""
    problems: list[Problem] = []
    add = problems.append
    if details.kind not in KINDS:
        add(Problem("BAD_KIND", "Kind must be qualification or unit", "kind", details.kind))
    if problem := reference_problem(details.reference, "reference", "Reference"):
        add(problem)
    elif details.kind in KINDS and reference_kind(details.reference) != details.kind:
        add(Problem("REFERENCE_KIND", f"A {details.kind} needs a "
                    + ("qualification number like 600/1166/X" if details.kind == QUALIFICATION
                       else "unit reference like K/501/5773"), "reference", details.reference))
    for name, label, limit in (("title", "Title", TITLE_MAX), ("type", "Type", TYPE_MAX),
                               ("level", "Level", LEVEL_MAX)):
        value = getattr(details, name).strip()
        if not value:
            add(Problem(f"{name.upper()}_REQUIRED", f"Give the {label.lower()}", name))
        elif len(value) > limit:
            add(Problem(f"{name.upper()}_TOO_LONG", f"{label} must be {limit} characters or "
                        "fewer", name, value))
    if problem := ukprn_problem(details.owner_ukprn, "owner_ukprn", "Owner UKPRN"):
        add(problem)
    if details.availability not in AVAILABILITIES:
        add(Problem("BAD_AVAILABILITY", "Availability must be restricted or shared",
                    "availability", details.availability))
    problems += _date_problems(details)
    problems += grading_scale_problems(details.grading_scale)
    problems += _credit_problems(details)
    return problems


def _date_problems(details: QualificationDetails) -> list[Problem]:
    problems = []
    start, end, certification = (details.operational_start_date, details.operational_end_date,
                                 details.certification_end_date)
    if start is None:
        problems.append(Problem("START_DATE_REQUIRED", "Give the operational start date",
                                "operational_start_date"))
    if start and end and end < start:
        problems.append(Problem("END_BEFORE_START", "Operational end date must not be before "
                                "the operational start date", "operational_end_date",
                                end.isoformat()))
    if certification and (start and certification < start or end and certification < end):
        problems.append(Problem("CERTIFICATION_BEFORE_END", "Certification end date must not "
                                "be before the operational start or end date",
                                "certification_end_date", certification.isoformat()))
    return problems


def _credit_problems(details: QualificationDetails) -> list[Problem]:
    problems = []
    for name in ("credit_value", "credits_required"):
        value = getattr(details, name)
        if value is not None and value < 1:
            problems.append(Problem("BAD_CREDITS", f"{name.replace('_', ' ').capitalize()} "
                                    "must be a whole number of at least 1", name, str(value)))
    if details.kind == UNIT:
        if details.credit_value is None:
            problems.append(Problem("CREDIT_VALUE_REQUIRED", "A unit needs a credit value",
                                    "credit_value"))
        if details.credits_required is not None or details.mandatory_units:
            problems.append(Problem("UNIT_WITH_UNITS", "Only a qualification built from units "
                                    "has credits required and mandatory units",
                                    "credits_required", str(details.credits_required or "")))
    mandatory = parse_list(details.mandatory_units)
    if mandatory and details.credits_required is None:
        problems.append(Problem("CREDITS_REQUIRED_MISSING", "A qualification with mandatory "
                                "units needs the credits required", "credits_required"))
    for unit in mandatory:
        if reference_kind(unit) != UNIT:
            problems.append(Problem("BAD_MANDATORY_UNIT", "Mandatory units must be unit "
                                    "references like K/501/5773, separated by ;",
                                    "mandatory_units", unit))
            break
    return problems
