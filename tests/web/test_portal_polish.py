"""What a first-time user tripped on (issue 10), asserted on the pages: words instead of
internal values, the GOV.UK footer and phase banner, a home page for roles whose pages are
not built yet, Cancel beside its button, email addresses that wrap sensibly."""

import csv
import io
from datetime import date

import pytest

from tests.helpers import BOSS_PASSWORD, page, sign_in, submit
from webapp.extensions import db
from webapp.models import Learner


@pytest.fixture
def signed_in(client, boss):
    sign_in(client, boss.username, BOSS_PASSWORD)
    return client


def test_footer_links_phase_banner_and_their_pages(client):
    html = page(client.get("/sign-in"))
    footer = {a.get_text(strip=True): a["href"] for a in html.select("footer a")}
    assert footer["Accessibility statement"] == "/accessibility-statement"
    assert footer["Cookies"] == "/cookies" and footer["Privacy"] == "/privacy"
    assert html.select_one(".govuk-phase-banner .govuk-tag").get_text(strip=True) == "Beta"
    for path, heading in (("/accessibility-statement", "Accessibility statement"),
                          ("/cookies", "Cookies"), ("/privacy", "Privacy")):
        response = client.get(path)
        assert response.status_code == 200
        assert page(response).find("h1").get_text(strip=True) == heading
    assert "lrs_session" in page(client.get("/cookies")).get_text()


@pytest.mark.parametrize("role", ["ab_user", "ab_batch_user", "qcf_user",
                                  "qcf_record_set_user", "edc_resolver"])
def test_every_awarding_role_now_has_pages_to_choose(client, make_user, role):
    """Issues 12 and 13 built the last pages: no role is told its pages are still to come."""
    user = make_user(roles=[role])
    sign_in(client, user.username)
    html = page(client.get("/learner-management"))
    assert not html.select("#coming-list li")


def test_a_batch_user_chooses_the_batch_pages(client, make_user):
    user = make_user(roles=["ab_batch_user"])  # issue 13 built them
    sign_in(client, user.username)
    html = page(client.get("/learner-management"))
    assert html.find("a", string="Submit Batch Job")
    assert html.find("a", string="View Batch Job")


def test_a_verifier_chooses_and_is_not_told_of_pages_they_cannot_use(client, make_user):
    user = make_user(roles=["ab_user"])
    sign_in(client, user.username)
    html = page(client.get("/learner-management"))
    assert html.find("a", string="Verify Single Learner")
    assert html.find(id="coming") is None


def test_cancel_sits_beside_the_button(signed_in, staff):
    for path in ("/users/new", f"/users/{staff.id}/edit", f"/users/{staff.id}/email"):
        group = page(signed_in.get(path)).select_one("form .govuk-button-group")
        assert group.find("button") and group.find("a", string="Cancel"), path


def test_emails_wrap_after_the_at_and_dots_not_mid_word(signed_in, make_user):
    make_user(email_address="alexandra.montgomery@northern-exams.example")
    cell = page(signed_in.get("/users")).select_one("td.lrs-email:-soup-contains('alexandra')")
    assert str(cell).count("<wbr/>") == 3  # after the first dot, the @ and the last dot
    assert cell.get_text() == "alexandra.montgomery@northern-exams.example"


def test_user_activity_says_what_happened_in_words(app, client, signed_in, boss, staff):
    sign_in(app.test_client(), staff.username, "not the password at all")
    submit(signed_in, f"/users/{staff.id}/edit", {
        "given_name": "Sam", "family_name": "Staff", "verification_provided": "staff id",
        "roles": ["ab_user", "ab_batch_user"], "version": staff.version},
        get_path=f"/users/{staff.id}/edit")
    details = " | ".join(td.get_text(" ", strip=True) for td in page(
        signed_in.get("/users/activity")).select("td[data-label=Details]"))
    assert "Wrong password (1 in a row)" in details
    assert "Roles changed: added Awarding body batch user" in details
    for raw in ("wrong_password", "ab_batch_user", "→", "True", "consecutive"):
        assert raw not in details, raw


def test_verifications_show_their_uln_on_user_activity_only(app, client, make_user):
    super_verifier = make_user(roles=["super_user", "ab_user"], password=BOSS_PASSWORD,
                               given="Vera", family="Verifier")
    db.session.add(Learner(uln="1000000043", given_name="James", family_name="Smith",
                           date_of_birth=date(2008, 5, 1), gender="1"))
    db.session.commit()
    sign_in(client, super_verifier.username, BOSS_PASSWORD)
    submit(client, "/learner-verification/verify", {
        "uln": "1000000043", "given_name": "James", "family_name": "Smith",
        "date_of_birth": ["", "", ""], "gender": ""})
    html = page(client.get("/users/activity?event=learner.verified"))
    row = html.select_one("#activity tbody tr")
    assert row.select_one("td[data-label='User affected']").get_text(strip=True) == \
        "ULN 1000000043"
    assert "Result VRC001" in row.select_one("td[data-label=Details]").get_text()
    download = client.get("/users/activity.csv?event=learner.verified")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert "1000000043" not in download.get_data(as_text=True)
    assert rows[1][1] == "Learner verified" and "Result VRC001" in rows[1][5]
