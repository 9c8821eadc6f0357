"""Achievements on the personal learning record (guide 7.1, 7.2 and appendix D): every rule
a pure check answering Problems with a stable code and a plain fix, so the portal, a batch
file's exception row and the API say the same thing.

Codes, by the rule they enforce:
  learner        LEARNER_NOT_VERIFIED (VRC005/VRC006), POSTCODE_DIFFERS
  reference      REFERENCE_REQUIRED, BAD_REFERENCE, BAD_CHECK_CHARACTER (rules/qualifications),
                 REFERENCE_NOT_FOUND, REFERENCE_NOT_OWNED
  award date     AWARD_DATE_REQUIRED, AWARD_DATE_IN_FUTURE, AWARD_DATE_TOO_EARLY,
                 AWARD_DATE_BEFORE_START, AWARD_DATE_AFTER_CERTIFICATION_END
  other fields   BAD_GRADE, BAD_UKPRN, BAD_LANGUAGE
  uniqueness     ACHIEVEMENT_EXISTS, ACHIEVEMENT_EXISTS_WITHDRAWN
  state          ACHIEVEMENT_WITHDRAWN (update, move, withdraw again), ACHIEVEMENT_ACTIVE
                 (reinstate), REINSTATE_CHANGES_GRADE, MOVE_TO_SAME_LEARNER
  finding        ACHIEVEMENT_NOT_FOUND (names must be those used when it was created)
  action         ACTION_DATE_REQUIRED, ACTION_DATE_IN_FUTURE, ACTION_REASON_REQUIRED,
                 BAD_ACTION_REASON
"""

from dataclasses import dataclass
from datetime import date

from webapp.rules.learner_data import normalise_postcode
from webapp.rules.problems import Problem
from webapp.rules.qualifications import SHARED, grade_in_scale, ukprn_problem

EARLIEST_AWARD = date(2006, 9, 1)
ACTIVE, WITHDRAWN = "active", "withdrawn"
VERIFIED_CODES = ("VRC001", "VRC002", "VRC003", "VRC004")

# Appendix D.
ACTION_REASONS = {
    "ULNINVALID": "The qualification was originally submitted with the wrong unique learner "
                  "number (ULN)",
    "ACHINVALID": "The qualification was originally submitted with the wrong aim reference "
                  "number",
    "DATINVALID": "The qualification was originally submitted with the wrong achievement award "
                  "date",
    "SUBINERROR": "The individual record was submitted in error",
    "BATCHERROR": "All records in a batch were submitted in error",
}

# Language for assessment: the UK's languages of assessment (see decisions.md).
LANGUAGES = ("English", "Welsh", "Irish", "Scottish Gaelic")


class Event:
    CREATED = "created"
    GRADE_CHANGED = "grade_changed"
    MOVED = "moved"
    WITHDRAWN = "withdrawn"
    REINSTATED = "reinstated"


EVENT_LABELS = {
    Event.CREATED: "Created",
    Event.GRADE_CHANGED: "Grade changed",
    Event.MOVED: "Moved to another learner",
    Event.WITHDRAWN: "Withdrawn",
    Event.REINSTATED: "Reinstated",
}


@dataclass(frozen=True)
class RegisterEntry:
    """What the rules need of a qualification or unit of the register."""

    reference: str
    owner_ukprn: str
    availability: str
    operational_start_date: date
    certification_end_date: date | None
    grades: list[str]


# --- one field at a time ---------------------------------------------------------------------

def ownership_problem(entry: RegisterEntry, organisation_ukprn: str,
                      field: str = "reference") -> Problem | None:
    if entry.availability == SHARED or entry.owner_ukprn == organisation_ukprn:
        return None
    return Problem("REFERENCE_NOT_OWNED", "This unit or qualification is owned by another "
                   "awarding organisation and not shared", field, entry.reference,
                   "Use a reference your organisation owns or one marked as shared; the "
                   "owner can share it through Ofqual or Qualifications in Wales")


def reference_not_found(reference: str, field: str = "reference") -> Problem:
    return Problem("REFERENCE_NOT_FOUND", "No unit or qualification has this reference",
                   field, reference, "Check the reference against the Ofqual or "
                   "Qualifications in Wales register")


def award_date_problems(award_date: date | None, today: date,
                        entry: RegisterEntry | None = None,
                        field: str = "award_date") -> list[Problem]:
    if award_date is None:
        return [Problem("AWARD_DATE_REQUIRED", "Enter the date of the award", field)]
    value = award_date.isoformat()
    if award_date > today:
        return [Problem("AWARD_DATE_IN_FUTURE", "The date of the award must be in the past",
                        field, value)]
    if award_date < EARLIEST_AWARD:
        return [Problem("AWARD_DATE_TOO_EARLY", "The date of the award must not be earlier "
                        "than 1 September 2006", field, value)]
    if entry is not None and award_date < entry.operational_start_date:
        start = entry.operational_start_date
        return [Problem("AWARD_DATE_BEFORE_START", "The date of the award is before the "
                        f"unit or qualification started ({start:%-d %B %Y})", field, value,
                        f"Enter a date on or after {start:%-d %B %Y}, or check the reference")]
    if (entry is not None and entry.certification_end_date is not None
            and award_date > entry.certification_end_date):
        end = entry.certification_end_date
        return [Problem("AWARD_DATE_AFTER_CERTIFICATION_END", "The date of the award is after "
                        f"the certification end date ({end:%-d %B %Y})", field, value,
                        f"Enter a date on or before {end:%-d %B %Y}, or check the reference")]
    return []


