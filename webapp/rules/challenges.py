"""Event data challenges (guide section 8): the types a provider may raise, the statuses a
resolver moves them through, and every refusal as a named Problem. Pure: no database."""

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

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
    elif kind is ChallengeType.WRONG_INFORMATION and value and len(value) <= VALUE_MAX:
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
    """A date as people type it: 27/3/2019, 27-03-2019, 27.03.2019, 2019-03-27, or the GOV.UK
    way, 27 March 2019 (or 27 Mar 2019)."""
    text = " ".join(value.split())
    for worded in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, worded).date()
        except ValueError:
            pass
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
    """What must not be emailed about a challenge's learner: who they are (a given name
    with a family name) and their date of birth."""

    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    date_of_birth: date | None = None


_WORDS = re.compile(r"[^\W\d_]+")


def _plain(text: str) -> str:
    """Case and accents folded: José is caught written Jose."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _name_words(names: tuple[str | None, ...]) -> set[str]:
    return {part for name in names for part in _WORDS.findall(_plain(name or ""))
            if len(part) > 1}


def _date_patterns(born: date) -> list[re.Pattern]:
    """A date of birth as people write it, each form bounded so that 1/1/2008 does not
    match 21/1/2008: 6/9/2005, 06-09-2005, 2005-09-06, 6 September 2005, 6th Sept 2005,
    September 6, 2005."""
    day, month, year = born.day, born.month, born.year
    numeric = (rf"0?{day}[/.-]0?{month}[/.-]({year}|{year % 100:02d})"
               rf"|{year}-0?{month}-0?{day}")
    month_name = f"{born:%b}".casefold() + "[a-z]*"  # sep, sept, september
    worded = (rf"0?{day}(st|nd|rd|th)?\s+{month_name},?\s+{year}"
              rf"|{month_name}\s+0?{day}(st|nd|rd|th)?,?\s+{year}")
    return [re.compile(rf"(?<!\d)(?:{form})(?!\d)") for form in (numeric, worded)]


def learner_details_problem(comments: str, learners: list[LearnerNames]) -> Problem | None:
    """Comments are emailed: they may not name a learner (one of their given names together
    with one of their family names, anywhere in the text) or give their date of birth. A
    given name alone is allowed: many are also words (Mark, Will, May)."""
    text = " ".join(_plain(comments).split())
    words = set(_WORDS.findall(text))
    for learner in learners:
        named = (_name_words(learner.given_names) & words
                 and _name_words(learner.family_names) & words)
        born = learner.date_of_birth
        if named or (born and any(p.search(text) for p in _date_patterns(born))):
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
