"""The rows of Find user and of the resolver's Event Data Challenges list are worked out in
Python (blueprints/*/rows.py) and only written out by their macros: what each cell says,
the status colours, and that every stored value is still escaped when it reaches the page."""

from datetime import timedelta

from tests.achievement_data import JAMES, load_registers, qcf_user, two_achievements_of_james
from tests.helpers import BOSS_PASSWORD, committed, page, sign_in
from webapp.blueprints.challenges.rows import row_for
from webapp.blueprints.users.rows import row_for as user_row_for
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.rules.challenges import Proposal, Status
from webapp.services import challenges
from webapp.web.user_actions import StatusActions


def challenge_row_for(challenge, today=None):
    """A challenge entity's row, as the views make it for a single row."""
    return row_for(challenges.listed(challenge), today)

NOTHING = StatusActions(suspend=False, reinstate=False, unlock=False)
EVERYTHING = StatusActions(suspend=True, reinstate=True, unlock=True)


# --- Find user --------------------------------------------------------------------------------

def test_a_user_row_says_never_until_the_first_sign_in_and_carries_the_title(app, staff):
    staff.title = "Dr"
    with app.test_request_context("/users"):
        row = user_row_for(staff, NOTHING)
        assert (row.name, row.last_sign_in) == ("Dr Sam Staff", "Never")
        staff.last_sign_in_at = utcnow().replace(year=2026, month=3, day=4, hour=9, minute=5)
        assert user_row_for(staff, NOTHING).last_sign_in == "4 Mar 2026 09:05"


def test_a_user_row_offers_only_the_actions_allowed(app, staff):
    with app.test_request_context("/users"):
        none = user_row_for(staff, NOTHING)
        every = user_row_for(staff, EVERYTHING)
    assert (none.suspend_url, none.reinstate_url, none.unlock_url) == (None, None, None)
    assert every.suspend_url == f"/users/{staff.id}/suspend"
    assert every.reinstate_url == f"/users/{staff.id}/reinstate"
    assert every.unlock_url == f"/users/{staff.id}/unlock"


def test_status_tags_keep_their_colours(client, boss, staff):
    staff.status, staff.locked = "Suspended", True
    db.session.commit()
    sign_in(client, boss.username, BOSS_PASSWORD)
    row = page(client.get("/users?status=Suspended")).find(id=f"user-row-{staff.id}")
    tags = [(tag["class"][-1], tag.get_text()) for tag in row.select("strong.govuk-tag")]
    assert tags == [("govuk-tag--orange", "Suspended"), ("govuk-tag--red", "Locked")]


def test_every_stored_value_in_a_user_row_is_escaped(client, boss, staff):
    """Names cannot hold markup through the forms; a row must not trust that anyway."""
    staff.title, staff.given_name, staff.email = "Dr<i>", "Al<b>", "a<x>&y@exams.example"
    db.session.commit()
    sign_in(client, boss.username, BOSS_PASSWORD)
    html = client.get("/users").text
    assert "Dr&lt;i&gt; Al&lt;b&gt; Staff" in html
    assert "a&lt;x&gt;&amp;y@<wbr>exams.<wbr>example" in html
    assert "<b>" not in html and "<i>" not in html and "<x>" not in html


# --- Event Data Challenges ------------------------------------------------------------------------

def _raised(make_user, provider_organisation, duplicate=False):
    load_registers()
    owner = qcf_user(make_user)
    first, second = two_achievements_of_james(owner)
    provider = make_user(roles=["provider_user"], org=provider_organisation, given="Pat",
                         family="Provider", email_address="pat@college.example")
    proposal = (Proposal("duplicate", duplicate_of=second.id, notes="Twice", contact="Pat")
                if duplicate else Proposal("wrong_information", "grade", "6", notes="n",
                                           contact="c"))
    challenge = committed(challenges.raise_challenge, provider, JAMES, first.id, proposal)
    return owner, challenge


def test_a_challenge_row_counts_days_and_names_a_duplicate(app, make_user,
                                                          provider_organisation):
    _owner, challenge = _raised(make_user, provider_organisation, duplicate=True)
    raised_on = challenge.raised_at.date()
    with app.test_request_context("/challenges"):
        assert challenge_row_for(challenge, raised_on).age == "0 days"
        assert challenge_row_for(challenge, raised_on + timedelta(days=1)).age == "1 day"
        row = challenge_row_for(challenge, raised_on + timedelta(days=12))
    assert row.age == "12 days"
    assert row.achievement.endswith(" (and a duplicate)")
    assert row.achievement.startswith(challenge.achievement.reference + " ")
    assert row.raised_by == challenge.raised_by_organisation.name


def test_a_challenge_row_has_each_status_colour_and_its_actions(app, make_user,
                                                               provider_organisation):
    _owner, challenge = _raised(make_user, provider_organisation)
    expected = {Status.OPEN: "govuk-tag--blue", Status.IN_PROGRESS: "govuk-tag--yellow",
                Status.UPHELD: "govuk-tag--green", Status.REJECTED: "govuk-tag--grey"}
    with app.test_request_context("/challenges"):
        for status, colour in expected.items():
            challenge.status = status
            row = challenge_row_for(challenge)
            assert row.status_class == colour
            assert row.resolved == (status in (Status.UPHELD, Status.REJECTED))
            assert row.process_url == (f"/challenges/{challenge.id}/process"
                                       if status == Status.OPEN
                                       else f"/challenges/{challenge.id}")
    db.session.rollback()


def test_every_stored_value_in_a_challenge_row_is_escaped(client, make_user,
                                                          provider_organisation):
    owner, challenge = _raised(make_user, provider_organisation)
    resolver = make_user(roles=["edc_resolver"], given="Rita", family="Resolver",
                         email_address="rita@exams.example")
    challenge.raised_by_organisation.name = "River<script>&Co"
    challenge.achievement.qualification.title = "Maths <em>Higher</em>"
    db.session.commit()
    sign_in(client, resolver.username)
    html = client.get("/challenges").text
    assert "River&lt;script&gt;&amp;Co" in html
    assert "Maths &lt;em&gt;Higher&lt;/em&gt;" in html
    assert "<script>&" not in html and "<em>" not in html
    assert owner  # the qualification's owner made the achievements
