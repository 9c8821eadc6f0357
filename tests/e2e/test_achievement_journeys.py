"""Manage Learner Achievements and Perform Credit Check in a real browser, as an
achievements user does them: create, Edit Grade inline (no page load), withdraw, reinstate,
move to a new learner, and a credit check; and Edit Grade without JavaScript."""

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.achievement_data import ANN, JAMES, UNIT, UNIT_2, UNIT_3, load_registers
from tests.e2e.helpers import (
    PASSWORD,
    assert_console_clean,
    click_and_wait,
    htmx_settled,
    same_page,
    sign_in,
)
from webapp.extensions import db
from webapp.models import User
from webapp.services import achievements
from webapp.services.achievements import NewAchievement, SubmittedLearner
from webapp.services.unit_of_work import unit_of_work

AWARDED = date(2019, 8, 22)


def achievements_user(live_server) -> dict:
    live_server.make_organisation()
    live_server.make_organisation("Southern Awards", "10067890")
    with live_server.data():
        load_registers()
    return live_server.make_user(password=PASSWORD, accept_terms=True, roles=("qcf_user",),
                                 given="Quinn", family="Achiever",
                                 email_address="quinn@exams.example")


def award_units_to_ann(live_server, username: str) -> None:
    """Ann's unit achievements, for the credit check at the end of the journey."""
    with live_server.data(), unit_of_work():
        actor = db.session.query(User).filter_by(username=username).one()
        for unit, when in ((UNIT, date(2020, 6, 1)), (UNIT_2, date(2020, 7, 1)),
                           (UNIT_3, date(2021, 6, 1))):
            achievements.create(actor, NewAchievement(SubmittedLearner(ANN, "Ann", "Lee"), unit,
                                                      when, "Pass"))


def fill_date(page: Page, group: str, when: date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day", exact=True).fill(str(when.day))
    fields.get_by_label("Month", exact=True).fill(str(when.month))
    fields.get_by_label("Year", exact=True).fill(str(when.year))


def fill_search(page: Page, reference: str = "6001166X") -> None:
    page.get_by_label("ULN", exact=True).fill(JAMES)
    page.get_by_label("Given name", exact=True).fill("James")
    page.get_by_label("Family name", exact=True).fill("Smith")
    page.get_by_label("Aim reference number", exact=True).fill(reference)
    fill_date(page, "Date of the award", AWARDED)


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def open_from_menu(page: Page, item: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=item).click()
    expect(heading(page)).to_have_text(item)


def test_create_edit_grade_withdraw_reinstate_move_and_credit_check(page, live_server,
                                                                     console):
    user = achievements_user(live_server)
    award_units_to_ann(live_server, user["username"])
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)

    # Create achievement → confirmation.
    open_from_menu(page, "Manage Learner Achievements")
    page.get_by_role("link", name="Create achievement").click()
    fill_search(page)
    page.get_by_label("UKPRN (optional)").fill("10034567")
    page.get_by_label("Grade (optional)").fill("7")
    page.get_by_label("Language (optional)").select_option("English")
    click_and_wait(page, "Create Achievement")
    expect(heading(page)).to_contain_text("Achievement created")

    # Search by ULN, then Edit Grade inline: the row becomes a select and comes back.
    open_from_menu(page, "Manage Learner Achievements")
    page.get_by_label("ULN", exact=True).fill(JAMES)
    with same_page(page):
        page.get_by_role("button", name="Search", exact=True).click()
        row = page.locator("#achievements tbody tr").first
        expect(row).to_contain_text("600/1166/X")
        htmx_settled(page)
        row.get_by_role("link", name=re.compile("^Edit Grade")).click()
        grade = page.get_by_label("Grade for 600/1166/X")
        expect(grade).to_have_value("7")
        htmx_settled(page)
        grade.select_option("9")
        page.get_by_role("button", name=re.compile("^Save changes")).click()
        expect(row.locator("[data-grade]")).to_have_text("9")
        expect(row).to_contain_text("Grade saved")

    # Withdraw: search → record → Action Date and Action Reason → success screen.
    page.get_by_role("link", name="Withdraw achievement").click()
    fill_search(page, "600/1166/X")
    click_and_wait(page, "Search")
    expect(page.locator("#found-achievement")).to_contain_text("600/1166/X")
    fill_date(page, "Action Date", date(2026, 11, 1))
    page.get_by_role("radio", name=re.compile("^SUBINERROR")).check()
    click_and_wait(page, "Withdraw achievement")
    expect(heading(page)).to_contain_text("Achievement withdrawn")

    # Reinstate it the same way.
    page.goto("/achievements")
    page.get_by_role("link", name="Reinstate Achievement").first.click()
    fill_search(page)
    click_and_wait(page, "Search")
    fill_date(page, "Action Date", date(2026, 11, 2))
    page.get_by_role("radio", name=re.compile("^ACHINVALID")).check()
    click_and_wait(page, "Reinstate achievement")
    expect(heading(page)).to_contain_text("Achievement reinstated")

    # Move to New Learner: new ULN → Continue → check → Save changes.
    page.goto("/achievements")   # the last search is remembered
    page.get_by_role("link", name=re.compile("^Move to New Learner")).click()
    page.get_by_label("New ULN").fill(ANN)
    click_and_wait(page, "Continue")
    expect(heading(page)).to_have_text("Check before you move the achievement")
    expect(page.locator("#target-learner")).to_contain_text("Ann")
    click_and_wait(page, "Save changes")
    expect(page.get_by_text("moved to the learner with ULN 1000102504")).to_be_visible()

    # Perform Credit Check: the answer appears under the form without a page load.
    open_from_menu(page, "Perform Credit Check")
    page.get_by_label("ULN", exact=True).fill(ANN)
    page.get_by_label("Qualification").select_option("650/9999/0")
    with same_page(page):
        page.get_by_role("button", name="Perform Credit Check").click()
        expect(page.locator("#verdict")).to_have_text("Credit check met")
    expect(page.locator("#credit-total")).to_have_text("13 credits of 12 required.")
    assert_console_clean(console)


