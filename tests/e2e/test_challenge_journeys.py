"""Event data challenges in a real browser: a provider raises one on a learner's record; the
resolver bulk-sets it in progress (no page load), processes it, withdraws the achievement
and resolves it upheld; the service desk's email arrives. And the inline row change that
opens Additional Comments."""

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.achievement_data import JAMES, OWN, load_registers
from tests.e2e.helpers import (
    PASSWORD,
    assert_console_clean,
    click_and_wait,
    htmx_settled,
    same_page,
    sign_in,
)
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models import User
from webapp.services import achievements
from webapp.services.achievements import NewAchievement, SubmittedLearner
from webapp.services.unit_of_work import unit_of_work

AWARDED = date(2019, 8, 22)


def people(live_server) -> dict:
    live_server.make_organisation()
    live_server.make_organisation("Southern Awards", "10067890")
    live_server.make_organisation("Riverside College", "10034567", kind="provider")
    with live_server.data():
        load_registers()
    resolver = live_server.make_user(password=PASSWORD, accept_terms=True,
                                     roles=("edc_resolver", "qcf_user"), given="Rita",
                                     family="Resolver", email_address="rita@exams.example")
    provider = live_server.make_user(ukprn="10034567", password=PASSWORD, accept_terms=True,
                                     roles=("provider_user",), given="Pat", family="Provider",
                                     email_address="pat@college.example")
    with live_server.data(), unit_of_work():
        actor = db.session.query(User).filter_by(username=resolver["username"]).one()
        achievements.create(actor, NewAchievement(SubmittedLearner(JAMES, "James", "Smith"),
                                                  OWN, AWARDED, "7"))
    return {"resolver": resolver, "provider": provider}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def open_from_menu(page: Page, item: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=item).click()
    expect(heading(page)).to_have_text(item)


def raise_disputed(page: Page, who: dict) -> str:
    page.goto("/sign-in")
    sign_in(page, who["username"], PASSWORD)
    open_from_menu(page, "View learner record")
    page.get_by_label("ULN", exact=True).fill(JAMES)
    page.get_by_label("Given Name", exact=True).fill("James")
    page.get_by_label("Family Name", exact=True).fill("Smith")
    click_and_wait(page, "Search")
    expect(page.locator("#learner-achievements")).to_contain_text("600/1166/X")
    page.get_by_role("link", name=re.compile("^Raise a data challenge")).click()
    expect(heading(page)).to_have_text("Raise a data challenge")
    page.get_by_label("The qualification does not belong to this learner").check()
    page.get_by_label("The qualification is disputed").check()
    page.get_by_label("Notes", exact=True).fill("The learner never took GCSE Maths with you")
    page.get_by_label("Contact", exact=True).fill("Pat Provider, 0161 496 0000")
    click_and_wait(page, "Raise data challenge")
    expect(heading(page)).to_have_text("My data challenges")
    row = page.locator("#raised-challenges tbody tr").first
    expect(row).to_contain_text("Open")
    return row.locator("td").first.inner_text().strip()


def test_raise_bulk_in_progress_process_withdraw_and_resolve(page, new_page, live_server,
                                                             console):
    who = people(live_server)
    reference = raise_disputed(page, who["provider"])
    assert live_server.outbox.to("rita@exams.example"), "the resolver is told"

    resolver = new_page()
    resolver.goto("/sign-in")
    sign_in(resolver, who["resolver"]["username"], PASSWORD)
    open_from_menu(resolver, "Event Data Challenges")
    resolver.wait_for_load_state("load")
    with same_page(resolver):
        resolver.get_by_label(f"Select {reference}").check()
        resolver.get_by_role("button", name="Set status to ‘In progress’").click()
        expect(resolver.locator("#bulk-outcome")).to_contain_text(
            "1 data challenge set to ‘In progress’")
        expect(resolver.locator("#challenges tbody tr").first).to_contain_text("In progress")
    htmx_settled(resolver)

    resolver.get_by_role("link", name=f"Process {reference}").click()
    expect(heading(resolver)).to_have_text(f"Process data challenge {reference}")
    expect(resolver.locator("#challenge-details")).to_contain_text("Riverside College")
    resolver.get_by_role("link", name=re.compile("^Withdraw achievement")).click()
    resolver.get_by_label("ULN", exact=True).fill(JAMES)
    resolver.get_by_label("Given name", exact=True).fill("James")
    resolver.get_by_label("Family name", exact=True).fill("Smith")
    resolver.get_by_label("Aim reference number", exact=True).fill(OWN)
    award = resolver.get_by_role("group", name="Date of the award")
    for label, value in (("Day", AWARDED.day), ("Month", AWARDED.month),
                         ("Year", AWARDED.year)):
        award.get_by_label(label, exact=True).fill(str(value))
    click_and_wait(resolver, "Search")
    action = resolver.get_by_role("group", name="Action Date")
    for label, value in (("Day", 1), ("Month", 11), ("Year", 2026)):
        action.get_by_label(label, exact=True).fill(str(value))
    resolver.get_by_role("radio", name=re.compile("^SUBINERROR")).check()
    click_and_wait(resolver, "Withdraw achievement")
    expect(heading(resolver)).to_contain_text("Achievement withdrawn")

    open_from_menu(resolver, "Event Data Challenges")
    resolver.get_by_role("link", name=f"Process {reference}").click()
    expect(resolver.locator("#challenged-1")).to_contain_text("Withdrawn")
    resolver.get_by_label("Status", exact=True).select_option(label="Resolved – Upheld")
    resolver.get_by_label("Additional Comments").fill("Withdrawn: uploaded to the wrong ULN")
    click_and_wait(resolver, "Save")
    expect(resolver.get_by_text(f"{reference} set to ‘Resolved – Upheld’.")).to_be_visible()

    desk = live_server.outbox.to(TestConfig.SERVICE_DESK_EMAIL)
    assert len(desk) == 1
    body = live_server.outbox.body(desk[0])
    assert reference in body and "Resolved – Upheld" in body and "wrong ULN" in body
    assert live_server.outbox.to("pat@college.example")
    page.reload()
    expect(page.locator("#raised-challenges")).to_contain_text("Resolved – Upheld")
    assert_console_clean(console)


def test_choosing_resolved_in_a_row_opens_additional_comments(page, new_page, live_server,
                                                             console):
    who = people(live_server)
    reference = raise_disputed(page, who["provider"])
    resolver = new_page()
    resolver.goto("/sign-in")
    sign_in(resolver, who["resolver"]["username"], PASSWORD)
    open_from_menu(resolver, "Event Data Challenges")
    resolver.wait_for_load_state("load")  # htmx has processed the page's selects
    htmx_settled(resolver)
    with same_page(resolver):
        resolver.get_by_label(f"Status of {reference}").select_option(
            label="Resolved – Rejected")
        comments = resolver.get_by_label(f"Additional Comments for {reference}")
        expect(comments).to_be_visible()
        htmx_settled(resolver)
        resolver.get_by_role("button", name=f"Update status of {reference}").click()
        expect(resolver.locator(".govuk-error-message")).to_contain_text(
            "Enter additional comments")
        htmx_settled(resolver)
        resolver.get_by_label(f"Additional Comments for {reference}").fill(
            "Checked: uploaded correctly")
        resolver.get_by_role("button", name=f"Update status of {reference}").click()
        expect(resolver.locator("#challenges tbody tr").first).to_contain_text(
            "Resolved – Rejected")
    assert_console_clean(console)
