"""The rows of Find user and of the resolver's Event Data Challenges list are written in
Python (blueprints/*/rows.py, web/markup.py) instead of Jinja macros, for speed. These
tests hold the macros they replaced, as they were (commit b057d1e), and check that the
Python writes the same HTML, but for the amount of whitespace, for rows of every kind:
every status, locked, no action allowed, each inline message and error, values holding
markup characters, and challenges open, in progress, resolved and being resolved."""

import re

import pytest
from markupsafe import Markup, escape

from webapp.blueprints.challenges.rows import ChallengeRow
from webapp.blueprints.users.rows import UserRow
from webapp.rules import challenges as rules
from webapp.rules.problems import Problem
from webapp.services.challenges import Outcome
from webapp.services.errors import ValidationFailed
from webapp.web.display import email_breaks
from webapp.web.markup import escaped, post_button

# --- the reference: the macros as they were ---------------------------------------------------

OLD_POST_BUTTON = """{% macro post_button(action, label, form_id, target=None, for_whom='', classes='govuk-button--secondary') %}
<button type="submit" form="{{ form_id }}" formaction="{{ action }}" formmethod="post"
        class="govuk-button {{ classes }}" data-module="govuk-button"
        {% if target %}hx-post="{{ action }}" hx-target="{{ css(target) }}" hx-swap="outerHTML"{% endif %}>
  {{- label }}{% if for_whom %}<span class="govuk-visually-hidden"> {{ for_whom }}</span>{% endif -%}
</button>
{% endmacro %}
"""  # noqa: E501 - markup, as it reads in a template
OLD_USER_MACROS = OLD_POST_BUTTON + """
{#- Suspend / Reinstate / Unlock for one account: `row` is a blueprints/users/rows.UserRow, whose
    action addresses are set only for the actions the signed-in user may take. Buttons
    belong to the actions form `form_id`; with JavaScript they swap `target` (an element
    id). A missing reason (`reason_error`) keeps the Suspend form open with a GOV.UK field
    error, and focus goes to the field. -#}
{% macro status_actions(row, form_id, target, reason_error=None) %}
{% if row.suspend_url %}
<details class="govuk-details lrs-inline-details"{% if reason_error %} open{% endif %}>
  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Suspend<span class="govuk-visually-hidden"> {{ row.username }}</span></span></summary>
  <div class="govuk-details__text">
    <div class="govuk-form-group{% if reason_error %} govuk-form-group--error{% endif %}">
      <label class="govuk-label govuk-label--s" for="reason-{{ row.id }}">Reason for suspending {{ row.username }}</label>
      {% if reason_error %}<p class="govuk-error-message" id="reason-{{ row.id }}-error"><span class="govuk-visually-hidden">Error:</span> {{ reason_error }}</p>{% endif %}
      <input class="govuk-input{% if reason_error %} govuk-input--error{% endif %}" id="reason-{{ row.id }}" name="reason-{{ row.id }}" type="text" maxlength="200" autocomplete="off" form="{{ form_id }}"
             {%- if reason_error %} aria-describedby="reason-{{ row.id }}-error" data-focus-on-swap{% endif %}>
    </div>
    {{ post_button(row.suspend_url, 'Suspend user', form_id, target, classes='govuk-button--warning') }}
  </div>
</details>
{% endif %}
{% if row.reinstate_url %}
  {{ post_button(row.reinstate_url, 'Reinstate', form_id, target, row.username) }}
{% endif %}
{% if row.unlock_url %}
  {{ post_button(row.unlock_url, 'Unlock', form_id, target, row.username) }}
{% endif %}
{% endmacro %}

{#- One row of Find user, from a blueprints/users/rows.UserRow. After an inline action the row
    comes back with `row_message` (or `row_error`, or `reason_error` for a missing reason):
    focus moves to the status, which holds the message, so a keyboard or screen-reader user
    keeps their place. -#}
{% macro user_row(row, row_message=None, row_error=False, reason_error=None) %}
<tr class="govuk-table__row" id="{{ row.element_id }}">
  <td class="govuk-table__cell" data-label="Name">{{ row.name }}</td>
  <td class="govuk-table__cell" data-label="Username">{{ row.username }}</td>
  <td class="govuk-table__cell lrs-email" data-label="Email">{{ row.email }}</td>
  <td class="govuk-table__cell" data-label="Roles">{{ row.roles }}</td>
  <td class="govuk-table__cell" data-label="Status">
    <div class="lrs-status" id="status-{{ row.id }}" data-status tabindex="-1"{% if row_message and not reason_error %} data-focus-on-swap{% endif %}>
      <strong class="govuk-tag {{ row.status_class }}">{{ row.status }}</strong>
      {% if row.locked %}<strong class="govuk-tag govuk-tag--red">Locked</strong>{% endif %}
      {% if row_message %}<p class="govuk-body-s {{ 'govuk-error-message' if row_error else 'lrs-row-message' }}" role="status">{{ row_message }}</p>{% endif %}
    </div>
  </td>
  <td class="govuk-table__cell" data-label="Last sign-in">{{ row.last_sign_in }}</td>
  <td class="govuk-table__cell" data-label="Actions">
    <a class="govuk-link" href="{{ row.view_url }}">View user<span class="govuk-visually-hidden"> {{ row.username }}</span></a>
    {{ status_actions(row, 'user-actions', row.element_id, reason_error) }}
  </td>
</tr>
{% endmacro %}
"""  # noqa: E501 - markup, as it reads in a template
OLD_CHALLENGE_MACRO = """{% macro challenge_row(row, outcome=None, chosen=None, seen_version=None, comments=None, row_error=None, row_message=None) %}
{% set asking = (chosen or '') in resolved %}
<tr class="govuk-table__row" id="{{ row.element_id }}">
  <td class="govuk-table__cell" data-label="Select">
    <div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" type="checkbox" id="select-{{ row.id }}" name="challenge" value="{{ row.id }}" form="challenge-bulk">
      <label class="govuk-label govuk-checkboxes__label" for="select-{{ row.id }}"><span class="govuk-visually-hidden">Select {{ row.reference }}</span></label>
    </div></div>
    <input type="hidden" id="version-{{ row.id }}" name="version-{{ row.id }}" value="{{ row.version if seen_version is none else seen_version }}" form="challenge-bulk">
    <input type="hidden" name="shown" value="{{ row.id }}" form="challenge-bulk">
  </td>
  <td class="govuk-table__cell" data-label="Reference">{{ row.reference }}</td>
  <td class="govuk-table__cell" data-label="Type">{{ row.type_label }}</td>
  <td class="govuk-table__cell" data-label="ULN">{{ row.uln }}</td>
  <td class="govuk-table__cell" data-label="Achievement">{{ row.achievement }}</td>
  <td class="govuk-table__cell" data-label="Raised by">{{ row.raised_by }}</td>
  <td class="govuk-table__cell" data-label="Raised on">{{ row.raised_on }}</td>
  <td class="govuk-table__cell" data-label="Age">{{ row.age }}</td>
  <td class="govuk-table__cell" data-label="Status" data-status>
    <strong class="govuk-tag {{ row.status_class }}">{{ row.status_label }}</strong>
    {% if outcome %}<p class="govuk-body-s lrs-row-message" data-outcome="{{ outcome.result }}">{{ {'changed': 'Changed', 'not allowed': 'Not changed: ' ~ (outcome.problem.message if outcome.problem else ''), 'changed meanwhile': 'Not changed: changed by someone else meanwhile', 'not found': 'Not found'}[outcome.result] }}</p>{% endif %}
    {% if row_message %}<p class="govuk-body-s lrs-row-message" role="status" tabindex="-1" data-focus-on-swap>{{ row_message }}</p>{% endif %}
  </td>
  <td class="govuk-table__cell" data-label="Actions">
    {% if not row.resolved %}
    <div class="govuk-form-group govuk-!-margin-bottom-2{{ ' govuk-form-group--error' if row_error }}">
      <label class="govuk-label govuk-label--s" for="status-{{ row.id }}">Status<span class="govuk-visually-hidden"> of {{ row.reference }}</span></label>
      {% if row_error and not asking %}<p class="govuk-error-message" id="status-{{ row.id }}-error"><span class="govuk-visually-hidden">Error:</span> {{ row_error.message }}</p>{% endif %}
      <select class="govuk-select" id="status-{{ row.id }}" name="status-{{ row.id }}" form="challenge-bulk"
              hx-get="{{ row.status_url }}" hx-trigger="change" hx-target="{{ row.selector }}" hx-swap="outerHTML"
              hx-include="#version-{{ row.id }}">
        {{ status_options.get(chosen or row.status, status_options[None]) }}
      </select>
    </div>
    {% if asking %}
    <div class="govuk-form-group govuk-!-margin-bottom-2{{ ' govuk-form-group--error' if row_error }}">
      <label class="govuk-label govuk-label--s" for="comments-{{ row.id }}">Additional Comments<span class="govuk-visually-hidden"> for {{ row.reference }}</span></label>
      <div class="govuk-hint" id="comments-{{ row.id }}-hint">Emailed to the provider and the service desk: do not include the learner's ULN, name or date of birth.</div>
      {% if row_error %}<p class="govuk-error-message" id="comments-{{ row.id }}-error"><span class="govuk-visually-hidden">Error:</span> {{ row_error.message }}</p>{% endif %}
      <textarea class="govuk-textarea" id="comments-{{ row.id }}" name="comments-{{ row.id }}" rows="3" form="challenge-bulk" required{% if row_error %} data-focus-on-swap{% endif %} aria-describedby="comments-{{ row.id }}-hint{% if row_error %} comments-{{ row.id }}-error{% endif %}">{{ comments or '' }}</textarea>
    </div>
    {% endif %}
    <button type="submit" form="challenge-bulk" formaction="{{ row.status_url }}" formmethod="post"
            class="govuk-button govuk-button--secondary govuk-!-margin-bottom-2" data-module="govuk-button"
            hx-post="{{ row.status_url }}" hx-target="{{ row.selector }}" hx-swap="outerHTML">Update status<span class="govuk-visually-hidden"> of {{ row.reference }}</span></button>
    {% endif %}
    {% if row.status == 'open' %}
    <button type="submit" form="challenge-bulk" formaction="{{ row.process_url }}" formmethod="post"
            class="govuk-button govuk-!-margin-bottom-2" data-module="govuk-button">Process<span class="govuk-visually-hidden"> {{ row.reference }}</span></button>
    {% else %}
    <a class="govuk-link" href="{{ row.process_url }}">{{ 'View' if row.resolved else 'Process' }}<span class="govuk-visually-hidden"> {{ row.reference }}</span></a>
    {% endif %}
  </td>
</tr>
{% endmacro %}
"""  # noqa: E501 - markup, as it reads in a template
OLD_STATUS_OPTIONS = """{% for value in params.statuses %}
<option value="{{ value }}"{{ ' selected' if value == params.chosen }}>{{ params.labels[value] }}</option>
{% endfor %}
"""  # noqa: E501 - markup, as it reads in a template

