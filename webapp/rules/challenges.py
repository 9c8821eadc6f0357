"""Event data challenges (guide section 8): the types a provider may raise, the statuses a
resolver moves them through, and every refusal as a named Problem. Pure: no database."""

import enum
import re
from dataclasses import dataclass
from datetime import date

from webapp.rules.problems import Problem


class ChallengeType(enum.StrEnum):
    WRONG_INFORMATION = "wrong_information"
    NOT_THIS_LEARNER = "not_this_learner"
    DUPLICATE = "duplicate"


TYPES = frozenset(kind.value for kind in ChallengeType)
TYPE_LABELS = {
    ChallengeType.WRONG_INFORMATION: "Information on the qualification is wrong",
    ChallengeType.NOT_THIS_LEARNER: "The qualification does not belong to this learner",
    ChallengeType.DUPLICATE: "The qualification appears more than once",
}
SHORT_TYPE_LABELS = {
    ChallengeType.WRONG_INFORMATION: "Wrong information",
    ChallengeType.NOT_THIS_LEARNER: "Not this learner",
    ChallengeType.DUPLICATE: "Duplicate",
}
# What, within a type, is challenged (guide 8.1).
REASONS = {
    ChallengeType.WRONG_INFORMATION: {"grade": "Grade", "award_start_date": "Award start date",
                                      "award_end_date": "Award end date"},
    ChallengeType.NOT_THIS_LEARNER: {"shared_uln": "The ULN was shared",
                                     "wrong_uln": "It was assigned to the wrong ULN",
                                     "disputed": "The qualification is disputed"},
    ChallengeType.DUPLICATE: {},
}


class Status(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    UPHELD = "upheld"
    REJECTED = "rejected"


STATUSES = frozenset(status.value for status in Status)
STATUS_LABELS = {
    Status.OPEN: "Open",
    Status.IN_PROGRESS: "In progress",
    Status.UPHELD: "Resolved – Upheld",
    Status.REJECTED: "Resolved – Rejected",
}
UNRESOLVED = frozenset({Status.OPEN, Status.IN_PROGRESS})
RESOLVED = frozenset({Status.UPHELD, Status.REJECTED})
# Where each status may go. A resolved challenge is closed: reopening it would undo an
# answer the service desk and the provider have already been sent.
TRANSITIONS = {
    Status.OPEN: frozenset({Status.IN_PROGRESS, Status.UPHELD, Status.REJECTED}),
    Status.IN_PROGRESS: frozenset({Status.OPEN, Status.UPHELD, Status.REJECTED}),
    Status.UPHELD: frozenset(),
    Status.REJECTED: frozenset(),
}
NOTES_MAX, CONTACT_MAX, VALUE_MAX, COMMENTS_MAX = 1000, 200, 100, 2000
AGE_BANDS = (("0 to 30 days", 0, 30), ("31 to 60 days", 31, 60), ("61 to 90 days", 61, 90),
             ("Over 90 days", 91, None))
_ULN_LIKE = re.compile(r"(?<!\d)\d(?:[ -]?\d){9}(?!\d)")


@dataclass(frozen=True)
class Proposal:
    """What a provider submits: the type, what within it, the correct value (wrong
    information), the duplicate (appears more than once), notes and a contact."""

    type: str
    reason: str | None = None
    proposed_value: str | None = None
    duplicate_of: int | None = None
    notes: str = ""
    contact: str = ""


def status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status) if status in STATUSES else status


def proposal_problems(proposal: Proposal, grades: list[str] | None = None) -> list[Problem]:
    """Every problem at once: the type's own, then the notes and contact. `grades` is the
    qualification's grading scale, against which a proposed grade is checked."""
    if proposal.type not in TYPES:
        return [Problem("CHALLENGE_TYPE_REQUIRED", "Select why you are challenging this "
                        "achievement", "type", proposal.type or ""), *_notes_and_contact(proposal)]
    return _type_problems(proposal, grades) + _notes_and_contact(proposal)


def _type_problems(proposal: Proposal, grades: list[str] | None) -> list[Problem]:
    problems = []
    kind = ChallengeType(proposal.type)
    reasons = REASONS[kind]
    if reasons and proposal.reason not in reasons:
        problems.append(Problem("CHALLENGE_REASON_REQUIRED", "Select what is wrong", "reason",
                                proposal.reason or ""))
    value = (proposal.proposed_value or "").strip()
    if kind is ChallengeType.WRONG_INFORMATION and not value:
        problems.append(Problem("CORRECT_VALUE_REQUIRED", "Enter the correct value",
                                "proposed_value", fix="Give the grade or date as it should be"))
    if len(value) > VALUE_MAX:
        problems.append(Problem("CORRECT_VALUE_TOO_LONG", f"The correct value must be "
                                f"{VALUE_MAX} characters or fewer", "proposed_value", value))
    elif kind is ChallengeType.WRONG_INFORMATION and len(value) <= VALUE_MAX:
        problems += _correct_value_problems(proposal.reason, value, grades)
    if kind is ChallengeType.DUPLICATE and proposal.duplicate_of is None:
        problems.append(Problem("DUPLICATE_REQUIRED", "Select the achievement this one "
                                "duplicates", "duplicate_of"))
    return problems


