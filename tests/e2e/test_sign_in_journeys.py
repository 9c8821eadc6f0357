"""Sign-in journeys in a real browser, as a person would do them: following the links in
the emails, finding fields by their labels and buttons by their text."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, click_and_wait, error_summary, sign_in
from webapp.services.errors import SignInRefused

NEW_PASSWORD = "plum kettle orbit saxophone"


def first_sign_in(page: Page, live_server) -> dict:
    """From the welcome email to the Learner Management page; returns the user."""
    live_server.make_organisation()
    user = live_server.make_user()  # no password: Inactive, with a welcome email
    welcome = live_server.outbox.newest(user["email"])
    assert user["username"] in live_server.outbox.body(welcome)

    page.goto(live_server.outbox.newest_link(user["email"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")

    # GOV.UK password input: the 'Show' button reveals what was typed, and hides it again.
    new_password = page.get_by_label("New password", exact=True)
    new_password.fill(PASSWORD)
    expect(new_password).to_have_attribute("type", "password")
    show = page.get_by_role("button", name="Show password").first
    expect(show).to_be_visible()
    expect(show).to_have_text("Show")
    show.click()
    expect(new_password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide password").first.click()
    expect(new_password).to_have_attribute("type", "password")

    page.get_by_label("Username", exact=True).fill(user["username"])
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    click_and_wait(page, "Change password")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the Learning Records Service")
    expect(page.get_by_text("Your password has been created. Sign in to continue.")).to_be_visible()

    sign_in(page, user["username"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Terms of the user agreement")
    page.get_by_label("I accept the terms of the LRS user agreement").check()
    click_and_wait(page, "Accept and continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Learner Management")
    return user


def test_first_sign_in_from_the_welcome_email(page, live_server):
    user = first_sign_in(page, live_server)

    header = page.locator(".govuk-template__header")
    expect(header).to_contain_text(user["username"])
    expect(header).to_contain_text(user["organisation"])
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == f"{live_server.url}/learner-management"


def test_first_sign_in_breaks_no_content_security_policy(page, live_server, console):
    first_sign_in(page, live_server)

    assert console.csp_violations() == [], console.errors
    assert [e for e in console.errors if e.startswith("uncaught:")] == [], console.errors


def test_five_wrong_passwords_lock_the_account(page, live_server):
    live_server.make_organisation()
    user = live_server.make_user(password=PASSWORD, accept_terms=True)
    page.goto("/sign-in")

    shown = []
    for attempt in range(5):
        sign_in(page, user["username"], f"not my password {attempt}")
        expect(error_summary(page)).to_be_visible()
        shown.append(error_summary(page).get_by_role("listitem").all_inner_texts())
    assert shown == [[SignInRefused.GENERIC]] * 5  # one generic error, the same every time

    sign_in(page, user["username"], PASSWORD)  # the right one, too late
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the Learning Records Service")
    expect(error_summary(page).get_by_role("listitem")).to_have_text([SignInRefused.GENERIC])

    locked = [s for s in live_server.outbox.subjects(user["email"]) if "locked" in s]
    assert locked == ["Your Learning Records Service account is locked"]


def test_forgotten_password_unlocks_the_account(page, live_server):
    live_server.make_organisation()
    user = live_server.make_user(password=PASSWORD, accept_terms=True, locked=True)

    page.goto("/sign-in")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I have forgotten my password")
    page.get_by_label("Username or email address").fill(user["username"])
    click_and_wait(page, "Send reset link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    reset_link = live_server.outbox.newest_link(user["email"])
    assert "/reset-password/" in reset_link
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    click_and_wait(page, "Change password")

    expect(page.get_by_text(
        "Your password has been changed. Sign in with your new password.")).to_be_visible()
    sign_in(page, user["username"], NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Learner Management")
    expect(page).to_have_url(re.compile(r"/learner-management$"))
    assert "Your Learning Records Service password was changed" in (
        live_server.outbox.subjects(user["email"]))

    page.goto(reset_link)  # each link works once
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(page.get_by_text("This link has already been used.")).to_be_visible()
