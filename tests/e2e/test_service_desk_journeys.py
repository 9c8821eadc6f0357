"""The service desk in a browser: creating an organisation offers only the roles of the
kind chosen; the desk creates its first super user and can resend the welcome email."""

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, assert_console_clean, click_and_wait, sign_in


def test_the_desk_sets_up_an_organisation_and_its_super_user(page, live_server, console):
    live_server.make_organisation("LRS Service Desk", "10000000", kind="service-desk")
    desk = live_server.make_user(ukprn="10000000", password=PASSWORD, accept_terms=True,
                                 given="Dee", family="Desk", roles=("service_desk",),
                                 email_address="dee.desk@education.example")
    page.goto("/sign-in")
    sign_in(page, desk["username"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Service desk")
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Create organisation").click()

    awarding = page.get_by_role("group", name="Roles an awarding organisation may grant")
    provider = page.get_by_role("group", name="Roles a learning provider may grant")
    expect(awarding).to_be_hidden()
    expect(provider).to_be_hidden()
    page.get_by_label("Learning provider", exact=True).check()
    expect(provider).to_be_visible()
    expect(awarding).to_be_hidden()
    expect(provider.get_by_role("checkbox")).to_have_count(2)
    page.get_by_label("Awarding organisation", exact=True).check()
    expect(awarding).to_be_visible()
    expect(provider).to_be_hidden()
    awarding.get_by_label("EDC resolver", exact=True).uncheck()

    page.get_by_label("Organisation name", exact=True).fill("Western Awards")
    page.get_by_label("UKPRN", exact=True).fill("10000555")
    click_and_wait(page, "Create organisation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Western Awards")
    expect(page.get_by_text("UKPRN 10000555 · Awarding organisation")).to_be_visible()

    page.get_by_role("link", name="Create super user").click()
    page.get_by_label("Given name", exact=True).fill("Wendy")
    page.get_by_label("Family name", exact=True).fill("West")
    page.get_by_label("Email", exact=True).fill("wendy@western.example")
    page.get_by_label("Verification provided", exact=True).fill("Phone call")
    click_and_wait(page, "Create User")
    click_and_wait(page, "Resend Welcome Email wendy.west")
    expect(page.get_by_text("A new welcome email has been sent to wendy.west")).to_be_visible()
    assert len(live_server.outbox.to("wendy@western.example")) == 2
    assert_console_clean(console)