def _correct_value_problems(reason: str | None, value: str, grades: list[str] | None
                            ) -> list[Problem]:
    if reason == "grade" and grades and value.casefold() not in {
            grade.casefold() for grade in grades}:
        return [Problem("CORRECT_GRADE_NOT_IN_SCALE", "The correct grade is not in the "
                        "qualification's grading scale", "proposed_value", value,
                        f"Enter one of: {', '.join(grades)}")]
    if reason in ("award_start_date", "award_end_date") and written_date(value) is None:
        return [Problem("CORRECT_DATE_NOT_VALID", "The correct date must be a real date",
                        "proposed_value", value, "Enter it like 27/3/2019 or 2019-03-27")]
    return []


def written_date(value: str) -> date | None:
    """A date as people type it: 27/3/2019, 27-03-2019, 27.03.2019 or 2019-03-27."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            year, month, day = (int(part) for part in text.split("-"))
        elif match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
        else:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def _notes_and_contact(proposal: Proposal) -> list[Problem]:
    problems = []
    if not proposal.notes.strip():
        problems.append(Problem("NOTES_REQUIRED", "Enter notes that explain the challenge",
                                "notes"))
    elif len(proposal.notes) > NOTES_MAX:
        problems.append(Problem("NOTES_TOO_LONG", f"Notes must be {NOTES_MAX} characters or "
                                "fewer", "notes"))
    if not proposal.contact.strip():
        problems.append(Problem("CONTACT_REQUIRED", "Enter who the resolver can contact",
                                "contact"))
    elif len(proposal.contact) > CONTACT_MAX:
        problems.append(Problem("CONTACT_TOO_LONG", f"Contact must be {CONTACT_MAX} "
                                "characters or fewer", "contact"))
    return problems


def duplicate_problem(challenge_type: str, reference: str) -> Problem:
    return Problem("CHALLENGE_ALREADY_OPEN",
                   f"This achievement already has an open challenge of this type ({reference})",
                   "type", challenge_type, "Wait for the awarding organisation to resolve it")


def same_achievement_problem() -> Problem:
    return Problem("DUPLICATE_IS_SAME", "Select a different achievement as the duplicate",
                   "duplicate_of")


def transition_problem(current: str, wanted: str) -> Problem | None:
    """None when a challenge in `current` may move to `wanted`."""
    if wanted not in STATUSES:
        return Problem("BAD_STATUS", "Select a status", "status", wanted or "")
    if wanted == current:
        return Problem("STATUS_UNCHANGED", f"It is already ‘{status_label(current)}’",
                       "status", wanted)
    if Status(wanted) not in TRANSITIONS[Status(current)]:
        return Problem("TRANSITION_NOT_ALLOWED", f"It is ‘{status_label(current)}’ and cannot "
                       f"become ‘{status_label(wanted)}’", "status", wanted)
    return None


def comments_problem(status: str, comments: str) -> Problem | None:
    """Resolving needs Additional Comments (guide 8.4). They are emailed to the service desk
    and the provider, so they may not hold a ULN."""
    comments = (comments or "").strip()
    if status in RESOLVED and not comments:
        return Problem("COMMENTS_REQUIRED", "Enter additional comments that explain the "
                       "resolution", "comments")
    if len(comments) > COMMENTS_MAX:
        return Problem("COMMENTS_TOO_LONG", f"Additional comments must be {COMMENTS_MAX} "
                       "characters or fewer", "comments")
    if _ULN_LIKE.search(comments):
        return Problem("COMMENTS_HOLD_ULN", "Additional comments are emailed: do not include a "
                       "ULN", "comments", fix="Describe the action without the learner's ULN")
    return None


@dataclass(frozen=True)
class LearnerNames:
    """What must not be emailed about a challenge's learner: the names and date of birth."""

    names: tuple[str, ...]
    date_of_birth: date | None = None


_WORDS = re.compile(r"[^\W\d_]+")


def _dates_written(born: date) -> set[str]:
    """The ways people write a date of birth (compared case-folded)."""
    month, short = born.strftime("%B").casefold(), born.strftime("%b").casefold()
    forms = {born.isoformat(), f"{born:%d/%m/%Y}", f"{born.day}/{born.month}/{born.year}",
             f"{born:%d.%m.%Y}", f"{born:%d-%m-%Y}", f"{born:%d/%m/%y}"}
    for name in (month, short):
        forms |= {f"{born.day} {name} {born.year}", f"{born:%d} {name} {born.year}"}
    return forms


def learner_details_problem(comments: str, learners: list[LearnerNames]) -> Problem | None:
    """Comments are emailed: they may not hold a learner's name or date of birth (any part
    of a name of two letters or more, as a whole word; the date in its common forms)."""
    text = " ".join((comments or "").casefold().split())
    words = set(_WORDS.findall(text))
    for learner in learners:
        parts = {part for name in learner.names for part in _WORDS.findall(
            (name or "").casefold()) if len(part) > 1}
        born = learner.date_of_birth
        if parts & words or (born and any(form in text for form in _dates_written(born))):
            return Problem("COMMENTS_HOLD_LEARNER_DETAILS", "Additional comments are emailed: "
                           "do not include the learner's name or date of birth", "comments",
                           fix="Describe the action without the learner's personal details")
    return None


def age_band(raised_on: date, today: date) -> str:
    days = (today - raised_on).days
    for label, low, high in AGE_BANDS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BANDS[0][0]
