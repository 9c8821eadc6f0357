"""Verify Single Learner journeys in a real browser, as an awarding body user would do them:
opening the page from the menu, typing the learner's details into fields found by their
labels and pressing 'Verify'. With JavaScript the result appears under the form without a
page load (HTMX) and focus moves to it; without JavaScript the form posts and the page comes
back with the result. The learner's details are always POSTed, never put in a URL."""

from datetime import date
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.helpers import (
    INVALID_ULN,
    LINKED_ULN,
    MASTER_ULN,
    VERIFY_PATH,
    assert_console_clean,
    assert_no_query_string,
    awarding_body_user,
    click_and_wait,
    error_summary,
    fill_details,
    focused_id,
    held_detail,
    open_verify_single_learner,
    press_verify,
    result,
    result_heading,
)

# --- 1. Exact match, without a page load ------------------------------------------------------

def test_exact_match_appears_under_the_form_and_takes_focus(page, live_server, console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN, given="James", family="Wilson",
                             date_of_birth=date(2008, 3, 27), gender="1")
    open_verify_single_learner(page, user)
    expect(result(page)).to_have_count(0)

    fill_details(page, MASTER_ULN, "James", "Wilson", date(2008, 3, 27), "Male")
    press_verify(page)

    expect(result_heading(page)).to_have_text("VRC001 – Exact match")
    expect(result(page).get_by_text(
        "You do not need to take any further action", exact=False)).to_be_visible()
    expect(held_detail(page, "ULN")).to_have_text(MASTER_ULN)
    expect(held_detail(page, "Given name")).to_have_text("James")
    expect(held_detail(page, "Family name")).to_have_text("Wilson")
    expect(held_detail(page, "Date of birth")).to_have_text("27 March 2008")
    expect(held_detail(page, "Gender")).to_have_text("Male")
    expect(result(page).locator("#failure-flags")).to_have_text("None.")
    # The result is under the form, and the form keeps what was typed.
    assert page.locator("form + #verify-result > #verification-result").count() == 1
    expect(page.get_by_label("ULN", exact=True)).to_have_value(MASTER_ULN)

    # Focus moves to the result, so a screen reader announces it. (to_be_focused retries;
    # page.wait_for_function would need eval, which the Content-Security-Policy refuses.)
    expect(result_heading(page)).to_be_focused()
    assert focused_id(page) == "result-heading"
    assert_no_query_string(page)
    assert_console_clean(console)


# --- 2. Possible match: a nickname --------------------------------------------------------------

def test_nickname_is_a_possible_match_with_an_explanation(page, live_server, console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN, given="James", family="Wilson")
    open_verify_single_learner(page, user)

    # Held details come back only with the date of birth (issue 8).
    fill_details(page, MASTER_ULN, "Jim", "Wilson", date(2008, 3, 27))
    press_verify(page)

    expect(result_heading(page)).to_have_text("VRC003 – Possible match")
    explanation = result(page).locator("#explanation li")
    expect(explanation.filter(has_text="Given name ‘Jim’")).to_contain_text(
        "short form or nickname")
    expect(explanation.filter(has_text="Given name ‘Jim’")).to_contain_text("‘James’")
    expect(result(page).locator("#next-step")).to_contain_text(
        "Check the differences between the supplied information and the information returned")
    expect(held_detail(page, "Given name")).to_have_text("James")
    assert_console_clean(console)


# --- 3. A linked ULN answers with the master's details ------------------------------------------

def test_linked_uln_is_an_exact_linked_match_with_the_masters_details(page, live_server,
                                                                      console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN, given="Priya", family="Patel",
                             date_of_birth=date(2007, 11, 2), gender="2")
    live_server.make_learner(LINKED_ULN, given="Priya", family="Patel",
                             date_of_birth=date(2007, 11, 2), gender="2",
                             master_uln=MASTER_ULN)
    open_verify_single_learner(page, user)

    fill_details(page, LINKED_ULN, "Priya", "Patel", date(2007, 11, 2), "Female")
    press_verify(page)

    expect(result_heading(page)).to_have_text("VRC002 – Exact linked match")
    expect(result(page).get_by_role("heading", level=3, name="Details held for the master "
                                    "learner")).to_be_visible()
    expect(held_detail(page, "ULN")).to_have_text(MASTER_ULN)
    expect(result(page).locator("#next-step")).to_contain_text("‘master’ learner")
    assert_console_clean(console)


