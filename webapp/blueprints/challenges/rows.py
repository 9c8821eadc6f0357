"""A row of the resolver's Event Data Challenges list as plain values, worked out in
Python once per row.

A template that reads an ORM object pays for every attribute, relationship, filter and
link it makes, 25 times a page: about 480 Python calls a row. The row below carries the
text the row shows, its status and the addresses of its actions, so the row macro
(macros/challenges.html) only writes them out and decides nothing but layout."""

from dataclasses import dataclass
from datetime import date

from webapp.rules import challenges as rules
from webapp.services.challenges import ListedChallenge, age_in_days
from webapp.web.htmx import css, targets
from webapp.web.row_urls import row_url

CHALLENGE_TAG_CLASSES = {rules.Status.OPEN: "govuk-tag--blue",
                      rules.Status.IN_PROGRESS: "govuk-tag--yellow",
                      rules.Status.UPHELD: "govuk-tag--green",
                      rules.Status.REJECTED: "govuk-tag--grey"}


@dataclass(frozen=True, slots=True)
class ChallengeRow:
    id: int
    element_id: str      # the row's id, which its own status change replaces
    selector: str        # the same as a CSS selector, for hx-target
    reference: str
    version: int
    type_label: str
    uln: str
    achievement: str     # reference and title, and whether a duplicate is named
    raised_by: str
    raised_on: str
    age: str             # ‘1 day’, ‘12 days’
    status: str
    status_label: str
    status_class: str
    resolved: bool       # resolved rows are only viewed: no Status select
    status_url: str      # the row's own status change
    process_url: str     # Process (open: a POST that starts processing) or View


def row_for(challenge: ListedChallenge, today: date | None = None) -> ChallengeRow:
    """The row of a challenge as listed (a Challenge entity goes through
    services.challenges.listed first)."""
    element_id = targets.challenge_row(challenge.id)
    days = age_in_days(challenge, today)
    status = challenge.status
    opening = status == rules.Status.OPEN
    return ChallengeRow(
        id=challenge.id, element_id=element_id, selector=css(element_id),
        reference=challenge.reference, version=challenge.version,
        type_label=rules.SHORT_TYPE_LABELS[challenge.type], uln=challenge.uln,
        achievement=(f"{challenge.achievement_reference} {challenge.qualification_title}"
                     + (" (and a duplicate)" if challenge.duplicate_achievement_id else "")),
        raised_by=challenge.raised_by_name,
        raised_on=challenge.raised_at.strftime("%-d %B %Y"),
        age=f"{days} day{'s' if days != 1 else ''}",
        status=status, status_label=rules.STATUS_LABELS[status],
        status_class=CHALLENGE_TAG_CLASSES[status], resolved=status in rules.RESOLVED,
        status_url=row_url("challenges.change_status", challenge_id=challenge.id),
        process_url=row_url("challenges.start_processing" if opening
                            else "challenges.process_challenge", challenge_id=challenge.id),
    )


def rows_for(challenges) -> list[ChallengeRow]:
    today = date.today()  # one day for the whole page, even across midnight
    return [row_for(challenge, today) for challenge in challenges]
