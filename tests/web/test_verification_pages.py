"""Verify Single Learner: the page, the HTMX result panel, errors and the hourly limit."""

import re
from datetime import date

import pytest

from tests.helpers import csrf_from, error_summary, page, sign_in, submit
from webapp.extensions import db
from webapp.models import Learner

PATH = "/learner-verification/verify"
PANEL = {"HX-Request": "true", "HX-Target": "verify-panel"}


@pytest.fixture
def verifier(client, make_user):
    user = make_user(roles=["ab_user"])
    db.session.add_all([
        Learner(uln="1000000043", given_name="James", family_name="Smith",
                date_of_birth=date(2008, 5, 1), gender="1"),
        Learner(uln="9276308686", given_name="James", family_name="Smith",
                date_of_birth=date(2008, 5, 1), gender="1", master_uln="1000000043"),
    ])
    db.session.commit()
    sign_in(client, user.username)
    return client


def fields(uln="1000000043", given="James", family="Smith", day="1", month="5", year="2008",
           gender="1"):
    return {"uln": uln, "given_name": given, "family_name": family,
            "date_of_birth": [day, month, year], "gender": gender}


def test_the_form_has_the_guides_fields(verifier):
    html = page(verifier.get(PATH))
    labels = [label.get_text(strip=True) for label in html.select("#verify-panel label")]
    assert labels[:3] == ["ULN", "Given name", "Family name"]
    assert {"Day", "Month", "Year", "Gender"} <= set(labels)
    assert html.find("legend", string=lambda s: s and "Date of birth" in s)
    form = html.select_one("#verify-panel form")
    assert form["method"] == "post" and form["hx-post"] == PATH
    assert form["hx-target"] == "#verify-panel"
    assert html.find("button", string=lambda s: s and "Verify" in s)


def test_verify_without_javascript_re_renders_the_page_with_the_result(verifier):
    response = submit(verifier, PATH, fields())
    html = page(response)
    assert html.find("h1").get_text(strip=True) == "Verify Single Learner"
    heading = html.find(id="result-heading").get_text(" ", strip=True)
    assert heading == "VRC001 – Exact match"
    assert "You do not need to take any further action" in html.find(id="next-step").get_text()
    assert html.find(id="failure-flags").get_text(strip=True) == "None."


def test_htmx_gets_the_panel_only(verifier):
    token = csrf_from(verifier.get(PATH))
    response = verifier.post(PATH, data={"csrf_token": token, **fields(given="Jim")},
                             headers=PANEL)
    text = response.get_data(as_text=True)
    assert "<html" not in text
    html = page(response)
    assert html.title.get_text() == "Verify Single Learner – Learning Records Service – GOV.UK"
    assert html.find(id="verify-errors")["hx-swap-oob"] == "true"
    assert not html.find(id="verify-errors").select(".govuk-error-summary")
    assert html.find(id="result-heading").get_text(" ", strip=True) == "VRC003 – Possible match"
    assert "short form or nickname" in html.find(id="explanation").get_text()
    assert html.find(id="result-heading")["data-focus-on-swap"] is not None


def test_a_mismatch_lists_flags_with_meanings_and_returns_no_details(verifier):
    html = page(submit(verifier, PATH, fields(given="Peter", gender="2")))
    assert html.find(id="result-heading").get_text(" ", strip=True).startswith("VRC005")
    flags = html.find(id="failure-flags").get_text(" ", strip=True)
    assert "VRF1 – Supplied given name fails to match the held given name" in flags
    assert "VRF8" in flags
    assert html.find(id="held-details") is None
    assert "send a request to the learning provider" in html.find(id="next-step").get_text()


def test_a_linked_uln_shows_the_master(verifier):
    html = page(submit(verifier, PATH, fields(uln="9276308686")))
    assert html.find(id="result-heading").get_text(" ", strip=True).startswith("VRC002")
    details = html.find(id="held-details").get_text(" ", strip=True)
    assert "1000000043" in details and "for the master learner" in html.get_text()