# --- 4. Errors, and no names in the URL ---------------------------------------------------------

def test_invalid_uln_shows_the_error_and_keeps_names_out_of_the_url(page, live_server,
                                                                    console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN, given="James", family="Wilson")
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    open_verify_single_learner(page, user)

    fill_details(page, INVALID_ULN, "Bartholomew", "Fortescue", date(2008, 3, 27), "Male")
    press_verify(page)

    summary = error_summary(page)
    expect(summary).to_be_visible()
    message = "ULN is not valid: check the 10 digits (the last digit is a check digit)"
    expect(summary.get_by_role("listitem")).to_have_text([message])
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#uln")
    expect(page.locator("#uln-error")).to_contain_text(message)
    expect(result(page)).to_have_count(0)
    # As without JavaScript: ‘Error: ’ in the title, the summary above the heading, focused.
    expect(page).to_have_title("Error: Verify Single Learner – Learning Records Service – "
                               "GOV.UK")
    assert page.evaluate("""() => !!(document.querySelector('.govuk-error-summary')
        .compareDocumentPosition(document.querySelector('h1'))
        & Node.DOCUMENT_POSITION_FOLLOWING)""")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    # What was typed is still there to correct.
    expect(page.get_by_label("Given name", exact=True)).to_have_value("Bartholomew")

    page.get_by_label("ULN", exact=True).fill(MASTER_ULN)
    page.get_by_label("Given name", exact=True).fill("James")
    page.get_by_label("Family name", exact=True).fill("Wilson")
    press_verify(page)
    expect(result_heading(page)).to_have_text("VRC001 – Exact match")
    expect(error_summary(page)).to_have_count(0)
    expect(page).to_have_title("Verify Single Learner – Learning Records Service – GOV.UK")

    assert_no_query_string(page)
    verifications = [(method, url) for method, url in requests
                     if urlsplit(url).path == VERIFY_PATH and method != "GET"]
    assert [method for method, _ in verifications] == ["POST", "POST"]
    for _, url in requests:
        for name in ("Bartholomew", "Fortescue", "James", "Wilson"):
            assert name not in url, url
    assert_console_clean(console)


# --- 5. Without JavaScript ----------------------------------------------------------------------

def test_without_javascript_the_form_posts_and_the_page_shows_the_result(new_page,
                                                                         live_server,
                                                                         console):
    user = awarding_body_user(live_server)
    live_server.make_learner(MASTER_ULN, given="James", family="Wilson",
                             date_of_birth=date(2008, 3, 27), gender="1")
    page = new_page(java_script_enabled=False)
    open_verify_single_learner(page, user)

    fill_details(page, INVALID_ULN, "James", "Wilson")
    click_and_wait(page, "Verify")
    expect(page).to_have_title("Error: Verify Single Learner – Learning Records Service – "
                               "GOV.UK")
    expect(error_summary(page).get_by_role("listitem")).to_contain_text(["ULN is not valid"])
    assert_no_query_string(page)

    fill_details(page, MASTER_ULN, "James", "Wilson", date(2008, 3, 27), "Male")
    click_and_wait(page, "Verify")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Single Learner")
    expect(result_heading(page)).to_have_text("VRC001 – Exact match")
    expect(result(page).get_by_text(
        "You do not need to take any further action", exact=False)).to_be_visible()
    expect(held_detail(page, "ULN")).to_have_text(MASTER_ULN)
    expect(error_summary(page)).to_have_count(0)
    expect(page.get_by_label("Family name", exact=True)).to_have_value("Wilson")
    assert_no_query_string(page)
    assert_console_clean(console)