NASTY = "O'Neil <b>&amp; \"Co\""  # every character escaping must change


def same_but_whitespace(old: str, new: str) -> bool:
    """Equal once each run of whitespace is one space, and none is left before a tag's
    closing `>`: where text had whitespace, it still has."""
    def squeezed(text):
        return re.sub(r"\s+", " ", text).replace(" >", ">").strip()
    return squeezed(old) == squeezed(new)


@pytest.fixture
def old_user_macros(app):
    return app.jinja_env.from_string(OLD_USER_MACROS).module


@pytest.fixture
def old_challenge_row(app):
    options = app.jinja_env.from_string(OLD_STATUS_OPTIONS)
    statuses = [status.value for status in rules.Status]
    status_options = {chosen: Markup(options.render(params={  # noqa: S704 - a template's
        "statuses": statuses, "labels": rules.STATUS_LABELS, "chosen": chosen}))
        for chosen in (*statuses, None)}
    macro = app.jinja_env.from_string(OLD_CHALLENGE_MACRO, globals={
        "resolved": rules.RESOLVED, "status_options": status_options})
    return macro.module.challenge_row


# --- escaping ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "sam.staff", NASTY, "a&b", "<", ">", "'", '"', "Zoë – ‘x’",
                                   Markup("a@<wbr>b"), 42, None, rules.Status.OPEN])