def test_date_of_birth_and_gender_are_optional(verifier):
    html = page(submit(verifier, PATH, fields(day="", month="", year="", gender="")))
    assert html.find(id="result-heading").get_text(" ", strip=True).startswith("VRC001")


@pytest.mark.parametrize("changes,message", [
    ({"uln": "1000000042"}, "ULN is not valid"),
    ({"uln": "", "given": ""}, "Enter the ULN"),
    ({"day": "31", "month": "2"}, "Date of birth must be a real date"),
    ({"month": ""}, "Date of birth must include a day, month and year"),
])
def test_bad_input_gets_an_error_summary_and_keeps_what_was_typed(verifier, changes, message):
    response = submit(verifier, PATH, fields(**changes))
    assert response.status_code == 422
    assert any(message in item for item in error_summary(response))
    assert page(response).find(id="verification-result") is None
    assert page(response).find("input", attrs={"name": "family_name"})["value"] == "Smith"


def test_htmx_errors_title_the_page_and_summarise_at_the_top(verifier):
    """As without JavaScript: ‘Error: ’ starts the title and the summary sits above the h1
    (an out-of-band swap into its place), not inside the form's panel."""
    token = csrf_from(verifier.get(PATH))
    response = verifier.post(PATH, data={"csrf_token": token, **fields(uln="1000000042")},
                             headers=PANEL)
    assert response.status_code == 422
    html = page(response)
    assert html.title.get_text().startswith("Error: Verify Single Learner")
    top = html.find(id="verify-errors")
    assert top["hx-swap-oob"] == "true" and "ULN is not valid" in top.get_text()
    assert not html.find(id="verify-panel").select(".govuk-error-summary")
    whole = page(verifier.get(PATH))
    region = whole.find(id="verify-errors")
    assert region.find_next("h1") is not None  # the summary's place is above the heading


def test_how_each_detail_matched_shows_values_as_people_write_them(verifier):
    html = page(submit(verifier, PATH, fields()))
    explanation = html.find(id="explanation").get_text(" ", strip=True)
    assert "Gender ‘Male’" in explanation and "Gender ‘1’" not in explanation
    assert re.search(r"Date of birth ‘\d{1,2} [A-Z][a-z]+ \d{4}’", explanation), explanation


def test_the_date_error_links_to_the_day_box(verifier):
    response = submit(verifier, PATH, fields(month=""))
    link = page(response).select_one(".govuk-error-summary__list a")
    assert link["href"] == "#date_of_birth-day"


def test_a_partial_htmx_post_without_the_date_or_gender_still_works(verifier):
    token = csrf_from(verifier.get(PATH))
    response = verifier.post(PATH, headers=PANEL, data={
        "csrf_token": token, "uln": "1000000043", "given_name": "James", "family_name": "Smith"})
    assert response.status_code == 200
    assert "VRC001" in page(response).find(id="result-heading").get_text()


def test_learner_details_never_go_in_the_url(verifier):
    response = submit(verifier, PATH, fields())
    assert response.request.path == PATH and not response.request.query_string


@pytest.mark.parametrize("role", ["qcf_user", "edc_resolver", "ab_batch_user"])
def test_other_roles_are_refused(client, make_user, role):
    user = make_user(roles=[role], given="Other", family=role.replace("_", ""))
    sign_in(client, user.username)
    assert client.get(PATH).status_code == 403
    assert client.post(PATH, headers={"HX-Request": "true"}).status_code in (400, 403)


def test_without_a_date_of_birth_the_page_says_why_no_details_are_shown(verifier):
    html = page(submit(verifier, PATH, fields(given="Jim", day="", month="", year="")))
    assert html.find(id="result-heading").get_text(" ", strip=True).startswith("VRC003")
    assert html.find(id="held-details") is None
    assert "date of birth was not supplied" in html.find(id="details-withheld").get_text()


def test_a_uln_typed_in_groups_is_understood(verifier):
    html = page(submit(verifier, PATH, fields(uln="1000 000 043")))
    assert html.find(id="result-heading").get_text(" ", strip=True).startswith("VRC001")
