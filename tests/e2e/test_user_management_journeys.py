"""User Management journeys in a real browser, as a super user would do them: searching as
they type, suspending and reinstating inline in the results table (HTMX, no page load),
creating a user who then registers from the welcome email, and deleting a user with a
confirmation both with and without JavaScript."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PASSWORD,
    assert_console_clean,
    click_and_wait,
    error_summary,
    same_page,
    sign_in,
)
from webapp.services.sign_in import SUSPENDED_MESSAGE

OTHERS = {  # given, family; all Active awarding body users in the super user's organisation
    "alice": ("Alice", "Archer"),
    "alina": ("Alina", "Cole"),
    "bob": ("Bob", "Baker"),
}


def organisation_with_users(live_server) -> dict[str, dict]:
    """A super user (terms accepted) and a few other active users, by first name."""
    live_server.make_organisation()
    people = {"sam": live_server.make_user(
        given="Sam", family="Super", email_address="sam.super@exams.example",
        roles=("super_user",), password=PASSWORD, accept_terms=True)}
    for key, (given, family) in OTHERS.items():
        people[key] = live_server.make_user(
            given=given, family=family, email_address=f"{given}.{family}@exams.example".lower(),
            password=PASSWORD, accept_terms=True)
    return people


def signed_in(page: Page, user: dict) -> None:
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Learner Management")


def open_find_user(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find user")


def result_rows(page: Page):
    return page.locator("#user-results tbody tr")


def result_row(page: Page, username: str):
    return result_rows(page).filter(has_text=username)


def status_tag(scope):
    return scope.locator("[data-status] .govuk-tag").first


# --- 1. Find user: active search --------------------------------------------------------------

def test_find_user_searches_as_you_type(page, live_server, console):
    people = organisation_with_users(live_server)
    signed_in(page, people["sam"])
    open_find_user(page)
    rows = result_rows(page)
    expect(rows).to_have_count(4)

    given_name = page.get_by_label("Given name", exact=True)
    with same_page(page):
        given_name.press_sequentially("Ali")
        expect(rows).to_have_count(2)
        expect(page).to_have_url(re.compile(r"/users\?(.*&)?given_name=Ali(&|$)"))

        given_name.press_sequentially("c")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text(people["alice"]["username"])
        expect(page).to_have_url(re.compile(r"[?&]given_name=Alic(&|$)"))

        given_name.fill("Zebedee")
        results = page.locator("#user-results")
        expect(results.get_by_text("No users match the selected criteria")).to_be_visible()
        expect(results.get_by_role("link", name="Create user")).to_be_visible()
        expect(rows).to_have_count(0)
        expect(page).to_have_url(re.compile(r"[?&]given_name=Zebedee(&|$)"))

    assert_console_clean(console)


# --- 2. Suspend and reinstate in the results row ----------------------------------------------

def test_suspend_and_reinstate_inline_signs_the_user_out(page, new_page, live_server, console):
    people = organisation_with_users(live_server)
    bob = people["bob"]
    bobs_browser = new_page()
    signed_in(bobs_browser, bob)  # before he is suspended

    signed_in(page, people["sam"])
    open_find_user(page)
    row = result_row(page, bob["username"])
    expect(status_tag(row)).to_have_text("Active")

    with same_page(page):
        # No reason: the form stays open with the error beside the field, which has focus,
        # and Bob is still active.
        row.locator("summary").filter(has_text="Suspend").click()
        row.get_by_role("button", name="Suspend user").click()
        reason = row.get_by_label(f"Reason for suspending {bob['username']}", exact=True)
        expect(row.locator(".govuk-error-message")).to_have_text(
            "Error: Enter the reason for suspending this user")
        expect(reason).to_be_visible()
        expect(reason).to_be_focused()
        expect(status_tag(row)).to_have_text("Active")

        reason.fill("Left the organisation")
        row.get_by_role("button", name="Suspend user").click()
        expect(status_tag(row)).to_have_text("Suspended")
        expect(row.get_by_role("status")).to_have_text(f"{bob['username']} is suspended.")
        expect(row.locator("[data-status]")).to_be_focused()
        expect(row.locator(".govuk-error-message")).to_have_count(0)
        expect(row.locator("summary")).to_have_count(0)
        reinstate = row.get_by_role("button", name=f"Reinstate {bob['username']}")
        expect(reinstate).to_be_visible()

    # Bob's own browser is signed out at its next page load, and he cannot sign in again:
    # with his right password he is told why, and whom to ask.
    bobs_browser.reload()
    expect(bobs_browser.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the Learning Records Service")
    sign_in(bobs_browser, bob["username"], PASSWORD)
    expect(error_summary(bobs_browser).get_by_role("listitem")).to_have_text(
        [SUSPENDED_MESSAGE])

    with same_page(page):
        reinstate.click()
        expect(status_tag(row)).to_have_text("Active")
        expect(row.get_by_role("status")).to_have_text(f"{bob['username']} is reinstated.")
        expect(row.locator("[data-status]")).to_be_focused()
        expect(row.locator("summary").filter(has_text="Suspend")).to_be_visible()

    sign_in(bobs_browser, bob["username"], PASSWORD)
    expect(bobs_browser.get_by_role("heading", level=1)).to_have_text("Learner Management")
    assert_console_clean(console)


# --- 3. Create user, who then registers --------------------------------------------------------

def test_created_user_registers_from_the_welcome_email(page, new_page, live_server, console):
    people = organisation_with_users(live_server)
    signed_in(page, people["sam"])
    open_find_user(page)
    page.get_by_label("Given name", exact=True).fill("Dora")
    results = page.locator("#user-results")
    expect(results).to_contain_text("No users match the selected criteria")
    results.get_by_role("link", name="Create user").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create user")
    expect(page.get_by_label("Given name", exact=True)).to_have_value("Dora")  # carried over
    page.get_by_label("Family name", exact=True).fill("Explorer")
    page.get_by_label("Email", exact=True).fill("dora.explorer@exams.example")
    page.get_by_label("Verification provided", exact=True).fill("Staff ID 4471")
    page.get_by_label("Awarding body user", exact=True).check()
    click_and_wait(page, "Create User")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dora Explorer")
    expect(page.get_by_text(
        "User dora.explorer created. We have emailed them a link to finish registering."
    )).to_be_visible()
    username = page.locator(".govuk-summary-list__row").filter(
        has=page.get_by_text("Username", exact=True)).locator("dd")
    expect(username).to_have_text("dora.explorer")
    expect(status_tag(page.locator("#user-status"))).to_have_text("Inactive")

    # Dora, in her own browser, from the welcome email to the Learner Management page.
    dora = new_page()
    dora.goto(live_server.outbox.newest_link("dora.explorer@exams.example"))
    expect(dora.get_by_role("heading", level=1)).to_have_text("Change password")
    dora.get_by_label("Username", exact=True).fill("dora.explorer")
    dora.get_by_label("New password", exact=True).fill(PASSWORD)
    dora.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    click_and_wait(dora, "Change password")
    expect(dora.get_by_text("Your password has been created. Sign in to continue.")).to_be_visible()
    sign_in(dora, "dora.explorer", PASSWORD)
    expect(dora.get_by_role("heading", level=1)).to_have_text("Terms of the user agreement")
    dora.get_by_label("I accept the terms of the LRS user agreement").check()
    click_and_wait(dora, "Accept and continue")
    expect(dora.get_by_role("heading", level=1)).to_have_text("Learner Management")

    page.reload()
    expect(status_tag(page.locator("#user-status"))).to_have_text("Active")
    assert_console_clean(console)


# --- 4. Delete, with confirmation -------------------------------------------------------------

def open_view_user(page: Page, user: dict) -> None:
    open_find_user(page)
    result_row(page, user["username"]).get_by_role(
        "link", name=f"View user {user['username']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(user["full_name"])


def test_delete_user_with_javascript_shows_confirm_delete_in_the_page(page, live_server,
                                                                       console):
    people = organisation_with_users(live_server)
    alice = people["alice"]
    signed_in(page, people["sam"])
    open_view_user(page, alice)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.get_by_role("link", name="Delete User").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete {alice['full_name']}?")
    page.get_by_role("link", name="Cancel").click()  # changes nothing
    expect(status_tag(page.locator("#user-status"))).to_have_text("Active")

    page.get_by_role("link", name="Delete User").click()
    click_and_wait(page, "Confirm delete")
    assert dialogs == []  # never the browser's confirm() box
    expect(status_tag(page.locator("#user-status"))).to_have_text("Deleted")
    expect(page.get_by_text(f"{alice['username']} has been deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Delete User")).to_have_count(0)
    assert_console_clean(console)


def test_delete_user_without_javascript_has_a_confirmation_page(new_page, live_server,
                                                                console):
    people = organisation_with_users(live_server)
    alice = people["alice"]
    page = new_page(java_script_enabled=False)
    signed_in(page, people["sam"])
    open_view_user(page, alice)

    page.get_by_role("link", name="Delete User").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete {alice['full_name']}?")
    click_and_wait(page, "Confirm delete")

    expect(page.get_by_role("heading", level=1)).to_have_text(alice["full_name"])
    expect(status_tag(page.locator("#user-status"))).to_have_text("Deleted")
    expect(page.get_by_text(f"{alice['username']} has been deleted.")).to_be_visible()
    assert_console_clean(console)


def test_select_all_ticks_and_follows_the_role_boxes(page, live_server, console):
    people = organisation_with_users(live_server)
    signed_in(page, people["sam"])
    open_find_user(page)
    select_all = page.get_by_label("Select all", exact=True)
    roles = page.get_by_role("group", name="Select role(s)").get_by_role("checkbox")
    expect(select_all).to_be_checked()
    with same_page(page):
        page.get_by_label("LRS super user", exact=True).uncheck()
        expect(select_all).not_to_be_checked()
        expect(result_rows(page)).to_have_count(len(OTHERS))  # the super user is filtered out
        select_all.check()
        for index in range(roles.count()):
            expect(roles.nth(index)).to_be_checked()
        expect(result_rows(page)).to_have_count(len(OTHERS) + 1)
    assert_console_clean(console)


# --- 5. Focus and the keyboard -----------------------------------------------------------------

def focused(page: Page) -> dict:
    return page.evaluate("""() => {
        const element = document.activeElement;
        return {id: element.id, status: element.hasAttribute('data-status'),
                text: element.innerText.replace(/\\s+/g, ' ').trim()};
    }""")


def tab_to(page: Page, accessible_name: str, limit: int = 80) -> None:
    """Press Tab until the focused element has this accessible name (as a person using a
    keyboard would), failing if it never comes."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("""() => {
            const e = document.activeElement;
            return (e.getAttribute('aria-label') || e.innerText || e.value || '')
                .replace(/\\s+/g, ' ').trim();
        }""")
        if name == accessible_name:
            return
    raise AssertionError(f"Tab never reached “{accessible_name}”")


def test_focus_after_each_inline_action_on_view_user(page, live_server, console):
    people = organisation_with_users(live_server)
    bob = people["bob"]
    live_server.make_user(password=PASSWORD, accept_terms=True, given="Lou", family="Locked",
                          email_address="lou.locked@exams.example", locked=True)
    signed_in(page, people["sam"])
    open_view_user(page, bob)
    status = page.locator("#user-status [data-status]")
    with same_page(page):
        page.locator("#user-status summary").click()
        page.get_by_label(f"Reason for suspending {bob['username']}").fill("On leave")
        page.get_by_role("button", name="Suspend user").click()
        expect(status).to_be_focused()
        expect(status).to_contain_text(f"{bob['username']} is suspended.")
        expect(page.locator("#suspension-reason")).to_have_text(
            "Reason for suspension: On leave")
        page.get_by_role("button", name=f"Reinstate {bob['username']}").click()
        expect(status).to_be_focused()
        expect(status).to_contain_text(f"{bob['username']} is reinstated.")

    open_find_user(page)
    row = result_row(page, "lou.locked")
    with same_page(page):
        row.get_by_role("button", name="Unlock lou.locked").click()
        expect(row.locator("[data-status]")).to_be_focused()
        expect(row.get_by_role("status")).to_have_text("lou.locked is unlocked.")
    assert focused(page)["status"]
    assert_console_clean(console)


def test_keyboard_only_suspend_reinstate_delete(page, live_server, console):
    people = organisation_with_users(live_server)
    bob = people["bob"]
    signed_in(page, people["sam"])
    open_find_user(page)
    row = result_row(page, bob["username"])
    page.get_by_label("Given name", exact=True).focus()

    with same_page(page):
        tab_to(page, f"Suspend {bob['username']}")
        page.keyboard.press("Enter")  # opens the details
        page.keyboard.press("Tab")
        page.keyboard.type("Left the organisation")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Suspend user
        expect(status_tag(row)).to_have_text("Suspended")
        expect(row.locator("[data-status]")).to_be_focused()

        # From the status, the next stop is the row's Reinstate button.
        tab_to(page, f"Reinstate {bob['username']}", limit=5)
        page.keyboard.press("Enter")
        expect(status_tag(row)).to_have_text("Active")
        expect(row.locator("[data-status]")).to_be_focused()

    tab_to(page, f"View user {bob['username']}", limit=3)  # the next stop after the status
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(bob["full_name"])
    tab_to(page, "Delete User")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete {bob['full_name']}?")
    tab_to(page, "Confirm delete")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(status_tag(page.locator("#user-status"))).to_have_text("Deleted")
    assert_console_clean(console)


def test_a_replaced_active_search_is_quiet(page, live_server, console):
    people = organisation_with_users(live_server)
    signed_in(page, people["sam"])
    open_find_user(page)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    def slowly(route):
        import time

        time.sleep(0.5)  # each search is still running when the next is asked for
        route.continue_()

    page.route(re.compile(r"/users\?"), slowly)
    with same_page(page):
        page.get_by_label("Given name", exact=True).press_sequentially("Ali", delay=450)
        page.get_by_label("Status", exact=True).select_option("Inactive")
        page.get_by_label("Status", exact=True).select_option("Active")
        expect(result_rows(page)).to_have_count(2)
        expect(page).to_have_url(re.compile(r"given_name=Ali&.*status=Active"))
    page.unroute(re.compile(r"/users\?"))
    assert console.errors == [] and failed == []


def test_view_user_buttons_line_up(page, live_server):
    """‘Resend Welcome Email’ sits in its own small form; it lines up with its neighbours."""
    people = organisation_with_users(live_server)
    live_server.make_user(given="Nia", family="New", email_address="nia.new@exams.example")
    signed_in(page, people["sam"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/users?status=Inactive")
    result_row(page, "nia.new").get_by_role("link", name="View user nia.new").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia New")
    group = page.locator(".govuk-button-group").filter(has_text="Resend Welcome Email")
    tops = {name: round(group.get_by_role(role, name=name).bounding_box()["y"])
            for role, name in (("link", "Edit user"), ("button", "Resend Welcome Email"),
                               ("link", "Delete User"))}
    assert len(set(tops.values())) == 1, tops