def test_edit_grade_without_javascript(new_page, live_server, console):
    user = achievements_user(live_server)
    award_units_to_ann(live_server, user["username"])
    page = new_page(java_script_enabled=False)
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)
    page.goto("/achievements")
    page.get_by_label("ULN", exact=True).fill(ANN)
    click_and_wait(page, "Search")
    page.get_by_role("link", name="Edit Grade of K/501/5773").click()
    expect(heading(page)).to_have_text("Edit Grade")
    page.get_by_label("Grade", exact=True).select_option("Fail")
    click_and_wait(page, "Save changes")
    expect(page.get_by_text("Grade saved for K/501/5773.")).to_be_visible()
    expect(page.locator("#achievements")).to_contain_text("Fail")


def test_achievement_pages_have_no_accessibility_violations(browser, live_server):
    from tests.e2e.test_accessibility import AXE, violations

    assert AXE.exists(), "run `npm ci` (make assets) to install axe-core"
    user = achievements_user(live_server)
    award_units_to_ann(live_server, user["username"])
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    sign_in(page, user["username"], PASSWORD)
    problems = []

    def check(label: str) -> None:
        problems.extend(f"{label}: {problem}" for problem in violations(page))

    page.goto("/achievements")
    page.get_by_label("ULN", exact=True).fill(ANN)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#achievements")).to_be_visible()
    htmx_settled(page)
    check("search results")
    page.get_by_role("link", name="Edit Grade of K/501/5773").click()
    expect(page.get_by_label("Grade for K/501/5773")).to_be_visible()
    check("inline Edit Grade")
    page.goto("/achievements/new")
    click_and_wait(page, "Create Achievement")
    check("create with errors")
    page.goto("/achievements/withdraw")
    page.get_by_label("ULN", exact=True).fill(ANN)
    page.get_by_label("Given name", exact=True).fill("Ann")
    page.get_by_label("Family name", exact=True).fill("Lee")
    page.get_by_label("Aim reference number", exact=True).fill(UNIT)
    fill_date(page, "Date of the award", date(2020, 6, 1))
    click_and_wait(page, "Search")
    check("withdraw, record found")
    page.goto("/achievements/1/move")
    page.get_by_label("New ULN").fill(JAMES)
    click_and_wait(page, "Continue")
    check("move check page")
    page.goto("/achievements/credit-check")
    page.get_by_label("ULN", exact=True).fill(ANN)
    page.get_by_label("Qualification").select_option("650/9999/0")
    page.get_by_role("button", name="Perform Credit Check").click()
    expect(page.locator("#verdict")).to_be_visible()
    check("credit check result")
    context.close()
    assert problems == [], "\n".join(problems)