def test_escaped_gives_what_markupsafe_gives(value):
    assert escaped(value) == escape(value)


# --- a button of a row ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", [None, "achievement-row-3"])
@pytest.mark.parametrize("for_whom", ["", "REF<1>&'"])
@pytest.mark.parametrize("classes", ["govuk-button--secondary", "", 'x" onclick="y'])
@pytest.mark.parametrize("form_id", ["achievement-actions", 'f" onclick="y'])
def test_a_post_button_is_written_as_the_macro_wrote_it(app, target, for_whom, classes, form_id):
    """Every argument escaped, though today's callers give literals for the form and classes."""
    old = app.jinja_env.from_string(OLD_POST_BUTTON).module.post_button(
        "/achievements/3/grade?x=1&y=2", "Save <changes>", form_id, target, for_whom, classes)
    new = post_button("/achievements/3/grade?x=1&y=2", "Save <changes>", form_id, target,
                      for_whom, classes)
    assert same_but_whitespace(old, new), f"--- old\n{old}\n--- new\n{new}"


# --- Find user --------------------------------------------------------------------------------

def user_rows():
    """Rows of every shape: each combination of actions, locked or not, every status."""
    rows = []
    for n, (status, tag) in enumerate([("Active", "govuk-tag--green"),
                                       ("Suspended", "govuk-tag--orange"),
                                       ("Inactive", "govuk-tag--grey"), ("Deleted", "")]):
        for suspend in (False, True):
            for reinstate in (False, True):
                for unlock in (False, True):
                    user_id = n * 8 + suspend * 4 + reinstate * 2 + unlock + 1
                    rows.append(UserRow(
                        id=user_id, element_id=f"user-row-{user_id}",
                        selector=f"#user-row-{user_id}",
                        name=f"Dr {NASTY} Smith" if user_id % 2 else "Sam Staff",
                        username=f"o'neil<{user_id}>&" if user_id % 3 else "sam.staff",
                        email=email_breaks(f"a<x>&'{user_id}@exams.example"),
                        roles="LRS super user, QCF user" if user_id % 2 else "",
                        status=status, status_class=tag, locked=bool(user_id % 5 < 2),
                        last_sign_in="4 Mar 2026 09:05" if user_id % 2 else "Never",
                        view_url=f"/users/{user_id}",
                        suspend_url=f"/users/{user_id}/suspend" if suspend else None,
                        reinstate_url=f"/users/{user_id}/reinstate" if reinstate else None,
                        unlock_url=f"/users/{user_id}/unlock" if unlock else None))
    # Every text a row writes holding markup characters: one left unescaped shows.
    rows.append(UserRow(
        id=99, element_id=f"user-row-{NASTY}", selector=f"#user-row-{NASTY}", name=NASTY,
        username=NASTY, email=email_breaks(NASTY), roles=NASTY, status=NASTY,
        status_class=NASTY, locked=True, last_sign_in=NASTY, view_url=f"/users/99?{NASTY}",
        suspend_url=f"/s?{NASTY}", reinstate_url=f"/r?{NASTY}", unlock_url=f"/u?{NASTY}"))
    return rows


