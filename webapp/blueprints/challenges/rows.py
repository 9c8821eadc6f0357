"""A row of the resolver's Event Data Challenges list: its values worked out in Python
once per row, and its markup.

A template that reads an ORM object pays for every attribute, relationship, filter and
link it makes, 25 times a page: about 480 Python calls a row; a macro given plain values
still about 300. So the row carries the text it shows, its status and the addresses of
its actions, and writes its own HTML (`ChallengeRow.html`, web/markup.py: every value
escaped). The list's table and the row sent back alone after its own status change
(challenges/_row.html) both write it from here."""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from webapp.rules import challenges as rules
from webapp.services.challenges import ListedChallenge, age_in_days
from webapp.web.htmx import css, targets
from webapp.web.markup import escaped
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

    def html(self, outcome=None, chosen: str | None = None, seen_version: int | None = None,
             comments: str | None = None, row_error=None,
             row_message: str | None = None) -> Markup:
        """The table row; after a bulk change with its `outcome` (services.challenges
        .Outcome). After the row's own change it comes back alone with `chosen` (the
        status picked in its select: a resolved one opens Additional Comments), the
        version the page had seen, `comments`, and `row_error` (a DomainError) or
        `row_message`, which takes focus."""
        e = escaped
        n = f"{self.id:d}"
        reference = e(self.reference)
        said = ""
        if outcome:
            said = (f'<p class="govuk-body-s lrs-row-message" data-outcome="{e(outcome.result)}">'
                    f"{e(_outcome_text(outcome))}</p>")
        if row_message:
            said += (f'<p class="govuk-body-s lrs-row-message" role="status" tabindex="-1" '
                     f"data-focus-on-swap>{e(row_message)}</p>")
        actions = "" if self.resolved else self._status_change(
            n, reference, chosen, comments, row_error)
        if self.status == rules.Status.OPEN:
            process = f"""<button type="submit" form="challenge-bulk" formaction="{e(self.process_url)}" formmethod="post"
            class="govuk-button govuk-!-margin-bottom-2" data-module="govuk-button">Process<span class="govuk-visually-hidden"> {reference}</span></button>"""  # noqa: E501 - markup as it reads in a template
        else:
            process = (f'<a class="govuk-link" href="{e(self.process_url)}">'
                       f'{"View" if self.resolved else "Process"}'
                       f'<span class="govuk-visually-hidden"> {reference}</span></a>')
        version = self.version if seen_version is None else seen_version
        return Markup(f"""<tr class="govuk-table__row" id="{e(self.element_id)}">
  <td class="govuk-table__cell" data-label="Select">
    <div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" type="checkbox" id="select-{n}" name="challenge" value="{n}" form="challenge-bulk">
      <label class="govuk-label govuk-checkboxes__label" for="select-{n}"><span class="govuk-visually-hidden">Select {reference}</span></label>
    </div></div>
    <input type="hidden" id="version-{n}" name="version-{n}" value="{version:d}" form="challenge-bulk">
    <input type="hidden" name="shown" value="{n}" form="challenge-bulk">
  </td>
  <td class="govuk-table__cell" data-label="Reference">{reference}</td>
  <td class="govuk-table__cell" data-label="Type">{e(self.type_label)}</td>
  <td class="govuk-table__cell" data-label="ULN">{e(self.uln)}</td>
  <td class="govuk-table__cell" data-label="Achievement">{e(self.achievement)}</td>
  <td class="govuk-table__cell" data-label="Raised by">{e(self.raised_by)}</td>
  <td class="govuk-table__cell" data-label="Raised on">{e(self.raised_on)}</td>
  <td class="govuk-table__cell" data-label="Age">{e(self.age)}</td>
  <td class="govuk-table__cell" data-label="Status" data-status>
    <strong class="govuk-tag {e(self.status_class)}">{e(self.status_label)}</strong>
    {said}
  </td>
  <td class="govuk-table__cell" data-label="Actions">
    {actions}
    {process}
  </td>
</tr>
""")  # noqa: E501, S704 - markup as it reads in a template; every value escaped

    def _status_change(self, n: str, reference: str, chosen, comments, row_error) -> str:
        """The Status select and Update status; Additional Comments when the status chosen
        is a resolved one. `n` and `reference` come escaped."""
        e = escaped
        asking = (chosen or "") in rules.RESOLVED
        group_error = " govuk-form-group--error" if row_error else ""
        status_error = comments_error = ""
        if row_error:
            comments_error = (f'<p class="govuk-error-message" id="comments-{n}-error"><span class="govuk-visually-hidden">Error:</span> {e(row_error.message)}</p>')  # noqa: E501
            if not asking:
                status_error = (f'<p class="govuk-error-message" id="status-{n}-error"><span class="govuk-visually-hidden">Error:</span> {e(row_error.message)}</p>')  # noqa: E501
        options = STATUS_OPTIONS.get(chosen or self.status, STATUS_OPTIONS[None])
        asked = ""
        if asking:
            focus = " data-focus-on-swap" if row_error else ""
            described = f" comments-{n}-error" if row_error else ""
            asked = f"""<div class="govuk-form-group govuk-!-margin-bottom-2{group_error}">
      <label class="govuk-label govuk-label--s" for="comments-{n}">Additional Comments<span class="govuk-visually-hidden"> for {reference}</span></label>
      <div class="govuk-hint" id="comments-{n}-hint">Emailed to the provider and the service desk: do not include the learner's ULN, name or date of birth.</div>
      {comments_error}
      <textarea class="govuk-textarea" id="comments-{n}" name="comments-{n}" rows="3" form="challenge-bulk" required{focus} aria-describedby="comments-{n}-hint{described}">{e(comments or "")}</textarea>
    </div>"""  # noqa: E501 - markup as it reads in a template
        status_url, selector = e(self.status_url), e(self.selector)
        return f"""<div class="govuk-form-group govuk-!-margin-bottom-2{group_error}">
      <label class="govuk-label govuk-label--s" for="status-{n}">Status<span class="govuk-visually-hidden"> of {reference}</span></label>
      {status_error}
      <select class="govuk-select" id="status-{n}" name="status-{n}" form="challenge-bulk"
              hx-get="{status_url}" hx-trigger="change" hx-target="{selector}" hx-swap="outerHTML"
              hx-include="#version-{n}">
        {options}
      </select>
    </div>
    {asked}
    <button type="submit" form="challenge-bulk" formaction="{status_url}" formmethod="post"
            class="govuk-button govuk-button--secondary govuk-!-margin-bottom-2" data-module="govuk-button"
            hx-post="{status_url}" hx-target="{selector}" hx-swap="outerHTML">Update status<span class="govuk-visually-hidden"> of {reference}</span></button>"""  # noqa: E501 - markup as it reads in a template


def _outcome_text(outcome) -> str:
    if outcome.result == "not allowed":
        return "Not changed: " + (outcome.problem.message if outcome.problem else "")
    return _OUTCOME_TEXTS[outcome.result]


_OUTCOME_TEXTS = {"changed": "Changed",
                  "changed meanwhile": "Not changed: changed by someone else meanwhile",
                  "not found": "Not found"}
# The Status select's options with each status chosen (and with none, for a value that is
# not a status): written once, not once a row.
STATUS_OPTIONS = {chosen: "\n".join(
    f'<option value="{escaped(status.value)}"{" selected" if status == chosen else ""}>'
    f"{escaped(rules.STATUS_LABELS[status])}</option>" for status in rules.Status)
    for chosen in (*rules.Status, None)}


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