def grade_problem(grade: str, grades: list[str], field: str = "grade") -> Problem | None:
    if grade_in_scale(grade, grades) is not None:
        return None
    return Problem("BAD_GRADE", "This grade is not in the grading scale of this unit or "
                   "qualification", field, grade, "Use one of: " + ", ".join(grades))


def provider_ukprn_problem(ukprn: str | None, field: str = "provider_ukprn") -> Problem | None:
    if not ukprn:
        return None
    return ukprn_problem(ukprn, field, "UKPRN")


def language_problem(language: str | None, field: str = "language") -> Problem | None:
    if not language or language in LANGUAGES:
        return None
    return Problem("BAD_LANGUAGE", "Choose the language from the list", field, language,
                   "Use one of: " + ", ".join(LANGUAGES))


def postcode_problem(supplied: str | None, held: str | None,
                     field: str = "postcode") -> Problem | None:
    """A supplied postcode must be the learner's held postcode (when one is held)."""
    if not supplied or not held or normalise_postcode(supplied) == normalise_postcode(held):
        return None
    return Problem("POSTCODE_DIFFERS", "The postcode does not match the learner's details "
                   "on the register", field, supplied, "Check the postcode with the learning "
                   "provider, or leave it empty")


def verification_problem(code: str, meaning: str, uln: str) -> Problem | None:
    if code in VERIFIED_CODES:
        return None
    return Problem("LEARNER_NOT_VERIFIED", f"The learner's details do not verify: {code} "
                   f"{meaning.lower()}", "uln", uln, "Check the ULN, names and date of birth "
                   "with the learning provider; nothing was created")


def action_problems(action_date: date | None, reason: str | None, today: date
                    ) -> list[Problem]:
    problems = []
    if action_date is None:
        problems.append(Problem("ACTION_DATE_REQUIRED", "Enter the action date",
                                "action_date", fix="Enter the date the change was agreed"))
    elif action_date > today:
        problems.append(Problem("ACTION_DATE_IN_FUTURE", "The action date must be in the past",
                                "action_date", action_date.isoformat(),
                                "Enter the date the change was agreed, today or earlier"))
    if not reason:
        problems.append(Problem("ACTION_REASON_REQUIRED", "Choose the action reason",
                                "action_reason"))
    elif reason not in ACTION_REASONS:
        problems.append(Problem("BAD_ACTION_REASON", "The action reason must be one of "
                                "appendix D's codes", "action_reason", reason,
                                "Use one of: " + ", ".join(ACTION_REASONS)))
    return problems


# --- the record's state ------------------------------------------------------------------------

def duplicate_problem(existing_status: str) -> Problem:
    if existing_status == WITHDRAWN:
        return Problem("ACHIEVEMENT_EXISTS_WITHDRAWN", "An achievement with this ULN, award date "
                       "and reference exists and is withdrawn", "reference",
                       fix="Reinstate the withdrawn achievement instead of creating it again")
    return Problem("ACHIEVEMENT_EXISTS", "An achievement with this ULN, award date and "
                   "reference already exists", "reference",
                   fix="Search by ULN and edit that achievement; a different award date or "
                       "reference makes a different achievement")


WITHDRAWN_ACTIONS = {"update": "updated", "move": "moved", "withdraw": "withdrawn again"}


def state_problem(action: str, status: str) -> Problem | None:
    """Whether an achievement in this status allows the action (update, move, withdraw,
    reinstate)."""
    if action in WITHDRAWN_ACTIONS and status == WITHDRAWN:
        return Problem("ACHIEVEMENT_WITHDRAWN", "This achievement is withdrawn, so it cannot "
                       f"be {WITHDRAWN_ACTIONS[action]}", None,
                       fix="Reinstate it first" if action != "withdraw" else
                           "Nothing to do: it is already withdrawn")
    if action == "reinstate" and status == ACTIVE:
        return Problem("ACHIEVEMENT_ACTIVE", "This achievement is active, so it cannot be "
                       "reinstated", None, fix="Nothing to do: it is already active")
    return None


def reinstate_grade_problem(supplied: str | None, held: str | None) -> Problem | None:
    if not supplied or (supplied or "").strip().casefold() == (held or "").casefold():
        return None
    return Problem("REINSTATE_CHANGES_GRADE", "Reinstating an achievement cannot change its "
                   "grade", "grade", supplied, "Reinstate it with its grade unchanged, then "
                   "edit the grade, or create a new achievement")


def same_name(supplied: str, held: str) -> bool:
    """Names used to find an achievement must be those it was created with: exactly, apart
    from capital letters and surrounding or repeated spaces (‘John’ is not ‘Johnathon’)."""
    return " ".join((supplied or "").split()).casefold() == " ".join((held or "").split()
                                                                      ).casefold()


def not_found_problem() -> Problem:
    return Problem("ACHIEVEMENT_NOT_FOUND", "No achievement of your organisation matches "
                   "these details", None,
                   fix="Enter the ULN, names, reference and award date exactly as they were "
                       "when the achievement was created")