AFTER_AN_ACTION = [  # row_message, row_error, reason_error
    (None, False, None),
    ("Sam Staff suspended <now> & 'then'.", False, None),
    ("Changed by someone else meanwhile: reload & try again.", True, None),
    ("Enter a reason <for> suspending", False, "Enter a reason <for> suspending"),
    (None, False, "Enter a reason & more"),
]


@pytest.mark.parametrize("after", AFTER_AN_ACTION)
def test_a_user_row_is_written_as_the_macro_wrote_it(app, old_user_macros, after):
    message, error, reason_error = after
    with app.test_request_context("/users"):
        for row in user_rows():
            old = old_user_macros.user_row(row, message, error, reason_error)
            new = row.html(message, error, reason_error)
            assert isinstance(new, Markup)
            assert same_but_whitespace(old, new), f"{row}\n--- old\n{old}\n--- new\n{new}"


@pytest.mark.parametrize("reason_error", [None, "Enter a reason <for> suspending"])
def test_view_users_status_actions_are_written_as_the_macro_wrote_them(app, old_user_macros,
                                                                       reason_error):
    with app.test_request_context("/users/1"):
        for row in user_rows():
            for form_id in ("status-actions", 'f" onclick="y'):
                old = old_user_macros.status_actions(row, form_id, "user-status", reason_error)
                new = row.status_actions(form_id, "user-status", reason_error)
                assert same_but_whitespace(old, new), f"{row}\n--- old\n{old}\n--- new\n{new}"


