"""Small presentation helpers shared by templates and downloads."""

from datetime import date

from markupsafe import Markup, escape

from webapp.rules.learner_data import GENDERS
from webapp.rules.roles import KIND_LABELS, ROLES

# GOV.UK tag colours for an account's status (Find user's rows, macros/status.html).
ACCOUNT_TAG_CLASSES = {"Active": "govuk-tag--green", "Inactive": "govuk-tag--grey",
                      "Suspended": "govuk-tag--orange", "Deleted": "govuk-tag--red"}


def role_labels(user) -> str:
    """The user's roles in the guide's words and order: ‘LRS super user, QCF user’."""
    held = user.roles  # a set built from the role rows: once, not once per role
    return ", ".join(ROLES[name].label for name in ROLES if name in held)


def email_breaks(address: str | None) -> Markup:
    """An email address that may wrap only after its ‘@’ and dots, never mid-word:
    ‘alice.archer@␣exams.␣example’ (a <wbr> at each ␣)."""
    text = str(escape(address or ""))
    text = text.replace("@", "@<wbr>").replace(".", ".<wbr>")
    return Markup(text)  # noqa: S704 - escaped above; only <wbr> is added


def kind_label(kind: str) -> str:
    """An organisation kind in words, with a capital: ‘Awarding organisation’."""
    words = KIND_LABELS.get(kind, kind)
    return words[:1].upper() + words[1:]


def supplied_value(check) -> str:
    """A supplied detail as a person writes it: ‘6 September 2005’, ‘Male’."""
    if check.field == "Date of birth":
        try:
            return date.fromisoformat(check.supplied).strftime("%-d %B %Y")
        except ValueError:
            return check.supplied
    if check.field == "Gender":
        return GENDERS.get(check.supplied, check.supplied)
    return check.supplied