def test_a_user_row_escapes_every_value(app):
    row = user_rows()[0]
    html = row.html("<i>done</i>", False, None)
    assert "Dr O&#39;Neil &lt;b&gt;&amp;amp; &#34;Co&#34; Smith" in html
    assert "&lt;i&gt;done&lt;/i&gt;" in html
    assert "<b>" not in html and "<i>" not in html and "<x>" not in html


# --- Event Data Challenges ------------------------------------------------------------------------

def challenge_rows():
    rows = []
    for n, status in enumerate(rules.Status, start=1):
        for duplicate in (False, True):
            challenge_id = n * 2 + duplicate
            opening = status == rules.Status.OPEN
            rows.append(ChallengeRow(
                id=challenge_id, element_id=f"challenge-row-{challenge_id}",
                selector=f"#challenge-row-{challenge_id}",
                reference=f"EDC<{challenge_id}>&'", version=challenge_id + 3,
                type_label=rules.SHORT_TYPE_LABELS["duplicate" if duplicate
                                                   else "wrong_information"],
                uln="1000000012",
                achievement=f"REF1 Maths {NASTY}" + (" (and a duplicate)" if duplicate else ""),
                raised_by=f"River {NASTY} College", raised_on="4 March 2026",
                age="1 day" if duplicate else "12 days", status=status.value,
                status_label=rules.STATUS_LABELS[status],
                status_class=f"govuk-tag--{challenge_id}", resolved=status in rules.RESOLVED,
                status_url=f"/challenges/{challenge_id}/status",
                process_url=f"/challenges/{challenge_id}" + ("/process" if opening else "")))
        # Every text a row writes holding markup characters: one left unescaped shows.
        rows.append(ChallengeRow(
            id=90 + n, element_id=f"challenge-row-{NASTY}", selector=f"#{NASTY}",
            reference=NASTY, version=1, type_label=NASTY, uln=NASTY, achievement=NASTY,
            raised_by=NASTY, raised_on=NASTY, age=NASTY, status=status.value,
            status_label=NASTY, status_class=NASTY, resolved=status in rules.RESOLVED,
            status_url=f"/status?{NASTY}", process_url=f"/process?{NASTY}"))
    return rows


REFUSED = Problem("NOT_ALLOWED", "A resolved <data> challenge & its 'answer' stay")
OUTCOMES = [None] + [Outcome(challenge_id=0, result=result, problem=problem)
                     for result, problem in [("changed", None), ("not allowed", REFUSED),
                                             ("not allowed", None),
                                             ("changed meanwhile", None), ("not found", None)]]
ERROR = ValidationFailed("Enter additional comments <that> explain & 'why'", "comments")
AFTER_ITS_OWN_CHANGE = [  # chosen, seen_version, comments, row_error, row_message
    (None, None, None, None, None),
    ("upheld", 7, None, None, None),          # the select asks for comments
    ("rejected", 7, "Checked <b>&", ERROR, None),
    ("in_progress", 2, "", ERROR, None),       # refused without asking
    ("nonsense<", None, None, None, None),    # not a status: nothing selected
    (None, None, "Fine & done", None, "EDC<1> set to ‘Resolved – Upheld’."),
]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_challenge_row_in_the_list_is_written_as_the_macro_wrote_it(app, old_challenge_row,
                                                                      outcome):
    with app.test_request_context("/challenges"):
        for row in challenge_rows():
            old, new = old_challenge_row(row, outcome), row.html(outcome)
            assert same_but_whitespace(old, new), f"{row}\n--- old\n{old}\n--- new\n{new}"


@pytest.mark.parametrize("after", AFTER_ITS_OWN_CHANGE)
def test_a_challenge_row_after_its_own_change_is_written_as_the_macro_wrote_it(
        app, old_challenge_row, after):
    with app.test_request_context("/challenges"):
        for row in challenge_rows():
            old, new = old_challenge_row(row, None, *after), row.html(None, *after)
            assert same_but_whitespace(old, new), f"{row}\n--- old\n{old}\n--- new\n{new}"


def test_a_challenge_row_escapes_every_value(app):
    row = challenge_rows()[0]
    html = row.html(None, "upheld", None, "<script>", ERROR, None)
    assert "River O&#39;Neil &lt;b&gt;&amp;amp; &#34;Co&#34; College" in html
    assert ">&lt;script&gt;</textarea>" in html
    assert "Enter additional comments &lt;that&gt; explain &amp; &#39;why&#39;" in html
    assert "<b>" not in html and "<script>" not in html
